import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a spool could not give back what was put in it. Reading happens while a report is rendered; the output
/// must then be refused, never written short.
public struct SpoolError: Error, Equatable, CustomStringConvertible {
    /// One line: what failed and the system's reason.
    public var description: String

    package init(_ description: String) { self.description = description }

    package init(_ operation: String, code: Int32) {
        description = "\(operation): \(String(cString: strerror(code)))"
    }

    /// A record that does not decode: written by this process, so only damage to the temporary file explains it.
    package static let damaged = SpoolError("report data spooled to a temporary file is damaged")
}

/// An append-only store of length-prefixed byte records, for data that can outgrow memory (the findings of a
/// `scan`, which run to hundreds of thousands): the first `memoryLimit` bytes stay in memory, then everything goes
/// to a temporary file in `$TMPDIR` that is unlinked as soon as it is created, so nothing is left behind when the
/// process ends, however it ends. The in-memory part is then only a write-behind buffer.
///
/// Records are `[UInt32 little-endian length][payload]`. A record is identified by the offset of its length.
/// Appending and reading may interleave (a lock orders them); a reader sees what was appended before it read.
package final class RecordSpool: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.

    /// Bytes kept in memory before the spool moves to a file (and the size of the write-behind buffer after).
    /// 512 KiB: a `user` or `server` report (hundreds of findings) stays in memory; a scan spills early.
    package static let defaultMemoryLimit = 512 * 1024

    private let lock = NSLock()
    private let memoryLimit: Int
    private let directory: String?
    /// The unlinked temporary file, -1 until the spool spills.
    private var descriptor: Int32 = -1
    /// Bytes in the file; every record offset below this is read from the file.
    private var fileLength = 0
    /// Bytes after `fileLength`.
    private var buffer: [UInt8] = []
    private var records = 0
    /// Set when the file could not be created or written: the spool then keeps the rest in memory, which costs
    /// memory but loses nothing.
    private var spillProblem: String?
    /// Set when bytes already appended could not be read back: whatever rendered from the spool is incomplete.
    private var readFailure: SpoolError?

    /// - Parameters:
    ///   - memoryLimit: bytes kept in memory before spilling to a file.
    ///   - directory: where the temporary file goes; nil for `$TMPDIR`, else `/tmp`.
    package init(memoryLimit: Int = RecordSpool.defaultMemoryLimit, directory: String? = nil) {
        self.memoryLimit = max(1, memoryLimit)
        self.directory = directory
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Records appended so far.
    package var count: Int { lock.withLock { records } }

    /// Bytes appended so far, prefixes included; the offset the next record will have.
    var byteCount: Int { lock.withLock { fileLength + buffer.count } }

    /// The end offset and record count now, read together.
    var extent: (end: Int, count: Int) { lock.withLock { (fileLength + buffer.count, records) } }

    /// Bytes in the temporary file (0 while everything is in memory).
    var diskByteCount: Int { lock.withLock { fileLength } }

    /// Bytes held in memory now.
    var memoryByteCount: Int { lock.withLock { buffer.count } }

    /// The temporary file, for tests: -1 while the spool is in memory.
    package var fileDescriptor: Int32 { lock.withLock { descriptor } }

    /// Why the spool keeps more in memory than it should (no temporary file, disk full), if it does.
    package var problem: String? { lock.withLock { spillProblem } }

    /// The first read failure, if any.
    package var failure: SpoolError? { lock.withLock { readFailure } }

    /// Appends one record whose payload `encode` writes.
    package func append(_ encode: (inout RecordWriter) -> Void) {
        lock.withLock {
            var writer = RecordWriter()
            swap(&writer.bytes, &buffer)
            let start = writer.bytes.count
            writer.bytes.append(contentsOf: [0, 0, 0, 0])
            encode(&writer)
            writer.patchLength(at: start)
            swap(&writer.bytes, &buffer)
            records += 1
            if buffer.count >= memoryLimit { spill() }
        }
    }

    /// Appends a payload as it is (a record read from another spool).
    package func append(payload: UnsafeRawBufferPointer) {
        append { $0.bytes.append(contentsOf: payload) }
    }

    /// Records that reading failed; the first failure is kept.
    package func fail(_ error: SpoolError) {
        lock.withLock {
            if readFailure == nil { readFailure = error }
        }
    }

    /// Copies up to `destination.count` bytes starting at `offset` (below `byteCount`) and returns how many were
    /// copied; 0 at the end or when reading failed (the failure is recorded).
    func read(at offset: Int, into destination: UnsafeMutableRawBufferPointer) -> Int {
        lock.withLock {
            guard destination.count > 0, offset >= 0 else { return 0 }
            if offset < fileLength {
                let wanted = min(destination.count, fileLength - offset)
                while true {
                    let result = pread(descriptor, destination.baseAddress, wanted, off_t(offset))
                    if result > 0 { return result }
                    if result < 0 && errno == EINTR { continue }
                    let code = result < 0 ? errno : EIO
                    if readFailure == nil {
                        readFailure = SpoolError(
                            "cannot read back the report data spooled to a temporary file (offset \(offset))",
                            code: code)
                    }
                    return 0
                }
            }
            let start = offset - fileLength
            guard start < buffer.count else { return 0 }
            let length = min(destination.count, buffer.count - start)
            buffer.withUnsafeBytes { bytes in
                destination.baseAddress!.copyMemory(from: bytes.baseAddress! + start, byteCount: length)
            }
            return length
        }
    }

    /// Where the temporary file goes.
    private var folder: String {
        if let directory { return directory }
        let environment = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        return environment.isEmpty ? "/tmp" : environment
    }

    /// Moves the buffer to the file (creating it first). On failure the bytes stay in memory.
    private func spill() {
        guard spillProblem == nil else { return }
        if descriptor < 0 {
            var template = Array(
                ((folder.hasSuffix("/") ? folder : folder + "/") + "ces-audit-spool-XXXXXX").utf8CString)
            let created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard created >= 0 else {
                spillProblem = SpoolError("cannot create a temporary file in \(folder)", code: errno).description
                return
            }
            // Unlinked at once: the data lives as long as the descriptor, and a crash leaves no file behind.
            if template.withUnsafeBufferPointer({ unlink($0.baseAddress!) }) != 0 {
                spillProblem = SpoolError("cannot unlink a temporary file in \(folder)", code: errno).description
                close(created)
                return
            }
            descriptor = created
        }
        let (written, failure) = buffer.withUnsafeBytes { FileDescriptorIO.writeAll(descriptor, $0) }
        fileLength += written
        if written == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeFirst(written)
        }
        if let failure {
            spillProblem =
                SpoolError("cannot write a temporary file in \(folder)", code: failure).description
        }
    }
}

