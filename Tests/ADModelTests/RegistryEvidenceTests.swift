import ADModel
import Foundation
import Testing

/// The registry and host-evidence readers of layout v2 (docs/host-evidence.md) on real-format samples.
@Suite("Registry evidence readers")
struct RegistryEvidenceTests {
    static let evidence = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CESAuditCoreTests/Fixtures/evidence")

    static func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: evidence.appendingPathComponent(path)))
    }

    static let caKey = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\corp-CA01"

    /// `net registry export` of Samba 4.17 (testbed.md §14), byte for byte: `[HKLM\…]`, `dword:`, hex(7) continued,
    /// escapes, a last key with no values and no blank line before the Emacs trailer.
    static let sambaExport = """
        Windows Registry Editor Version 5.00

        [HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\FRIES-CA]
        "EditFlags"=dword:0011014e
        "CommonName"="FRIES \\"CA\\" \\\\ x"
        "Multi"=hex(7):6d,00,75,00,6c,00,74,00,69,00,5f,00,73,00,7a,00,00,00,61,00,00,\\
          00,00,00

        [HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\FRIES-CA\\PolicyModules]
        "Active"="CertificateAuthority_MicrosoftDefault.Policy"

        [HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\FRIES-CA\\PolicyModules\\CertificateAuthority_MicrosoftDefault.Policy]
        ;Local Variables:
        ;coding: UTF-8
        ;End:

        """

    // MARK: .reg exports

    @Test func windowsExportUTF16LEWithContinuationLines() throws {
        let bytes = try Self.fixture("v2-healthy/ca01.corp.example.test/ca-config.reg")
        #expect(Array(bytes.prefix(4)) == [0xFF, 0xFE, UInt8(ascii: "W"), 0])
        #expect(bytes.contains(0x0D))
        let view = try RegistryExportParser.parse(bytes: bytes)
        #expect(view.keys.count == 3)
        let key = try #require(view.key(Self.caKey))
        #expect(key.path == Self.caKey)
        #expect(key["InterfaceFlags"] == .dword(0x641))
        #expect(key["commonname"] == .string("corp-CA01"))
        #expect(key["DBDirectory"] == .expandString("%SystemRoot%\\system32\\CertLog"))
        #expect(key["CACertHash"] == .multiString(["4e 1f 0a 77 6f 8e 92 11 5d 3c 01 9a 8b 72 0e 4d 53 21 0a 6c"]))
        #expect(key["CRLNextPublish"] == .binary([0x00, 0xA0, 0xB6, 0xF1, 0xE8, 0xC7, 0xDA, 0x01]))
        guard case .binary(let security)? = key["Security"] else {
            Issue.record("no REG_BINARY Security")
            return
        }
        #expect(security.count == 0x80)
        let descriptor = try SecurityDescriptor(selfRelative: security)
        #expect(descriptor.dacl?.aces.first?.sid == (try SID(string: "S-1-5-32-546")))
        let configuration = try #require(try CARegistryConfiguration(view))
        #expect(configuration.keyPath == Self.caKey)
        #expect(configuration.security == .value(security))
        #expect(configuration.editFlags == .value(0x0411_014E))
        #expect(configuration.interfaceFlags == .value(0x641))
        #expect(configuration.activePolicyModule == "CertificateAuthority_MicrosoftDefault.Policy")
        // HKEY_LOCAL_MACHINE and HKLM name the same key, in any case.
        #expect(
            view.key("hkey_local_machine\\system\\currentcontrolset\\services\\certsvc\\configuration\\CORP-CA01")
                != nil)
    }

    @Test func sambaExportDialect() throws {
        let view = try RegistryExportParser.parse(bytes: Array(Self.sambaExport.utf8))
        let key = try #require(
            view.key("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\FRIES-CA"))
        #expect(key["EditFlags"] == .dword(0x0011_014E))
        #expect(key["CommonName"] == .string("FRIES \"CA\" \\ x"))
        #expect(key["Multi"] == .multiString(["multi_sz", "a"]))
        let configuration = try #require(try CARegistryConfiguration(view))
        #expect(configuration.activePolicyModule == "CertificateAuthority_MicrosoftDefault.Policy")
        // The module key is there but empty: EditFlags is absent, not zero.
        guard case .absent = configuration.editFlags else {
            Issue.record("EditFlags should be absent: \(configuration.editFlags)")
            return
        }
        guard case .absent = configuration.security else {
            Issue.record("Security should be absent")
            return
        }
    }

    @Test func valueFormsDefaultsAndDeletions() throws {
        let text = """
            REGEDIT4

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]
            @="default"
            "Q"=hex(b):01,00,00,00,00,00,00,80
            "D4"=hex(4):4e,01,11,00
            "Short"=hex(4):4e,01,11
            "None"=hex(0):
            "Gone"=-
            ; a comment
            "Path"="C:\\\\Windows\\\\"

            [-HKEY_LOCAL_MACHINE\\SOFTWARE\\Removed]
            "Ignored"="x"
            """
        let view = try RegistryExportParser.parse(text)
        let key = try #require(view.key("HKLM\\SOFTWARE\\Test"))
        #expect(key[""] == .string("default"))
        #expect(key["Q"] == .qword(0x8000_0000_0000_0001))
        #expect(key["D4"] == .dword(0x0011_014E))
        #expect(key["Short"] == .raw(type: 4, bytes: [0x4E, 0x01, 0x11]))
        #expect(key["None"] == .raw(type: 0, bytes: []))
        #expect(key["Gone"] == nil)
        #expect(key["Path"] == .string("C:\\Windows\\"))
        #expect(view.key("HKLM\\SOFTWARE\\Removed") == nil)
        #expect(view.keys.count == 1)
    }

    @Test func malformedExportsAreTypedErrors() {
        func error(_ text: String) -> RegistryParseError? {
            do {
                _ = try RegistryExportParser.parse(text)
                return nil
            } catch { return error }
        }
        #expect(error("\"A\"=dword:1") == .notARegistryFile)
        #expect(error("hello") == .notARegistryFile)
        #expect(error("REGEDIT4\n\"A\"=dword:1") == .valueOutsideKey(line: 2))
        #expect(error("REGEDIT4\n[HKLM\\X") == .malformedKey(line: 2, text: "[HKLM\\X"))
        #expect(error("REGEDIT4\n[NOHIVE\\X]") == .malformedKey(line: 2, text: "[NOHIVE\\X]"))
        let cases = [
            "\"A\"=dword:123456789", "\"A\"=dword:+1", "\"A\"=hex:0g", "\"A\"=hex:+1", "\"A\"=hex:1,,2",
            "\"A\"=hex(zz):00", "\"A\"=hex(4)00", "\"A\"=\"open", "\"A\"=\"x\" trailing", "\"A\"=text", "\"A",
            "\"A\"=hex:123",
        ]
        for value in cases {
            guard case .malformedValue(line: 3, _, _)? = error("REGEDIT4\n[HKLM\\X]\n" + value) else {
                Issue.record("\(value) was accepted or gave another error")
                continue
            }
        }
        #expect(throws: RegistryParseError.undecodableText) {
            try RegistryExportParser.parse(bytes: [0xFF, 0xFE, 0x41])
        }
    }

    @Test func longContinuationsStayLinear() throws {
        // An unterminated name followed by 200,000 continuation lines: a typed error, not minutes of rescanning.
        let hostile = "REGEDIT4\n[HKLM\\X]\n\"A" + String(repeating: "\\\n", count: 200_000) + "x\n"
        #expect(throws: RegistryParseError.self) { try RegistryExportParser.parse(hostile) }
        let long = "REGEDIT4\n[HKLM\\X]\n\"B\"=hex:" + String(repeating: "00,\\\n  ", count: 100_000) + "01\n"
        #expect(
            try RegistryExportParser.parse(long).value("HKLM\\X", "B")
                == .binary(Array(repeating: 0, count: 100_000) + [1]))
    }

    /// REG_SZ data is UTF-16LE up to its NUL; data that is not valid UTF-16 stays raw bytes instead of being repaired.
    @Test func stringDataIsDecodedStrictly() throws {
        let text = """
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\\X]
            "Name"=hex(1):43,00,41,00,00,00
            "Multi"=hex(7):61,00,00,00,62,00,00,00,00,00
            "Unpaired"=hex(1):00,d8,41,00,00,00
            "Odd"=hex(2):41,00,42
            """
        let key = try #require(try RegistryExportParser.parse(text).key("HKEY_LOCAL_MACHINE\\X"))
        #expect(key["Name"] == .string("CA"))
        #expect(key["Multi"] == .multiString(["a", "b"]))
        #expect(key["Unpaired"] == .raw(type: 1, bytes: [0x00, 0xD8, 0x41, 0x00, 0x00, 0x00]))
        #expect(key["Odd"] == .raw(type: 2, bytes: [0x41, 0x00, 0x42]))
    }

    @Test func wrongTypesAndShortDwordsAreInvalidNotZero() throws {
        let text = """
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA]
            "Security"="not binary"
            "InterfaceFlags"=hex(4):41,06

            [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA\\PolicyModules]
            "Active"=dword:00000001
            """
        let configuration = try #require(try CARegistryConfiguration(try RegistryExportParser.parse(text)))
        guard case .invalid(let security) = configuration.security,
            case .invalid(let interface) =
                configuration.interfaceFlags, case .invalid(let edit) = configuration.editFlags
        else {
            Issue.record("expected invalid data: \(configuration)")
            return
        }
        #expect(security.hasSuffix("Security is REG_SZ, not REG_BINARY"))
        #expect(interface.hasSuffix("InterfaceFlags is a REG_DWORD of 2 bytes, not 4"))
        #expect(edit.hasSuffix("Active is REG_DWORD, not REG_SZ"))
    }

    @Test func keyPathsAreCanonicalOnce() throws {
        #expect(RegistryPath.canonical("HKEY_LOCAL_MACHINE\\X  \\ ") == "HKLM\\X")
        // Fuzzer input (reg-query): a key line ending in spaces and a backslash, then a value.
        let view = try RegQueryParser.parse("HKEY_LOCAL_MACHINE\\X  \\\n    A    REG_SZ    b\n")
        #expect(view.value("HKLM\\X", "A") == .string("b"))
        var merged = view
        merged.merge(view)
        #expect(merged == view)
    }

    @Test func severalCAKeysNeedConfigurationActive() throws {
        let base = "[HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration"
        let two = "REGEDIT4\n\(base)\\A]\n\"Security\"=hex:01\n\(base)\\B]\n\"Security\"=hex:02\n"
        #expect(throws: CARegistryError.self) { try CARegistryConfiguration(try RegistryExportParser.parse(two)) }
        let active = try RegistryExportParser.parse(two + "\(base)]\n\"Active\"=\"B\"\n")
        #expect(try CARegistryConfiguration(active)?.security == .value([2]))
        #expect(try CARegistryConfiguration(try RegistryExportParser.parse("REGEDIT4\n[HKLM\\SOFTWARE\\X]\n")) == nil)
    }

    // MARK: reg query

    @Test func regQueryOfTheWholeKeyCRLFAndLF() throws {
        let crlf = try Self.fixture("v2-broken/ca01.corp.example.test/ca-config.txt")
        #expect(crlf.contains(0x0D))
        let lf = Array(String(decoding: crlf, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        for bytes in [crlf, lf] {
            let view = try RegQueryParser.parse(bytes: bytes)
            let key = try #require(view.key(Self.caKey))
            #expect(key["InterfaceFlags"] == .dword(0x641))
            #expect(key["CACertHash"] == .multiString(["4e 1f 0a 77 6f 8e 92 11 5d 3c 01 9a 8b 72 0e 4d 53 21 0a 6c"]))
            let configuration = try #require(try CARegistryConfiguration(view))
            #expect(configuration.editFlags == .value(0x0011_014E))
            // CRLNextPublish and CRLDeltaNextPublish are REG_BINARY values before Security: not the DACL.
            let evidence = try CASecurityEvidence.parse(bytes)
            guard case .descriptor(let descriptor) = evidence else {
                Issue.record("not a descriptor")
                return
            }
            #expect(descriptor.dacl?.aces.first?.sid == .authenticatedUsers)
        }
    }

    @Test func regQuerySingleValues() throws {
        let security =
            "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\corp-CA01\r\n    Security    REG_BINARY    010004801400000000000000000000000000000000\r\n\r\n"
        guard case .binary(let bytes)? = try RegQueryParser.parse(security).value(Self.caKey, "Security") else {
            Issue.record("no Security")
            return
        }
        #expect(bytes.count == 21)
        let editFlags =
            "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\corp-CA01\\PolicyModules\\CertificateAuthority_MicrosoftDefault.Policy\r\n    EditFlags    REG_DWORD    0x11014e\r\n\r\n"
        let view = try RegQueryParser.parse(editFlags)
        // A `/v EditFlags` query of the module key alone still names the CA and its module.
        #expect(try CARegistryConfiguration(view)?.editFlags == .value(0x0011_014E))
        #expect(try EditFlagsParser.parse(editFlags).value.rawValue == 0x0011_014E)
        #expect(
            try RegQueryParser.parse("HKEY_LOCAL_MACHINE\\X\n    (Default)    REG_SZ    \n").value("HKLM\\X", "")
                == .string(""))
    }

    @Test func regQueryFailuresAreTypedErrors() {
        #expect(
            throws: RegistryParseError.commandFailed(
                line: 1, text: "ERROR: The system was unable to find the specified registry key or value.")
        ) {
            try RegQueryParser.parse("ERROR: The system was unable to find the specified registry key or value.\r\n")
        }
        #expect(throws: RegistryParseError.valueOutsideKey(line: 1)) {
            try RegQueryParser.parse("    A    REG_SZ    x")
        }
        #expect(throws: RegistryParseError.self) {
            try RegQueryParser.parse("HKLM\\X\n    A    REG_DWORD    0x1FFFFFFFF")
        }
        #expect(throws: RegistryParseError.self) { try RegQueryParser.parse("HKLM\\X\n    A    REG_BINARY    0G") }
        #expect(throws: RegistryParseError.self) { try RegQueryParser.parse("HKLM\\X\n    A    B    C") }
        #expect(throws: RegistryParseError.notARegistryFile) { try RegQueryParser.parse("\r\n\r\n") }
    }

    @Test func caSecurityFromRegistryTextNamesTheProblem() {
        func error(_ text: String) -> CASecurityEvidenceError? {
            do {
                _ = try CASecurityEvidence.parse(Array(text.utf8))
                return nil
            } catch { return error }
        }
        // Only other binary values: the message names them instead of parsing a CRL time as a DACL.
        #expect(
            error("HKEY_LOCAL_MACHINE\\X\r\n    CRLNextPublish    REG_BINARY    00A0B6F1E8C7DA01\r\n")
                == .noSecurityValue(found: ["CRLNextPublish"]))
        #expect(error("REGEDIT4\n[HKLM\\X]\n\"Security\"=dword:1\n") == .securityNotBinary("REG_DWORD"))
        // A truncated descriptor is a typed binary error, not a crash.
        guard case .binary? = error("HKEY_LOCAL_MACHINE\\X\n    Security    REG_BINARY    0100048014000000\n") else {
            Issue.record("truncated descriptor accepted")
            return
        }
    }

    // MARK: local groups, Credential Guard, EnableDCOM

    @Test func localGroups() throws {
        let members = try LocalGroupsParser.parse(
            bytes: Array(
                "\u{FEFF}# ca01\r\n[S-1-5-32-568]\r\n\r\n[ S-1-5-32-574 ]\r\nS-1-5-11\r\nS-1-5-21-1-2-3-1105\r\n".utf8))
        #expect(members.members(of: .iisIUSRS) == [])
        #expect(
            members.members(of: .certificateServiceDCOMAccess) == [
                .authenticatedUsers, try SID(string: "S-1-5-21-1-2-3-1105"),
            ])
        #expect(members.members(of: .everyone) == nil)
        #expect(throws: LocalGroupsParseError.memberOutsideGroup(line: 1)) { try LocalGroupsParser.parse("S-1-5-11") }
        #expect(throws: LocalGroupsParseError.duplicateGroup(line: 2, group: "S-1-5-32-568")) {
            try LocalGroupsParser.parse("[S-1-5-32-568]\n[S-1-5-32-568]")
        }
        #expect(throws: LocalGroupsParseError.self) { try LocalGroupsParser.parse("[S-1-5-32-568]\nIIS_IUSRS") }
        #expect(throws: LocalGroupsParseError.self) { try LocalGroupsParser.parse("[S-1-5-32-568") }
    }

    @Test func credentialGuardPolicyWinsOverTheLocalValue() throws {
        func configuration(_ text: String) throws -> CredentialGuardConfiguration? {
            try CredentialGuardConfiguration(try RegistryExportParser.parse("REGEDIT4\n" + text))
        }
        let lsa = "[HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa]\n"
        let policy = "[HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceGuard]\n"
        #expect(try configuration(policy + "\"LsaCfgFlags\"=dword:1\n") == nil)
        #expect(try configuration(lsa)?.configuredOn == nil)
        #expect(try configuration(lsa + "\"LsaCfgFlags\"=dword:2\n")?.configuredOn == true)
        #expect(try configuration(lsa + "\"LsaCfgFlags\"=dword:0\n")?.configuredOn == false)
        #expect(
            try configuration(lsa + "\"LsaCfgFlags\"=dword:0\n" + policy + "\"LsaCfgFlags\"=dword:1\n")?.configuredOn
                == true)
        #expect(
            try configuration(
                lsa + "\"LsaCfgFlags\"=dword:2\n" + policy
                    + "\"LsaCfgFlags\"=dword:1\n\"EnableVirtualizationBasedSecurity\"=dword:0\n")?.configuredOn == false
        )
        #expect(throws: HostRegistryError.self) { try configuration(lsa + "\"LsaCfgFlags\"=\"1\"\n") }
    }

    @Test func enableDCOM() throws {
        func enabled(_ value: String) throws -> Bool? {
            try DCOMConfiguration.enableDCOM(
                try RegistryExportParser.parse("REGEDIT4\n[HKLM\\SOFTWARE\\Microsoft\\Ole]\n" + value))
        }
        #expect(try enabled("\"EnableDCOM\"=\"Y\"") == true)
        #expect(try enabled("\"EnableDCOM\"=\"n\"") == false)
        #expect(throws: HostRegistryError.self) { try enabled("\"EnableDCOM\"=\"maybe\"") }
        #expect(throws: HostRegistryError.self) { try enabled("\"EnableDCOM\"=dword:1") }
        #expect(throws: HostRegistryError.self) { try enabled("") }
        #expect(try DCOMConfiguration.enableDCOM(try RegistryExportParser.parse("REGEDIT4\n[HKLM\\X]")) == nil)
    }

    // MARK: IIS configuration

    @Test func iisSitesAndWebConfig() throws {
        let host = try ConfigXML.elements(
            bytes: Self.fixture("v2-healthy/ces01.corp.example.test/applicationHost.config"))
        let sites = IISConfiguration.sites(host)
        #expect(sites.count == 1)
        #expect(sites.first?.name == "Default Web Site")
        #expect(sites.first?.applications == ["/", "/corp-CA01_CES_Kerberos"])
        #expect(sites.first?.bindings == ["https *:443:", "https *:443:ces.corp.example.test"])
        let web = try ConfigXML.elements(
            bytes: Self.fixture("v2-healthy/ces01.corp.example.test/ces-Kerberos.web.config"))
        #expect(IISConfiguration.multipleSiteBindingsEnabled(web) == true)
        #expect(web.contains { $0.attributes["value"] == "<not markup> & A" })
        let without = try ConfigXML.elements(bytes: Self.fixture("v2-broken/ces01.corp.example.test/web.config"))
        #expect(IISConfiguration.multipleSiteBindingsEnabled(without) == nil)
        // Outside system.serviceModel the attribute means nothing to WCF.
        let elsewhere = try ConfigXML.elements("<a><serviceHostingEnvironment multipleSiteBindingsEnabled='true'/></a>")
        #expect(IISConfiguration.multipleSiteBindingsEnabled(elsewhere) == nil)
    }

    @Test func malformedXMLIsATypedError() {
        let cases = [
            "<a>", "<a></b>", "<a b=c/>", "<a b='<'/>", "<!-- x", "<a b='&bogus;'/>", "<a b='x", "</a>", "<a/",
            String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300),
        ]
        for text in cases {
            #expect(throws: ConfigXMLError.self, "\(text.prefix(20))") { try ConfigXML.elements(text) }
        }
        #expect(throws: Never.self) {
            try ConfigXML.elements("<?xml version='1.0'?><!DOCTYPE x><a><![CDATA[<b>]]><!-- <c> --></a>")
        }
    }
}
