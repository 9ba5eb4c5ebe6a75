import CESAuditCore
import Foundation

/// Interim renderer until the reporters land: JSON for machines, a plain listing for people.
enum ReportRendering {
    static func render(_ report: AuditReport, format: JobFormat, catalogue: RuleCatalogue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        switch format {
        case .text:
            let lines = report.findings.map {
                "\($0.status.rawValue.uppercased())\t\($0.ruleId)\t\($0.subject.name)\t\($0.message)"
            }
            return Data((lines.joined(separator: "\n") + "\n").utf8)
        default:
            return try encoder.encode(report)
        }
    }
}

enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
