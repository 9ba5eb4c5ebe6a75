import ADModel
import Foundation
import Testing

@Suite("Evidence parsers")
struct EvidenceParserTests {
    // MARK: certutil -getreg CA\Security

    @Test("§5.1 certutil sample: ten ACE lines with rights and principals")
    func certutilSample() throws {
        let report = try CertutilSecurityParser.parse(Fixtures.certutilCASecurity)
        #expect(
            report.registryPath
                == "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\fries-DC01-CA\\Security"
        )
        #expect(report.entries.count == 10)
        #expect(report.isComplete)
        let expected: [(Bool, CAAccessMask, String)] = [
            (false, .manageCertificates, "FRIES\\gMSA_CA_prod$"),
            (false, .manageCertificates, "FRIES\\Domain Users"),
            (false, .manageCertificates, "FRIES\\Domain Computers"),
            (true, .enroll, "NT AUTHORITY\\Authenticated Users"),
            (true, [.manageCA, .enroll], "FRIES\\gMSA_CA_prod$"),
            (true, [.manageCA, .manageCertificates], "FRIES\\Domain Admins"),
            (true, .enroll, "FRIES\\Domain Users"),
            (true, .enroll, "FRIES\\Domain Computers"),
            (true, [.manageCA, .manageCertificates], "FRIES\\Enterprise Admins"),
            (true, [.manageCA, .manageCertificates], "BUILTIN\\Administrators"),
        ]
        for (entry, (allow, rights, principal)) in zip(report.entries, expected) {
            #expect(entry.isAllow == allow)
            #expect(entry.rights == rights)
            #expect(entry.principal == principal)
            #expect(entry.rightsKnown)
        }
        #expect(report.entries.first?.line == 4)
    }

    @Test("the same sample with TAB columns and with single spaces parses identically")
    func certutilWhitespaceVariants() throws {
        let reference = try CertutilSecurityParser.parse(Fixtures.certutilCASecurity).entries
        let lines = Fixtures.certutilCASecurity.split(separator: "\n", omittingEmptySubsequences: false)
        let tabbed = lines.map { line -> String in
            guard line.hasPrefix("    Allow") || line.hasPrefix("    Deny") else { return String(line) }
            // Replace the run of spaces before the principal with a TAB, as real certutil output has.
            let trimmed = line.drop { $0 == " " }
            guard let range = trimmed.firstRange(of: "  ") else { return String(line) }
            let principalStart = trimmed[range.lowerBound...].firstIndex { $0 != " " } ?? trimmed.endIndex
            return "    " + String(trimmed[..<range.lowerBound]) + "\t" + String(trimmed[principalStart...])
        }.joined(separator: "\n")
        let collapsed = lines.map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }.joined(separator: "\n")
        for variant in [tabbed, collapsed] {
            let entries = try CertutilSecurityParser.parse(variant).entries
            #expect(entries.map(\.principal) == reference.map(\.principal))
            #expect(entries.map(\.rights) == reference.map(\.rights))
            #expect(entries.map(\.isAllow) == reference.map(\.isAllow))
        }
    }

    @Test("decisions name the responsible line; deny ACEs are honoured")
    func certutilDecisions() throws {
        let report = try CertutilSecurityParser.parse(Fixtures.certutilCASecurity)
        let user: Set<String> = [
            "FRIES\\alice", "FRIES\\Domain Users", "NT AUTHORITY\\Authenticated Users", "Everyone",
        ]
        #expect(report.decide(.enroll, forNames: user) == .granted(lines: [7]))
        #expect(report.decide(.manageCertificates, forNames: user) == .denied(line: 5))
        #expect(report.decide(.read, forNames: user) == .granted(lines: [7]))
        #expect(report.decide(.enroll, forNames: ["fries\\gmsa_ca_prod$"]) == .granted(lines: [8]))
        #expect(report.decide(.manageCA, forNames: ["BUILTIN\\Administrators"]) == .granted(lines: [13]))
        #expect(report.decide(.enroll, forNames: ["FRIES\\nobody"]) == .notGranted)
    }

    @Test("unknown phrases or missing rights give unknown rights, never 'no rights' (docs/conventions.md §1)")
    func certutilUnknown() throws {
        let text = """
            HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA\\Security:

              Security REG_BINARY =
                Allow FRIES\\alice
                Zulassen Registrieren\tFRIES\\bob
                Allow Lesen Enroll\tFRIES\\carol
                Allow Enroll\tNT AUTHORITY\\Authenticated Users

            CertUtil: -getreg command completed successfully.
            """
        let report = try CertutilSecurityParser.parse(text)
        #expect(!report.isComplete)
        #expect(report.entries.count == 3)
        #expect(report.unparsedLines == [5])
        #expect(report.entries[0].principal == "FRIES\\alice")
        #expect(!report.entries[0].rightsKnown)
        #expect(!report.entries[1].rightsKnown)
        #expect(report.entries[1].unknownPhrases == ["Lesen"])
        #expect(
            report.decide(.enroll, forNames: ["FRIES\\alice", "NT AUTHORITY\\Authenticated Users"]) == .unknown(line: 4)
        )
        #expect(
            report.decide(.enroll, forNames: ["FRIES\\dave", "NT AUTHORITY\\Authenticated Users"])
                == .granted(lines: [7]))
    }

    @Test("certutil failure output is an error ('cannot verify')")
    func certutilFailure() {
        let text =
            "CertUtil: -getreg command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\nCertUtil: The system cannot find the file specified."
        #expect(
            throws: CertutilParseError.commandFailed(
                code: 0x8007_0002, line: 1,
                text: "CertUtil: -getreg command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)")
        ) {
            try CertutilSecurityParser.parse(text)
        }
        #expect(throws: CertutilParseError.self) { try CertutilSecurityParser.parse("hello") }
        #expect(throws: CertutilParseError.self) { try CertutilSecurityParser.parse("") }
    }

    // MARK: CA Security evidence dispatch

    @Test("ca-security evidence: binary, hex dump, reg query, .reg export, SDDL and certutil text")
    func caSecurityDispatch() throws {
        let raw = bytes(hex: SecurityDescriptorTests.caSecurityHex)
        let expected = try SecurityDescriptor(selfRelative: raw)
        let hex = raw.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }
        let regQuery =
            "\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA\n    Security    REG_BINARY    \(hex.joined())\n"
        let regExport =
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA]\r\n\"Security\"=hex:\(hex.prefix(20).joined(separator: ",")),\\\r\n  \(hex.dropFirst(20).joined(separator: ","))\r\n"
        let inputs: [[UInt8]] = [
            raw, Array(hex.joined(separator: " ").utf8), Array(regQuery.utf8), Array(regExport.utf8),
            Array("O:BAG:BAD:(A;;0x200;;;AU)(A;;CCDC;;;BA)\n".utf8),
        ]
        for input in inputs {
            guard case .descriptor(let descriptor) = try CASecurityEvidence.parse(input) else {
                Issue.record("expected a descriptor")
                continue
            }
            #expect(descriptor.dacl == expected.dacl)
        }
        guard case .certutil(let report) = try CASecurityEvidence.parse(Array(Fixtures.certutilCASecurity.utf8)) else {
            Issue.record("expected certutil text")
            return
        }
        #expect(report.entries.count == 10)
        #expect(throws: CASecurityEvidenceError.self) { try CASecurityEvidence.parse(Array("hello world".utf8)) }
        #expect(throws: CASecurityEvidenceError.self) { try CASecurityEvidence.parse([0xC3, 0x28]) }
        #expect(throws: CASecurityEvidenceError.self) { try CASecurityEvidence.parse([1, 0, 4]) }
    }

    // MARK: EditFlags

    @Test("§5.2 EditFlags sample")
    func editFlagsSample() throws {
        let reading = try EditFlagsParser.parse(Fixtures.editFlagsDefault)
        #expect(reading.value.rawValue == 0x0011_014E)
        #expect(reading.value == .observedEnterpriseDefault)
        #expect(!reading.value.contains(.enableRenewOnBehalfOf))
        #expect(reading.previousValue == nil)
        #expect(reading.listedFlagNames.count == 7)
        #expect(reading.registryPath?.hasSuffix("CertificateAuthority_MicrosoftDefault.Policy\\EditFlags") == true)
    }

    @Test(
        "EditFlags value lines: hex without 0x, optional signed decimal",
        arguments: [
            ("  EditFlags REG_DWORD = 11014e (1114446)", 0x0011_014E),
            ("  EditFlags REG_DWORD = 8", 0x8),
            ("  EditFlags REG_DWORD = 4000000 (67108864)", 0x0400_0000),
            ("  EditFlags REG_DWORD = a6000000 (-1509949440)", 0xA600_0000),
            ("  EditFlags REG_DWORD = a6000000 (2785017856)", 0xA600_0000),
            ("\tEditFlags REG_DWORD = 0", 0),
        ] as [(String, UInt32)])
    func editFlagsValues(line: String, value: UInt32) throws {
        #expect(try EditFlagsParser.parse(line).value.rawValue == value)
    }

    @Test("§8.6 pitfall: the decimal is signed and must agree with the hex; the hex wins")
    func editFlagsInconsistent() {
        for line in [
            "EditFlags REG_DWORD = 11014e (1114447)", "EditFlags REG_DWORD = 0x11014e",
            "EditFlags REG_DWORD = 1114446x",
            "EditFlags REG_DWORD = 123456789", "EditFlags REG_DWORD = 11014e (1114446", "EditFlags REG_DWORD =",
            "EditFlags REG_DWORD 11014e",
        ] {
            #expect(throws: CertutilParseError.self) { try EditFlagsParser.parse(line) }
        }
        #expect(throws: CertutilParseError.self) {
            try EditFlagsParser.parse("CertUtil: -getreg command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)")
        }
        #expect(throws: CertutilParseError.valueNotFound(expected: "EditFlags REG_DWORD =")) {
            try EditFlagsParser.parse("nothing here")
        }
    }

    @Test("evidence files redirected by PowerShell (UTF-16LE + BOM) parse like UTF-8")
    func utf16Evidence() throws {
        let editFlags = try EditFlagsParser.parse(bytes: Self.utf16LEWithBOM(Fixtures.editFlagsDefault))
        #expect(editFlags.value == .observedEnterpriseDefault)
        let security = try CertutilSecurityParser.parse(bytes: Self.utf16LEWithBOM(Fixtures.certutilCASecurity))
        #expect(security == (try CertutilSecurityParser.parse(Fixtures.certutilCASecurity)))
        guard
            case .certutil(let viaEvidence) = try CASecurityEvidence.parse(
                Self.utf16LEWithBOM(Fixtures.certutilCASecurity))
        else {
            Issue.record("expected certutil text")
            return
        }
        #expect(viaEvidence.entries.count == 10)
        #expect(throws: CertutilParseError.undecodableText) { try EditFlagsParser.parse(bytes: [0xFF, 0xFE, 0x00]) }
        #expect(throws: CertutilParseError.undecodableText) { try CertutilSecurityParser.parse(bytes: [0xC3]) }
    }

    @Test("-setreg output: Old Value / New Value blocks")
    func editFlagsSetreg() throws {
        let text = """
            HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\DC01-CA\\PolicyModules\\CertificateAuthority_MicrosoftDefault.Policy\\EditFlags:

            Old Value:
              EditFlags REG_DWORD = 11014e (1114446)
                EDITF_REQUESTEXTENSIONLIST -- 2
                EDITF_ENABLECHASECLIENTDC -- 100000 (1048576)

            New Value:
              EditFlags REG_DWORD = 411014e (68223310)
                EDITF_REQUESTEXTENSIONLIST -- 2
                EDITF_ENABLECHASECLIENTDC -- 100000 (1048576)
                EDITF_ENABLERENEWONBEHALFOF -- 4000000 (67108864)
            CertUtil: -setreg command completed successfully.
            The CertSvc service may need to be restarted for changes to take effect.
            """
        let reading = try EditFlagsParser.parse(text)
        #expect(reading.previousValue?.rawValue == 0x0011_014E)
        #expect(reading.value.rawValue == 0x0411_014E)
        #expect(reading.value.contains(.enableRenewOnBehalfOf))
    }

    // MARK: secedit

    static func utf16LEWithBOM(_ text: String, crlf: Bool = true) -> [UInt8] {
        let body = crlf ? text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n") : text
        return [0xFF, 0xFE]
            + body.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    @Test("secedit export, UTF-16LE with BOM and CRLF (MS-GPSB)")
    func seceditUTF16() throws {
        let rights = try SeceditParser.parse(Self.utf16LEWithBOM(Fixtures.seceditIIS))
        let impersonate = try #require(rights.holders(of: "SeImpersonatePrivilege"))
        #expect(
            impersonate == [
                .sid(.localService), .sid(.networkService), .name("SQLServerDTSUser$WIN-GGIJGO1UO32"),
                .sid(.builtinAdministrators), .sid(.iisIUSRS), .sid(.service),
            ])
        #expect(rights.holders(of: "SeDenyNetworkLogonRight") == [.name("Guest")])
        #expect(rights.holders(of: "SeEnableDelegationPrivilege") == [])
        #expect(rights.holders(of: "SeDenyBatchLogonRight") == nil)
        #expect(rights.holders(of: "seimpersonateprivilege") == impersonate)
        let appPool = AccessToken(sids: [try SID(string: "S-1-5-82-1-2-3-4-5"), .iisIUSRS])
        #expect(rights.decide("SeImpersonatePrivilege", for: appPool) == .granted(by: .iisIUSRS))
        #expect(rights.decide("SeDenyBatchLogonRight", for: appPool) == .notDefined)
        #expect(rights.decide("SeEnableDelegationPrivilege", for: appPool) == .notGranted)
        // Guest is a bare name: without resolving it, "not denied" cannot be claimed.
        #expect(rights.decide("SeDenyNetworkLogonRight", for: appPool) == .unresolved(names: ["Guest"]))
    }

    @Test("secedit export, UTF-8 with LF; hardened baseline drops IIS_IUSRS (CES-D1)")
    func seceditUTF8() throws {
        let rights = try SeceditParser.parse(Array(Fixtures.seceditHardened.utf8))
        let appPool = AccessToken(sids: [.iisIUSRS])
        #expect(rights.decide("SeImpersonatePrivilege", for: appPool) == .notGranted)
        let withBOM = try SeceditParser.parse([0xEF, 0xBB, 0xBF] + Array(Fixtures.seceditHardened.utf8))
        #expect(withBOM == rights)
        let utf16LF = try SeceditParser.parse(Self.utf16LEWithBOM(Fixtures.seceditHardened, crlf: false))
        #expect(utf16LF == rights)
    }

    @Test("malformed security templates are typed errors")
    func seceditErrors() {
        #expect(throws: SeceditParseError.undecodableText) { try SeceditParser.parse([0xFF, 0xFE, 0x41]) }
        #expect(throws: SeceditParseError.undecodableText) { try SeceditParser.parse([0xC3, 0x28]) }
        #expect(throws: SeceditParseError.noPrivilegeRightsSection) {
            try SeceditParser.parse(Array("[Unicode]\nUnicode=yes".utf8))
        }
        #expect(throws: SeceditParseError.self) {
            try SeceditParser.parse(Array("[Privilege Rights]\nSeImpersonatePrivilege = *S-1-5-x".utf8))
        }
        #expect(throws: SeceditParseError.self) { try SeceditParser.parse(Array("[Privilege Rights]\nno equals".utf8)) }
        #expect(throws: SeceditParseError.self) {
            try SeceditParser.parse(Array("[Privilege Rights\nA = *S-1-1-0".utf8))
        }
    }
}

