import CESAuditCore

/// Writes a `Finding` byte for byte as `JSONEncoder` with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`
/// does (swift-foundation's JSONWriter: keys sorted by their UTF-8 bytes, two spaces per level, ` : `), without
/// the encoder's intermediate value tree. A scan lists hundreds of thousands of findings, and the encoder spent
/// more time on them than the scan spent judging them. The tests compare both writers field by field.
public struct FindingJSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends `finding` as an object whose opening brace sits at nesting `level` (0 for a top-level value).
    public mutating func append(_ finding: Finding, level: Int) {
        var members = 0
        if let endpoint = finding.endpoint {
            member("endpoint", &members, level)
            string(endpoint)
        }
        if let mode = finding.endpointMode {
            member("endpointMode", &members, level)
            string(mode)
        }
        member("errorCodes", &members, level)
        bytes.append(UInt8(ascii: "["))
        for (index, code) in finding.errorCodes.enumerated() {
            element(index, level + 1)
            string(code)
        }
        closeArray(finding.errorCodes.count, level + 1)
        member("evidence", &members, level)
        evidence(finding.evidence, level + 1)
        if let fixGroup = finding.fixGroup {
            member("fixGroup", &members, level)
            string(fixGroup)
        }
        member("message", &members, level)
        string(finding.message)
        if let remediation = finding.remediation {
            member("remediation", &members, level)
            string(remediation)
        }
        member("ruleId", &members, level)
        string(finding.ruleId)
        if let severity = finding.severity {
            member("severity", &members, level)
            string(severity.rawValue)
        }
        member("status", &members, level)
        string(finding.status.rawValue)
        member("subject", &members, level)
        subject(finding.subject, level + 1)
        member("title", &members, level)
        string(finding.title)
        if let waiver = finding.waiver {
            member("waiver", &members, level)
            var inner = 0
            member("expired", &inner, level + 1)
            literal(waiver.expired ? "true" : "false")
            member("expires", &inner, level + 1)
            string(waiver.expires)
            member("reason", &inner, level + 1)
            string(waiver.reason)
            closeObject(inner, level + 1)
        }
        closeObject(members, level)
    }

    /// The bytes written so far; the writer starts empty again (its buffer is reused).
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    // MARK: values

    private mutating func subject(_ subject: Subject, _ level: Int) {
        var members = 0
        if let dn = subject.dn {
            member("dn", &members, level)
            string(dn)
        }
        member("kind", &members, level)
        string(subject.kind.rawValue)
        member("name", &members, level)
        string(subject.name)
        if let sid = subject.sid {
            member("sid", &members, level)
            string(sid)
        }
        closeObject(members, level)
    }

    private mutating func evidence(_ evidence: [String: EvidenceValue], _ level: Int) {
        var members = 0
        for (key, value) in evidence.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            member(key, &members, level)
            self.value(value, level + 1)
        }
        closeObject(members, level)
    }

    private mutating func value(_ value: EvidenceValue, _ level: Int) {
        switch value {
        case .string(let text): string(text)
        case .integer(let number): literal(String(number))
        case .bool(let flag): literal(flag ? "true" : "false")
        case .list(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                element(index, level)
                self.value(item, level + 1)
            }
            closeArray(items.count, level)
        }
    }

    // MARK: layout

    /// Before member `members` of an object at `level`: `{` or `,`, a newline, the indent, `"name" : `.
    private mutating func member(_ name: String, _ members: inout Int, _ level: Int) {
        bytes.append(members == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
        bytes.append(UInt8(ascii: "\n"))
        indent(level + 1)
        string(name)
        bytes.append(contentsOf: " : ".utf8)
        members += 1
    }

    /// An object with no member is `{`, two newlines and `}`, like an empty array.
    private mutating func closeObject(_ members: Int, _ level: Int) {
        if members == 0 { bytes.append(contentsOf: "{\n".utf8) }
        bytes.append(UInt8(ascii: "\n"))
        indent(level)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Before element `index` of an array at `level` (after its `[`).
    private mutating func element(_ index: Int, _ level: Int) {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\n"))
        indent(level + 1)
    }

    /// An empty array is `[`, two newlines and `]`.
    private mutating func closeArray(_ count: Int, _ level: Int) {
        bytes.append(contentsOf: count == 0 ? "\n\n".utf8 : "\n".utf8)
        indent(level)
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func indent(_ level: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    private mutating func literal(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A JSON string with the encoder's escapes: quote, backslash, \b \f \n \r \t, other controls as \u00xx. Runs
    /// without an escape are copied whole.
    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escape(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x00..<0x20:
            bytes.append(contentsOf: "\\u00".utf8)
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        default: bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
