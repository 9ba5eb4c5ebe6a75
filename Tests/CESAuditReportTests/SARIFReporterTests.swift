import CESAuditCore
import CESAuditReport
import Foundation
import Testing

@Suite struct SARIFReporterTests {
    private func log(_ report: AuditReport = Fixtures.full) throws -> [String: Any] {
        let data = try SARIFReporter().render(report, catalogue: .embedded)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func run(_ log: [String: Any]) throws -> [String: Any] {
        try #require((log["runs"] as? [[String: Any]])?.first)
    }

    @Test func schemaAndVersion() throws {
        let log = try log()
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["runs"] as? [Any])?.count == 1)
    }

    @Test func rulesCarryCatalogueMetadata() throws {
        let run = try run(try log())
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "ces-audit")
        #expect(driver["version"] as? String == "0.1.0")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(Set(ids) == Set(Fixtures.findings.map(\.ruleId)))
        for rule in rules {
            let id = try #require(rule["id"] as? String)
            let definition = try #require(RuleCatalogue.embedded[id])
            #expect(rule["name"] as? String == definition.title)
            #expect(rule["helpUri"] as? String == definition.helpUri, "\(id): helpUri is the catalogue's help page")
            #expect((rule["fullDescription"] as? [String: String])?["text"] == definition.rationale)
            let help = try #require((rule["help"] as? [String: String])?["text"])
            #expect(help.hasPrefix(definition.remediation.summary))
            let level = (rule["defaultConfiguration"] as? [String: String])?["level"]
            let expected = ["fail": "error", "warn": "warning", "info": "note"][definition.severity.rawValue]
            #expect(level == expected)
        }
    }

    /// A catalogue given with --policies may have no helpUri: the rule's first reference stands in.
    @Test func helpUriFallsBackToTheFirstReference() throws {
        let rules = RuleCatalogue.embedded.rules.map { rule -> RuleDefinition in
            var rule = rule
            rule.helpUri = nil
            return rule
        }
        let data = try SARIFReporter().render(Fixtures.full, catalogue: RuleCatalogue(rules: rules))
        let log = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let driver = try #require(((try run(log))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        for rule in try #require(driver["rules"] as? [[String: Any]]) {
            let id = try #require(rule["id"] as? String)
            #expect(rule["helpUri"] as? String == RuleCatalogue.embedded[id]?.references.first, "\(id)")
        }
    }

    @Test func kindAndLevelFollowTheStatusTable() throws {
        let run = try run(try log())
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == Fixtures.findings.count)
        let allowedLevels: Set<String> = ["none", "note", "warning", "error"]
        for result in results {
            let kind = try #require(result["kind"] as? String)
            let level = try #require(result["level"] as? String)
            #expect(allowedLevels.contains(level))
            if kind != "fail" { #expect(level == "none", "kind \(kind) must have level none") }
        }
        let pairs = results.map {
            "\($0["ruleId"] as? String ?? "?") \($0["kind"] as? String ?? "?")/\($0["level"] as? String ?? "?")"
        }
        #expect(
            pairs == [
                "CES-A1 fail/error", "CES-A2 pass/none", "CES-C6 fail/warning", "CES-E1 open/none",
                "CES-F8 notApplicable/none", "CES-C1 fail/note", "CES-A3 fail/error",
            ])
    }

    @Test func resultsLocateSubjectsByDN() throws {
        let run = try run(try log())
        let results = try #require(run["results"] as? [[String: Any]])
        let rules = try #require(
            ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        for (result, finding) in zip(results, Fixtures.findings) {
            let location = try #require(
                ((result["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: String]])?.first)
            #expect(location["fullyQualifiedName"] == finding.subject.dn ?? finding.subject.name)
            #expect(location["name"] == finding.subject.name)
            #expect(location["kind"] == "object")
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == finding.ruleId)
            let fingerprint = (result["partialFingerprints"] as? [String: String])?["cesAuditIdentity/v1"]
            #expect(
                fingerprint
                    == "\(finding.ruleId)|\(finding.subject.dn ?? finding.subject.name)|\(finding.endpoint ?? "")")
            let properties = try #require(result["properties"] as? [String: Any])
            #expect(properties["status"] as? String == finding.status.rawValue)
            #expect(properties["subjectKind"] as? String == finding.subject.kind.rawValue)
            #expect(properties["endpoint"] as? String == finding.endpoint)
            #expect((result["message"] as? [String: String])?["text"] == finding.message)
        }
        #expect(
            ((results[0]["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: String]])?.first?[
                "fullyQualifiedName"] == Fixtures.smithDN)
    }

    @Test func activeWaiverBecomesAnAcceptedSuppression() throws {
        let results = try #require(try run(try log())["results"] as? [[String: Any]])
        let suppressions = results.map { ($0["suppressions"] as? [[String: String]])?.first?["status"] }
        #expect(suppressions == [nil, nil, nil, nil, nil, nil, "accepted"])
    }

    /// What GitHub code scanning documents for an upload ("SARIF support for code scanning"): SARIF 2.1.0, a tool
    /// name, rules with IDs that results refer to, a message per result, and 1 to 10 locations each with a physical
    /// location whose artifact URI is a repository-relative path (a scheme such as ldap: is refused) and a region
    /// starting at line 1 or later; fingerprints so alerts are not duplicated across runs.
    static func problemsForGitHub(_ log: [String: Any]) -> [String] {
        var problems: [String] = []
        if log["version"] as? String != "2.1.0" { problems.append("version") }
        guard let run = (log["runs"] as? [[String: Any]])?.first else { return ["no run"] }
        let driver = (run["tool"] as? [String: Any])?["driver"] as? [String: Any]
        if (driver?["name"] as? String ?? "").isEmpty { problems.append("tool.driver.name") }
        let ruleIDs = (driver?["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        for (index, result) in (run["results"] as? [[String: Any]] ?? []).enumerated() {
            let ruleId = result["ruleId"] as? String ?? ""
            if !ruleIDs.contains(ruleId) { problems.append("result \(index): ruleId \(ruleId) not in rules") }
            if let ruleIndex = result["ruleIndex"] as? Int, ruleIDs.indices.contains(ruleIndex) == false
                || ruleIDs[ruleIndex] != ruleId
            {
                problems.append("result \(index): ruleIndex")
            }
            if ((result["message"] as? [String: Any])?["text"] as? String ?? "").isEmpty {
                problems.append("result \(index): message.text")
            }
            if ((result["partialFingerprints"] as? [String: String]) ?? [:]).isEmpty {
                problems.append("result \(index): partialFingerprints")
            }
            let locations = result["locations"] as? [[String: Any]] ?? []
            if !(1...10).contains(locations.count) { problems.append("result \(index): \(locations.count) locations") }
            for location in locations {
                let physical = location["physicalLocation"] as? [String: Any]
                let uri = (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String ?? ""
                let scheme = uri.firstIndex(of: ":").map { colon in !uri[..<colon].contains("/") } ?? false
                if uri.isEmpty || uri.hasPrefix("/") || scheme || URL(string: uri) == nil {
                    problems.append("result \(index): artifact URI '\(uri)' is not a repository-relative path")
                }
                if ((physical?["region"] as? [String: Any])?["startLine"] as? Int ?? 0) < 1 {
                    problems.append("result \(index): region.startLine")
                }
            }
        }
        return problems
    }

    @Test func everyResultHasALocationGitHubAccepts() throws {
        var report = Fixtures.full
        var findings = Array(report.findings)
        findings[0].subject.name = "WKS 01$ Müller/ä:b"
        report.findings = FindingList(findings)
        let log = try log(report)
        #expect(Self.problemsForGitHub(log).isEmpty, "\(Self.problemsForGitHub(log))")
        let results = try #require(try run(log)["results"] as? [[String: Any]])
        let first = try #require((results.first?["locations"] as? [[String: Any]])?.first)
        let artifact = (first["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        #expect(artifact?["uri"] as? String == "ad/user/WKS%2001%24%20M%C3%BCller%2F%C3%A4%3Ab")
        #expect(first["logicalLocations"] != nil, "the DN stays as the logical location")
    }
}
