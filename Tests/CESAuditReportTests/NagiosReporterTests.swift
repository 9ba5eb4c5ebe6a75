import CESAuditCore
import CESAuditReport
import Foundation
import Testing

@Suite struct NagiosReporterTests {
    private func lines(_ report: AuditReport, maxDetailLines: Int = 50) throws -> [String] {
        let data = try NagiosReporter(maxDetailLines: maxDetailLines).render(report, catalogue: .embedded)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("\n"))
        return text.split(separator: "\n").map(String.init)
    }

    @Test(arguments: [
        ([Status.pass], "OK", Int32(0)), ([.pass, .warn], "WARNING", 1), ([.warn, .unknown], "UNKNOWN", 3),
        ([.warn, .unknown, .fail], "CRITICAL", 2), ([.skipped], "OK", 0),
    ])
    func stateFollowsExitStatus(statuses: [Status], state: String, exit: Int32) throws {
        let report = Fixtures.report(listing: statuses)
        #expect(report.exitStatus == exit)
        let first = try #require(try lines(report).first)
        #expect(first.hasPrefix("CES-AUDIT \(state) - "))
    }

    @Test func statusLineAndPerfdata() throws {
        let lines = try lines(Fixtures.full)
        let parts = lines[0].split(separator: " | ", maxSplits: 1).map(String.init)
        #expect(parts.count == 2)
        // The waived fail is not open: 1 fail, not 2.
        #expect(parts[0] == "CES-AUDIT CRITICAL - 1 fail, 2 warn, 1 unknown of 7 checks, 1 waived (user jsmith)")
        let item = try Regex(#"^'[^']+'=\d+(\.\d+)?s?(;[^;]*){0,4}$"#)
        let perfdata = parts[1].split(separator: " ").map(String.init)
        #expect(perfdata.count == 8)
        for datum in perfdata { #expect(try item.wholeMatch(in: datum) != nil, "bad perfdata \(datum)") }
        #expect(perfdata.contains("'fail'=1;;;0"))
        #expect(perfdata.contains("'pass'=1;;;0"))
        #expect(perfdata.contains("'manual'=0;;;0"))
        #expect(perfdata.contains("'duration'=0.042s;;;0"))
        #expect(!lines.dropFirst().contains { $0.contains("|") })
        #expect(lines.contains("[UNKNOWN] CES-E1 CORP-CA: ca-security not in the evidence folder\\x01"))
    }

    @Test func detailLinesListOpenFindingsWorstFirst() throws {
        let lines = try lines(Fixtures.full)
        let details = Array(lines.dropFirst())
        // A1 fail, E1 unknown, C6 and C1 warn; not the pass, the skipped or the waived A3.
        #expect(
            details.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
                "[FAIL] CES-A1", "[UNKNOWN] CES-E1", "[WARN] CES-C6", "[WARN] CES-C1",
            ])
        #expect(details[0].hasPrefix("[FAIL] CES-A1 jsmith @ \(Fixtures.endpoint): value <&\"> and 'quote' / pipe"))
    }

    @Test func detailLinesAreCapped() throws {
        let report = Fixtures.report(listing: Array(repeating: .fail, count: 7))
        let lines = try lines(report, maxDetailLines: 5)
        #expect(lines.count == 1 + 5 + 1)
        #expect(lines.last == "… and 2 more")
    }
}
