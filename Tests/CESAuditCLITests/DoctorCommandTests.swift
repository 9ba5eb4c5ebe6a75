import Foundation
import TestSupport
import Testing

/// The `ces-audit` binary as users run it: exit statuses, one-line errors, stdout vs stderr.
@Suite struct CommandLineTests {
    @Test func printsItsVersion() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test(arguments: [
        ["doctor", "--bogus"],
        ["doctor", "--uri", "http://dc01"],
        ["doctor", "--password", "secret"],
        ["doctor", "--uri", "ldap://dc01", "--keytab", "/nonexistent"],
        ["doctor", "--uri", "ldap://dc01", "--timeout", "0"],
        ["doctor", "--uri", "ldaps://dc01", "--tls-insecure", "--ca-file", "/x"],
        ["doctor", "--uri", "ldap://dc01", "--format", "xml"],
        ["no-such-command"],
    ])
    func badInputIsOneLineAndExit64(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        #expect(lines.first?.hasPrefix("ces-audit: ") == true)
        #expect(result.stdout.isEmpty)
    }

    /// A value inside an error message (here a file name) cannot add lines to stderr or drive the terminal.
    @Test func errorMessagesStayOneLine() throws {
        let result = try CLI.run(["user", "bob", "--site-policy", "/nonexistent\nces-audit: forged\u{1B}[2J"])
        #expect(result.status == 64)
        #expect(result.stderr == "ces-audit: cannot read site policy /nonexistent\\x0Aces-audit: forged\\x1B[2J\n")
    }

    @Test func messagesSpeakTheUsersLanguage() throws {
        let format = try CLI.run(["user", "bob", "--format", "xml"])
        #expect(format.status == 64)
        #expect(format.stderr.contains("one of the following: text, json, sarif, junit, nagios, prometheus"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ces-msg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (content, says) in [
            (Data(#"{"domain": 5}"#.utf8), "is not a ces-audit snapshot: missing key schemaVersion"),
            (Data([0, 1, 0xFF, 0x1B, 0x5B, 0x32, 0x4A]), "is not a ces-audit snapshot: not valid JSON"),
        ] {
            let file = directory.appendingPathComponent("snapshot.json")
            try content.write(to: file)
            let result = try CLI.run(["user", "bob", "--snapshot", file.path])
            #expect(result.status == 64)
            #expect(result.stderr == "ces-audit: \(file.path) \(says)\n", "\(result.stderr)")
        }
        // DNS SRV discovery that finds nothing says so and names what it tries instead.
        let discovery = try CLI.run(["doctor", "--domain", "nonexistent.invalid", "--timeout", "2"])
        #expect(discovery.status == 3)
        #expect(
            discovery.stderr.contains(
                "no domain controller found through the DNS SRV record _ldap._tcp.nonexistent.invalid; trying ldap://nonexistent.invalid"
            ), "\(discovery.stderr)")
    }

