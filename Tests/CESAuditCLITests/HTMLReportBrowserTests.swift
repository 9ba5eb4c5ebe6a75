import Foundation
import TestSupport
import Testing

/// Debian's chromium, as scripts/packages.tsv names it.
private let chromium = "/usr/bin/chromium"

/// Issue 17 item 3: the HTML report of `user`, `server` and `scan` on the test bed, loaded in a real headless browser
/// (Debian's chromium, scripts/packages.tsv): no console message (a script error or a refused style or script is
/// one), the drawing and the verdicts in the DOM after the script ran, nothing fetched from elsewhere. Where the test
/// bed is required, a missing chromium fails the suite instead of skipping it.
@Suite(
    .enabled(
        if: TestBedEnvironment.shouldRun
            && (FileManager.default.isExecutableFile(atPath: chromium)
                || TestBedEnvironment.isRequired),
        "no test bed or no chromium: run scripts/setup, scripts/testbed up and eval \"$(scripts/testbed env)\""))
struct HTMLReportBrowserTests {

    /// The page's DOM after its script ran, and chromium's console lines.
    static func load(_ page: URL, in directory: URL) throws -> (dom: String, console: [String]) {
        try #require(
            FileManager.default.isExecutableFile(atPath: chromium), "\(chromium) missing: run scripts/setup")
        let profile = directory.appendingPathComponent("chromium-\(UUID().uuidString)").path
        let result = try runProcess(
            chromium,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                "--no-first-run", "--user-data-dir=\(profile)", "--dump-dom", page.absoluteString,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let console = result.stderr.split(separator: "\n").map(String.init).filter {
            $0.contains(":CONSOLE") || $0.contains("Uncaught")
        }
        return (String(decoding: result.stdout, as: UTF8.self), console)
    }

    /// Renders `arguments` to an HTML file, loads it, and checks what every page must be.
    static func render(
        _ arguments: [String], status: Int32, in directory: URL, name: String
    ) throws -> (page: String, dom: String) {
        let file = directory.appendingPathComponent("\(name).html")
        let result = try CLI.run(arguments + ["--format", "html", "--output", file.path])
        #expect(result.status == status, "\(result.stderr)")
        let page = try String(contentsOf: file, encoding: .utf8)
        // A tag with src or href (escaped text holds no `<`), a <link>, CSS url() or @import would fetch.
        let fetching = #"<[a-zA-Z][^>]*\s(src|href|xlink:href)\s*=|<link|url\(|@import"#
        #expect(page.range(of: fetching, options: .regularExpression) == nil, "\(name) loads something from elsewhere")
        let (dom, console) = try load(file, in: directory)
        #expect(console.isEmpty, "\(name): \(console)")
        #expect(
            dom.range(of: #"<span id="f-count">\d+ of \d+ shown</span>"#, options: .regularExpression) != nil,
            "\(name): the filter script ran")
        return (page, dom)
    }

    @Test func userPagesDrawThePathsAndTheirVerdictsInTheBrowser() throws {
        let directory = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try JobCommandTests.connection()

        let healthy = try Self.render(
            [
                "user", "alice", "--endpoint", JobCommandTests.kerberos, "--template", "User", "--service-account",
                "svc-ces", "--evidence", try UserVerdictTests.healthyEvidence(in: directory),
            ] + connection, status: 0, in: directory, name: "alice")
        #expect(healthy.dom.contains("CAN ENROLL on 1"))
        #expect(healthy.dom.contains(#"<figure class="path" data-filter="" data-verdict="canEnroll""#))
        for hop in ["requester", "endpoint", "ca"] {
            #expect(healthy.dom.contains(#"data-hop="\#(hop)" data-verdict="pass""#), "\(hop)")
        }
        #expect(healthy.dom.contains("CES principal svc-ces"))

        let broken = try Self.render(
            [
                "user", "bob", "--endpoint", JobCommandTests.kerberos, "--template", "User", "--evidence",
                JobCommandTests.evidence,
            ] + connection, status: 2, in: directory, name: "bob")
        #expect(broken.dom.contains("CANNOT ENROLL on 1"))
        #expect(broken.dom.contains(#"data-verdict="cannotEnroll""#))
        #expect(broken.dom.contains(#"data-hop="requester" data-verdict="fail""#), "A1 is bob's own")
        #expect(broken.dom.contains("<summary>CES-A1 fail: "))
        #expect(broken.dom.contains("NOT_DELEGATED"))
    }

    @Test func serverPageDrawsEachEndpointInTheBrowser() throws {
        let directory = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Self.render(
            ["server", "ces01.corp.example.test", "--ca", "corp-CA01", "--evidence", JobCommandTests.evidence]
                + (try JobCommandTests.connection()), status: 2, in: directory, name: "server")
        #expect(server.dom.contains("Enrollment paths by CES endpoint"))
        #expect(server.dom.contains(JobCommandTests.kerberos))
        #expect(server.dom.contains(#"<svg class="route""#))
        #expect(server.dom.contains(#"data-hop="endpoint" data-verdict=""#))
        #expect(server.dom.contains("Findings to read, worst first"))
    }

    /// The scan's page: the fix list with its filters, the endpoints drawn, and from the second `--history` run on
    /// the trend; its size does not follow the number of accounts.
    @Test func scanPageShowsTheFixListAndTheTrendAndStaysSmall() throws {
        let directory = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try JobCommandTests.connection()
        let everyone = directory.appendingPathComponent("domain.json").path
        let saved = try CLI.run(
            ["snapshot", "--output", everyone, "--all-accounts", "--evidence", JobCommandTests.evidence] + connection)
        try #require(saved.status == 0, "\(saved.stderr)")
        // The same domain without its bulk accounts.
        var snapshot = try JobCommandTests.json(try String(contentsOfFile: everyone, encoding: .utf8))
        let accounts = try #require(snapshot["accounts"] as? [[String: Any]])
        let named = accounts.filter { ($0["samAccountName"] as? String)?.hasPrefix("bulk") == false }
        try #require(accounts.count - named.count > 1_000, "the bulk accounts are in the snapshot")
        snapshot["accounts"] = named
        let few = directory.appendingPathComponent("few.json").path
        try JSONSerialization.data(withJSONObject: snapshot).write(to: URL(fileURLWithPath: few))
        let history = directory.appendingPathComponent("history.sqlite").path
        let arguments = ["scan", "--snapshot", everyone, "--history", history]
        _ = try Self.render(arguments, status: 2, in: directory, name: "scan-first")
        let scan = try Self.render(arguments, status: 2, in: directory, name: "scan")
        #expect(scan.dom.contains("Fix list"))
        #expect(scan.dom.contains("CES-F1") && scan.dom.contains("template User"))
        #expect(scan.dom.contains(#"<option>CES-F1</option>"#))
        #expect(scan.dom.contains("Trend over the last 2 runs"))
        #expect(scan.dom.contains(#"<polyline class="line s-fail" data-series="fail""#))
        #expect(scan.dom.contains("Since the previous run"))

        let small = try Self.render(["scan", "--snapshot", few], status: 2, in: directory, name: "scan-few")
        let large = try Self.render(["scan", "--snapshot", everyone], status: 2, in: directory, name: "scan-all")
        // 16 bytes more per bulk account would not hold one element each: the page grows by its groups only.
        let added = accounts.count - named.count
        let growth = large.page.utf8.count - small.page.utf8.count
        #expect(
            growth < 16 * added, "\(small.page.utf8.count) → \(large.page.utf8.count) bytes, \(added) accounts added")
    }
}
