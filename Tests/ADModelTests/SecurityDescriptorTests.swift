import ADModel
import Testing

/// Hex helper for fixtures.
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.filter { $0.isHexDigit })
    return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
}

@Suite("Security descriptor: binary and SDDL")
struct SecurityDescriptorTests {
    static let domain = try! SID(string: "S-1-5-21-1-2-3")
    static let context = SDDLContext(domain: domain)

    /// A CA `Security` value as Windows writes it (SACL/DACL before owner/group): owner BA, group BA,
    /// DACL: allow Enroll (0x200) to AU, allow Manage CA + Officer (0x3) to BA.
    static let caSecurityHex = """
        01 00 04 80 48 00 00 00 58 00 00 00 00 00 00 00 14 00 00 00
        02 00 34 00 02 00 00 00
        00 00 14 00 00 02 00 00 01 01 00 00 00 00 00 05 0B 00 00 00
        00 00 18 00 03 00 00 00 01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00
        01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00
        01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00
        """

    @Test("decodes a hand-assembled CA Security value and re-encodes it byte for byte")
    func binaryFixture() throws {
        let raw = bytes(hex: Self.caSecurityHex)
        let descriptor = try SecurityDescriptor(selfRelative: raw)
        #expect(descriptor.owner == .builtinAdministrators)
        #expect(descriptor.group == .builtinAdministrators)
        #expect(descriptor.sacl == nil)
        let aces = try #require(descriptor.dacl?.aces)
        #expect(aces.count == 2)
        #expect(aces[0] == ACE(type: .accessAllowed, mask: AccessMask(rawValue: 0x200), sid: .authenticatedUsers))
        #expect(aces[1] == ACE(type: .accessAllowed, mask: AccessMask(rawValue: 0x3), sid: .builtinAdministrators))
        #expect(try descriptor.selfRelativeBytes() == raw)
        #expect(try descriptor.sddl() == "O:BAG:BAD:(A;;0x200;;;AU)(A;;CCDC;;;BA)")
    }

    @Test("every truncation of a valid descriptor is a typed error, never a trap")
    func truncations() throws {
        let raw = bytes(hex: Self.caSecurityHex)
        for length in 0..<raw.count {
            #expect(throws: BinaryFormatError.self) { try SecurityDescriptor(selfRelative: Array(raw.prefix(length))) }
        }
    }

    @Test("corrupted offsets, sizes and revisions are typed errors")
    func corruptions() {
        let raw = bytes(hex: Self.caSecurityHex)
        var badRevision = raw
        badRevision[0] = 2
        var ownerInHeader = raw
        ownerInHeader[4] = 0x08
        var ownerPastEnd = raw
        ownerPastEnd[5] = 0x7F
        var aclTooLarge = raw
        aclTooLarge[22] = 0xFF
        var aceTooLarge = raw
        aceTooLarge[30] = 0x7F
        var tooManyACEs = raw
        tooManyACEs[24] = 0xFF
        var badACLRevision = raw
        badACLRevision[20] = 9
        for corrupted in [
            badRevision, ownerInHeader, ownerPastEnd, aclTooLarge, aceTooLarge, tooManyACEs, badACLRevision,
        ] {
            #expect(throws: BinaryFormatError.self) { try SecurityDescriptor(selfRelative: corrupted) }
        }
    }

    @Test("NULL DACL (present, offset 0) and missing DACL decode to nil; an empty DACL stays empty")
    func nullAndEmptyDACL() throws {
        let nullDACL: [UInt8] = [1, 0, 0x04, 0x80] + [UInt8](repeating: 0, count: 16)
        let parsed = try SecurityDescriptor(selfRelative: nullDACL)
        #expect(parsed.dacl == nil)
        #expect(parsed.control.contains(.daclPresent))
        #expect(try parsed.sddl() == "D:NO_ACCESS_CONTROL")
        let empty = try SecurityDescriptor(sddl: "D:")
        #expect(empty.dacl == ACL(aces: []))
        #expect(try SecurityDescriptor(selfRelative: try empty.selfRelativeBytes()).dacl == ACL(aces: []))
    }

