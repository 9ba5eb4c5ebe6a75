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
///
/// What is already at the path is respected: a character device or FIFO (`/dev/stdout`, a pipe to a collector)
/// is written straight, never replaced by a file; a symbolic link is followed and its target replaced, so the
/// link stays a link.
public enum AtomicFileWriter {
    /// Writes `data` to `path` atomically with `mode` (0644 by default). The temporary file is removed when any
    /// step fails.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws(AtomicWriteError) {
        let file = try OutputFile(path, mode: mode)
        do {
            try file.output.write(data)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Writes what `body` writes to the sink to `path` atomically with `mode` (0644 by default), streaming through
    /// a buffer: the file is renamed into place only when `body` returns; when it throws, or a step fails, the
    /// temporary file is removed and the error rethrown (an `AtomicWriteError` for the file's own steps).
    public static func write(to path: String, mode: mode_t = 0o644, _ body: (OutputSink) throws -> Void) throws {
        let file = try OutputFile(path, mode: mode)
        do {
            try body(file.output)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }
}

/// One write to `--output`: a temporary file renamed over a regular file, or a device or FIFO written in place.
private final class OutputFile {
    /// The path named in errors (as the user gave it, before symbolic links were resolved).
    let path: String
    /// The file the rename replaces: `path` with symbolic links resolved.
    private let target: String
    private let directory: String
    /// The temporary file; nil when writing in place.
    private let temporary: String?
    private var descriptor: Int32
    /// Until the rename: the temporary file is ours to remove.
    private var temporaryExists: Bool
    let output: OutputSink

    init(_ path: String, mode: mode_t) throws(AtomicWriteError) {
        self.path = path
        var link = stat()
        var found = stat()
        let exists = lstat(path, &link) == 0
        if exists && stat(path, &found) != 0 {
            throw AtomicWriteError(path: path, operation: "follow the symbolic link", code: errno)
        }
        let type = found.st_mode & S_IFMT
        if exists && (type == S_IFCHR || type == S_IFIFO || type == S_IFSOCK) {
            // `--output /dev/stdout`, a FIFO a collector reads: a rename would replace the node with a file.
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw AtomicWriteError(path: path, operation: "open", code: errno) }
            target = path
            directory = ""
            temporary = nil
            temporaryExists = false
            descriptor = fd
            output = OutputSink(fileDescriptor: fd, name: path, operation: "write")
            return
        }
        if exists && link.st_mode & S_IFMT == S_IFLNK {
            // The link stays a link: its target is what gets replaced.
            guard let resolved = realpath(path, nil) else {
                throw AtomicWriteError(path: path, operation: "follow the symbolic link", code: errno)
            }
            target = String(cString: resolved)
            free(resolved)
        } else {
            target = path
        }
        let name: String
        if let slash = target.lastIndex(of: "/") {
            directory = slash == target.startIndex ? "/" : String(target[..<slash])
            name = String(target[target.index(after: slash)...])
        } else {
            directory = "."
            name = target
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
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.temporary = temporary
        temporaryExists = true
        descriptor = fd
        output = OutputSink(fileDescriptor: fd, name: path, operation: "write \(temporary)")

        // mkstemp creates 0600; reports are meant to be read by collectors and other users, snapshots are not.
        if fchmod(fd, mode) != 0 {
            let code = errno
            discard()
            throw AtomicWriteError(path: path, operation: "set the mode of \(temporary)", code: code)
        }
    }

    /// Flushes; for a temporary file also fsyncs and renames it over the target.
    func commit() throws(AtomicWriteError) {
        try output.flush()
        guard let temporary else {
            let closed = close(descriptor)
            descriptor = -1
            if closed != 0 { throw AtomicWriteError(path: path, operation: "close", code: errno) }
            return
        }
        if fsync(descriptor) != 0 { throw AtomicWriteError(path: path, operation: "fsync \(temporary)", code: errno) }
        let closed = close(descriptor)
        descriptor = -1
        if closed != 0 { throw AtomicWriteError(path: path, operation: "close \(temporary)", code: errno) }
        if rename(temporary, target) != 0 {
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
        if temporaryExists, let temporary {
            unlink(temporary)
            temporaryExists = false
        }
    }

    deinit { discard() }
}
