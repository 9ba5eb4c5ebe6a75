import CESAuditCore
import Foundation
import Testing

@testable import CESAuditReport

/// `user`'s verdict in the reports (issue 17 item 1): text answers first and folds the passes, JSON adds `paths`
/// and `openOnPaths`, Nagios states the paths' counts; reports without paths are as before.
@Suite struct UserVerdictReportTests {
    static let caDN = "CN=corp-CA01,CN=Enrollment Services"
    static let kerberos = "https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"
    static let certificate = "https://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES"
    static let other = "https://ces01.corp.example.test/corp%20CA02_CES_UsernamePassword/service.svc/CES"

    static func route(_ template: String, _ endpoint: String, mode: String) -> EnrollmentRoute {
        EnrollmentRoute(
            template: template, ca: "corp-CA01", caDN: caDN, endpoint: endpoint, rawEndpoint: endpoint,
            endpointMode: mode, principal: "svc-ces")
    }

    static func finding(_ rule: String, _ status: Status, _ subject: String, endpoint: String? = nil) -> Finding {
        Finding(
            ruleId: rule, status: status, title: "\(rule) title", subject: Subject(kind: .user, name: subject),
            endpoint: endpoint, message: "\(rule) says \(status.rawValue)\nsecond line",
            remediation: status == .fail ? "Fix \(rule).\nSet-Something" : nil)
    }

    /// alice: User and Modern through the Kerberos endpoint, User through the Certificate endpoint, whose principal
    /// fails C3; corp CA02's endpoint is no path of hers and fails C9.
    static func report() -> AuditReport {
        let batches: [(FindingScope, [Finding])] = [
            (.account, [finding("CES-A3", .pass, "alice")]),
            (.endpoint(caDN: caDN, endpoint: kerberos), [finding("CES-A1", .pass, "alice", endpoint: kerberos)]),
            (
                .endpoint(caDN: caDN, endpoint: certificate),
                [finding("CES-C3", .fail, "svc-ces", endpoint: certificate)]
            ),
            (.template(caDN: caDN, template: "Modern"), [finding("CES-E5", .warn, "Modern")]),
            (.endpoint(caDN: "CN=corp CA02", endpoint: other), [finding("CES-C9", .fail, "svc-ces", endpoint: other)]),
        ]
        var tally = FindingTally(listsEverything: true)
        var verdicts = RouteVerdictTally(routes: [
            route("User", kerberos, mode: "kerberos"), route("Modern", kerberos, mode: "kerberos"),
            route("User", certificate, mode: "certificate"),
        ])
        for (scope, findings) in batches {
            tally.add(findings)
            verdicts.add(findings, scope: scope)
        }
        tally.note(verdicts)
        return tally.report(
            command: "user", target: "alice", startedAt: Date(timeIntervalSince1970: 1_800_000_000), version: "0.1.0")
    }

    static func text(_ report: AuditReport, folds: Bool) throws -> [String] {
        let data = try TextReporter(foldsPasses: folds).render(report, catalogue: .embedded)
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
    }

