import Foundation

/// stdout for results, stderr for diagnostics (the C globals are not concurrency-safe in Swift 6).
enum Console {
    static func out(_ text: String) { write(text, to: .standardOutput) }
    static func error(_ text: String) { write(text, to: .standardError) }
    static func warning(_ text: String) { error("ces-audit: warning: \(text)") }

    private static func write(_ text: String, to handle: FileHandle) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        handle.write(Data(line.utf8))
    }
}

/// Exit statuses of the contract (Nagios semantics): first match wins, usage first.
enum ExitStatus {
    static let ok: Int32 = 0
    static let warning: Int32 = 1
    static let critical: Int32 = 2
    static let unknown: Int32 = 3
    static let usage: Int32 = 64
}
