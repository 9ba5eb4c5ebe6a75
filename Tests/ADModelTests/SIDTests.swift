import ADModel
import Testing

@Suite("SID")
struct SIDTests {
    @Test(
        "string ↔ binary round trip",
        arguments: [
            ("S-1-1-0", [0x01, 0x01, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0]),
            ("S-1-5-11", [0x01, 0x01, 0, 0, 0, 0, 0, 0x05, 0x0B, 0, 0, 0]),
            ("S-1-5-32-544", [0x01, 0x02, 0, 0, 0, 0, 0, 0x05, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0]),
            (
                "S-1-5-21-1004336348-1177238915-682003330-525",
                [
                    0x01, 0x05, 0, 0, 0, 0, 0, 0x05, 0x15, 0, 0, 0, 0xDC, 0xF4, 0xDC, 0x3B, 0x83, 0x3D, 0x2B, 0x46,
                    0x82, 0x8B,
                    0xA6, 0x28, 0x0D, 0x02, 0, 0,
                ]
            ),
        ] as [(String, [UInt8])])
    func roundTrip(text: String, bytes: [UInt8]) throws {
        let sid = try SID(string: text)
        #expect(sid.bytes == bytes)
        #expect(try SID(bytes: bytes) == sid)
        #expect(sid.description == text)
        #expect(sid.binaryLength == bytes.count)
    }

    @Test("authority of 2^32 and above prints in hex as Windows does")
    func hexAuthority() throws {
        let sid = try SID(identifierAuthority: 0x1_0000_0000, subAuthorities: [7])
        #expect(sid.description == "S-1-0x000100000000-7")
        #expect(try SID(string: sid.description) == sid)
    }

    @Test(
        "malformed strings are typed errors",
        arguments: [
            "", "S", "S-1", "S-2-5-11", "X-1-5-11", "S-1-5-", "S-1--5", "S-1-5-11a", "S-1-5-4294967296",
            "S-1-281474976710656-1", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "S-1-5- 11", "S-1-+5",
        ])
    func malformedStrings(text: String) {
        #expect(throws: SIDError.self) { try SID(string: text) }
    }

    @Test(
        "odd but valid strings parse to the same SID, whichever parser reads them",
        arguments: [
            ("s-1-5-11", 5, [11]), ("S-01-5-11", 5, [11]), ("S-1-5-021", 5, [21]), ("S-1-5", 5, []),
            ("S-1-100000000000000-1", 100_000_000_000_000, [1]), ("S-1-281474976710655", 281_474_976_710_655, []),
            ("S-1-0x5-11", 5, [11]), ("S-1-5-4294967295", 5, [4_294_967_295]),
            ("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", 5, Array(1...15)),
        ] as [(String, UInt64, [UInt32])])
    func oddValidStrings(text: String, authority: UInt64, subAuthorities: [UInt32]) throws {
        #expect(try SID(string: text) == SID(identifierAuthority: authority, subAuthorities: subAuthorities))
    }

    @Test("truncated or inconsistent binary SIDs are typed errors")
    func malformedBinary() {
        let valid: [UInt8] = [0x01, 0x02, 0, 0, 0, 0, 0, 0x05, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0]
        for length in 0..<valid.count {
            #expect(throws: BinaryFormatError.self) { try SID(bytes: Array(valid.prefix(length))) }
        }
        #expect(throws: BinaryFormatError.self) { try SID(bytes: valid + [0]) }
        #expect(throws: BinaryFormatError.self) { try SID(bytes: [0x02] + valid.dropFirst()) }
        #expect(throws: BinaryFormatError.tooManySubAuthorities(offset: 0, count: 16)) {
            try SID(bytes: [0x01, 16, 0, 0, 0, 0, 0, 5] + [UInt8](repeating: 0, count: 64))
        }
    }

    @Test("domain SID + RID")
    func domainRelative() throws {
        let domain = try SID(string: "S-1-5-21-1-2-3")
        #expect(domain.isDomainSID)
        let protectedUsers = try DomainRID.protectedUsers.sid(in: domain)
        #expect(protectedUsers.description == "S-1-5-21-1-2-3-525")
        #expect(protectedUsers.rid == 525)
        #expect(protectedUsers.parent == domain)
        #expect(protectedUsers.isAccount(in: domain))
        #expect(try DomainRID.domainAdmins.sid(in: domain).description == "S-1-5-21-1-2-3-512")
        #expect(try DomainRID.domainUsers.sid(in: domain).description == "S-1-5-21-1-2-3-513")
        #expect(try DomainRID.domainComputers.sid(in: domain).description == "S-1-5-21-1-2-3-515")
        #expect(try DomainRID.enterpriseAdmins.sid(in: domain).description == "S-1-5-21-1-2-3-519")
    }

    @Test(
        "well-known SIDs and names (docs/rules.md §2.3)",
        arguments: [
            (SID.everyone, "S-1-1-0", "Everyone"),
            (SID.authenticatedUsers, "S-1-5-11", "NT AUTHORITY\\Authenticated Users"),
            (SID.service, "S-1-5-6", "NT AUTHORITY\\SERVICE"),
            (SID.localService, "S-1-5-19", "NT AUTHORITY\\LOCAL SERVICE"),
            (SID.networkService, "S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE"),
            (SID.builtinAdministrators, "S-1-5-32-544", "BUILTIN\\Administrators"),
            (SID.iisIUSRS, "S-1-5-32-568", "BUILTIN\\IIS_IUSRS"),
            (SID.windowsAuthorizationAccessGroup, "S-1-5-32-560", "BUILTIN\\Windows Authorization Access Group"),
            (SID.certificateServiceDCOMAccess, "S-1-5-32-574", "BUILTIN\\Certificate Service DCOM Access"),
        ])
    func wellKnown(sid: SID, text: String, name: String) {
        #expect(sid.description == text)
        #expect(sid.wellKnownName() == name)
    }

    @Test("§8.7 pitfall: S-1-5-32-574 is Certificate Service DCOM Access, not Device Owners")
    func dcomAccessIsNotDeviceOwners() throws {
        let name = try SID(string: "S-1-5-32-574").wellKnownName()
        #expect(name == "BUILTIN\\Certificate Service DCOM Access")
        #expect(name?.contains("Device Owners") == false)
    }

    @Test("domain RIDs are named only for the given domain")
    func domainNames() throws {
        let domain = try SID(string: "S-1-5-21-10-20-30")
        let other = try SID(string: "S-1-5-21-40-50-60")
        let protectedUsers = try SID(domain: domain, rid: 525)
        #expect(protectedUsers.wellKnownName(domain: domain) == "Protected Users")
        #expect(protectedUsers.wellKnownName(domain: other) == nil)
        #expect(try SID(domain: domain, rid: 1105).wellKnownName(domain: domain) == nil)
    }

    @Test("IIS app-pool identities are recognised")
    func appPool() throws {
        #expect(try SID(string: "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415").isIISAppPoolIdentity)
        #expect(try !SID(string: "S-1-5-80-0").isIISAppPoolIdentity)
    }
}
