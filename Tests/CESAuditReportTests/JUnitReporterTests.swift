import CESAuditCore
import CESAuditReport
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct JUnitReporterTests {
    private func document(_ report: AuditReport = Fixtures.full) throws -> XMLDocument {
        let data = try JUnitReporter().render(report, catalogue: .embedded)
        return try XMLDocument(data: data, options: [])
    }

    private func int(_ element: XMLElement?, _ name: String) -> Int? {
        element?.attribute(forName: name)?.stringValue.flatMap { Int($0) }
    }

    @Test func countsPerStatus() throws {
        let root = try #require(try document().rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "name")?.stringValue == "ces-audit")
        #expect(int(root, "tests") == 7)
        // fail (A1), warn (C6), info warn (C1); A3 is waived and so skipped, with F8.
        #expect(int(root, "failures") == 3)
        #expect(int(root, "errors") == 1)
        #expect(int(root, "skipped") == 2)
        #expect(root.elements(forName: "testsuite").flatMap { $0.elements(forName: "testcase") }.count == 7)
        let failures = root.elements(forName: "testsuite").flatMap { $0.elements(forName: "testcase") }
            .flatMap { $0.elements(forName: "failure") }
        #expect(failures.count == 3)
        #expect(Set(failures.compactMap { $0.attribute(forName: "type")?.stringValue }) == ["fail", "warn"])
    }

    @Test func oneSuitePerFamilyWithMatchingCounts() throws {
        let root = try #require(try document().rootElement())
        let suites = root.elements(forName: "testsuite")
        #expect(
            suites.compactMap { $0.attribute(forName: "name")?.stringValue } == ["CES-A", "CES-C", "CES-E", "CES-F"])
        for suite in suites {
            let cases = suite.elements(forName: "testcase")
            #expect(int(suite, "tests") == cases.count)
            #expect(int(suite, "failures") == cases.filter { !$0.elements(forName: "failure").isEmpty }.count)
            #expect(int(suite, "errors") == cases.filter { !$0.elements(forName: "error").isEmpty }.count)
            #expect(int(suite, "skipped") == cases.filter { !$0.elements(forName: "skipped").isEmpty }.count)
        }
    }

    @Test func escapingSurvivesParsing() throws {
        let root = try #require(try document().rootElement())
        let cases = root.elements(forName: "testsuite").flatMap { $0.elements(forName: "testcase") }
        let first = try #require(cases.first)
        #expect(first.attribute(forName: "classname")?.stringValue == "CES-A1")
        #expect(first.attribute(forName: "name")?.stringValue == "jsmith @ \(Fixtures.endpoint)")
        let failure = try #require(first.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == Fixtures.nastyMessage)
        let body = failure.stringValue ?? ""
        #expect(body.contains(Fixtures.smithDN))
        #expect(body.contains("The user must log on again."))
        // The control character in the unknown finding's message is replaced, not emitted.
        let error = try #require(cases.flatMap { $0.elements(forName: "error") }.first)
        #expect(error.attribute(forName: "message")?.stringValue == "ca-security not in the evidence folder\u{FFFD}")
        let unendpointed = cases.first { $0.attribute(forName: "classname")?.stringValue == "CES-E1" }
        #expect(unendpointed?.attribute(forName: "name")?.stringValue == "CORP-CA @ -")
    }

    @Test func allPassReportHasNoFailures() throws {
        let root = try #require(try document(Fixtures.report(listing: [.pass, .pass])).rootElement())
        #expect(int(root, "tests") == 2)
        #expect(int(root, "failures") == 0)
        #expect(int(root, "errors") == 0)
        let cases = root.elements(forName: "testsuite").flatMap { $0.elements(forName: "testcase") }
        #expect(cases.allSatisfy { $0.childCount == 0 })
    }
}
