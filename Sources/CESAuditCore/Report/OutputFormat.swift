/// The output formats of `--format` and the configuration file's `output.format` (docs/contract.md, Output); each
/// has its reporter in CESAuditReport.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, nagios, prometheus, html

    /// The usual file name extension, e.g. for a default output name.
    public var fileExtension: String {
        switch self {
        case .text: "txt"
        case .json: "json"
        case .sarif: "sarif"
        case .junit: "xml"
        case .nagios: "txt"
        case .prometheus: "prom"
        case .html: "html"
        }
    }
}
