import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an atomic write failed: the step, the path and the system's reason, in one line.
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
        let directory: String
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
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }

        func fail(_ operation: String, _ code: Int32) -> AtomicWriteError {
            unlink(temporary)
            return AtomicWriteError(path: path, operation: operation, code: code)
        }

        // mkstemp creates 0600; output files are meant to be read by collectors and other users.
        if fchmod(fd, 0o644) != 0 {
            let code = errno
            close(fd)
            throw fail("set the mode of \(temporary)", code)
        }
        let written: Int32? = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let result = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += result
            }
            return nil
        }
        if let code = written {
            close(fd)
            throw fail("write \(temporary)", code)
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw fail("fsync \(temporary)", code)
        }
        if close(fd) != 0 { throw fail("close \(temporary)", errno) }
        if rename(temporary, path) != 0 { throw fail("rename \(temporary) over it", errno) }

        // Best effort: make the rename itself durable; the data is already in place for readers.
        let directoryFD = open(directory, O_RDONLY)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Darwin)
            Darwin.write(fd, buffer, count)
        #elseif canImport(Musl)
            Musl.write(fd, buffer, count)
        #else
            Glibc.write(fd, buffer, count)
        #endif
    }
}
