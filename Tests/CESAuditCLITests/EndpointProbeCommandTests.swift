import Foundation
import TestSupport
import Testing

/// `probe-endpoint` flags and help: no server needed.
@Suite struct EndpointProbeFlagTests {
    @Test(arguments: [
        (["--resolve", "ces01.corp.example.test"], "--resolve takes HOST:ADDRESS"),
        (["--keytab", "/etc/hostname"], "--keytab and --principal go together"),
        (["--timeout", "0"], "--timeout must be between 0 and 600"),
        (["--auth", "ntlm"], "--auth"),
        (["--ca-file", "/nonexistent/ca.pem"], "cannot read CA file"),
    ])
    func badFlagsAreUsageErrors(arguments: [String], message: String) throws {
        let result = try CLI.run(
            ["probe-endpoint", "https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func helpSaysTheProbeIsReadOnly() throws {
        let help = try CLI.run(["probe-endpoint", "--help"])
        #expect(help.status == 0)
        for phrase in ["Read-only", "Never sends a password", "NTLM", "--resolve", "--timeout"] {
            #expect(help.stdout.contains(phrase), "probe-endpoint --help lacks \(phrase)")
        }
    }
}

/// The probe against real servers: Apache httpd with mod_ssl and mod_auth_gssapi standing in for CES hosts
/// (scripts/endpoint-standins), keytabs exported from the test bed DC, tickets from its KDC.
@Suite(
    .enabled(if: TestBedEnvironment.shouldRun, "\(TestBedEnvironment.skipReason); then scripts/endpoint-standins up"))
struct EndpointProbeCommandTests {
    struct Scenario: CustomStringConvertible, Sendable {
        var name: String
        /// The stand-in's address variable (nil: the name is not mapped).
        var address: String?
        var path = "CES_STANDIN_KERBEROS_PATH"
        var scheme = "https"
        var host = "ces01.corp.example.test"
        var extra: [String] = []
        var expected: [String: String]
        /// Words each named check's message must contain.
        var messages: [String: [String]] = [:]
        var exit: Int32
        var description: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(
            name: "healthy Kerberos endpoint", address: "CES_STANDIN_HEALTHY",
            expected: [
                "certificate-name": "pass", "certificate-validity": "pass", "certificate-trust": "pass",
                "certificate-key-usage": "pass", "authentication": "pass", "ntlm": "pass", "kerberos": "pass",
            ], exit: 0),
        Scenario(
            name: "HTTP SPN on another account than the server's key", address: "CES_STANDIN_WRONG_KEY",
            expected: ["certificate-trust": "pass", "authentication": "pass", "kerberos": "fail"], exit: 2),
        Scenario(
            name: "certificate for another name", address: "CES_STANDIN_OTHER_NAME",
            expected: ["certificate-name": "fail", "certificate-trust": "pass", "kerberos": "pass"], exit: 2),
        Scenario(
            name: "expired certificate", address: "CES_STANDIN_EXPIRED",
            expected: ["certificate-validity": "fail", "certificate-trust": "fail", "certificate-name": "pass"],
            exit: 2),
        Scenario(
            name: "plain HTTP", address: "CES_STANDIN_PLAIN_HTTP", scheme: "http",
            expected: ["scheme": "fail", "tcp-connect": "pass", "kerberos": "skipped"], exit: 2),
        Scenario(
            name: "NTLM offered (simulated header)", address: "CES_STANDIN_NTLM",
            expected: ["authentication": "pass", "ntlm": "warn", "kerberos": "pass"], exit: 1),
        Scenario(
            name: "accepts TCP, never answers", address: "CES_STANDIN_SILENT", extra: ["--timeout", "2"],
            expected: ["name-resolution": "pass", "tcp-connect": "pass", "tls-handshake": "fail"], exit: 2),
        Scenario(
            name: "name does not resolve", address: nil, host: "ces-missing.corp.example.test",
            expected: ["name-resolution": "fail"], exit: 2),
        Scenario(
            name: "UsernamePassword instance offers Basic over TLS", address: "CES_STANDIN_HEALTHY",
            path: "CES_STANDIN_USERNAME_PATH", expected: ["authentication": "pass", "ntlm": "pass"], exit: 0),
        Scenario(
            name: "no account holds the HTTP SPN", address: "CES_STANDIN_HEALTHY", host: "ces-nospn.corp.example.test",
            expected: ["certificate-name": "fail", "kerberos": "fail"], exit: 2),
        Scenario(
            name: "Certificate endpoint that requires a client certificate in the handshake",
            address: "CES_STANDIN_CLIENT_CERTIFICATE", path: "CES_STANDIN_CERTIFICATE_PATH",
            expected: [
                "tls-handshake": "pass", "certificate-trust": "pass", "certificate-name": "pass",
                "authentication": "pass", "ntlm": "skipped",
            ],
            messages: ["authentication": ["in the TLS handshake", "requires a client certificate"]], exit: 0),
        Scenario(
            name: "Certificate endpoint that asks by renegotiating after the request (TLS 1.2)",
            address: "CES_STANDIN_RENEGOTIATE", path: "CES_STANDIN_CERTIFICATE_PATH",
            expected: ["certificate-trust": "pass", "authentication": "pass", "ntlm": "pass"],
            messages: ["authentication": ["renegotiating", "optional"]], exit: 0),
        Scenario(
            name: "Certificate endpoint that requires a client certificate, TLS 1.2: the handshake is refused",
            address: "CES_STANDIN_CLIENT_CERTIFICATE_TLS12", path: "CES_STANDIN_CERTIFICATE_PATH",
            expected: ["tls-handshake": "fail", "authentication": "unknown"],
            messages: ["authentication": ["did not complete", "handshake_failure"]], exit: 2),
        Scenario(
            name: "Certificate endpoint whose renegotiation after the request is refused (TLS 1.2)",
            address: "CES_STANDIN_RENEGOTIATE_REQUIRED", path: "CES_STANDIN_CERTIFICATE_PATH",
            expected: ["tls-handshake": "pass", "http-response": "unknown", "authentication": "unknown"],
            messages: ["authentication": ["new TLS handshake after the request"]], exit: 3),
        Scenario(
            name: "Certificate endpoint that asks only by TLS 1.3 post-handshake authentication (never offered)",
            address: "CES_STANDIN_POST_HANDSHAKE", path: "CES_STANDIN_CERTIFICATE_PATH",
            expected: ["tls-handshake": "pass", "authentication": "fail"],
            messages: ["authentication": ["did not ask", "HTTP 403", "post-handshake"]], exit: 2),
        Scenario(
            name: "Certificate endpoint that never asks for a client certificate", address: "CES_STANDIN_HEALTHY",
            path: "CES_STANDIN_CERTIFICATE_PATH",
            expected: ["certificate-trust": "pass", "authentication": "fail", "ntlm": "pass"],
            messages: ["authentication": ["did not ask", "HTTP 200"]], exit: 2),
        Scenario(
            name: "Certificate endpoint whose TLS handshake never completes", address: "CES_STANDIN_SILENT",
            path: "CES_STANDIN_CERTIFICATE_PATH", extra: ["--timeout", "2"],
            expected: ["tls-handshake": "fail", "authentication": "unknown"],
            messages: ["authentication": ["did not complete"]], exit: 2),
    ]

    static func probe(_ arguments: [String]) throws -> (status: Int32, endpoint: [String: Any], stderr: String) {
        let result = try CLI.run(["probe-endpoint", "--format", "json"] + arguments)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let endpoints = try #require(document["endpoints"] as? [[String: Any]])
        return (result.status, try #require(endpoints.first), result.stderr)
    }

    static func checks(_ endpoint: [String: Any]) -> [String: (status: String, message: String)] {
        var out: [String: (String, String)] = [:]
        for check in endpoint["checks"] as? [[String: Any]] ?? [] {
            out[check["check"] as? String ?? ""] = (check["status"] as? String ?? "", check["message"] as? String ?? "")
        }
        return out
    }

    static func credentials() throws -> [String] {
        [
            "--ca-file", try TestBedEnvironment.value("CES_TEST_CA_FILE"), "--keytab",
            try TestBedEnvironment.value("CES_TEST_KEYTAB"), "--principal",
            try TestBedEnvironment.value("CES_TEST_PRINCIPAL"),
        ]
    }

    @Test(arguments: scenarios)
    func scenarioIsDecidedRight(_ scenario: Scenario) throws {
        let url = "\(scenario.scheme)://\(scenario.host)\(try TestBedEnvironment.value(scenario.path))"
        var arguments = [url] + (try Self.credentials()) + scenario.extra
        if let address = scenario.address {
            arguments += ["--resolve", "\(scenario.host):\(try TestBedEnvironment.value(address))"]
        }
        let started = Date()
        let result = try Self.probe(arguments)
        let checks = Self.checks(result.endpoint)
        for (check, status) in scenario.expected {
            #expect(
                checks[check]?.status == status, "\(scenario.name): \(check) = \(String(describing: checks[check]))")
        }
        for (check, words) in scenario.messages {
            for word in words {
                #expect(
                    checks[check]?.message.contains(word) == true,
                    "\(scenario.name): \(check) message lacks \"\(word)\": \(String(describing: checks[check]))")
            }
        }
        #expect(result.status == scenario.exit, "\(scenario.name): \(result.endpoint)")
        // The default limit is 15 s a request; the bound leaves room for a loaded machine and still catches a hang.
        #expect(Date().timeIntervalSince(started) < 45, "the time limit per request holds")
    }

    @Test func wrongKeyRefusalIsDecodedWithTheTicketsEncryptionType() throws {
        let result = try Self.probe(
            [
                "https://ces01.corp.example.test\(try TestBedEnvironment.value("CES_STANDIN_KERBEROS_PATH"))",
                "--resolve", "ces01.corp.example.test:\(try TestBedEnvironment.value("CES_STANDIN_WRONG_KEY"))",
            ] + (try Self.credentials()))
        let kerberos = try #require(result.endpoint["kerberos"] as? [String: Any])
        // MIT's acceptor says BAD_INTEGRITY (31) where Windows says KRB_AP_ERR_MODIFIED (41): same meaning.
        #expect(kerberos["serverError"] as? String == "KRB_AP_ERR_BAD_INTEGRITY (31)")
        #expect(kerberos["server"] as? String == "refused")
        #expect(kerberos["encryptionType"] as? String != nil)
        #expect(kerberos["keyVersion"] as? Int != nil)
        let message = Self.checks(result.endpoint)["kerberos"]?.message ?? ""
        #expect(message.contains("cannot decrypt the ticket"), "\(message)")
    }

    @Test func aTicketForAnSPNNobodyHoldsIsRefusedByTheKDC() throws {
        let host = "ces-nospn.corp.example.test"
        let result = try Self.probe(
            [
                "https://\(host)\(try TestBedEnvironment.value("CES_STANDIN_KERBEROS_PATH"))", "--resolve",
                "\(host):\(try TestBedEnvironment.value("CES_STANDIN_HEALTHY"))",
            ] + (try Self.credentials()))
        let kerberos = try #require(result.endpoint["kerberos"] as? [String: Any])
        #expect(kerberos["kdcError"] as? String == "KDC_ERR_S_PRINCIPAL_UNKNOWN (7)")
        #expect(
            Self.checks(result.endpoint)["kerberos"]?.message.contains("resolves HTTP/\(host) to no single account")
                == true)
    }

