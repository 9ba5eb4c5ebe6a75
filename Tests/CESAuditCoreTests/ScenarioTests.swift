import ADModel
import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// One failing and one passing subject per rule whose data lives in AD, judged through the jobs as a user runs them:
/// live test bed, the reader's bind, the test bed's host evidence. The cases and their expected results are in
/// Fixtures/scenarios.json, from which docs/testbed-scenarios.md's rule table is generated.
@Suite(.requiresTestBed)
struct ScenarioTests {
    /// Endpoint 1 of corp-CA01, where a `user` job runs unless it names another.
    static let kerberos = "https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"

    enum Job: Sendable, CustomStringConvertible {
        case user(
            String, endpoint: String = kerberos, template: String? = nil, evidence: String = "testbed",
            serviceAccount: String? = nil)
        case server(
            String, account: String? = nil, ca: String = "corp-CA01", evidence: String = "testbed",
            auth: [EnrollmentAuthentication] = [])

        var description: String {
            switch self {
            case .user(let account, let endpoint, let template, _, _):
                "user \(account) @\(endpoint.split(separator: "/")[2...3].joined(separator: "/"))\(template.map { " template \($0)" } ?? "")"
            case .server(let host, let account, let ca, _, _): "server \(host) as \(account ?? "(resolved)") on \(ca)"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let rule: String
        let job: Job
        let subject: String
        let status: Status
        var endpoint: String? = nil

        var testDescription: String { "\(rule) \(status.rawValue) for \(subject) — \(job)" }
    }

    /// The cases of Fixtures/scenarios.json (empty when it does not load: ScenarioDocsTests says why).
    static let cases: [Case] = (try? ScenarioFile.cases()) ?? []

    @Test(arguments: cases) func ruleJudgesTheSeededSubject(_ scenario: Case) async throws {
        let findings = try await Self.run(scenario.job)
        let matching = findings.filter {
            $0.ruleId == scenario.rule && $0.subject.name == scenario.subject
                && (scenario.endpoint == nil || $0.endpoint == scenario.endpoint)
        }
        #expect(!matching.isEmpty, "no \(scenario.rule) finding for \(scenario.subject)")
        #expect(
            matching.contains { $0.status == scenario.status },
            "\(matching.map { "\($0.status.rawValue): \($0.message)" })")
        if scenario.status == .fail || scenario.status == .warn {
            let finding = try #require(matching.first { $0.status == scenario.status })
            #expect(finding.remediation?.isEmpty == false)
        }
    }

    /// Each rule is run against the bed at least once here; which statuses each reaches (and where, when not here)
    /// is checked against docs/testbed-scenarios.md by `scripts/scenario-docs --check` (ScenarioDocsTests).
    @Test func everyCatalogueRuleHasAScenario() {
        let judged = Dictionary(grouping: Self.cases, by: \.rule)
        for rule in RuleCatalogue.embedded.rules {
            let statuses = Set(judged[rule.id]?.map(\.status) ?? [])
            #expect(!statuses.isEmpty, "\(rule.id) has no scenario")
        }
    }

    /// `scan` judges the endpoints of every CA a requester may enroll through: c9-CA03 (Machine, for computers)
    /// has a CA computer without AES, corp-CA01's principals and CA01$ have AES.
    @Test func c9InScan() async throws {
        let bed = try await TestBedSnapshot.collect()
        var snapshot = bed.context.snapshot
        try snapshot.loadEvidence(from: try EvidenceFixtures.directory("testbed"))
        let source = LiveDirectorySource(collector: bed.collector, snapshot: snapshot)
        let evaluator = Evaluator(
            context: RuleContext(snapshot: snapshot, catalogue: .embedded, describesPasses: false))
        let c9 = try await ScanJob().run(source: source, evaluator: evaluator).listed.filter { $0.ruleId == "CES-C9" }
        #expect(
            c9.contains { $0.status == .fail && $0.subject.name == "svc-ces" && $0.message.contains("CA03$") },
            "\(c9.map { "\($0.status.rawValue) \($0.subject.name): \($0.message)" })")
        #expect(!c9.contains { $0.status == .fail && !$0.message.contains("CA03$") }, "\(c9.map(\.message))")
    }

