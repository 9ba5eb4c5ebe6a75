import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why writing the output failed (an atomic file or standard output): the step, the path and the system's
/// reason, in one line.
public struct AtomicWriteError: Error, Equatable, CustomStringConvertible {
    /// The file that was to be written.
    public var path: String
    /// The step that failed, e.g. `create a temporary file in /var/lib/prom`.
    public var operation: String
    /// The `errno` value of the failing call.
    public var code: Int32

    /// Creates the error.
    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// `cannot write PATH: OPERATION: REASON`.
    public var description: String {
        "cannot write \(path): \(operation): \(String(cString: strerror(code)))"
    }
}

/// Writes a file so readers see the old content or the new, never a part (`--output`, Prometheus textfiles):
/// a temporary file in the same directory (rename(2) is only atomic within one file system), written and
/// fsync'd, then renamed over the target.
public enum AtomicFileWriter {
    /// Writes `data` to `path` atomically with mode 0644. The temporary file is removed when any step fails.
    public static func write(_ data: Data, to path: String) throws(AtomicWriteError) {
        let file = try AtomicFile(path)
        do {
            try file.output.write(data)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Writes what `body` writes to the sink to `path` atomically with mode 0644, streaming through a buffer: the
    /// file is renamed into place only when `body` returns; when it throws, or a step fails, the temporary file is
    /// removed and the error rethrown (an `AtomicWriteError` for the file's own steps).
    public static func write(to path: String, _ body: (OutputSink) throws -> Void) throws {
        let file = try AtomicFile(path)
        do {
            try body(file.output)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }
}

/// The temporary file of one atomic write.
private final class AtomicFile {
    let path: String
    let directory: String
    let temporary: String
    private var descriptor: Int32
    /// Until the rename: the temporary file is ours to remove.
    private var temporaryExists = true
    let output: OutputSink

    init(_ path: String) throws(AtomicWriteError) {
        self.path = path
        let name: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
        guard !name.isEmpty else { throw AtomicWriteError(path: path, operation: "not a file name", code: EISDIR) }

        // A dot-prefixed temporary name keeps node_exporter from reading the half-written file as `*.prom`.
        let prefix = directory == "/" ? "/" : directory + "/"
        let pattern: String = prefix + "." + name + ".tmp-XXXXXX"
        var template = pattern.utf8CString
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw AtomicWriteError(path: path, operation: "create a temporary file in \(directory)", code: errno)
        }
        temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        descriptor = fd
        output = OutputSink(fileDescriptor: fd, name: path, operation: "write \(temporary)")

        // mkstemp creates 0600; output files are meant to be read by collectors and other users.
        if fchmod(fd, 0o644) != 0 {
            let code = errno
            discard()
            throw AtomicWriteError(path: path, operation: "set the mode of \(temporary)", code: code)
        }
    }

    /// Flushes, fsyncs and renames the temporary file over the target.
    func commit() throws(AtomicWriteError) {
        try output.flush()
        if fsync(descriptor) != 0 { throw AtomicWriteError(path: path, operation: "fsync \(temporary)", code: errno) }
        let closed = close(descriptor)
        descriptor = -1
        if closed != 0 { throw AtomicWriteError(path: path, operation: "close \(temporary)", code: errno) }
        if rename(temporary, path) != 0 {
            throw AtomicWriteError(path: path, operation: "rename \(temporary) over it", code: errno)
        }
        temporaryExists = false

        // Best effort: make the rename itself durable; the data is already in place for readers.
        let directoryFD = open(directory, O_RDONLY)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Closes and removes the temporary file (after a failure; harmless after a rename, which moved it away).
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if temporaryExists {
            unlink(temporary)
            temporaryExists = false
        }
    }

    deinit { discard() }
}