@Suite struct KDCRegistryParserTests {
    static let export = """
        Windows Registry Editor Version 5.00

        [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Kdc]
        "DefaultDomainSupportedEncTypes"=dword:0000001c
        "RC4DefaultDisablementPhase"=dword:00000002
        "KdcUseRequestedEtypesForTickets"=dword:00000000

        [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Kdc\\Parameters]
        "DefaultDomainSupportedEncTypes"=dword:00000004
        """

    @Test func readsBothSettingsOfTheKdcKeyOnly() throws {
        let settings = try KDCRegistryParser.parse(Array(Self.export.utf8))
        #expect(settings.defaultDomainSupportedEncTypes == 0x1C)
        #expect(settings.rc4DefaultDisablementPhase == 2)
    }

    @Test func utf16ExportAsRegExportWritesIt() throws {
        let bytes: [UInt8] =
            [0xFF, 0xFE]
            + Self.export.replacingOccurrences(of: "\n", with: "\r\n").utf16.flatMap {
                [UInt8($0 & 0xFF), UInt8($0 >> 8)]
            }
        #expect(try KDCRegistryParser.parse(bytes).defaultDomainSupportedEncTypes == 0x1C)
    }

    @Test func absentValuesStayNilAndBadInputIsAnError() throws {
        let bare =
            "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Kdc]\n"
        let settings = try KDCRegistryParser.parse(Array(bare.utf8))
        #expect(settings.defaultDomainSupportedEncTypes == nil)
        #expect(settings.rc4DefaultDisablementPhase == nil)
        #expect(throws: KDCRegistryParseError.notARegistryExport) { try KDCRegistryParser.parse(Array("x=1".utf8)) }
        let bad = bare + "\"DefaultDomainSupportedEncTypes\"=\"24\"\n"
        #expect(throws: KDCRegistryParseError.malformedValue(line: 4, name: "defaultdomainsupportedenctypes")) {
            try KDCRegistryParser.parse(Array(bad.utf8))
        }
    }
}

