import Foundation

/// A value that a `RecordSpool` can hold: written to and read back from a compact binary record. The encoding is
/// private to one process (the spool is a temporary file), so it needs no versioning — only to round-trip.
public protocol SpoolRecord: Sendable {
    /// Writes every field, in an order `init(from:)` reads back.
    func write(to writer: inout RecordWriter)
    /// Reads what `write(to:)` wrote.
    init(from reader: inout RecordReader) throws(SpoolError)
}

/// An ordered list kept as records in a spool (memory up to a limit, then an unlinked temporary file): a
/// `Sequence` that can be iterated any number of times, by several iterators at once, without ever holding more
/// than one element and a read window in memory. The listed findings of a report (`FindingList`) and the
/// identities of `AuditReport.Changes` are such lists, so a `scan` of any size renders in flat memory.
///
/// A list is an immutable view: it covers the records appended before it was made.
public struct SpooledList<Element: SpoolRecord>: Sequence, Sendable {
    package let spool: RecordSpool
    /// The offset just past the last record of the list.
    package let end: Int
    /// How many elements the list has (known without reading them).
    public let count: Int

    package init(spool: RecordSpool, end: Int, count: Int) {
        self.spool = spool
        self.end = end
        self.count = count
    }

    /// An empty list.
    public init() {
        self.init(spool: RecordSpool(memoryLimit: 1), end: 0, count: 0)
    }

    /// The elements of `elements`, spooled in order.
    public init(_ elements: some Sequence<Element>) {
        let builder = Builder()
        for element in elements { builder.append(element) }
        self = builder.list
    }

    public var isEmpty: Bool { count == 0 }

    // No `underestimatedCount`: a spool that fails to read yields fewer elements than `count`, and a sequence that
    // falls short of its underestimate traps in `Array.init`.

    public func makeIterator() -> Iterator { Iterator(cursor: SpoolCursor(spool, at: 0), end: end) }

    /// Reads the elements one at a time.
    public struct Iterator: IteratorProtocol {
        package var cursor: SpoolCursor
        package let end: Int

        public mutating func next() -> Element? {
            cursor.next(before: end) { bytes throws(SpoolError) in
                var reader = RecordReader(bytes)
                return try Element(from: &reader)
            }
        }
    }

    /// Where an element is in its list, to come back to it (`elements(from:count:)`, `element(at:)`).
    public struct Position: Hashable, Comparable, Sendable {
        package let offset: Int

        public static func < (lhs: Position, rhs: Position) -> Bool { lhs.offset < rhs.offset }
    }

    /// Every element decoded by `decode` (e.g. only a few leading fields), with its position.
    public func decoded<T>(_ decode: @escaping (inout RecordReader) throws(SpoolError) -> T) -> Decoded<T> {
        Decoded(list: self, start: 0, limit: count, decode: decode)
    }

    /// `count` elements (at most) starting with the one at `position`.
    public func elements(from position: Position, count: Int) -> Decoded<Element> {
        Decoded(list: self, start: position.offset, limit: count) { reader throws(SpoolError) in
            try Element(from: &reader)
        }
    }

    /// The element at `position`; nil when it cannot be read (the failure is recorded, see `throwIfUnreadable`).
    public func element(at position: Position) -> Element? {
        var iterator = elements(from: position, count: 1).makeIterator()
        return iterator.next()?.element
    }

    /// A reader that can jump between positions, keeping its read window when the next position is close (a pass
    /// that prints runs of elements in another order than stored).
    public func reader() -> Reader { Reader(cursor: SpoolCursor(spool), end: end) }

    /// Reads elements from chosen positions.
    public struct Reader {
        package var cursor: SpoolCursor
        package let end: Int

        /// Reads on from `position`.
        public mutating func seek(to position: Position) { cursor.seek(to: position.offset) }

        /// The element at the current position, moving past it; nil at the end of the list or when it cannot be
        /// read (the failure is recorded, see `throwIfUnreadable`).
        public mutating func next() -> Element? {
            cursor.next(before: end) { bytes throws(SpoolError) in
                var reader = RecordReader(bytes)
                return try Element(from: &reader)
            }
        }

        /// As `next()`, decoding with `decode` (e.g. only a few leading fields).
        public mutating func next<T>(_ decode: (inout RecordReader) throws(SpoolError) -> T) -> T? {
            cursor.next(before: end) { bytes throws(SpoolError) in
                var reader = RecordReader(bytes)
                return try decode(&reader)
            }
        }
    }

    /// Elements decoded by a closure, with their positions.
    public struct Decoded<T>: Sequence {
        package let list: SpooledList
        package let start: Int
        package let limit: Int
        package let decode: (inout RecordReader) throws(SpoolError) -> T

        public func makeIterator() -> Iterator {
            Iterator(cursor: SpoolCursor(list.spool, at: start), end: list.end, remaining: limit, decode: decode)
        }

        public struct Iterator: IteratorProtocol {
            package var cursor: SpoolCursor
            package let end: Int
            package var remaining: Int
            package let decode: (inout RecordReader) throws(SpoolError) -> T