    @Test("object ACEs carry GUIDs through binary and SDDL")
    func objectACE() throws {
        let sddl =
            "O:DAG:DAD:PAI(OA;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;DU)"
            + "(OA;CIIO;RP;4c164200-20c0-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;RU)(A;;0x200;;;AU)"
        let descriptor = try SecurityDescriptor(sddl: sddl, context: Self.context)
        let enroll = try #require(descriptor.dacl?.aces.first)
        #expect(enroll.type == .accessAllowedObject)
        #expect(enroll.objectType == ExtendedRight.certificateEnrollment)
        #expect(enroll.sid == (try SID(string: "S-1-5-21-1-2-3-513")))
        #expect(descriptor.dacl?.revision == 4)
        #expect(descriptor.control.contains(.daclProtected))
        #expect(descriptor.control.contains(.daclAutoInherited))
        #expect(try descriptor.sddl(context: Self.context) == sddl)
        let binary = try descriptor.selfRelativeBytes()
        let decoded = try SecurityDescriptor(selfRelative: binary)
        #expect(decoded.dacl == descriptor.dacl)
        #expect(decoded.owner == descriptor.owner)
        // GUID binary layout: Data1..Data3 little-endian.
        #expect(enroll.objectType?.bytes.prefix(4) == [0x68, 0xC9, 0x10, 0x0E])
    }

    @Test(
        "rights: aliases, composites and numbers",
        arguments: [
            ("(A;;0x200;;;AU)", 0x200), ("(A;;512;;;AU)", 0x200), ("(A;;CR;;;AU)", 0x100),
            ("(A;;GA;;;AU)", 0x1000_0000),
            ("(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;AU)", 0xF01FF), ("(A;;FA;;;AU)", 0x1F01FF), ("(A;;KA;;;AU)", 0xF003F),
            ("(A;;0xF01FF;;;AU)", 0xF01FF), ("(A;;cr;;;au)", 0x100),
        ] as [(String, UInt32)])
    func rights(ace: String, mask: UInt32) throws {
        let descriptor = try SecurityDescriptor(sddl: "D:" + ace)
        #expect(descriptor.dacl?.aces.first?.mask.rawValue == mask)
        #expect(descriptor.dacl?.aces.first?.sid == .authenticatedUsers)
    }

    @Test("SDDL output uses letters when every bit has one, hex otherwise (0x200 has no alias)")
    func rightsOutput() throws {
        func rights(_ raw: UInt32) throws -> String {
            try SecurityDescriptor(dacl: ACL(aces: [.allow(.authenticatedUsers, AccessMask(rawValue: raw))])).sddl()
        }
        #expect(try rights(0x200) == "D:(A;;0x200;;;AU)")
        #expect(try rights(0x201) == "D:(A;;0x201;;;AU)")
        #expect(try rights(0x100) == "D:(A;;CR;;;AU)")
        #expect(try rights(0xF01FF) == "D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;AU)")
        #expect(try rights(0) == "D:(A;;;;;AU)")
    }

    /// Every SID alias of the Windows SDK's sddl.h (SDDL_* user aliases and integrity labels) with the SID Windows
    /// gives it (MS-DTYP 2.4.2.4, Win32 "SID Strings"); domain aliases in domain S-1-5-21-1-2-3, forest-root ones in
    /// S-1-5-21-9-9-9. `CU` (sddl.h's newest) is left out: no public source gives its SID.
    static let sddlHeaderAliases: [String: String] = [
        "DA": "S-1-5-21-1-2-3-512", "DG": "S-1-5-21-1-2-3-514", "DU": "S-1-5-21-1-2-3-513", "ED": "S-1-5-9",
        "DD": "S-1-5-21-1-2-3-516", "DC": "S-1-5-21-1-2-3-515", "BA": "S-1-5-32-544", "BG": "S-1-5-32-546",
        "BU": "S-1-5-32-545", "LA": "S-1-5-21-1-2-3-500", "LG": "S-1-5-21-1-2-3-501", "AO": "S-1-5-32-548",
        "BO": "S-1-5-32-551", "PO": "S-1-5-32-550", "SO": "S-1-5-32-549", "AU": "S-1-5-11", "PS": "S-1-5-10",
        "CO": "S-1-3-0", "CG": "S-1-3-1", "SY": "S-1-5-18", "PU": "S-1-5-32-547", "WD": "S-1-1-0",
        "RE": "S-1-5-32-552", "IU": "S-1-5-4", "NU": "S-1-5-2", "SU": "S-1-5-6", "RC": "S-1-5-12", "WR": "S-1-5-33",
        "AN": "S-1-5-7", "SA": "S-1-5-21-9-9-9-518", "CA": "S-1-5-21-1-2-3-517", "RS": "S-1-5-21-1-2-3-553",
        "EA": "S-1-5-21-9-9-9-519", "PA": "S-1-5-21-1-2-3-520", "RU": "S-1-5-32-554", "LS": "S-1-5-19",
        "NS": "S-1-5-20", "RD": "S-1-5-32-555", "NO": "S-1-5-32-556", "MU": "S-1-5-32-558", "LU": "S-1-5-32-559",
        "IS": "S-1-5-32-568", "CY": "S-1-5-32-569", "OW": "S-1-3-4", "ER": "S-1-5-32-573",
        "RO": "S-1-5-21-9-9-9-498", "CD": "S-1-5-32-574", "AC": "S-1-15-2-1", "RA": "S-1-5-32-575",
        "ES": "S-1-5-32-576", "MS": "S-1-5-32-577", "UD": "S-1-5-84-0-0-0-0-0", "HA": "S-1-5-32-578",
        "CN": "S-1-5-21-1-2-3-522", "AA": "S-1-5-32-579", "RM": "S-1-5-32-580", "AS": "S-1-18-1", "SS": "S-1-18-2",
        "AP": "S-1-5-21-1-2-3-525", "KA": "S-1-5-21-1-2-3-526", "EK": "S-1-5-21-9-9-9-527", "HO": "S-1-5-32-584",
        "SH": "S-1-5-32-585", "LW": "S-1-16-4096", "ME": "S-1-16-8192", "MP": "S-1-16-8448", "HI": "S-1-16-12288",
        "SI": "S-1-16-16384",
    ]