    /// Credentials that would be ignored are a mistake to point out, not to skip.
    @Test(arguments: [
        (["doctor", "--uri", "ldap://127.0.0.1:9"], ["CES_AUDIT_PASSWORD": "x"], "no --bind-dn"),
        (["doctor", "--uri", "ldap://127.0.0.1:9", "--principal", "a@B"], [:], "--principal needs --keytab"),
        (["user", "bob", "--uri", "ldap://127.0.0.1:9", "--principal", "a@B"], [:], "--principal needs --keytab"),
    ])
    func ignoredCredentialsAreUsageErrors(arguments: [String], environment: [String: String], says: String) throws {
        let result = try CLI.run(arguments, environment: environment)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(says), "\(result.stderr)")
    }

    @Test(arguments: ["user", "server", "scan", "snapshot", "history", "rules", "explain", "doctor"])
    func helpShowsExamplesAndExitStatuses(command: String) throws {
        let result = try CLI.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:\n  ces-audit \(command)"), "\(result.stdout.prefix(400))")
        #expect(result.stdout.contains("Exit status:\n  0 "))
        #expect(result.stdout.contains("  64  "))
    }

    @Test func bindDNWithoutPasswordIsAUsageError() throws {
        let result = try CLI.run(
            ["doctor", "--uri", "ldaps://127.0.0.1", "--bind-dn", "CN=x"], environment: ["CES_AUDIT_PASSWORD": ""])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--password-file"))
    }

    /// The timeout bounds a server that accepts TCP and never answers — measured around a separate process, so
    /// the suite's other tests cannot delay the measurement.
    @Test(arguments: [["--uri", "ldap"], ["--uri", "ldaps"], ["--starttls", "--uri", "ldap"]])
    func silentServerIsCutAfterTheTimeout(flags: [String]) throws {
        let listener = try SilentListener()
        let uri = "\(flags.last ?? "ldap")://127.0.0.1:\(listener.port)"
        let start = Date()
        let result = try CLI.run(
            ["doctor"] + flags.dropLast() + [uri, "--timeout", "1.5", "--bind-dn", "CN=x"],
            environment: ["CES_AUDIT_PASSWORD": "not-a-secret"])
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.status == 3, "\(result.stderr)")
        // Without the limit the run never ends; the bound leaves room for a loaded machine's process start.
        #expect(elapsed < 30, "took \(elapsed)s with a 1.5s timeout")
        withExtendedLifetime(listener) {}
    }

    @Test func unreachableDirectoryIsUnknownExit3() throws {
        let port = try closedPort()
        let result = try CLI.run(
            ["doctor", "--uri", "ldap://127.0.0.1:\(port)", "--timeout", "2", "--format", "json"])
        #expect(result.status == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["bound"] as? Bool == false)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect((json["error"] as? String)?.contains("Can't contact LDAP server") == true)
    }
}

@Suite(.requiresTestBed)
struct DoctorAgainstTestBedTests {
    @Test func doctorOverVerifiedLDAPS() throws {
        let env = try TestBed()
        let result = try CLI.run(
            [
                "doctor", "--uri", env["CES_TEST_LDAPS_URI"], "--ca-file", env["CES_TEST_CA_FILE"],
                "--bind-dn", env["CES_TEST_READER_DN"], "--password-file", env["CES_TEST_READER_PASSWORD_FILE"],
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("LDAPS, certificate verified"))
        #expect(result.stdout.contains(env["CES_TEST_READER_DN"]))
        #expect(result.stdout.contains("the server does not support WhoAmI"))
        #expect(result.stdout.contains("CN=Configuration," + env["CES_TEST_BASE_DN"]))
        #expect(result.stdout.contains("4 enrollment service(s)"), "corp-CA01, corp CA02, rel-broken-CA, c9-CA03")
        #expect(result.stdout.contains("security descriptors readable"))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func doctorJSONWithPasswordFromTheEnvironment() throws {
        let env = try TestBed()
        let password = try String(contentsOfFile: env["CES_TEST_READER_PASSWORD_FILE"], encoding: .utf8)
        let result = try CLI.run(
            [
                "doctor", "--uri", env["CES_TEST_LDAP_URI"], "--starttls", "--ca-file", env["CES_TEST_CA_FILE"],
                "--bind-dn", env["CES_TEST_READER_DN"], "--format", "json",
            ],
            environment: ["CES_AUDIT_PASSWORD": password])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains(password))
        #expect(!result.stderr.contains(password))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["command"] as? String == "doctor")
        #expect(json["bound"] as? Bool == true)
        let session = try #require(json["session"] as? [String: Any])
        #expect(session["tls"] as? String == "startTLS")
        #expect(session["tlsVerified"] as? Bool == true)
        let root = try #require(json["rootDSE"] as? [String: Any])
        #expect(root["defaultNamingContext"] as? String == env["CES_TEST_BASE_DN"])
        #expect(root["domainFunctionality"] as? Int == 4)
    }

