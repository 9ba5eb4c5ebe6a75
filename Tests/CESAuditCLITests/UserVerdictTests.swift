import Foundation
import TestSupport
import Testing

/// Issue 17 item 1, the help desk's question through the binary against the test bed: can this account enroll, and
/// if not, why? `user` answers per path (template × CES endpoint) first, and exits by the paths the account takes.
@Suite(.requiresTestBed)
struct UserVerdictTests {
    static let kerberos = JobCommandTests.kerberos
    static let ces02 = "https://ces02.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"

    /// The layout v2 healthy evidence with the test bed's SID of svc-ces in place of the fixture's (the test bed
    /// assigns its own SIDs at seeding).
    static func healthyEvidence(in directory: URL) throws -> String {
        let probe = try JobCommandTests.json(
            try CLI.run(
                ["user", "svc-ces", "--endpoint", kerberos, "--template", "User", "--format", "json"]
                    + JobCommandTests.connection()
            ).stdout)
        let findings = try #require(probe["findings"] as? [[String: Any]])
        let svc = try #require(
            findings.lazy.compactMap { $0["subject"] as? [String: Any] }.first { $0["name"] as? String == "svc-ces" }?[
                "sid"] as? String)
        let evidence = directory.appendingPathComponent("evidence")
        try FileManager.default.copyItem(
            at: JobCommandTests.repository.appendingPathComponent(
                "Tests/CESAuditCoreTests/Fixtures/evidence/v2-healthy"),
            to: evidence)
        for host in ["ces01.corp.example.test/local-groups.txt", "ces01.corp.example.test/secedit.inf"] {
            let file = evidence.appendingPathComponent(host)
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: "S-1-5-21-1-2-3-1200", with: svc).write(
                to: file, atomically: true, encoding: .utf8)
        }
        // the collector's manifest vouches for the files as this domain's collection would have written them
        let manifest = evidence.appendingPathComponent("ces01.corp.example.test/manifest.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any])
        var digests = try #require(json["files"] as? [String: String])
        for name in digests.keys {
            digests[name] = try HostCollectionTests.sha256(
                manifest.deletingLastPathComponent().appendingPathComponent(name))
        }
        json["files"] = digests
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]).write(to: manifest)
        return evidence.path
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The healthy user on the healthy deployment: CAN ENROLL on the third line, exit 0, the whole story on one screen.
    @Test func healthyUserCanEnrollOnTheFirstScreenAndExitsZero() throws {
        let directory = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let base =
            [
                "user", "alice", "--endpoint", Self.kerberos, "--template", "User", "--service-account", "svc-ces",
                "--evidence", try Self.healthyEvidence(in: directory),
            ] + (try JobCommandTests.connection())
        let text = try CLI.run(base)
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        let lines = Self.lines(text.stdout)
        #expect(lines.count <= 41, "\(lines.count) lines:\n\(text.stdout)")  // 40 and the final newline's empty line
        #expect(lines[2].hasPrefix("alice: CAN ENROLL on 1 of 1 path"), "\(text.stdout)")
        #expect(lines[3] == "  CAN ENROLL     User", "\(text.stdout)")
        #expect(lines[4].contains("via \(Self.kerberos) (kerberos) → corp-CA01, CES principal svc-ces"), "\(lines[4])")
        #expect(lines[5].contains(" checks pass, "), "\(lines[5])")
        #expect(!text.stdout.contains("  PASS "), "passes are folded into a count without --all")
        #expect(text.stdout.contains("passed, "), "\(text.stdout)")
        #expect(lines.contains { $0.hasPrefix("Summary: 0 fail, 0 warn, 0 unknown") && $0.hasSuffix("OK (exit 0)") })

        let json = try JobCommandTests.json(try CLI.run(base + ["--format", "json"]).stdout)
        let paths = try #require(json["paths"] as? [[String: Any]])
        #expect(paths.count == 1)
        #expect(paths[0]["verdict"] as? String == "canEnroll")
        #expect(paths[0]["template"] as? String == "User")
        #expect(paths[0]["endpoint"] as? String == Self.kerberos)
        #expect(paths[0]["principal"] as? String == "svc-ces")
        #expect(paths[0]["firstCause"] == nil)
        #expect((paths[0]["counts"] as? [String: Any])?["pass"] as? Int ?? 0 > 20)
        // The contract's fields are still there, every finding listed.
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["status"] as? String == "pass" })

        let all = try CLI.run(base + ["--all"])
        #expect(all.status == 0)
        #expect(Self.lines(all.stdout)[2] == lines[2], "the verdict comes first with --all too")
        #expect(all.stdout.contains("  PASS     CES-A1  "), "--all lists every rule as before")
        #expect(all.stdout.contains("user alice (CN=alice,CN=Users,DC=corp,DC=example,DC=test)"))
    }

    /// A broken scenario per hop of the enrollment: CANNOT ENROLL, with the first blocking cause, its value and fix
    /// (the template is the last argument).
    @Test(arguments: [
        // requester: NOT_DELEGATED
        (["bob", "--endpoint", kerberos, "--template", "User"], "CES-A1", "bob", "NOT_DELEGATED"),
        // requester: in Protected Users through tier0-admins
        (["erin", "--endpoint", kerberos, "--template", "User"], "CES-A2", "erin", "Protected Users"),
        // requester: disabled
        (["frank", "--endpoint", kerberos, "--template", "User"], "CES-A3", "frank", "disabled"),
        // CES principal: svc-ces2 may delegate to HOST/ca01 only
        (
            ["alice", "--endpoint", ces02, "--service-account", "svc-ces2", "--template", "User"], "CES-C2", "svc-ces2",
            "RPCSS"
        ),
        // CA: grace is denied Enroll on corp-CA01 (BUILTIN\Guests)
        (["grace", "--endpoint", kerberos, "--template", "User"], "CES-B1", "grace", "denies 0x200 (Enroll)"),
        // template: dave has no mail
        (["dave", "--endpoint", kerberos, "--template", "User"], "CES-F1", "dave", "mail"),
        // template: heidi has no UPN
        (["heidi", "--endpoint", kerberos, "--template", "User"], "CES-F2", "heidi", "userPrincipalName"),
        // template: alice has no Enroll on WebServer (Domain Computers only); it is the path asked for, so it is hers
        (["alice", "--endpoint", kerberos, "--template", "WebServer"], "CES-B2", "alice", "not granted"),
        // template: Unpublished is not published on corp-CA01
        (["alice", "--endpoint", kerberos, "--template", "Unpublished"], "CES-B3", "Unpublished", "does not publish"),
    ])
    func brokenScenarioCannotEnrollWithTheRightFirstCause(
        arguments: [String], rule: String, subject: String, value: String
    ) throws {
        let base = ["user"] + arguments + ["--evidence", JobCommandTests.evidence] + (try JobCommandTests.connection())
        let text = try CLI.run(base)
        #expect(text.status == 2, "\(text.stderr)")
        let lines = Self.lines(text.stdout)
        #expect(lines[2].hasPrefix("\(arguments[0]): CANNOT ENROLL on 1 of 1 path"), "\(text.stdout)")
        let template = try #require(arguments.last)
        #expect(lines[3] == "  CANNOT ENROLL  \(template)", "\(text.stdout)")
        #expect(lines[4].contains("via https://"), "\(text.stdout)")
        #expect(lines[5].hasPrefix(String(repeating: " ", count: 17) + "\(rule) fail  "), "\(text.stdout)")
        #expect(lines[6].contains("\(subject): ") && lines[6].localizedCaseInsensitiveContains(value), "\(lines[6])")
        #expect(lines[7].contains("fix: "), "\(text.stdout)")

        let json = try JobCommandTests.json(try CLI.run(base + ["--format", "json"]).stdout)
        let path = try #require((json["paths"] as? [[String: Any]])?.first)
        #expect(path["verdict"] as? String == "cannotEnroll")
        let cause = try #require(path["firstCause"] as? [String: Any])
        #expect(cause["ruleId"] as? String == rule)
        #expect(cause["subject"] as? String == subject)
        #expect((cause["remediation"] as? String)?.isEmpty == false)
    }

    /// Data the test bed's evidence folder lacks (CES-D2: no local groups of ces01): CANNOT TELL, never CAN ENROLL.
    @Test func unreadableDataCannotTell() throws {
        let result = try CLI.run(
            [
                "user", "alice", "--endpoint", Self.kerberos, "--template", "User", "--service-account", "svc-ces",
                "--evidence", JobCommandTests.evidence, "--format", "json",
            ] + JobCommandTests.connection())
        #expect(result.status == 3, "\(result.stderr)")
        let path = try #require((try JobCommandTests.json(result.stdout)["paths"] as? [[String: Any]])?.first)
        #expect(path["verdict"] as? String == "cannotTell")
        #expect((path["firstCause"] as? [String: Any])?["status"] as? String == "unknown")
    }

    /// alice may enroll nothing corp CA02 or c9-CA03 publish: their endpoints are no path of hers. Their findings are
    /// still in the JSON (the contract lists them) but not held against her: not in `openOnPaths`, not in the text's
    /// listing, and the exit status follows her paths.
    @Test func pathsTheAccountDoesNotTakeAreNotReportedAgainstIt() throws {
        let base = ["user", "alice", "--evidence", JobCommandTests.evidence] + (try JobCommandTests.connection())
        let result = try CLI.run(base + ["--format", "json"])
        let json = try JobCommandTests.json(result.stdout)
        let paths = try #require(json["paths"] as? [[String: Any]])
        #expect(!paths.isEmpty)
        // (Other tests add CAs of their own to the shared test bed: only the seeded ones are asserted on.)
        #expect(
            !paths.contains { ["corp CA02", "c9-CA03"].contains($0["ca"] as? String) },
            "\(paths.map { $0["ca"] ?? "" })")
        #expect(paths.contains { $0["ca"] as? String == "corp-CA01" })
        #expect(!paths.contains { $0["template"] as? String == "WebServer" }, "alice may not enroll WebServer")
        let findings = try #require(json["findings"] as? [[String: Any]])
        let offPath = findings.filter {
            ($0["endpoint"] as? String)?.contains("CA02_CES") == true
                && ["fail", "warn", "unknown"].contains($0["status"] as? String)
        }
        #expect(!offPath.isEmpty, "corp CA02's endpoint is still evaluated and listed in JSON")
        let open = try #require(json["open"] as? [String: Any])
        let onPaths = try #require(json["openOnPaths"] as? [String: Any])
        #expect((onPaths["fail"] as? Int ?? 0) < (open["fail"] as? Int ?? 0))
        #expect((onPaths["warn"] as? Int ?? 0) < (open["warn"] as? Int ?? 0))
        let worst = paths.map { $0["verdict"] as? String }
        #expect(result.status == (worst.contains("cannotEnroll") ? 2 : worst.contains("cannotTell") ? 3 : 0))

        let text = try CLI.run(base)
        #expect(text.status == result.status)
        #expect(!text.stdout.contains("CA02_CES"), "corp CA02's endpoint is no path of alice's")
        #expect(text.stdout.contains("about paths alice does not take"))
        let all = try CLI.run(base + ["--all"])
        #expect(all.stdout.contains("CA02_CES"), "--all lists every rule")
        #expect(all.status == result.status, "--all lists more, it does not change the exit status")
    }
}