    @Test("every sddl.h alias resolves to Windows' SID, and back", arguments: Array(sddlHeaderAliases))
    func sddlHeaderAlias(alias: String, sid: String) throws {
        let root = try SID(string: "S-1-5-21-9-9-9")
        #expect(try SDDLAlias.resolve(alias, domain: Self.domain, forestRoot: root).description == sid)
        let parsed = try SID(string: sid)
        #expect(SDDLAlias.alias(for: parsed, domain: Self.domain, forestRoot: root) == alias)
    }

    @Test("no alias beyond sddl.h's")
    func noInventedAliases() {
        let ours = Set(SDDLAlias.fixed.keys).union(SDDLAlias.domainRelative.keys).union(SDDLAlias.forestRootRelative.keys)
        #expect(ours == Set(Self.sddlHeaderAliases.keys))
    }

    /// Windows reads a rights number with wcstoul base 0: 0x… hex, a leading 0 octal, else decimal.
    @Test("rights numbers: hex, octal with a leading 0, decimal; CR is the critical ACE flag")
    func rightsNumbersAndFlags() throws {
        func mask(_ rights: String) throws -> UInt32? {
            try SecurityDescriptor(sddl: "D:(A;;\(rights);;;AU)").dacl?.aces.first?.mask.rawValue
        }
        #expect(try mask("0x100") == 0x100)
        #expect(try mask("0400") == 0o400)
        #expect(try mask("256") == 256)
        #expect(try mask("0") == 0)
        #expect(throws: SDDLError.self) { try mask("08") }
        let critical = try SecurityDescriptor(sddl: "D:(A;CICR;CC;;;AU)")
        #expect(critical.dacl?.aces.first?.flags == [.containerInherit, .critical])
        #expect(try critical.sddl() == "D:(A;CICR;CC;;;AU)")
    }

    @Test("SID aliases: fixed ones resolve alone, domain ones need the domain SID")
    func aliases() throws {
        #expect(try SDDLAlias.resolve("AU", domain: nil, forestRoot: nil) == .authenticatedUsers)
        #expect(try SDDLAlias.resolve("wd", domain: nil, forestRoot: nil) == .everyone)
        #expect(try SDDLAlias.resolve("IS", domain: nil, forestRoot: nil) == .iisIUSRS)
        #expect(try SDDLAlias.resolve("CD", domain: nil, forestRoot: nil) == .certificateServiceDCOMAccess)
        #expect(throws: SIDError.unknownAlias("DA")) { try SDDLAlias.resolve("DA", domain: nil, forestRoot: nil) }
        #expect(throws: SDDLError.self) { try SecurityDescriptor(sddl: "D:(A;;CR;;;DU)") }
        let root = try SID(string: "S-1-5-21-9-9-9")
        let ctx = SDDLContext(domain: Self.domain, forestRoot: root)
        #expect(try SDDLAlias.resolve("AP", domain: Self.domain, forestRoot: nil).description == "S-1-5-21-1-2-3-525")
        #expect(try SDDLAlias.resolve("EA", domain: Self.domain, forestRoot: root).description == "S-1-5-21-9-9-9-519")
        #expect(try SDDLAlias.resolve("EA", domain: Self.domain, forestRoot: nil).description == "S-1-5-21-1-2-3-519")
        let descriptor = try SecurityDescriptor(sddl: "D:(A;;CR;;;EA)(A;;CR;;;DC)", context: ctx)
        #expect(try descriptor.sddl(context: ctx) == "D:(A;;CR;;;EA)(A;;CR;;;DC)")
        // Without the context, domain SIDs are written out in full.
        #expect(try descriptor.sddl() == "D:(A;;CR;;;S-1-5-21-9-9-9-519)(A;;CR;;;S-1-5-21-1-2-3-515)")
    }