    /// Issue 21 item 5: C1 says how the alias was resolved — through AD DNS to the holder of HOST/ca01 — and the
    /// delegation rules it gates follow (C2 skipped, not judged against CA01).
    @Test func c1ResolvesAnADDNSAliasOfTheCAHost() async throws {
        let findings = try await Self.run(.server("ces-lb.corp.example.test", account: "svc-ces", auth: [.kerberos]))
        let c1 = try #require(findings.first { $0.ruleId == "CES-C1" })
        #expect(
            c1.message.contains(
                "CES host ces-lb.corp.example.test (a CNAME of ca01.corp.example.test in AD DNS) and CA host "
                    + "ca01.corp.example.test are the same computer account CN=CA01,CN=Computers,"),
            "\(c1.message)")
        #expect(findings.filter { $0.ruleId == "CES-C2" }.allSatisfy { $0.status == .skipped })
        // A name in no AD zone stays a name, and the message says other DNS is not consulted.
        let elsewhere = try await Self.run(.server("nowhere.corp.example.test", account: "svc-ces", auth: [.kerberos]))
        let byName = try #require(elsewhere.first { $0.ruleId == "CES-C1" })
        #expect(byName.status == .pass)
        #expect(byName.message.contains("other DNS servers are not consulted"), "\(byName.message)")
    }

    // MARK: running the jobs

    /// Reaching green (issue 16): alice on ces01's Kerberos endpoint (svc-ces: constrained delegation, AES) with
    /// template User and healthy host evidence, the pool identity named (without it C8 cannot tell whether the pool runs
    /// as the HTTP/ SPN's holder). Everything collectable passes or does not apply; G1/G2 are manual
    /// checklist items, which do not count, so the run exits 0 (Nagios OK) — and 3 when manual checks are made to count.
    @Test func healthyDeploymentWithHealthyEvidenceExitsZero() async throws {
        var report = try await Self.tally(
            .user("alice", template: "User", evidence: "v2-healthy", serviceAccount: "svc-ces"))
            .report(command: "user", target: "alice", startedAt: Date(), version: "test")
        let open = Array(report.findings).filter { $0.isOpen }
        #expect(open.isEmpty, "\(open.map { "\($0.ruleId) \($0.status.rawValue): \($0.message)" })")
        #expect(report.summary.manual == 2)
        #expect(report.exitStatus == 0)
        report.countsManualChecks = true
        #expect(report.exitStatus == 3)
    }

    static func run(_ job: Job) async throws -> [Finding] { try await tally(job).listed }

    static func tally(_ job: Job) async throws -> FindingTally {
        let bed = try await TestBedSnapshot.collect()
        var snapshot = bed.context.snapshot
        let evidence: String
        switch job {
        case .user(_, _, _, let folder, _), .server(_, _, _, let folder, _): evidence = folder
        }
        try snapshot.loadEvidence(from: try await testBedEvidence(evidence, bed: bed))
        let source = LiveDirectorySource(collector: bed.collector, snapshot: snapshot)
        let evaluator = Evaluator(context: RuleContext(snapshot: snapshot, catalogue: .embedded))
        switch job {
        case .user(let account, let endpoint, let template, _, let serviceAccount):
            return try await UserJob(
                account: account, endpointURL: endpoint, templateName: template, serviceAccount: serviceAccount)
                .run(source: source, evaluator: evaluator)
        case .server(let host, let account, let ca, _, let auth):
            return try await ServerJob(host: host, serviceAccount: account, caName: ca, authentications: auth)
                .run(source: source, evaluator: evaluator)
        }
    }

    /// The layout v2 fixtures name svc-ces by the offline fixtures' SID; on the test bed its SID is assigned at
    /// seeding, so those folders are copied with the bed's SID in its place.
    static func testBedEvidence(_ folder: String, bed: TestBedSnapshot) async throws -> String {
        let source = try EvidenceFixtures.directory(folder)
        guard folder.hasPrefix("v2-") else { return source }
        let svc = try #require(
            try await bed.collector.findAccount("svc-ces", base: bed.context.snapshot.domain.defaultNamingContext)?.sid)
        return try EvidenceFixtures.copy(folder, replacing: [EvidenceFixtures.principalSID: svc])
    }
}

