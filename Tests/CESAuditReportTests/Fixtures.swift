import CESAuditCore
import Foundation

/// Hand-built reports covering every status, a waiver, an info-severity rule, a DN with an escaped comma and
/// text that needs escaping in every format.
enum Fixtures {
    static let endpoint = "https://ces01.corp.example/CORP-CA_CES_Kerberos/service.svc/CES"
    static let smithDN = #"CN=Smith\, John,OU=Bulk,DC=corp,DC=example"#
    static let nastyMessage = #"value <&"> and 'quote' | pipe"#
    static let startedAt = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z

    static func waiver(expired: Bool) -> Finding.WaiverNote {
        // WaiverNote has no public initializer; it is Codable, which is how site policies produce it too.
        let json = #"{"reason":"Tier-0 admin, uses UsernamePassword CES","expires":"2027-01-31","expired":\#(expired)}"#
        return try! JSONDecoder().decode(Finding.WaiverNote.self, from: Data(json.utf8))
    }

    static var findings: [Finding] {
        let smith = Subject(kind: .user, name: "jsmith", dn: smithDN, sid: "S-1-5-21-1-2-3-1105")
        var waived = Finding(
            ruleId: "CES-A3", status: .fail, title: "Requester cannot log on",
            subject: .init(kind: .user, name: "admin"),
            endpoint: endpoint, message: "account disabled", remediation: "Enable the account.")
        waived.waiver = waiver(expired: false)
        return [
            Finding(
                ruleId: "CES-A1", status: .fail, title: "Requester is sensitive and cannot be delegated",
                subject: smith, endpoint: endpoint, message: nastyMessage,
                evidence: ["userAccountControl": .integer(1_114_624)],
                remediation: "Clear 'Account is sensitive and cannot be delegated'.\nThe user must log on again.",
                errorCodes: ["0x803D0013"]),
            Finding(
                ruleId: "CES-A2", status: .pass, title: "Requester is a member of Protected Users", subject: smith,
                endpoint: endpoint, message: "not a member"),
            Finding(
                ruleId: "CES-C6", status: .warn, title: "CES principal SPN",
                subject: .init(
                    kind: .servicePrincipal, name: "svc-ces", dn: "CN=svc-ces,OU=Service,DC=corp,DC=example"),
                endpoint: endpoint, message: "two accounts hold HTTP/ces01", remediation: "Remove the duplicate SPN."),
            Finding(
                ruleId: "CES-E1", status: .unknown, title: "CA Read right", subject: .init(kind: .ca, name: "CORP-CA"),
                message: "ca-security not in the evidence folder\u{1}"),
            Finding(
                ruleId: "CES-F8", status: .skipped, title: "Template note",
                subject: .init(kind: .template, name: "User", dn: "CN=User,CN=Certificate Templates,DC=corp"),
                message: "not applicable"),
            // CES-C1 is info severity in the catalogue.
            Finding(
                ruleId: "CES-C1", status: .warn, title: "Hardening note",
                subject: .init(
                    kind: .servicePrincipal, name: "svc-ces", dn: "CN=svc-ces,OU=Service,DC=corp,DC=example"),
                endpoint: endpoint, message: "could be hardened", remediation: "Consider it."),
            waived,
        ]
    }

    static func summary(pass: Int = 0, warn: Int = 0, fail: Int = 0, unknown: Int = 0, skipped: Int = 0)
        -> AuditReport.Summary
    {
        var summary = AuditReport.Summary()
        summary.pass = pass
        summary.warn = warn
        summary.fail = fail
        summary.unknown = unknown
        summary.skipped = skipped
        return summary
    }

    /// Every status; one fail waived, so open counts differ from the summary.
    static var full: AuditReport {
        AuditReport(
            tool: .init(version: "0.1.0"), command: "user", startedAt: startedAt, durationMs: 42,
            summary: summary(pass: 1, warn: 2, fail: 2, unknown: 1, skipped: 1), findings: findings,
            target: "jsmith", subjectsScanned: 5,
            principals: [
                PrincipalNote(
                    endpoint: endpoint, account: "svc-ces", dn: "CN=svc-ces,OU=Service,DC=corp,DC=example",
                    source: "httpSPN", problem: nil)
            ],
            open: summary(warn: 2, fail: 1, unknown: 1),
            changes: .init(
                previousRunAt: startedAt.addingTimeInterval(-86_400),
                new: [findings[0].identity],
                resolved: [FindingIdentity(ruleId: "CES-B1", subject: "CORP-CA", endpoint: nil)],
                stillOpen: 3))
    }

    /// A `scan`-shaped report with only the given statuses listed and passes counted.
    static func report(listing statuses: [Status], passes: Int = 10) -> AuditReport {
        var counts = summary(pass: passes)
        var findings: [Finding] = []
        for (offset, status) in statuses.enumerated() {
            counts[status] += 1
            findings.append(
                Finding(
                    ruleId: "CES-D\(offset + 1)", status: status, title: "t",
                    subject: .init(kind: .template, name: "T\(offset)"),
                    message: "m"))
        }
        return AuditReport(
            tool: .init(version: "0.1.0"), command: "scan", startedAt: startedAt, durationMs: 1500, summary: counts,
            findings: findings, target: "corp.example")
    }
}
