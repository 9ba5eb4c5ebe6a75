import CESAuditCore
import Foundation

/// contract.md JSON v1: the `AuditReport` as encoded, keys sorted, pretty printed, nil optionals omitted.
public struct JSONReporter: Reporter {
    /// `json`.
    public static let format = OutputFormat.json

    /// Creates the reporter.
    public init() {}

    /// The report as contract.md JSON v1, ending with a newline.
    public func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        let encoder = JSONEncoder()
        // Sorted keys keep the output diffable between runs; unescaped slashes keep endpoint URLs readable.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(report)
        data.append(0x0A)
        return data
    }
}