            public mutating func next() -> (position: Position, element: T)? {
                guard remaining > 0 else { return nil }
                remaining -= 1
                let position = Position(offset: cursor.offset)
                let decode = self.decode
                let element = cursor.next(before: end) { bytes throws(SpoolError) in
                    var reader = RecordReader(bytes)
                    return try decode(&reader)
                }
                return element.map { (position, $0) }
            }
        }
    }

    /// The payloads as stored, with their positions: for copying records to another spool without decoding them.
    package func forEachPayload(_ body: (Position, UnsafeRawBufferPointer) throws(SpoolError) -> Void) {
        var cursor = SpoolCursor(spool)
        while true {
            let position = Position(offset: cursor.offset)
            guard cursor.next(before: end, { bytes throws(SpoolError) in try body(position, bytes) }) != nil else {
                return
            }
        }
    }

    /// Throws when an iteration of this list (or of another list on the same spool) could not read a record:
    /// whatever was rendered from it is incomplete. Call it after rendering, before publishing the output.
    public func throwIfUnreadable() throws(SpoolError) {
        if let failure = spool.failure { throw failure }
    }

    /// Why the list is held in memory instead of a temporary file (no usable `$TMPDIR`, disk full), if it is.
    public var storageProblem: String? { spool.problem }

    /// Bytes of the list's spool on disk and in memory (for tests and diagnostics).
    public var storedBytes: (disk: Int, memory: Int) { (spool.diskByteCount, spool.memoryByteCount) }

    /// Appends elements to a new spool; `list` is the view of what was appended so far.
    public final class Builder: Sendable {
        package let spool: RecordSpool

        /// A builder that keeps up to `memoryLimit` bytes in memory (nil: 512 KiB), then spools to a temporary file
        /// in `directory` (nil: `$TMPDIR`, else `/tmp`).
        public init(memoryLimit: Int? = nil, directory: String? = nil) {
            spool = RecordSpool(memoryLimit: memoryLimit ?? RecordSpool.defaultMemoryLimit, directory: directory)
        }

        public func append(_ element: Element) {
            spool.append { element.write(to: &$0) }
        }

        package func append(payload: UnsafeRawBufferPointer) {
            spool.append(payload: payload)
        }

        /// The elements appended so far.
        public var list: SpooledList {
            let extent = spool.extent
            return SpooledList(spool: spool, end: extent.end, count: extent.count)
        }
    }
}

extension SpooledList: Equatable where Element: Equatable {
    /// Equal when the elements are, in order.
    public static func == (lhs: SpooledList, rhs: SpooledList) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }
}

extension SpooledList: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension SpooledList: CustomDebugStringConvertible {
    /// The first elements only: a list can be far too long to print whole.
    public var debugDescription: String {
        let shown = prefix(20).map { String(reflecting: $0) }
        let more = count > shown.count ? ", … \(count - shown.count) more" : ""
        return "[" + shown.joined(separator: ", ") + more + "]"
    }
}

/// A JSON array: every element in order. A `JSONArrayStreams` in the encoder's `userInfo` makes the list encode
/// as a placeholder instead, for a writer that streams the elements in its place (`StreamingJSONEncoder` in
/// CESAuditReport).
extension SpooledList: Codable where Element: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [Element](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        if !isEmpty, let streams = encoder.userInfo[JSONArrayStreams.userInfoKey] as? JSONArrayStreams {
            var container = encoder.singleValueContainer()
            try container.encode(streams.placeholder(for: self))
            return
        }
        var container = encoder.unkeyedContainer()
        for element in self { try container.encode(element) }
        try throwIfUnreadable()
    }
}

extension SpooledList: StreamableJSONArray where Element: Encodable {
    public func forEachEncodable(_ body: (any Encodable) throws -> Void) throws {
        for element in self { try body(element) }
        try throwIfUnreadable()
    }
}

/// An array a JSON writer may stream element by element instead of encoding it in one piece.
public protocol StreamableJSONArray {
    /// An empty array is encoded as usual, never streamed.
    var isEmpty: Bool { get }
    /// Calls `body` with every element, in order.
    func forEachEncodable(_ body: (any Encodable) throws -> Void) throws
}

/// Placeholders for the long arrays of one encoding: put in an encoder's `userInfo` under `userInfoKey`, it makes
/// `SpooledList` (and other `StreamableJSONArray`s that look for it) encode as a unique placeholder string; the
/// writer then finds each placeholder in the (small) encoded document and streams the array in its place.
public final class JSONArrayStreams: @unchecked Sendable {
    // @unchecked: `arrays` is guarded by `lock`; an encoding runs on one thread anyway.

    public static let userInfoKey = CodingUserInfoKey(rawValue: "ces-audit.jsonArrayStreams")!

    /// Starts every placeholder; random, so no value in a report can look like one.
    public let marker = "@ces-audit-array-\(UUID().uuidString)-"
    private let lock = NSLock()
    private var arrays: [any StreamableJSONArray] = []

    public init() {}

    /// Registers `array` and returns its placeholder, `marker` + its number + `@`.
    public func placeholder(for array: any StreamableJSONArray) -> String {
        lock.withLock {
            arrays.append(array)
            return "\(marker)\(arrays.count - 1)@"
        }
    }

    /// The array registered as number `index`.
    public func array(_ index: Int) -> (any StreamableJSONArray)? {
        lock.withLock { arrays.indices.contains(index) ? arrays[index] : nil }
    }
}
