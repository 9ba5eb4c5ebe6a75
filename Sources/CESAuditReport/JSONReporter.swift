import CESAuditCore
import Foundation

/// docs/contract.md JSON v1: the `AuditReport` as encoded, keys sorted, pretty printed, nil optionals omitted. The
/// findings (and the history's identity lists) are streamed one at a time into the same layout.
public struct JSONReporter: Reporter {
    /// `json`.
    public static let format = OutputFormat.json

    /// Creates the reporter.
    public init() {}

    /// The nesting level of the findings in the report (`findings[]` of the top-level object).
    static let findingLevel: UInt8 = 2

    /// A finding as this reporter writes it in `findings[]`, made while a scan runs (`ScanJob.rendering`).
    public static let findingRendering = FindingRendering(level: findingLevel) { finding in
        var writer = FindingJSONWriter()
        writer.append(finding, level: Int(findingLevel))
        return writer.take()
    }

    /// The report as docs/contract.md JSON v1, ending with a newline.
    public func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws {
        try StreamingJSONEncoder(dates: .iso8601).write(report, to: output)
        try output.write("\n")
    }
}
