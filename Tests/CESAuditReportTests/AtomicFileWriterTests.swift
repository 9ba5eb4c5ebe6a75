import CESAuditReport
import Foundation
import Testing

@Suite struct AtomicFileWriterTests {
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func writesOverwritesAndLeavesNoTemporaryFiles() throws {
        let path = directory.appendingPathComponent("ces.prom").path
        try AtomicFileWriter.write(Data("first\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        try AtomicFileWriter.write(Data("second\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        #expect(try contents() == ["ces.prom"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        try FileManager.default.removeItem(at: directory)
    }

    @Test func writesEmptyAndLargeData() throws {
        let path = directory.appendingPathComponent("big.json").path
        let big = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0) })
        try AtomicFileWriter.write(big, to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == big)
        try AtomicFileWriter.write(Data(), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        try FileManager.default.removeItem(at: directory)
    }

    @Test func streamedWritesAreAtomicToo() throws {
        struct Interrupted: Error {}
        let path = directory.appendingPathComponent("stream.json").path
        try AtomicFileWriter.write(to: path) { output in
            // More than the sink's buffer, in pieces.
            for number in 0..<20_000 { try output.write("line \(number)\n") }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20_000)
        #expect(lines.last == "line 19999")
        // A body that fails half way leaves the previous file as it was and no temporary file.
        #expect(throws: Interrupted.self) {
            try AtomicFileWriter.write(to: path) { output in
                for number in 0..<20_000 { try output.write("other \(number)\n") }
                throw Interrupted()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("line 0\n"))
        #expect(try contents() == ["stream.json"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        try FileManager.default.removeItem(at: directory)
    }

    @Test func missingDirectoryFailsWithATypedError() throws {
        let path = directory.appendingPathComponent("missing/out.json").path
        #expect {
            try AtomicFileWriter.write(Data("x".utf8), to: path)
        } throws: { error in
            guard let error = error as? AtomicWriteError else { return false }
            return error.code == ENOENT && error.path == path && !error.description.contains("\n")
                && error.description.hasPrefix("cannot write \(path): create a temporary file in")
        }
        #expect(try contents().isEmpty)
        try FileManager.default.removeItem(at: directory)
    }

    @Test func renameFailureRemovesTheTemporaryFile() throws {
        // The target is a non-empty directory: rename(2) fails after the temporary file was written.
        let target = directory.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data().write(to: target.appendingPathComponent("keep"))
        #expect(throws: AtomicWriteError.self) {
            try AtomicFileWriter.write(Data("x".utf8), to: target.path)
        }
        #expect(try contents() == ["occupied"])
        try FileManager.default.removeItem(at: directory)
    }

    @Test func aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws {
        let target = directory.appendingPathComponent("real.prom").path
        let link = directory.appendingPathComponent("link.prom").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.prom")
        try AtomicFileWriter.write(Data("new\n".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.prom")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try contents() == ["link.prom", "real.prom"])
        try FileManager.default.removeItem(at: directory)
    }

    @Test func aDanglingSymbolicLinkIsRefusedAndLeftAlone() throws {
        let link = directory.appendingPathComponent("dangling.prom").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "missing/real.prom")
        #expect {
            try AtomicFileWriter.write(Data("x".utf8), to: link)
        } throws: { error in
            (error as? AtomicWriteError)?.description
                == "cannot write \(link): follow the symbolic link: No such file or directory"
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "missing/real.prom")
        try FileManager.default.removeItem(at: directory)
    }

    @Test func aFIFOIsWrittenInPlaceNotReplaced() throws {
        let fifo = directory.appendingPathComponent("report.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = ReceivedBytes()
        let reader = Thread { received.set(FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile()) }
        reader.start()
        try AtomicFileWriter.write(to: fifo) { output in try output.write("through the pipe\n") }
        // A FIFO replaced by a file leaves the reader waiting forever: give up after five seconds.
        for _ in 0..<5000 where !received.done { usleep(1000) }
        #expect(received.data.map { String(decoding: $0, as: UTF8.self) } == "through the pipe\n")
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "still a FIFO")
        #expect(try contents() == ["report.fifo"])
        try FileManager.default.removeItem(at: directory)
    }

    /// A private copy of /dev/full (made only as root): a device keeps being a device, and its write error is
    /// reported.
    @Test(.enabled(if: getuid() == 0, "mknod needs root"))
    func aCharacterDeviceIsWrittenInPlaceAndItsErrorReported() throws {
        let device = directory.appendingPathComponent("full").path
        var full = stat()
        try #require(stat("/dev/full", &full) == 0)
        #expect(mknod(device, S_IFCHR | 0o666, full.st_rdev) == 0)
        #expect {
            try AtomicFileWriter.write(Data("x".utf8), to: device)
        } throws: { error in
            (error as? AtomicWriteError)?.description == "cannot write \(device): write: No space left on device"
        }
        var status = stat()
        #expect(lstat(device, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR, "still a device")
        #expect(try contents() == ["full"])
        try FileManager.default.removeItem(at: directory)
    }

    @Test func theModeIsTheCallers() throws {
        let path = directory.appendingPathComponent("snapshot.json").path
        try AtomicFileWriter.write(Data("{}".utf8), to: path, mode: 0o600)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try FileManager.default.removeItem(at: directory)
    }
}

/// What the FIFO's reader thread got.
private final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: Data?
    private var finished = false

    func set(_ data: Data?) {
        lock.withLock {
            bytes = data
            finished = true
        }
    }

    var done: Bool { lock.withLock { finished } }
    var data: Data? { lock.withLock { bytes } }
}
