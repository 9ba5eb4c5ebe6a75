/// A bounds-checked little-endian reader over a byte buffer.
///
/// Every read checks the remaining length first, so malformed input surfaces as a
/// ``BinaryFormatError`` instead of a trap.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { max(0, bytes.count - offset) }

    mutating func readUInt8(_ what: String) throws(BinaryFormatError) -> UInt8 {
        try require(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16(_ what: String) throws(BinaryFormatError) -> UInt16 {
        try require(2, what)
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func readUInt32(_ what: String) throws(BinaryFormatError) -> UInt32 {
        try require(4, what)
        defer { offset += 4 }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
        return value
    }

    mutating func readBytes(_ count: Int, _ what: String) throws(BinaryFormatError) -> [UInt8] {
        try require(count, what)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    private func require(_ count: Int, _ what: String) throws(BinaryFormatError) {
        guard count >= 0, offset >= 0, offset <= bytes.count, bytes.count - offset >= count else {
            throw .truncated(what: what, offset: offset, needed: count, available: remaining)
        }
    }
}

/// Little-endian byte writers used by the binary encoders.
extension Array where Element == UInt8 {
    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendLittleEndian(_ value: UInt32) {
        for index in 0..<4 { append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(index)))) }
    }

    mutating func storeLittleEndian(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }

    mutating func storeLittleEndian(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }
}

/// Why a binary structure (SID, ACL, ACE, security descriptor) could not be decoded.
public enum BinaryFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ended before `what` could be read.
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    /// A revision byte other than the ones MS-DTYP allows.
    case unsupportedRevision(what: String, offset: Int, value: UInt8)
    /// A SID with more than 15 sub-authorities (MS-DTYP 2.4.2.2).
    case tooManySubAuthorities(offset: Int, count: Int)
    /// A size field smaller than the fixed part of the structure or running past its container.
    case invalidSize(what: String, offset: Int, size: Int)
    /// An offset field pointing outside the buffer or into the header.
    case offsetOutOfRange(what: String, offset: Int, bufferSize: Int)
    /// A structure was valid but trailing bytes remained where none are allowed.
    case trailingBytes(what: String, offset: Int, count: Int)

    public var description: String {
        switch self {
        case .truncated(let what, let offset, let needed, let available):
            return "truncated \(what) at offset \(offset): needed \(needed) byte(s), \(available) available"
        case .unsupportedRevision(let what, let offset, let value):
            return "unsupported \(what) revision \(value) at offset \(offset)"
        case .tooManySubAuthorities(let offset, let count):
            return "SID at offset \(offset) has \(count) sub-authorities; at most 15 are allowed"
        case .invalidSize(let what, let offset, let size):
            return "invalid \(what) size \(size) at offset \(offset)"
        case .offsetOutOfRange(let what, let offset, let bufferSize):
            return "\(what) offset \(offset) is outside the \(bufferSize)-byte buffer"
        case .trailingBytes(let what, let offset, let count):
            return "\(count) unexpected trailing byte(s) after \(what) at offset \(offset)"
        }
    }
}
