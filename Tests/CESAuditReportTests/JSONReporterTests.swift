import CESAuditCore
import CESAuditReport
import Foundation
import Testing

@Suite struct JSONReporterTests {
    static let required: Set<String> = [
        "schemaVersion", "tool", "command", "startedAt", "durationMs", "summary", "findings",
    ]
    static let additive: Set<String> = ["target", "subjectsScanned", "principals", "open", "changes"]

    private func object(_ report: AuditReport) throws -> [String: Any] {
        let data = try JSONReporter().render(report, catalogue: .embedded)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func topLevelKeysAreTheContractsPlusAdditions() throws {
        let json = try object(Fixtures.full)
        let keys = Set(json.keys)
        #expect(Self.required.isSubset(of: keys))
        #expect(keys.subtracting(Self.required) == Self.additive)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["command"] as? String == "user")
        #expect(json["startedAt"] as? String == "2026-11-25T10:00:00Z")
        #expect(json["durationMs"] as? Int == 42)
        let tool = try #require(json["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "ces-audit")
        #expect(tool["version"] as? String == "0.1.0")
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary == ["pass": 1, "warn": 2, "fail": 2, "unknown": 1, "skipped": 1, "manual": 0])
    }

    @Test func minimalReportHasExactlyTheContractKeys() throws {
        var report = Fixtures.report(listing: [.fail])
        report.target = nil
        let json = try object(report)
        #expect(Set(json.keys) == Self.required)
    }

    @Test func findingFieldsMatchTheContract() throws {
        let json = try object(Fixtures.full)
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.count == Fixtures.findings.count)
        let first = findings[0]
        #expect(
            Set(first.keys)
                == [
                    "ruleId", "status", "title", "subject", "endpoint", "message", "evidence", "remediation",
                    "errorCodes",
                ])
        #expect(first["ruleId"] as? String == "CES-A1")
        #expect(first["status"] as? String == "fail")
        #expect(first["message"] as? String == Fixtures.nastyMessage)
        #expect(first["endpoint"] as? String == Fixtures.endpoint)
        #expect(first["errorCodes"] as? [String] == ["0x803D0013"])
        #expect((first["evidence"] as? [String: Any])?["userAccountControl"] as? Int == 1_114_624)
        let subject = try #require(first["subject"] as? [String: String])
        #expect(subject == ["kind": "user", "name": "jsmith", "dn": Fixtures.smithDN, "sid": "S-1-5-21-1-2-3-1105"])

        // Nil optionals are omitted, not null.
        let unknown = findings[3]
        #expect(unknown["endpoint"] == nil)
        #expect(unknown["remediation"] == nil)
        #expect((unknown["subject"] as? [String: Any]).map { Set($0.keys) } == ["kind", "name"])

        // The waiver is an addition and only present where set.
        let waived = findings[6]
        #expect((waived["waiver"] as? [String: Any])?["expired"] as? Bool == false)
        #expect(first["waiver"] == nil)
    }

    @Test func outputIsSortedAndRoundTrips() throws {
        let data = try JSONReporter().render(Fixtures.full, catalogue: .embedded)
        let text = String(decoding: data, as: UTF8.self)
        // Sorted keys: "command" comes before "durationMs" before "findings".
        let command = try #require(text.range(of: "\"command\""))
        let findings = try #require(text.range(of: "\"findings\""))
        #expect(command.lowerBound < findings.lowerBound)
        #expect(text.hasSuffix("}\n"))
        #expect(!text.contains(#"\/"#))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(AuditReport.self, from: data) == Fixtures.full)
    }
}
