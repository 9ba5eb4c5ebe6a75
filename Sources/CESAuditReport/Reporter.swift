import CESAuditCore
import Foundation

extension OutputFormat {
    /// The reporter for this format. `useColor` only matters for `text` (the CLI passes `isatty(stdout)`), as does
    /// `foldsPasses` (`user` without `--all`) and `listsEveryFinding` (`scan --all`); `trend` only for `html`
    /// (`--history`'s recorded runs, oldest first).
    public func reporter(
        useColor: Bool = false, foldsPasses: Bool = false, listsEveryFinding: Bool = false,
        trend: [HTMLReporter.TrendPoint] = []
    ) -> any Reporter {
        switch self {
        case .text: TextReporter(useColor: useColor, foldsPasses: foldsPasses, listsEveryFinding: listsEveryFinding)
        case .json: JSONReporter()
        case .sarif: SARIFReporter()
        case .junit: JUnitReporter()
        case .nagios: NagiosReporter()
        case .prometheus: PrometheusReporter()
        case .html: HTMLReporter(trend: trend)
        }
    }
}

/// Renders one `AuditReport` in one output format (SwiftFormat's reporter pattern: one reporter per file).
///
/// A reporter writes as it reads: the report's findings are a stream (`FindingList`, spooled to disk for a large
/// `scan`), which a reporter may read more than once (a pass to count or group, a pass to write) but never holds
/// whole. Output is UTF-8 for every format.
public protocol Reporter: Sendable {
    /// The format this reporter writes.
    static var format: OutputFormat { get }
    /// Writes the report to `output`; the catalogue supplies rule titles, severities and help. Whoever publishes
    /// the output checks `report.throwIfUnreadable()` afterwards (a spool that failed to read means it is short).
    func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws
}

extension Reporter {
    /// The whole output in memory (tests, small reports).
    public func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        let output = OutputSink.memory()
        try write(report, catalogue: catalogue, to: output)
        try output.flush()
        try report.throwIfUnreadable()
        return output.data
    }
}