/// Evidence files arrive as UTF-8 (with or without BOM) or UTF-16 with a BOM; text that is not valid in its encoding
/// is refused (nil), never repaired with U+FFFD, so a damaged file is reported instead of misread.
@Suite struct TextDecodingTests {
    @Test func everyAcceptedEncodingDecodesTheSameText() {
        let text = "EditFlags REG_DWORD = 11014e — Ä"
        let utf8 = Array(text.utf8)
        let utf16LE = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let utf16BE = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(TextDecoding.decode(utf8) == text)
        #expect(TextDecoding.decode([0xEF, 0xBB, 0xBF] + utf8) == text)
        #expect(TextDecoding.decode([0xFF, 0xFE] + utf16LE) == text)
        #expect(TextDecoding.decode([0xFE, 0xFF] + utf16BE) == text)
    }

    @Test func invalidTextIsRefused() {
        #expect(TextDecoding.decode([0x41, 0xC3]) == nil, "truncated UTF-8 sequence")
        #expect(TextDecoding.decode([0x41, 0xFF, 0x42]) == nil, "a byte never valid in UTF-8")
        #expect(TextDecoding.decode([0xFF, 0xFE, 0x41]) == nil, "odd UTF-16 length")
        #expect(TextDecoding.decode([0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]) == nil, "unpaired surrogate")
    }
}
