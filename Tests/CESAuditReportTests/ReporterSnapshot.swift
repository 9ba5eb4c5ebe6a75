import Foundation
import Testing

/// Golden files for the reporters, in `Snapshots/` beside this file (as swift-argument-parser's `assertSnapshot`):
/// a report must match its recorded bytes. After an intended change to a format, re-record and review the diff:
///
///     CES_RECORD_SNAPSHOTS=1 swift test --filter eachFormatWritesItsGoldenFiles
///
/// A recording run writes the files and fails, so a record switch left on never passes silently.
enum ReporterSnapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")
    static var recording: Bool { ProcessInfo.processInfo.environment["CES_RECORD_SNAPSHOTS"] == "1" }

    static func assert(_ data: Data, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = directory.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try data.write(to: file)
            Issue.record("recorded \(name); run again without CES_RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
            return
        }
        guard let expected = FileManager.default.contents(atPath: file.path) else {
            Issue.record(
                "no golden file Snapshots/\(name): record it with CES_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        guard data != expected else { return }
        let lines = (String(decoding: data, as: UTF8.self), String(decoding: expected, as: UTF8.self))
        let first = zip(lines.0.split(separator: "\n"), lines.1.split(separator: "\n")).enumerated().first {
            $0.element.0 != $0.element.1
        }
        let place =
            first.map { " at line \($0.offset + 1):\n  got      \($0.element.0)\n  recorded \($0.element.1)" }
            ?? " (\(data.count) bytes, recorded \(expected.count))"
        Issue.record("\(name) differs from its golden file\(place)", sourceLocation: sourceLocation)
    }
}
