import CESAuditCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a reporter writes: buffered bytes on their way to a file descriptor (stdout, or the temporary file of an
/// atomic write) or into memory (`Reporter.render`). Reporters write as they go, so a report of any size is never
/// held whole in memory.
public final class OutputSink {
    /// Bytes collected before one write(2).
    static let bufferSize = 64 * 1024

    private enum Destination {
        case descriptor(Int32)
        case memory
    }

    private let destination: Destination
    /// What the output is called in errors: a path, or `standard output`.
    let name: String
    /// The step named in write errors.
    let operation: String
    private var buffer: [UInt8] = []
    private var collected = Data()

    /// Writes to `fileDescriptor` (which stays open); `name` is used in errors.
    public convenience init(fileDescriptor: Int32, name: String) {
        self.init(fileDescriptor: fileDescriptor, name: name, operation: "write")
    }

    init(fileDescriptor: Int32, name: String, operation: String) {
        destination = .descriptor(fileDescriptor)
        self.name = name
        self.operation = operation
        buffer.reserveCapacity(Self.bufferSize)
    }

    private init() {
        destination = .memory
        name = "memory"
        operation = "write"
    }

    /// Standard output.
    public static func standardOutput() -> OutputSink {
        OutputSink(fileDescriptor: STDOUT_FILENO, name: "standard output")
    }

    /// Collects the output in memory; `data` has it.
    public static func memory() -> OutputSink { OutputSink() }

    /// What a memory sink collected (empty for a file descriptor).
    public var data: Data {
        if case .memory = destination { return collected + buffer }
        return Data()
    }

    public func write(_ text: String) throws(AtomicWriteError) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.bufferSize { try flush() }
    }

    public func write(_ data: Data) throws(AtomicWriteError) {
        buffer.append(contentsOf: data)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(AtomicWriteError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Writes out what is buffered.
    public func flush() throws(AtomicWriteError) {
        guard !buffer.isEmpty else { return }
        switch destination {
        case .memory:
            collected.append(contentsOf: buffer)
        case .descriptor(let fd):
            if let failure = buffer.withUnsafeBytes({ FileDescriptorIO.writeAll(fd, $0).failure }) {
                buffer.removeAll(keepingCapacity: true)
                throw AtomicWriteError(path: name, operation: operation, code: failure)
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
