import CESAuditCore
import Foundation
import Testing

@testable import CESAuditReport

@Suite struct TextReporterTests {
    private func text(_ report: AuditReport = Fixtures.full, color: Bool = false) throws -> String {
        String(decoding: try TextReporter(useColor: color).render(report, catalogue: .embedded), as: UTF8.self)
    }

    @Test func groupsBySubjectWithRemediationAndWaiver() throws {
        let text = try text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "ces-audit 0.1.0: user jsmith at 2026-11-25T10:00:00Z (42 ms)")
        #expect(lines.contains("user jsmith (\(Fixtures.smithDN))"))
        // One heading per subject: svc-ces has two findings under one heading.
        #expect(lines.filter { $0.hasPrefix("servicePrincipal svc-ces") }.count == 1)
        #expect(lines.contains("  FAIL     CES-A1  Requester is sensitive and cannot be delegated"))
        #expect(lines.contains("  UNKNOWN  CES-E1  CA Read right"))
        // Remediation, multi-line and indented, for fail and warn only.
        #expect(lines.contains("             Clear 'Account is sensitive and cannot be delegated'."))
        #expect(lines.contains("             The user must log on again."))
        #expect(text.components(separatedBy: "fix:").count - 1 == 4)  // A1, C6, C1, A3
        #expect(text.contains("waived until 2027-01-31: Tier-0 admin"))
        #expect(text.contains("  \(Fixtures.endpoint) → svc-ces (httpSPN)"))
        #expect(text.contains("1 new, 1 resolved, 3 still open"))
        #expect(text.contains("  - CES-B1  CORP-CA"))
        #expect(
            lines.dropLast().last
                == "Summary: 2 fail, 2 warn, 1 unknown, 1 pass, 1 skipped, 1 waived: CRITICAL (exit 2)")
        #expect(!text.contains("\u{1B}["))
    }

    @Test func scanSaysHowManyPassesAreNotListed() throws {
        let text = try text(Fixtures.report(listing: [.warn], passes: 12))
        #expect(text.contains("(12 passed not listed): WARNING (exit 1)"))
    }

    /// A scan with a fix list shows the groups, not the findings; `--all` lists the findings as before.
    @Test func aScanShowsItsFixListAndAllListsEveryFinding() throws {
        var findings: [Finding] = []
        var builder = FixListBuilder()
        for number in 1...40 {
            var finding = Finding(
                ruleId: "CES-F1", status: .fail, title: "Template requires an e-mail address",
                subject: .init(kind: .user, name: "bulk\(number)"), message: "bulk\(number) has no mail",
                evidence: ["template": .string("User")], remediation: "Populate mail.\nSet-ADUser bulk\(number)")
            finding.assignFixGroup(ca: "CORP-CA")
            builder.add(finding, ca: nil)
            findings.append(finding)
        }
        var report = Fixtures.report(listing: [])
        report.summary.fail = 40
        report.findings = FindingList(findings)
        report.fixes = builder.groups()

        let grouped = try text(report)
        let lines = grouped.split(separator: "\n").map(String.init)
        #expect(lines.contains("Fix list: 1 fix for 40 findings, first to fix first (--all lists every finding)"))
        #expect(lines.contains("  1.   FAIL     CES-F1  Template requires an e-mail address"))
        #expect(lines.contains("               template User: 40 findings, affects 40 accounts"))
        #expect(lines.contains("               e.g. bulk1 template User; bulk2 template User; bulk3 template User, …"))
        #expect(lines.contains("               bulk1 has no mail"))
        #expect(lines.contains("                 Set-ADUser bulk1"))
        #expect(!grouped.contains("bulk40"), "the findings themselves are not listed")
        #expect(lines.last?.hasPrefix("Summary: 40 fail") == true)

        let all = String(
            decoding: try TextReporter(listsEveryFinding: true).render(report, catalogue: .embedded), as: UTF8.self)
        #expect(!all.contains("Fix list"))
        #expect(all.contains("user bulk40"))
        #expect(all.components(separatedBy: "  FAIL     CES-F1").count - 1 == 40)

        // A first run with --history has every finding new: the fix list shows a few.
        report.changes = AuditReport.Changes(
            previousRunAt: nil, new: findings.map(\.identity), resolved: [], stillOpen: 0)
        let first = try text(report).split(separator: "\n").map(String.init)
        #expect(first.filter { $0.hasPrefix("  + CES-F1") }.count == 20)
        #expect(first.contains("  + … 20 more (--all lists them)"))
        let everyChange = String(
            decoding: try TextReporter(listsEveryFinding: true).render(report, catalogue: .embedded), as: UTF8.self)
        #expect(everyChange.components(separatedBy: "  + CES-F1").count - 1 == 40)

        report.changes = nil
        report.findings = []
        report.fixes = []
        #expect(try text(report).contains("Fix list: nothing to fix"))
    }

    /// Plain text passes as it is (the common case, not copied); every C0 control but tab and newline, DEL and every
    /// C1 control (U+0080–U+009F, lead byte 0xC2 in UTF-8) is shown as `\xNN`, other text after 0xC2 kept.
    @Test func printableEscapesEveryControlAndKeepsTheRest() {
        #expect("plain ASCII, tab\tand\nnewline".printable == "plain ASCII, tab\tand\nnewline")
        #expect("ü © ½ ☃ 𝄞".printable == "ü © ½ ☃ 𝄞")
        #expect("a\u{0}b\u{1F}c\u{7F}d".printable == #"a\x00b\x1Fc\x7Fd"#)
        #expect("csi\u{9B}2J nel\u{85} ©\u{80}".printable == #"csi\x9B2J nel\x85 ©\x80"#)
        #expect("a → b … \u{200F}\u{2029}\u{2066}".printable == #"a → b … \u{200F}\u{2029}\u{2066}"#)
        #expect("one\ttwo\nthree".printableLine == #"one\x09two\x0Athree"#)
    }

    @Test func controlCharactersFromADAreShownNotSent() throws {
        var report = Fixtures.report(listing: [.fail])
        var findings = Array(report.findings)
        findings[0].message = "evil \u{1B}]0;title\u{7} name\r"
        findings[0].subject.name = "bob\u{1B}[2J"
        report.findings = FindingList(findings)
        let text = try text(report)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(text.contains(#"evil \x1B]0;title\x07 name\x0D"#))
        #expect(text.contains(#"template bob\x1B[2J"#))
        // The fixture's unknown finding carries U+0001.
        #expect(try self.text().contains(#"ca-security not in the evidence folder\x01"#))
    }

    /// A value that sits on one line (endpoint, name, DN, title, waiver, principal) cannot start a line of its own:
    /// its newlines and tabs are shown escaped. Messages may span lines, each indented under the finding; Unicode
    /// line separators and bidirectional overrides are shown escaped everywhere.
    @Test func valuesFromADCannotAddLinesToTheReport() throws {
        let forged = "\n  PASS     CES-A1  forged\n"
        var report = Fixtures.full
        var findings = Array(report.findings)
        findings[0].endpoint = "https://ces01/CES" + forged
        findings[0].endpointMode = "kerberos" + forged
        findings[0].subject.name = "jsmith" + forged
        findings[0].subject.dn = "CN=jsmith" + forged
        findings[0].title = "Title" + forged
        findings[0].message = "message" + forged + "evil\u{202E}txt.exe \u{2028}"
        var waiver = Fixtures.waiver(expired: false)
        waiver.reason += forged
        waiver.expires += forged
        findings[0].waiver = waiver
        report.findings = FindingList(findings)
        report.target = "jsmith" + forged
        report.principals = [
            PrincipalNote(endpoint: "https://e" + forged, account: "svc" + forged, dn: nil, source: "x" + forged,
                problem: nil)
        ]
        report.changes = .init(
            previousRunAt: nil,
            new: [FindingIdentity(ruleId: "CES-A1", subject: "CN=x" + forged, endpoint: "https://e" + forged,
                endpointMode: "certificate" + forged, template: "User" + forged, ca: "CA" + forged)],
            resolved: [], stillOpen: 0)
        let text = try text(report)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(!lines.contains { $0.hasPrefix("  PASS     CES-A1  forged") }, "\(text)")
        #expect(lines.filter { $0.contains("forged") }.allSatisfy { $0.hasPrefix("             ") || $0.contains(#"\x0A"#) })
        #expect(text.contains(#"endpoint: https://ces01/CES\x0A  PASS     CES-A1  forged\x0A (kerberos\x0A"#))
        #expect(text.contains(#"evil\u{202E}txt.exe \u{2028}"#))
        #expect(!text.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x2028 })
    }

    @Test func colourOnlyWhenAsked() throws {
        let text = try text(color: true)
        #expect(text.contains("\u{1B}[31mFAIL   \u{1B}[0m"))
        #expect(text.contains("\u{1B}[1m"))
    }
}
