import CESAuditCore
import Foundation

/// Writes a value as JSONEncoder would (pretty printed, sorted keys, slashes unescaped, ISO 8601 dates), but
/// streams its long arrays (`StreamableJSONArray`: the findings, the history's identities, SARIF results) element by
/// element, so the document is never in memory whole.
///
/// How: the value is encoded once with each long array replaced by a placeholder string (`JSONArrayStreams`), which
/// keeps the encoder in charge of key order, nesting and every other field; the output is then copied with each
/// placeholder replaced by its array, whose elements are encoded one at a time by the same encoder and indented to
/// the placeholder's depth. The bytes are the same as a one-piece encoding (`StreamingReporterTests`).
struct StreamingJSONEncoder {
    private let encoder: JSONEncoder

    init(dates: JSONEncoder.DateEncodingStrategy? = nil) {
        encoder = JSONEncoder()
        // Sorted keys keep the output diffable between runs; unescaped slashes keep endpoint URLs readable.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let dates { encoder.dateEncodingStrategy = dates }
    }

    /// The encoder every piece goes through, for a one-piece encoding with the same settings.
    var plain: JSONEncoder { encoder }

    /// Writes `value` to `output`, without a trailing newline (as JSONEncoder).
    func write(_ value: some Encodable, to output: OutputSink) throws {
        let streams = JSONArrayStreams()
        let document = try encoder.encodeWith(userInfo: [JSONArrayStreams.userInfoKey: streams], value)
        let quote = UInt8(ascii: "\"")
        let marker = Array((String(UnicodeScalar(quote)) + streams.marker).utf8)
        try document.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var copied = 0
            var index = 0
            while let start = Self.find(marker, in: bytes, from: index) {
                // The placeholder is `"<marker><number>@"`.
                var cursor = start + marker.count
                var number = 0
                while cursor < bytes.count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
                    number = number * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                    cursor += 1
                }
                guard cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "@"), bytes[cursor + 1] == quote,
                    let array = streams.array(number)
                else {
                    index = start + 1
                    continue
                }
                try output.write(UnsafeRawBufferPointer(rebasing: bytes[copied..<start]))
                try writeArray(array, indent: Self.indentation(of: start, in: bytes), to: output)
                copied = cursor + 2
                index = copied
            }
            try output.write(UnsafeRawBufferPointer(rebasing: bytes[copied...]))
        }
    }

    /// `[`, the elements at `indent + 2` spaces separated by `,` and newlines, then `]` at `indent` spaces: what the
    /// pretty printer writes for a non-empty array (placeholders stand only for non-empty ones).
    private func writeArray(_ array: any StreamableJSONArray, indent: Int, to output: OutputSink) throws {
        let inner = Array(repeating: UInt8(ascii: " "), count: indent + 2)
        var first = true
        func startElement() throws {
            if !first { try output.write(",\n") }
            first = false
            try inner.withUnsafeBytes { try output.write($0) }
        }
        try output.write("[\n")
        if let list = array as? FindingList {
            // Findings are most of a scan's output: copied as rendered while the scan ran
            // (`JSONReporter.findingRendering`), else written directly, byte for byte as the encoder would.
            let level = inner.count / 2
            var findings = FindingJSONWriter()
            try list.forEachRendered(at: UInt8(clamping: level)) { element in
                try startElement()
                switch element {
                case .rendering(let bytes):
                    try bytes.withUnsafeBytes { try output.write($0) }
                case .finding(let finding):
                    findings.append(finding, level: level)
                    try findings.take().withUnsafeBytes { try output.write($0) }
                }
            }
        } else {
            try array.forEachEncodable { element in
                try startElement()
                try Self.writeIndented(try encoder.encode(element), by: inner, to: output)
            }
        }
        try output.write("\n" + String(repeating: " ", count: indent) + "]")
    }

    /// `data` with `indent` after every newline that starts a non-empty line (the pretty printer leaves the middle
    /// line of `[\n\n]` empty). Newlines in a JSON document are all structural: strings escape theirs.
    private static func writeIndented(_ data: Data, by indent: [UInt8], to output: OutputSink) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var copied = 0
            for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
                guard index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\n") else { continue }
                try output.write(UnsafeRawBufferPointer(rebasing: bytes[copied...index]))
                try indent.withUnsafeBytes { try output.write($0) }
                copied = index + 1
            }
            try output.write(UnsafeRawBufferPointer(rebasing: bytes[copied...]))
        }
    }

    /// The spaces at the start of the line holding `offset`.
    private static func indentation(of offset: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var lineStart = offset
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var spaces = 0
        while lineStart + spaces < offset, bytes[lineStart + spaces] == UInt8(ascii: " ") { spaces += 1 }
        return spaces
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == first && needle.indices.allSatisfy({ bytes[index + $0] == needle[$0] }) { return index }
            index += 1
        }
        return nil
    }
}

extension JSONEncoder {
    /// Encodes with extra `userInfo`, leaving this encoder's own as it was.
    fileprivate func encodeWith(userInfo extra: [CodingUserInfoKey: any Sendable], _ value: some Encodable) throws
        -> Data
    {
        let saved = userInfo
        defer { userInfo = saved }
        userInfo.merge(extra) { _, new in new }
        return try encode(value)
    }
}