    @Test func aSilentServerIsGivenUpWithinTheEndpointsTimeLimit() throws {
        let started = Date()
        let result = try Self.probe([
            "https://ces01.corp.example.test\(try TestBedEnvironment.value("CES_STANDIN_KERBEROS_PATH"))",
            "--resolve", "ces01.corp.example.test:\(try TestBedEnvironment.value("CES_STANDIN_SILENT"))",
            "--timeout", "2", "--no-kerberos",
        ])
        // 2 s for the endpoint, at most 3 s more for the TCP check that names the stage, and process start-up
        // (slow on a loaded machine); without the limit the probe never ends.
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(Self.checks(result.endpoint)["tls-handshake"]?.message.contains("never completed") == true)
    }

    @Test func withoutKerberosCredentialsTheLegIsUnknownNeverPassed() throws {
        let result = try CLI.run(
            [
                "probe-endpoint", "--format", "json",
                "https://ces01.corp.example.test\(try TestBedEnvironment.value("CES_STANDIN_KERBEROS_PATH"))",
                "--resolve", "ces01.corp.example.test:\(try TestBedEnvironment.value("CES_STANDIN_HEALTHY"))",
                "--ca-file", try TestBedEnvironment.value("CES_TEST_CA_FILE"),
            ], environment: ["KRB5CCNAME": "FILE:/nonexistent/ces-audit-no-cache"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let endpoint = try #require((document["endpoints"] as? [[String: Any]])?.first)
        #expect(Self.checks(endpoint)["kerberos"]?.status == "unknown")
        #expect(endpoint["status"] as? String == "unknown")
        #expect(result.status == 3)
    }

    @Test func theChainIsVerifiedAgainstTheGivenTrust() throws {
        let result = try Self.probe([
            "https://ces01.corp.example.test\(try TestBedEnvironment.value("CES_STANDIN_KERBEROS_PATH"))",
            "--resolve", "ces01.corp.example.test:\(try TestBedEnvironment.value("CES_STANDIN_HEALTHY"))",
            "--ca-file", try TestBedEnvironment.value("CES_TEST_WRONG_CA_FILE"), "--no-kerberos",
        ])
        let checks = Self.checks(result.endpoint)
        #expect(checks["certificate-trust"]?.status == "fail")
        #expect(checks["certificate-name"]?.status == "pass")
        #expect(checks["kerberos"]?.status == "skipped")
        #expect(result.status == 2)
    }
}

/// `--probe-endpoints` on `server` and `scan`: CES-K2 against the static CES-C8/C9 verdicts of the test bed's AD
/// (HTTP/ces01 is on svc-ces, the CES principal of ces01).
@Suite(
    .enabled(if: TestBedEnvironment.shouldRun, "\(TestBedEnvironment.skipReason); then scripts/endpoint-standins up"))
struct EndpointProbeJobTests {
    static func connection() throws -> [String] {
        [
            "--uri", try TestBedEnvironment.value("CES_TEST_LDAP_URI"), "--keytab",
            try TestBedEnvironment.value("CES_TEST_KEYTAB"), "--principal",
            try TestBedEnvironment.value("CES_TEST_PRINCIPAL"), "--ca-file",
            try TestBedEnvironment.value("CES_TEST_CA_FILE"),
        ]
    }

    static func k2(_ output: String) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        return findings.filter { $0["ruleId"] as? String == "CES-K2" }
    }

    @Test(arguments: [
        ("CES_STANDIN_HEALTHY", "pass", "agree"),
        ("CES_STANDIN_WRONG_KEY", "fail", "disagree"),
    ])
    func serverComparesTheKerberosLegWithC8(address: String, status: String, comparison: String) throws {
        let result = try CLI.run(
            [
                "server", "ces01.corp.example.test", "--ca", "corp-CA01", "--auth", "kerberos", "--probe-endpoints",
                "--probe-resolve", "ces01.corp.example.test:\(try TestBedEnvironment.value(address))", "--format",
                "json", "--service-account", "svc-ces",  // named: C8 is unknown for a principal only inferred from the SPN
            ] + (try Self.connection()))
        let k2 = try Self.k2(result.stdout)
        #expect(k2.count == 1, "\(result.stderr)")
        let finding = try #require(k2.first)
        #expect(finding["status"] as? String == status, "\(finding["message"] ?? "")")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["static:CES-C8"] as? String == "pass")
        #expect(evidence["comparison:CES-C8"] as? String == comparison)
        #expect("\(evidence["spnHolders"] ?? "")".contains("svc-ces"))
        // svc-ces has msDS-SupportedEncryptionTypes 0x18 (AES only): C9 passes and the KDC issues an AES ticket.
        #expect(evidence["comparison:CES-C9"] as? String == "agree", "\(evidence)")
        if status == "fail" {
            #expect("\(finding["message"] ?? "")".contains("DISAGREE"))
            #expect("\(evidence["probe:kerberos"] ?? "")".contains("KRB_AP_ERR_BAD_INTEGRITY"))
        }
    }

    /// The Certificate instance of ces01: K2 follows the client-certificate request (no Kerberos leg to compare).
    @Test(arguments: [("CES_STANDIN_CLIENT_CERTIFICATE", "pass"), ("CES_STANDIN_HEALTHY", "fail")])
    func serverJudgesACertificateEndpointByTheClientCertificateRequest(address: String, status: String) throws {
        let result = try CLI.run(
            [
                "server", "ces01.corp.example.test", "--ca", "corp-CA01", "--auth", "certificate",
                "--probe-endpoints", "--probe-resolve",
                "ces01.corp.example.test:\(try TestBedEnvironment.value(address))", "--format", "json",
            ] + (try Self.connection()))
        let k2 = try Self.k2(result.stdout)
        #expect(k2.count == 1, "\(result.stderr)")
        let finding = try #require(k2.first)
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect("\(evidence["url"] ?? "")".hasSuffix("/corp-CA01_CES_Certificate/service.svc/CES"))
        #expect(finding["status"] as? String == status, "\(finding["message"] ?? "")")
        #expect("\(evidence["probe:authentication"] ?? "")".hasPrefix(status), "\(evidence)")
    }

    /// ces02: HTTP/ces02 is on svc-dup and svc-ces2 (CES-C8 fails); the KDC refuses the ticket — they agree.
    @Test func aDuplicatedSPNIsRefusedByTheKDCAsCESC8Predicts() throws {
        let result = try CLI.run(
            [
                "server", "ces02.corp.example.test", "--ca", "corp-CA01", "--auth", "kerberos", "--probe-endpoints",
                "--probe-resolve", "ces02.corp.example.test:\(try TestBedEnvironment.value("CES_STANDIN_HEALTHY"))",
                "--format", "json",
            ] + (try Self.connection()))
        let finding = try #require(try Self.k2(result.stdout).first, "\(result.stderr)")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["static:CES-C8"] as? String == "fail")
        #expect(evidence["live:kerberos"] as? String == "refused by the KDC")
        #expect(evidence["comparison:CES-C8"] as? String == "agree")
        #expect("\(evidence["spnHolders"] ?? "")".contains("svc-dup"))
        // The stand-in's certificate is for ces01: the finding fails on that, not on the comparison.
        #expect(finding["status"] as? String == "fail")
        #expect("\(evidence["probe:certificate-name"] ?? "")".hasPrefix("fail"))
    }

    @Test func withoutTheFlagThereIsNoProbeButTheConfigFileCanAskForIt() throws {
        let plain = try CLI.run(
            ["server", "ces01.corp.example.test", "--ca", "corp-CA01", "--auth", "kerberos", "--format", "json"]
                + (try Self.connection()))
        #expect(
            try Self.k2(plain.stdout).map { $0["status"] as? String } == ["skipped"],
            "K2 skipped without --probe-endpoints")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("k2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("ces-audit.yaml")
        try "probeEndpoints: true\n".write(to: config, atomically: true, encoding: .utf8)
        let configured = try CLI.run(
            [
                "server", "ces01.corp.example.test", "--ca", "corp-CA01", "--auth", "kerberos", "--config",
                config.path, "--probe-resolve",
                "ces01.corp.example.test:\(try TestBedEnvironment.value("CES_STANDIN_HEALTHY"))", "--format", "json",
            ] + (try Self.connection()))
        #expect(try Self.k2(configured.stdout).first?["status"] as? String == "pass", "\(configured.stderr)")
    }

    @Test func scanProbesEveryPublishedEndpoint() throws {
        let result = try CLI.run(
            [
                "scan", "--probe-endpoints", "--probe-timeout", "15", "--probe-resolve",
                "ces01.corp.example.test:\(try TestBedEnvironment.value("CES_STANDIN_HEALTHY"))", "--include-passed",
                "--format", "json",
            ] + (try Self.connection()))
        let k2 = try Self.k2(result.stdout)
        let byURL = Dictionary(
            k2.map { ("\(($0["evidence"] as? [String: Any])?["url"] ?? "")", $0) }, uniquingKeysWith: { a, _ in a })
        let healthy = try #require(byURL["https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"])
        #expect(healthy["status"] as? String == "pass", "\(healthy["message"] ?? "")")
        // ces02 is published but has no stand-in and no DNS: the name does not resolve.
        let ces02 = try #require(byURL["https://ces02.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"])
        #expect(ces02["status"] as? String == "fail")
        #expect("\(ces02["message"] ?? "")".contains("name-resolution fail"))
        // The published plain-HTTP value (test bed seed) fails the scheme check.
        let plain = try #require(byURL["http://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"])
        #expect(plain["status"] as? String == "fail")
    }
}