    @Test func textAnswersFirstWorstFirstAndFoldsThePasses() throws {
        let report = Self.report()
        #expect(report.exitStatus == 2, "C3 fails on alice's Certificate path")
        let lines = try Self.text(report, folds: true)
        #expect(lines[2] == "alice: CANNOT ENROLL on 1, CAN ENROLL on 2 of 3 paths (template × CES endpoint)")
        #expect(lines[3] == "  CANNOT ENROLL  User")
        #expect(lines[4] == "                 via \(Self.certificate) (certificate) → corp-CA01, CES principal svc-ces")
        #expect(lines[5] == "                 CES-C3 fail  CES-C3 title")
        #expect(lines[6] == "                 svc-ces: CES-C3 says fail", "the message's first line")
        #expect(lines[7] == "                 fix: Fix CES-C3.", "the remediation's summary")
        // Same verdict, different first cause (none vs the E5 warning): a line each.
        #expect(lines[8] == "  CAN ENROLL     User")
        #expect(lines[9].hasPrefix("                 via \(Self.kerberos) (kerberos)"))
        #expect(lines[10] == "                 2 checks pass")
        #expect(lines[11] == "  CAN ENROLL     Modern")
        #expect(lines[13] == "                 2 checks pass, 1 warning, first warning CES-E5: CES-E5 title")
        let text = lines.joined(separator: "\n")
        #expect(!text.contains("  PASS "), "passes are counted, not listed")
        #expect(!text.contains("CES-C9"), "corp CA02's endpoint is no path of alice's")
        #expect(text.contains("(2 passed, 0 not applicable, 1 about paths alice does not take: not listed;"))
        let fail = try #require(lines.firstIndex(of: "  FAIL     CES-C3  CES-C3 title"))
        let warn = try #require(lines.firstIndex(of: "  WARN     CES-E5  CES-E5 title"))
        #expect(fail < warn, "failures first")
        #expect(lines[fail + 1] == "           user svc-ces")
        #expect(
            lines.dropLast().last?.hasSuffix("; on the paths taken 1 fail, 1 warn, 0 unknown: CRITICAL (exit 2)")
                == true)
    }

    @Test func everyRuleIsListedWhenAsked() throws {
        let lines = try Self.text(Self.report(), folds: false)
        #expect(lines[2].hasPrefix("alice: CANNOT ENROLL on 1"), "the verdict comes first with --all too")
        #expect(lines.contains("user alice"))
        #expect(lines.contains("  PASS     CES-A1  CES-A1 title"))
        #expect(lines.contains("  FAIL     CES-C9  CES-C9 title"), "--all lists the other paths' findings too")
    }

    @Test func severalEndpointsShareALineByHostAndInstance() throws {
        var verdicts = RouteVerdictTally(routes: [
            Self.route("User", Self.kerberos, mode: "kerberos"),
            Self.route("User", Self.certificate, mode: "certificate"),
        ])
        let f1 = Self.finding("CES-F1", .fail, "alice")
        verdicts.add([f1], scope: .template(caDN: Self.caDN, template: "User"))
        var tally = FindingTally(listsEverything: true)
        tally.add([f1])
        tally.note(verdicts)
        let lines = try Self.text(
            tally.report(command: "user", target: "alice", startedAt: Date(), version: "t"), folds: true)
        #expect(lines[3] == "  CANNOT ENROLL  User")
        #expect(
            lines[4]
                == "                 via ces01.corp.example.test/corp-CA01_CES_Kerberos (kerberos), ces01.corp.example.test/corp-CA01_CES_Certificate (certificate) → corp-CA01, CES principal svc-ces"
        )
        #expect(lines[5].contains("CES-F1 fail"))
    }

    @Test func jsonAddsThePathsAndTheirCountsOnly() throws {
        let data = try JSONReporter().render(Self.report(), catalogue: .embedded)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(json["paths"] as? [[String: Any]])
        #expect(paths.map { $0["verdict"] as? String } == ["cannotEnroll", "canEnroll", "canEnroll"])
        #expect((paths[0]["firstCause"] as? [String: Any])?["ruleId"] as? String == "CES-C3")
        #expect(paths[0]["endpointMode"] as? String == "certificate")
        #expect((json["openOnPaths"] as? [String: Any])?["fail"] as? Int == 1)
        #expect((json["open"] as? [String: Any])?["fail"] as? Int == 2, "open still counts every finding")
        #expect((json["findings"] as? [Any])?.count == 5, "every finding is still listed")
        #expect(json["offPathFindings"] == nil)
        // A report without paths (server, scan) has neither key.
        let plain = try #require(
            try JSONSerialization.jsonObject(with: try JSONReporter().render(Fixtures.full, catalogue: .embedded))
                as? [String: Any])
        #expect(plain["paths"] == nil && plain["openOnPaths"] == nil)
    }

    @Test func nagiosStatesThePathsCountsAndVerdict() throws {
        let data = try NagiosReporter().render(Self.report(), catalogue: .embedded)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(
            lines[0].hasPrefix(
                "CES-AUDIT CRITICAL - 1 fail, 1 warn, 0 unknown of 5 checks (user alice: CAN ENROLL on 2, CANNOT ENROLL on 1 of 3 paths) | "
            ), "\(lines[0])")
        #expect(!lines.contains { $0.contains("CES-C9") }, "the other paths' findings are not held against alice")
        #expect(lines.contains { $0.hasPrefix("[FAIL] CES-C3 svc-ces") })
    }
}
