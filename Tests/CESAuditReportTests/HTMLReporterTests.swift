import CESAuditCore
import Foundation
import Testing

@testable import CESAuditReport

/// The HTML report (issue 17 item 3) as a page: escaped, self-contained, the paths drawn hop by hop, the fix list
/// and the trend; its size set by the groups, not by the accounts. The browser test is HTMLReportBrowserTests.
@Suite struct HTMLReporterTests {
    static func html(_ report: AuditReport, _ reporter: HTMLReporter = HTMLReporter()) throws -> String {
        String(decoding: try reporter.render(report, catalogue: .embedded), as: UTF8.self)
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// An element that fetches: a tag with `src` or `href` (escaped text holds no `<`), a `<link>`, CSS `url()` or
    /// `@import`.
    static let fetchingMarkup = #"<[a-zA-Z][^>]*\s(src|href|xlink:href)\s*=|<link|url\(|@import"#

    /// Loads nothing: no element may fetch; the only script and style are inline.
    static func expectSelfContained(_ page: String) {
        #expect(page.range(of: fetchingMarkup, options: .regularExpression) == nil)
        #expect(occurrences(of: "<script", in: page) == 1)
        #expect(occurrences(of: "<style", in: page) == 1)
    }

    @Test func valuesFromADAreEscapedInTextAndAttributes() throws {
        let hostile = #"<script>alert("x")</script>' onmouseover='x"#
        var report = UserVerdictReportTests.report()
        report.target = hostile
        report.paths?[0].route.template = hostile
        report.paths?[0].route.principal = #"svc"><img src=x>"#
        report.paths?[0].firstCause?.message = "bad \u{1B}[31m & <b>bold</b>"
        let page = try Self.html(report)
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x"))
        #expect(!page.contains("<script>alert"))
        #expect(!page.contains("<img"))
        #expect(!page.contains(" onmouseover='"))
        #expect(page.contains(#"bad \x1B[31m &amp; &lt;b&gt;bold&lt;/b&gt;"#), "control characters shown, not sent")
        Self.expectSelfContained(page)
    }

    /// The policy admits exactly the inline style and script, by hash: a changed style or script without its new
    /// hash fails here (and the browser would refuse it).
    @Test func contentSecurityPolicyHashesMatchTheInlineStyleAndScript() throws {
        func sha256(_ text: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "openssl dgst -sha256 -binary | base64"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return "sha256-" + String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try sha256(HTMLReporter.style) == HTMLReporter.styleHash)
        #expect(try sha256(HTMLReporter.script) == HTMLReporter.scriptHash)
        let page = try Self.html(UserVerdictReportTests.report())
        #expect(page.contains("<style>\(HTMLReporter.style)</style>"))
        #expect(page.contains("<script>\(HTMLReporter.script)</script>"))
        #expect(page.contains("script-src '\(HTMLReporter.scriptHash)'"))
        #expect(page.contains("default-src 'none'"))
    }

    /// alice's three paths: the blocked one drawn with the cause on the endpoint hop (C3 on the principal), the
    /// others with every hop passing or the warning on the CA's template; the cause one click away.
    @Test func eachPathIsDrawnHopByHopWithItsVerdict() throws {
        let page = try Self.html(UserVerdictReportTests.report())
        #expect(Self.occurrences(of: "<figure class=\"path\"", in: page) == 3)
        #expect(Self.occurrences(of: "data-verdict=\"cannotEnroll\"", in: page) == 1)
        #expect(Self.occurrences(of: "data-verdict=\"canEnroll\"", in: page) == 2)
        #expect(page.contains("CANNOT ENROLL on 1"))
        #expect(page.contains("CAN ENROLL on 2"))
        #expect(Self.occurrences(of: "<svg class=\"route\"", in: page) == 3)
        #expect(page.contains("data-hop=\"endpoint\" data-verdict=\"fail\""), "C3 is the principal's")
        #expect(page.contains("data-hop=\"requester\" data-verdict=\"nofail\""))
        #expect(page.contains("data-hop=\"ca\" data-verdict=\"open\""))
        #expect(page.contains("data-hop=\"ca\" data-verdict=\"warn\""), "E5 is the template's")
        #expect(page.contains("<summary>CES-C3 fail: CES-C3 title</summary>"))
        #expect(page.contains("<p class=\"fix\">fix: Fix CES-C3.\nSet-Something</p>"))
        #expect(page.contains("<option>CES-C3</option>"), "the rule filter offers the cause")
        #expect(!page.contains("CES-C9"), "corp CA02's endpoint is no path of alice's")
        Self.expectSelfContained(page)
    }

    /// A server report has no paths: each endpoint is drawn with the worst finding on each hop.
    @Test func serverReportDrawsEachEndpointByItsWorstFindingPerHop() throws {
        let page = try Self.html(Fixtures.full)
        #expect(page.contains("Enrollment paths by CES endpoint"))
        #expect(page.contains("data-hop=\"requester\" data-verdict=\"fail\""), "A1 and A3 on the requesters")
        #expect(page.contains("data-hop=\"endpoint\" data-verdict=\"warn\""), "C6 on svc-ces")
        #expect(page.contains("Findings to read, worst first"))
        #expect(page.contains("waived until 2027-01-31"))
        #expect(page.contains("value &lt;&amp;&quot;&gt; and &#39;quote&#39; | pipe"))
        Self.expectSelfContained(page)
    }

    static func scan(accounts: Int) -> AuditReport {
        var findings: [Finding] = []
        var builder = FixListBuilder()
        for number in 1...accounts {
            for (rule, template) in [("CES-F1", "User"), ("CES-A3", nil)] {
                var finding = Finding(
                    ruleId: rule, status: .fail, title: "\(rule) title",
                    subject: .init(kind: .user, name: "bulk\(number)"), message: "bulk\(number) fails \(rule)",
                    evidence: template.map { ["template": .string($0)] } ?? [:], remediation: "Fix bulk\(number).")
                finding.assignFixGroup(ca: "CORP-CA")
                builder.add(finding, ca: nil)
                findings.append(finding)
            }
        }
        var report = Fixtures.report(listing: [])
        report.command = "scan"
        report.summary.fail = findings.count
        report.findings = FindingList(findings)
        report.fixes = builder.groups()
        return report
    }

    /// 50,000 accounts make the same page as 1,000 but for the counts' digits: grouped, not one element per finding.
    @Test func scanPageSizeDoesNotGrowWithTheAccounts() throws {
        let small = try Self.html(Self.scan(accounts: 1_000))
        let large = try Self.html(Self.scan(accounts: 50_000))
        #expect(large.utf8.count - small.utf8.count < 200, "\(small.utf8.count) and \(large.utf8.count) bytes")
        #expect(large.contains("affects 50000 accounts"))
        #expect(!large.contains("bulk4"), "a few examples named, not every account")
        #expect(Self.occurrences(of: "<li data-filter", in: large) == 2, "two fix groups")
    }

    /// User and server list findings one by one only up to the limit, then say how many more.
    @Test func listedFindingsAreCappedWithANote() throws {
        var report = Self.scan(accounts: 40)
        report.fixes = nil
        let page = try Self.html(report, HTMLReporter(findingLimit: 25))
        #expect(Self.occurrences(of: "<li data-filter", in: page) == 25)
        #expect(page.contains("… 55 more findings not shown"))
    }

    @Test func theTrendIsDrawnFromTwoRunsOn() throws {
        let start = Fixtures.startedAt
        let runs = (0..<3).map { day in
            HTMLReporter.TrendPoint(
                startedAt: start.addingTimeInterval(Double(day) * 86_400), fail: 10 - day * 3, warn: day, unknown: 1)
        }
        let page = try Self.html(Self.scan(accounts: 3), HTMLReporter(trend: runs))
        #expect(page.contains("Trend over the last 3 runs"))
        #expect(Self.occurrences(of: "<polyline", in: page) == 3)
        #expect(page.contains("data-series=\"fail\" points=\"40.0,20.0 390.0,56.0 740.0,92.0\""))
        let single = try Self.html(Self.scan(accounts: 3), HTMLReporter(trend: Array(runs.prefix(1))))
        #expect(!single.contains("<polyline"), "one run is no trend")
    }
}
