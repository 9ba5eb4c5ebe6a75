import CESAuditCore
import CESAuditReport
import Foundation

/// stdout for results, stderr for diagnostics, written with write(2): FileHandle traps on a failed write, and with
/// SIGPIPE ignored (see `CESAudit.main`) a reader that went away is a failed write.
enum Console {
    static func out(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        let failure = write(line, to: STDOUT_FILENO)
        // The result did not arrive: one line, and never the status of a run that was read.
        if let failure { exitOnLostOutput(failure) }
    }

    /// One line: a value from AD or a file inside the message cannot add lines or drive the terminal.
    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? String(text.dropLast()) : text
        _ = write(line.printableLine + "\n", to: STDERR_FILENO)
    }
    static func warning(_ text: String) { error("ces-audit: warning: \(text)") }
    /// As is (no newline added): the scan's progress line rewrites itself.
    static func progress(_ text: String) { _ = write(text, to: STDERR_FILENO) }

    static func exitOnLostOutput(_ code: Int32) -> Never {
        error("ces-audit: cannot write standard output: \(String(cString: strerror(code)))")
        exit(ExitStatus.unknown)
    }

    /// Writes all of `text`; the errno of a failed write, nil when all was written.
    private static func write(_ text: String, to descriptor: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { FileDescriptorIO.writeAll(descriptor, UnsafeRawBufferPointer($0)).failure }
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
