import CESAuditCore
import Foundation

/// The output formats of `--format` (contract.md, Output).
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, nagios, prometheus

    /// The usual file name extension, e.g. for a default output name.
    public var fileExtension: String {
        switch self {
        case .text: "txt"
        case .json: "json"
        case .sarif: "sarif"
        case .junit: "xml"
        case .nagios: "txt"
        case .prometheus: "prom"
        }
    }

    /// The reporter for this format. `useColor` only matters for `text` (the CLI passes `isatty(stdout)`).
    public func reporter(useColor: Bool = false) -> any Reporter {
        switch self {
        case .text: TextReporter(useColor: useColor)
        case .json: JSONReporter()
        case .sarif: SARIFReporter()
        case .junit: JUnitReporter()
        case .nagios: NagiosReporter()
        case .prometheus: PrometheusReporter()
        }
    }
}

/// Renders one `AuditReport` in one output format (SwiftFormat's reporter pattern: one reporter per file).
public protocol Reporter: Sendable {
    /// The format this reporter writes.
    static var format: OutputFormat { get }
    /// The whole output as bytes (UTF-8 for every format); the catalogue supplies rule titles, severities and help.
    func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data
}
