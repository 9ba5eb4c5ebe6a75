import Foundation
import Testing

@testable import CESAuditCore

@Suite struct SitePolicyTests {
    static let repository = EmbeddedCatalogueTests.repository

    static func finding(_ rule: String = "CES-A1", _ status: Status = .fail, subject: String = "bob") -> Finding {
        Finding(
            ruleId: rule, status: status, title: "t",
            subject: Subject(kind: .user, name: subject, dn: "CN=\(subject),CN=Users,DC=corp,DC=example,DC=test"),
            message: "m")
    }

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func theExampleFileLoads() throws {
        let text = try String(
            contentsOf: Self.repository.appendingPathComponent("Policies/site-policy.example.yaml"), encoding: .utf8)
        let policy = try SitePolicy(yaml: text, file: "site-policy.example.yaml", catalogue: .embedded)
        #expect(policy.waivers.count == 2)
        #expect(policy.severity["CES-C9"] == .info)
        #expect(policy.disabled == ["CES-G4"])
        #expect(!policy.isEnabled("CES-G4"))
    }

    @Test func activeWaiverAcceptsByDNOrNameUntilTheEndOfItsDay() throws {
        let policy = SitePolicy(
            waivers: [.init(rule: "CES-A1", subject: "BOB", reason: "tier 0", expires: "2027-06-30")], severity: [:],
            disabled: [])
        let waived = policy.apply(to: Self.finding(), now: Self.date("2027-06-30T23:59:00Z"))
        #expect(waived.waiver == .init(reason: "tier 0", expires: "2027-06-30", expired: false))
        #expect(!waived.isOpen)
        #expect(waived.status == .fail, "a waiver keeps the status; it only accepts it")
        let expired = policy.apply(to: Self.finding(), now: Self.date("2027-07-01T00:00:01Z"))
        #expect(expired.waiver?.expired == true)
        #expect(expired.isOpen)
        #expect(policy.apply(to: Self.finding(subject: "alice"), now: Self.date("2027-01-01T00:00:00Z")).waiver == nil)
        #expect(policy.apply(to: Self.finding("CES-A2"), now: Self.date("2027-01-01T00:00:00Z")).waiver == nil)
    }

    @Test func unknownIsNeverWaived() {
        let policy = SitePolicy(
            waivers: [.init(rule: "CES-A1", subject: "bob", reason: "r", expires: "2099-01-01")], severity: [:],
            disabled: [])
        let finding = policy.apply(to: Self.finding("CES-A1", .unknown))
        #expect(finding.waiver == nil)
        #expect(finding.isOpen)
    }

    @Test func severityOverrideIsTheStatusAProblemGets() {
        let policy = SitePolicy(
            waivers: [], severity: ["CES-A1": .warn, "CES-A2": .info, "CES-E5": .fail], disabled: [])
        #expect(policy.apply(to: Self.finding("CES-A1", .fail)).status == .warn)
        #expect(policy.apply(to: Self.finding("CES-E5", .warn)).status == .fail, "raised as well as lowered")
        // info: on record (message, severity), counted as passed.
        let info = policy.apply(to: Self.finding("CES-A2", .fail))
        #expect(info.status == .pass)
        #expect(info.severity == .info)
        #expect(!info.isOpen)
        #expect(info.message == Self.finding("CES-A2", .fail).message)
        // Nobody could look: unknown stays unknown; a pass stays a pass.
        #expect(policy.apply(to: Self.finding("CES-A1", .unknown)).status == .unknown)
        #expect(policy.apply(to: Self.finding("CES-E5", .unknown)).status == .unknown)
        #expect(policy.apply(to: Self.finding("CES-E5", .pass)).status == .pass)
    }

    @Test(arguments: [
        (
            "waivers:\n  - rule: CES-Z9\n    subject: bob\n    reason: r\n    expires: 2027-01-01\n", "waivers[0].rule",
            "unknown rule ID 'CES-Z9'"
        ),
        (
            "waivers:\n  - rule: CES-A1\n    subject: bob\n    reason: r\n    expires: 2027-13-01\n",
            "waivers[0].expires", "expected a date"
        ),
        (
            "waivers:\n  - rule: CES-A1\n    subject: bob\n    expires: 2027-01-01\n", "waivers[0].reason",
            "missing required key"
        ),
        ("waivers:\n  - rule: CES-A1\n    subjekt: bob\n", "waivers[0].subjekt", "unknown key"),
        ("severity:\n  CES-A1: fatal\n", "severity.CES-A1", "expected fail, warn or info"),
        ("disabled: [CES-A1, CES-XX]\n", "disabled[1]", "unknown rule ID 'CES-XX'"),
    ])
    func badSitePoliciesNameLineAndField(body: String, field: String, message: String) {
        #expect {
            _ = try SitePolicy(yaml: "schemaVersion: 1\n" + body, file: "site.yaml", catalogue: .embedded)
        } throws: { error in
            guard let error = error as? PolicyFileError else { return false }
            return error.field == field && error.message.contains(message) && error.line != nil
        }
    }
}