/// The payload of one record as it is written: little-endian integers, LEB128 lengths, UTF-8 strings.
public struct RecordWriter {
    package var bytes: [UInt8] = []

    /// An unsigned LEB128 number.
    public mutating func write(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A count or length.
    public mutating func write(_ value: Int) { write(UInt64(max(0, value))) }

    /// Eight bytes, little endian.
    public mutating func write(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// One byte telling which case follows.
    public mutating func write(tag: UInt8) { bytes.append(tag) }

    /// The UTF-8 bytes with their length before them.
    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// A presence byte, then the value when present.
    public mutating func write<T>(_ value: T?, _ body: (inout RecordWriter, T) -> Void) {
        if let value {
            bytes.append(1)
            body(&self, value)
        } else {
            bytes.append(0)
        }
    }

    public mutating func write(_ value: String?) { write(value) { $0.write($1) } }

    mutating func patchLength(at start: Int) {
        let length = UInt32(truncatingIfNeeded: bytes.count - start - 4)
        withUnsafeBytes(of: length.littleEndian) { raw in
            for index in 0..<4 { bytes[start + index] = raw[index] }
        }
    }
}

/// Reads a payload written by `RecordWriter`, in the same order.
public struct RecordReader {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    package init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - position }

    public mutating func readUInt64() throws(SpoolError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw SpoolError.damaged }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func readInt() throws(SpoolError) -> Int {
        let value = try readUInt64()
        guard value <= UInt64(Int.max) else { throw SpoolError.damaged }
        return Int(value)
    }

    public mutating func readInt64() throws(SpoolError) -> Int64 {
        guard remaining >= 8 else { throw SpoolError.damaged }
        var value: Int64 = 0
        withUnsafeMutableBytes(of: &value) {
            $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<position + 8]))
        }
        position += 8
        return Int64(littleEndian: value)
    }

    public mutating func readBool() throws(SpoolError) -> Bool {
        guard position < bytes.count else { throw SpoolError.damaged }
        defer { position += 1 }
        return bytes[position] != 0
    }

    public mutating func readTag() throws(SpoolError) -> UInt8 {
        guard position < bytes.count else { throw SpoolError.damaged }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func readString() throws(SpoolError) -> String {
        let length = try readInt()
        guard length <= remaining else { throw SpoolError.damaged }
        defer { position += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<position + length]), as: UTF8.self)
    }

    public mutating func readOptional<T>(_ body: (inout RecordReader) throws(SpoolError) -> T) throws(SpoolError) -> T?
    {
        try readBool() ? try body(&self) : nil
    }

    public mutating func readOptionalString() throws(SpoolError) -> String? {
        try readOptional { reader throws(SpoolError) in try reader.readString() }
    }

    /// The non-empty rendering at the end of a finding's record (`RecordWriter.appendRendering`) when it was made at
    /// `level`; nil otherwise.
    package func rendering(at level: UInt8) -> [UInt8]? {
        guard bytes.count - position >= 5 else { return nil }
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &length) {
            $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 4)...]))
        }
        let count = Int(UInt32(littleEndian: length))
        let levelIndex = bytes.count - 5
        guard count > 0, bytes[levelIndex] == level, count <= levelIndex - position else { return nil }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[(levelIndex - count)..<levelIndex]))
    }
}

