import CESAuditCore
import Foundation

/// Nagios / Icinga plugin output: one status line with perfdata, then one line per open finding. The counts are
/// of open findings (an active waiver accepts a finding), as is the state, which follows `exitStatus`.
public struct NagiosReporter: Reporter {
    /// `nagios`.
    public static let format = OutputFormat.nagios

    /// Long-text lines at most; the rest are summed up in one line.
    public var maxDetailLines: Int

    /// Creates the reporter.
    public init(maxDetailLines: Int = 50) {
        self.maxDetailLines = maxDetailLines
    }

    /// The plugin output as UTF-8 text.
    public func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws {
        try output.write(text(report))
    }

    /// At most `maxDetailLines` + 2 lines, whatever the number of findings.
    func text(_ report: AuditReport) -> String {
        // `user`: the counts and the state are those of the account's paths.
        let open = report.openOnPaths ?? report.openCounts
        var context = report.command
        if let target = report.target { context += " \(target)" }
        if let paths = report.paths { context += ": " + Self.verdictSummary(paths) }
        var status = "CES-AUDIT \(report.stateWord) - \(open.fail) fail, \(open.warn) warn, \(open.unknown) unknown"
        if open.manual > 0 { status += ", \(open.manual) manual" }
        status += " of \(report.totalChecks) checks"
        if report.waivedCount > 0 { status += ", \(report.waivedCount) waived" }
        status += " (\(Self.clean(context)))"

        let duration = String(format: "%.3f", Double(report.durationMs) / 1000)
        let perfdata = [
            "'fail'=\(open.fail);;;0", "'warn'=\(open.warn);;;0", "'unknown'=\(open.unknown);;;0",
            "'pass'=\(report.summary.pass);;;0", "'skipped'=\(report.summary.skipped);;;0",
            "'waived'=\(report.waivedCount);;;0", "'manual'=\(report.summary.manual);;;0",
            "'duration'=\(duration)s;;;0",
        ]
        var lines = [status + " | " + perfdata.joined(separator: " ")]

        // Worst first, so a capped list still shows what makes the state: the first `maxDetailLines` open findings
        // of each status are enough to know which are shown (in report order within a status).
        var details = 0
        var shown: [[FindingList.Position]] = Array(repeating: [], count: Status.allCases.count)
        let offPath = report.offPathFindings ?? []
        var reader = report.findings.reader()
        for (position, head) in report.findings.heads() where head.isOpen {
            if !offPath.isEmpty {
                reader.seek(to: position)
                if let finding = reader.next(), offPath.contains(finding.identity) { continue }
            }
            details += 1
            if shown[head.status.precedence].count < maxDetailLines { shown[head.status.precedence].append(position) }
        }
        for position in shown.joined().prefix(maxDetailLines) {
            reader.seek(to: position)
            guard let finding = reader.next() else { break }
            let line = "[\(finding.status.rawValue.uppercased())] \(finding.ruleId) \(finding.label)"
            lines.append(Self.clean(line + ": " + finding.message))
        }
        if details > maxDetailLines { lines.append("… and \(details - maxDetailLines) more") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `CAN ENROLL on 1 of 3 paths, CANNOT ENROLL on 2`.
    static func verdictSummary(_ paths: [RouteVerdict]) -> String {
        var tallies: [EnrollmentVerdict: Int] = [:]
        for path in paths { tallies[path.verdict, default: 0] += 1 }
        let parts = EnrollmentVerdict.allCases.sorted { $0.precedence > $1.precedence }.compactMap { verdict in
            tallies[verdict].map { "\(verdict.words) on \($0)" }
        }
        return parts.joined(separator: ", ") + " of \(paths.count) path\(paths.count == 1 ? "" : "s")"
    }

    /// One line without `|` (it would start the perfdata section), newlines or control characters.
    static func clean(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "/").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\t", with: " ").printable
    }
}