    @Test(
        "malformed SDDL is a typed error",
        arguments: [
            "X:", "D:(A;;CR;;AU)", "D:(A;;CR;;;AU", "D:(Q;;CR;;;AU)", "D:(A;ZZ;CR;;;AU)", "D:(A;;QQ;;;AU)",
            "D:(A;;C;;;AU)", "D:(A;;CR;not-a-guid;;AU)", "D:(A;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;AU)",
            "D:(A;;CR;;;S-1-5-x)", "D:(XA;;CR;;;AU;(x==1))", "O:BAO:BA", "D:NO_ACCESS_CONTROL(A;;CR;;;AU)", "O:",
            "D:(A;;0xZZ;;;AU)", "D:(A;;99999999999;;;AU)", "D:Q", "G:S-1-5-", "D:(A;;CR;;;AU;x)",
        ])
    func malformed(text: String) {
        #expect(throws: SDDLError.self) { try SecurityDescriptor(sddl: text) }
    }

    @Test("fuzz regression: a full SID owner/group followed by D: (D is not a hex digit here)")
    func sidThenComponent() throws {
        let sddl = "O:BAG:S-1-5-33554464-32D:(A;;0x200;;;AU)(A;;CCDC;;;S-1-5-268435488-544)"
        let descriptor = try SecurityDescriptor(sddl: sddl)
        #expect(descriptor.group == (try SID(string: "S-1-5-33554464-32")))
        #expect(descriptor.dacl?.aces.count == 2)
        #expect(try descriptor.sddl() == sddl)
        let hexAuthority = try SecurityDescriptor(sddl: "O:S-1-0x000100000000-7D:")
        #expect(hexAuthority.owner?.identifierAuthority == 0x1_0000_0000)
        #expect(hexAuthority.dacl == ACL(aces: []))
        // Fuzz regression: a hex authority ending in D followed by D: (12 digits are read, no more).
        let hexThenD = try SecurityDescriptor(sddl: "O:S-1-0x000BFDDDD771D:(A;;;;;WD)")
        #expect(hexThenD.owner?.identifierAuthority == 0x000B_FDDD_D771)
        #expect(hexThenD.dacl?.aces.count == 1)
        #expect(try hexThenD.sddl() == "O:S-1-0x000BFDDDD771D:(A;;;;;WD)")
    }

    @Test("SACL with audit flags round-trips")
    func sacl() throws {
        let sddl = "O:SYG:SYD:(A;;0x200;;;AU)S:AI(AU;SAFA;CCDC;;;WD)"
        let descriptor = try SecurityDescriptor(sddl: sddl)
        #expect(descriptor.sacl?.aces.first?.flags == [.successfulAccess, .failedAccess])
        #expect(try descriptor.sddl() == sddl)
        let decoded = try SecurityDescriptor(selfRelative: try descriptor.selfRelativeBytes())
        #expect(try decoded.sddl() == sddl)
    }

    @Test("opaque ACE types survive binary round trips but have no SDDL form")
    func opaqueACE() throws {
        let callback = ACE(opaqueType: ACEType(rawValue: 0x09), flags: [], body: [1, 2, 3, 4])
        let descriptor = SecurityDescriptor(dacl: ACL(aces: [callback, .allow(.everyone, .controlAccess)]))
        let decoded = try SecurityDescriptor(selfRelative: try descriptor.selfRelativeBytes())
        #expect(decoded.dacl == descriptor.dacl)
        #expect(throws: SDDLError.self) { try descriptor.sddl() }
    }
}