    @Test func doctorOverGSSAPIWithAKeytabIsSealed() throws {
        let env = try TestBed()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ces-audit-cc-\(UUID().uuidString)")
        // A FILE: cache that must stay untouched: the keytab path uses an in-memory cache only.
        let result = try CLI.run(
            [
                "doctor", "--uri", env["CES_TEST_LDAP_URI"], "--keytab", env["CES_TEST_KEYTAB"],
                "--principal", env["CES_TEST_PRINCIPAL"],
            ],
            environment: ["KRB5CCNAME": "FILE:\(scratch.path)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("SASL/GSSAPI (security layer: sealed"))
        #expect(result.stdout.contains(env["CES_TEST_PRINCIPAL"]))
        #expect(!FileManager.default.fileExists(atPath: scratch.path), "no ticket file may be left behind")
    }

    @Test func doctorOverGSSAPIWithTheCallersCredentialCache() throws {
        let env = try TestBed()
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ces-audit-cc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let kinit = try CLI.run(
            ["kinit", "-k", "-t", env["CES_TEST_KEYTAB"], env["CES_TEST_PRINCIPAL"]], executable: "/usr/bin/env",
            environment: ["KRB5CCNAME": "FILE:\(cache.path)"])
        #expect(kinit.status == 0, "\(kinit.stderr)")
        let result = try CLI.run(
            ["doctor", "--uri", env["CES_TEST_LDAP_URI"], "--format", "json"],
            environment: ["KRB5CCNAME": "FILE:\(cache.path)"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let session = try #require(json["session"] as? [String: Any])
        #expect(session["mechanism"] as? String == "GSSAPI")
        #expect((session["saslSecurityStrength"] as? Int ?? 0) > 1)
    }

    @Test func withoutCredentialsGSSAPIFailsWithExit3() throws {
        let env = try TestBed()
        let result = try CLI.run(
            ["doctor", "--uri", env["CES_TEST_LDAP_URI"]], environment: ["KRB5CCNAME": "FILE:/nonexistent/cache"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("GSSAPI"))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func insecureTLSWarnsOnStderr() throws {
        let env = try TestBed()
        let result = try CLI.run(
            [
                "doctor", "--uri", env["CES_TEST_LDAPS_URI"], "--tls-insecure", "--bind-dn", env["CES_TEST_READER_DN"],
                "--password-file", env["CES_TEST_READER_PASSWORD_FILE"],
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: TLS certificate verification is OFF"))
        #expect(result.stdout.contains("certificate NOT verified"))
    }

    @Test func failoverIsReported() throws {
        let env = try TestBed()
        let dead = "ldaps://127.0.0.1:\(try closedPort())"
        let result = try CLI.run(
            [
                "doctor", "--uri", dead, "--uri", env["CES_TEST_LDAPS_URI"], "--ca-file", env["CES_TEST_CA_FILE"],
                "--bind-dn", env["CES_TEST_READER_DN"], "--password-file", env["CES_TEST_READER_PASSWORD_FILE"],
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("skipped"))
        #expect(result.stdout.contains(dead))
    }
}

@Suite struct CatalogueCommandTests {
    @Test func rulesListsTheCatalogue() throws {
        let result = try CLI.run(["rules"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("CES-A1"))
        #expect(result.stdout.contains("CES-G5"))
        #expect(result.stdout.contains("CES-K1"))
        #expect(result.stdout.contains("CES-K2"))
        #expect(result.stdout.split(separator: "\n").count == 45)
    }

    @Test func rulesAsJSON() throws {
        let result = try CLI.run(["rules", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rules = try #require(json["rules"] as? [[String: Any]])
        #expect(rules.count == 45)
        #expect(rules.last?["id"] as? String == "CES-K2")
        #expect(rules.first?["id"] as? String == "CES-A1")
        #expect(rules.first?["severity"] as? String == "fail")
    }

    @Test func rulesWithABrokenPolicyDirectoryIsAUsageError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ces-policies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "schemaVersion: 1\nrules:\n  - id: CES-A1\n    bogus: 1\n".write(
            to: directory.appendingPathComponent("catalogue.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["rules", "--policies", directory.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("catalogue.yaml:4: rules[0].bogus: unknown key"), "\(result.stderr)")
    }

    @Test(arguments: [
        "0x803d0013", "803D0013", "-2143485933", "2151481363", "WS_E_ENDPOINT_FAULT_RECEIVED",
        "ws_e_endpoint_fault_received", "-- -2143485933", "Exception from HRESULT: 0x803D0013",
        "System.ServiceModel.FaultException: The request failed (0x803d0013)",
    ])
    func explainNormalisesEveryForm(code: String) throws {
        let result = try CLI.run(["explain", "--format", "json"] + code.split(separator: " ").map(String.init))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let codes = try #require(json["codes"] as? [[String: Any]])
        #expect(codes.first?["symbol"] as? String == "WS_E_ENDPOINT_FAULT_RECEIVED")
        #expect(codes.first?["code"] as? String == "0x803D0013")
        #expect(codes.first?["signedDecimal"] as? Int == -2_143_485_933)
        let rules = try #require(codes.first?["rules"] as? [[String: Any]])
        #expect(rules.contains { $0["id"] as? String == "CES-A1" && $0["title"] is String })
    }

    @Test func explainTextNamesCausesAndRules() throws {
        let result = try CLI.run(["explain", "WIN32: 1722"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("RPC_S_SERVER_UNAVAILABLE"))
        #expect(result.stdout.contains("0x800706BA"))
        #expect(result.stdout.contains("CES-G1"))
    }

    @Test func explainSpellsOutRuleOnlyCauses() throws {
        // The error table names only "F1" for this code; explain must say what F1 means.
        let result = try CLI.run(["explain", "0x80094812"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("1. Template requires an e-mail address the requester does not have (CES-F1: "))
        #expect(!result.stdout.contains("shows up: F1"))
    }

    /// What Windows users paste: a Win32 name, a certutil line, a Kerberos symbol with its text.
    @Test(arguments: [
        (["ERROR_ACCESS_DENIED"], "E_ACCESSDENIED"),
        (["CertUtil: -getreg command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)"], "ERROR_FILE_NOT_FOUND"),
        (["CertUtil:", "-getreg", "command", "FAILED:", "0x80070002"], "ERROR_FILE_NOT_FOUND"),
        (["KRB_AP_ERR_SKEW(Clock skew too great)"], "KRB_AP_ERR_SKEW"),
    ])
    func explainFindsTheCodeInWhatWasPasted(words: [String], symbol: String) throws {
        let result = try CLI.run(["explain"] + words)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(symbol), "\(result.stdout)")
    }

    @Test func explainKerberosNumber() throws {
        let result = try CLI.run(["explain", "13", "--kerberos"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("KDC_ERR_BADOPTION"))
    }

    @Test func explainKdcsvcEventsAndEtypeNoSuppPointAtC9() throws {
        let event = try CLI.run(["explain", "Kdcsvc", "203", "--format", "json"])
        #expect(event.status == 0, "\(event.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(event.stdout.utf8)) as? [String: Any])
        let code = try #require((json["codes"] as? [[String: Any]])?.first)
        #expect(code["kind"] as? String == "kdc-event")
        #expect(code["code"] as? String == "203")
        #expect((code["rules"] as? [[String: Any]])?.first?["id"] as? String == "CES-C9")
        let text = try CLI.run(["explain", "KDC_ERR_ETYPE_NOSUPP"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("CES-C9"))
        let keys = try CLI.run(["explain", "Kdcsvc 209"])
        #expect(keys.status == 0, "\(keys.stderr)")
        #expect(keys.stdout.contains("Domain controller event KDCSVC 209"))
        #expect(keys.stdout.contains("has no AES-SHA1 keys"))
        #expect(keys.stdout.contains("Reset the password"))
        #expect(keys.stdout.contains("CES-C9  CES principal or CA computer cannot get AES Kerberos tickets"))
        #expect(try CLI.run(["explain", "Kdcsvc 210"]).status == 64)
    }

    @Test(arguments: ["0x12345678", "garbage", ""])
    func unknownCodesExit64WithOneLine(code: String) throws {
        let result = try CLI.run(["explain", code])
        #expect(result.status == 64)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
