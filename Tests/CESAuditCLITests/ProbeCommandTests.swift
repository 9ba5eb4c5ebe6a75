import Foundation
import TestSupport
import Testing

/// The probe flags (`--probe-user`, `--probe-keytab`, `--probe-principal`): usage errors need no directory.
@Suite struct ProbeFlagTests {
    static var keytab: String {
        // any readable file passes the flag check; it is never opened when validation fails first
        URL(fileURLWithPath: #filePath).path
    }

    @Test(arguments: [
        (["server", "ces01.corp.example.test", "--probe-user", "alice"], "--probe-user needs --probe-keytab"),
        (["server", "ces01.corp.example.test", "--probe-keytab", keytab], "--probe-keytab needs --probe-user"),
        (
            ["server", "ces01.corp.example.test", "--probe-principal", "svc-ces"],
            "--probe-principal needs --probe-keytab"
        ),
        (["user", "alice", "--probe-principal", "svc-ces"], "--probe-principal needs --probe-keytab"),
        (
            ["server", "ces01.corp.example.test", "--probe-user", "alice", "--probe-keytab", "/nonexistent/k.keytab"],
            "cannot read the probe keytab"
        ),
        (["user", "alice", "--probe-keytab", "/nonexistent/k.keytab"], "cannot read the probe keytab"),
    ])
    func incompleteProbeFlagsAreUsageErrors(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments + ["--uri", "ldap://127.0.0.1:1"])
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func helpNamesTheProbeFlagsAndTheirRisk() throws {
        let server = try CLI.run(["server", "--help"])
        for flag in ["--probe-user", "--probe-keytab", "--probe-principal"] {
            #expect(server.stdout.contains(flag), "server --help lacks \(flag)")
        }
        let user = try CLI.run(["user", "--help"])
        #expect(user.stdout.contains("--probe-keytab"))
        #expect(!user.stdout.contains("--probe-user"), "user probes ACCOUNT itself")
        #expect(user.stdout.contains("0600"))
    }
}

/// The probe end to end against the test bed's KDC, and the static-vs-KDC matrix of scripts/s4u-matrix.
@Suite(.requiresTestBed)
struct ProbeCommandTests {
    static func k1(_ output: String) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        return findings.filter { $0["ruleId"] as? String == "CES-K1" }
    }

    @Test func serverProbeForAliceAgreesOnBothInstances() throws {
        let env = try TestBed()
        let result = try CLI.run(
            [
                "server", "ces01.corp.example.test", "--ca", "corp-CA01", "--auth", "kerberos", "--auth",
                "certificate", "--probe-user", "alice", "--probe-keytab", env["CES_TEST_SVC_KEYTAB"], "--format",
                "json",
            ] + JobCommandTests.connection())
        let k1 = try Self.k1(result.stdout)
        #expect(k1.count == 2, "\(result.stderr)")
        for finding in k1 {
            #expect(finding["status"] as? String == "pass", "\(finding["message"] ?? "")")
            let evidence = try #require(finding["evidence"] as? [String: Any])
            #expect(evidence["kdc:RPCSS/ca01.corp.example.test"] as? String == "granted")
            #expect(evidence["probePrincipal"] as? String == "svc-ces@CORP.EXAMPLE.TEST")
        }
    }

    @Test func userProbeForBobShowsTheRefusalAndTheStaticReason() throws {
        let env = try TestBed()
        let result = try CLI.run(
            [
                "user", "bob", "--endpoint", JobCommandTests.kerberos, "--probe-keytab", env["CES_TEST_SVC_KEYTAB"],
                "--format", "json",
            ] + JobCommandTests.connection())
        let k1 = try #require(try Self.k1(result.stdout).first)
        #expect(k1["status"] as? String == "pass", "\(k1["message"] ?? "")")
        let evidence = try #require(k1["evidence"] as? [String: Any])
        #expect(evidence["kdcError:HOST/ca01.corp.example.test"] as? String == "KDC_ERR_BADOPTION (13)")
        #expect("\(evidence["staticReasons:HOST/ca01.corp.example.test"] ?? "")".contains("CES-A1"))
    }

    @Test func aKeyForAnotherPrincipalIsUnknownWithTheReason() throws {
        let env = try TestBed()
        let result = try CLI.run(
            [
                "user", "alice", "--endpoint", JobCommandTests.kerberos, "--probe-keytab",
                env["CES_TEST_SVC2_KEYTAB"], "--format", "json",
            ] + JobCommandTests.connection())
        let k1 = try #require(try Self.k1(result.stdout).first)
        #expect(k1["status"] as? String == "unknown")
        #expect("\(k1["message"] ?? "")".contains("no suitable keys"), "\(k1["message"] ?? "")")
        #expect(result.status == 3 || result.status == 2)
    }

    @Test func anUnreachableKDCIsUnknownNeverAgreement() throws {
        let env = try TestBed()
        let port = try closedPort()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("krb5-\(UUID().uuidString).conf")
        defer { try? FileManager.default.removeItem(at: config) }
        try """
        [libdefaults]
            default_realm = CORP.EXAMPLE.TEST
            dns_lookup_kdc = false
            dns_lookup_realm = false
            udp_preference_limit = 1
        [realms]
            CORP.EXAMPLE.TEST = {
                kdc = 127.0.0.1:\(port)
            }
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try CLI.run(
            [
                "user", "alice", "--endpoint", JobCommandTests.kerberos, "--probe-keytab", env["CES_TEST_SVC_KEYTAB"],
                "--format", "json",
            ] + JobCommandTests.connection(), environment: ["KRB5_CONFIG": config.path])
        let k1 = try #require(try Self.k1(result.stdout).first, "\(result.stderr)")
        #expect(k1["status"] as? String == "unknown")
        #expect("\(k1["message"] ?? "")".contains("Cannot contact any KDC"), "\(k1["message"] ?? "")")
        #expect(result.status == 3 || result.status == 2)
    }

    @Test func matrixOverEveryScenarioHasNoDisagreementWhereTheKDCEnforces() throws {
        let script = JobCommandTests.repository.appendingPathComponent("scripts/s4u-matrix").path
        let result = try runProcess(script, ["--json"], environment: ["CES_AUDIT_BIN": CLI.binary])
        #expect(result.status == 0, "\(result.stderr)")
        let matrix = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(matrix["disagreements"] as? Int == 0)
        #expect((matrix["judged"] as? Int ?? 0) >= 16, "\(matrix)")
        // Protected Users (carol, 4 targets) and RBCD (CES04$, 2 targets) are listed, not counted
        #expect(matrix["notJudgeable"] as? Int == 6)
        let cells = try #require(matrix["matrix"] as? [String: Int])
        #expect((cells["static granted / KDC granted"] ?? 0) > 0)
        #expect((cells["static refused / KDC refused"] ?? 0) > 0)
        let rows = try #require(matrix["rows"] as? [[String: String]])
        let hostOnly = rows.filter { $0["scenario"] == "no-rpcss-target" && $0["endpoint"] == "Certificate" }
        #expect(hostOnly.map { $0["kdc"] ?? "" } == ["granted", "refused"], "\(hostOnly)")
        #expect(rows.contains { $0["scenario"] == "rbcd-only" && $0["comparison"] == "not-judgeable" })
    }
}
