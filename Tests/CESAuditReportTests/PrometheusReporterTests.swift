import CESAuditCore
import CESAuditReport
import Foundation
import Testing

@Suite struct PrometheusReporterTests {
    private func lines(_ report: AuditReport = Fixtures.full) throws -> [String] {
        let data = try PrometheusReporter().render(report, catalogue: .embedded)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func everySampleLineIsValidExposition() throws {
        var report = Fixtures.full
        report.command = "sc\"an\\\nx"  // label escaping is exercised through the command label
        let sample = try Regex(
            #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.eE+-]+$"#)
        let lines = try lines(report)
        #expect(lines.count > 10)
        for line in lines where !line.hasPrefix("#") {
            #expect(try sample.wholeMatch(in: line) != nil, "bad sample: \(line)")
        }
        #expect(lines.contains { $0.contains(#"command="sc\"an\\\nx""#) })
    }

    @Test func helpAndTypePrecedeEveryFamily() throws {
        var seen: Set<String> = []
        var current: String?
        var typed = false
        for line in try lines() {
            if line.hasPrefix("# HELP ") {
                let name = String(line.dropFirst(7).split(separator: " ")[0])
                #expect(seen.insert(name).inserted, "family \(name) appears twice")
                current = name
                typed = false
            } else if line.hasPrefix("# TYPE ") {
                #expect(line == "# TYPE \(current ?? "?") gauge")
                typed = true
            } else {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                #expect(name == current && typed, "sample \(line) without its HELP/TYPE")
            }
        }
        #expect(
            seen.isSuperset(of: [
                "ces_audit_last_run_timestamp_seconds", "ces_audit_run_duration_seconds", "ces_audit_subjects_scanned",
                "ces_audit_findings", "ces_audit_findings_evaluated", "ces_audit_check_status", "ces_audit_exit_status",
                "ces_audit_findings_new", "ces_audit_findings_resolved",
            ]))
    }

    @Test func valuesAndLabels() throws {
        let lines = try lines()
        #expect(lines.contains(#"ces_audit_last_run_timestamp_seconds{command="user",target="jsmith"} 1795600800"#))
        #expect(lines.contains(#"ces_audit_run_duration_seconds{command="user",target="jsmith"} 0.042"#))
        #expect(lines.contains(#"ces_audit_findings{command="user",target="jsmith",rule="CES-A1",status="fail"} 1"#))
        #expect(lines.contains(#"ces_audit_findings_evaluated{command="user",target="jsmith",status="pass"} 1"#))
        #expect(lines.contains(#"ces_audit_check_status{command="user",target="jsmith",rule="CES-A1",subject_kind="user"} 2"#))
        #expect(lines.contains(#"ces_audit_check_status{command="user",target="jsmith",rule="CES-E1",subject_kind="ca"} 3"#))
        // Waived: counted as passed. Skipped: not emitted.
        #expect(lines.contains(#"ces_audit_check_status{command="user",target="jsmith",rule="CES-A3",subject_kind="user"} 0"#))
        #expect(!lines.contains { $0.hasPrefix("ces_audit_check_status") && $0.contains("CES-F8") })
        #expect(lines.contains(#"ces_audit_exit_status{command="user",target="jsmith"} 2"#))
        #expect(lines.contains(#"ces_audit_findings_new{command="user",target="jsmith"} 1"#))
        #expect(lines.contains(#"ces_audit_findings_resolved{command="user",target="jsmith"} 1"#))
        // No per-account labels: a user run names only its target.
        #expect(!lines.contains { $0.contains("Smith") })
        #expect(!lines.contains { $0.contains("jsmith") && !$0.contains(#"target="jsmith""#) })
    }

    @Test func scanWithoutChangesCountsUnlistedPasses() throws {
        let lines = try lines(Fixtures.report(listing: [.warn], passes: 10))
        #expect(lines.contains(#"ces_audit_findings_evaluated{command="scan",target="corp.example",status="pass"} 10"#))
        #expect(!lines.contains { $0.contains("ces_audit_findings_new") })
        #expect(!lines.contains { $0.contains("ces_audit_subjects_scanned") })
    }

    /// Prometheus' own linter (Debian package prometheus, installed by scripts/setup) accepts every textfile: a
    /// report, a scan without a target, a failed run.
    @Test func promtoolAcceptsTheTextfiles() throws {
        var scan = Fixtures.report(listing: [.warn, .fail], passes: 3)
        scan.target = nil
        let texts = [
            String(decoding: try PrometheusReporter().render(Fixtures.full, catalogue: .embedded), as: UTF8.self),
            String(decoding: try PrometheusReporter().render(scan, catalogue: .embedded), as: UTF8.self),
            PrometheusReporter.failedRun(command: "server", target: "ces01", startedAt: Fixtures.startedAt, durationMs: 5),
        ]
        for text in texts {
            let promtool = Process()
            promtool.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
            promtool.arguments = ["check", "metrics"]
            let input = Pipe()
            let output = Pipe()
            promtool.standardInput = input
            promtool.standardOutput = output
            promtool.standardError = output
            try promtool.run()
            try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
            try input.fileHandleForWriting.close()
            let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            promtool.waitUntilExit()
            #expect(promtool.terminationStatus == 0, "\(said)\n\(text)")
        }
    }
}
