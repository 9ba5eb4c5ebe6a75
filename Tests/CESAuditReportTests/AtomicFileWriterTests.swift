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
}