/// The expected results of the test bed's scenarios are kept once, in Fixtures/scenarios.json: ScenarioTests runs its
/// cases, and scripts/scenario-docs writes the rule table of docs/testbed-scenarios.md from it.
enum ScenarioFile {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static let userKeys: Set = ["user", "endpoint", "template", "serviceAccount"]
    static let serverKeys: Set = ["server", "account", "ca", "auth"]
    static let commonKeys: Set = ["evidence", "subject", "status", "findingEndpoint", "why"]

    static func cases() throws -> [ScenarioTests.Case] {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FormatError("no Fixtures folder in the test bundle")
        }
        let data = try Data(contentsOf: fixtures.appendingPathComponent("scenarios.json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let endpoints = root["endpoints"] as? [String: String], let rules = root["rules"] as? [[String: Any]]
        else { throw FormatError("scenarios.json: no endpoints or rules") }
        return try rules.flatMap { rule in
            guard let id = rule["rule"] as? String, let cases = rule["cases"] as? [[String: Any]] else {
                throw FormatError("scenarios.json: a rule without id or cases")
            }
            return try cases.map { try scenario(rule: id, fields: $0, endpoints: endpoints) }
        }
    }

    /// One case; a key the loader does not know (a typo) is an error, so no case silently loses a condition.
    static func scenario(rule: String, fields: [String: Any], endpoints: [String: String]) throws
        -> ScenarioTests.Case
    {
        let isUser = fields["user"] != nil
        let unknown = Set(fields.keys).subtracting(commonKeys.union(isUser ? userKeys : serverKeys))
        guard unknown.isEmpty else { throw FormatError("\(rule): unknown keys \(unknown.sorted()) in \(fields)") }
        func text(_ key: String) throws -> String? {
            guard let value = fields[key] else { return nil }
            guard let text = value as? String else { throw FormatError("\(rule): \(key) is not a string") }
            return text
        }
        func url(_ key: String) throws -> String? {
            guard let name = try text(key) else { return nil }
            guard let url = endpoints[name] else { throw FormatError("\(rule): no endpoint \(name)") }
            return url
        }
        guard let subject = try text("subject"), let status = try text("status").flatMap(Status.init(rawValue:))
        else { throw FormatError("\(rule): no subject or status in \(fields)") }
        let evidence = try text("evidence") ?? "testbed"
        let job: ScenarioTests.Job
        if let account = try text("user") {
            job = .user(
                account, endpoint: try url("endpoint") ?? ScenarioTests.kerberos, template: try text("template"),
                evidence: evidence, serviceAccount: try text("serviceAccount"))
        } else if let host = try text("server") {
            let auth = try (fields["auth"] as? [String] ?? []).map { name in
                guard let method = EnrollmentAuthentication.allCases.first(where: { "\($0)" == name })
                else { throw FormatError("\(rule): unknown auth \(name)") }
                return method
            }
            job = .server(
                host, account: try text("account"), ca: try text("ca") ?? "corp-CA01", evidence: evidence, auth: auth)
        } else {
            throw FormatError("\(rule): neither user nor server in \(fields)")
        }
        return ScenarioTests.Case(
            rule: rule, job: job, subject: subject, status: status, endpoint: try url("findingEndpoint"))
    }
}

/// The scenario file loads, and docs/testbed-scenarios.md shows what it holds (no test bed needed).
@Suite struct ScenarioDocsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func scenarioFileLoads() throws {
        let cases = try ScenarioFile.cases()
        #expect(cases.count == ScenarioTests.cases.count)
        #expect(Set(cases.map(\.rule)) == Set(RuleCatalogue.embedded.rules.map(\.id)))
    }

    /// scripts/scenario-docs --check: the doc's rule table is the one the script writes from the file, and the
    /// prose columns name each case's subject under its status.
    @Test func docsTableIsCurrent() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.repository.appendingPathComponent("scripts/scenario-docs").path, "--check"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
    }
}