/// Walks the records of a spool from any offset, reading a window of bytes at a time (so a pass over a spool on
/// disk is a few large reads, not one per record). Each cursor has its own window, so several can walk one spool.
package struct SpoolCursor {
    static let windowSize = 64 * 1024

    package let spool: RecordSpool
    private var window: [UInt8] = []
    /// The spool offset of `window[0]`.
    private var windowStart: Int
    /// Valid bytes in `window`.
    private var windowLength = 0
    /// The next record, as an index into `window`.
    private var cursor = 0

    package init(_ spool: RecordSpool, at offset: Int = 0) {
        self.spool = spool
        windowStart = offset
    }

    /// The offset of the next record.
    package var offset: Int { windowStart + cursor }

    /// Moves to the record at `offset`, keeping the window when the record starts inside it.
    package mutating func seek(to offset: Int) {
        if offset >= windowStart && offset <= windowStart + windowLength {
            cursor = offset - windowStart
        } else {
            windowStart = offset
            windowLength = 0
            cursor = 0
        }
    }

    /// Calls `body` with the payload of the next record before `end` and moves past it. Nil at `end`, and when the
    /// record cannot be read or decoded (the failure is recorded on the spool, for `throwIfUnreadable`).
    package mutating func next<T>(before end: Int, _ body: (UnsafeRawBufferPointer) throws(SpoolError) -> T) -> T? {
        guard offset < end else { return nil }
        guard fill(4, before: end) else { return cutShort() }
        var length: UInt32 = 0
        window.withUnsafeBytes { bytes in
            withUnsafeMutableBytes(of: &length) {
                $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[cursor..<cursor + 4]))
            }
        }
        let size = Int(UInt32(littleEndian: length))
        guard fill(4 + size, before: end) else { return cutShort() }
        let start = cursor + 4
        cursor = start + size
        let result = window.withUnsafeBytes { bytes in
            Result { () throws(SpoolError) -> T in
                try body(UnsafeRawBufferPointer(rebasing: bytes[start..<start + size]))
            }
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            spool.fail(error)
            return nil
        }
    }

    private func cutShort<T>() -> T? {
        spool.fail(SpoolError("report data spooled to a temporary file ends early (offset \(offset))"))
        return nil
    }

    /// Makes `count` bytes from the cursor on available in the window; false when the spool has fewer before `end`.
    private mutating func fill(_ count: Int, before end: Int) -> Bool {
        if windowLength - cursor >= count { return true }
        let unread = windowLength - cursor
        if cursor > 0 && unread > 0 {
            // The regions may overlap: memmove.
            window.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + cursor, unread)
            }
        }
        windowStart += cursor
        cursor = 0
        windowLength = unread
        if window.count < count {
            // A record bigger than the window (or the first fill): the unread bytes are at the front already.
            window.append(contentsOf: repeatElement(0, count: max(count, Self.windowSize) - window.count))
        }
        while windowLength < count {
            let wanted = min(window.count - windowLength, end - (windowStart + windowLength))
            guard wanted > 0 else { return false }
            let read = window.withUnsafeMutableBytes { bytes in
                spool.read(
                    at: windowStart + windowLength,
                    into: UnsafeMutableRawBufferPointer(rebasing: bytes[windowLength..<windowLength + wanted]))
            }
            guard read > 0 else { return false }
            windowLength += read
        }
        return true
    }
}
