/// Reads `reg query KEY [/s]` and `reg query KEY /v NAME` output: a key line (`HKEY_LOCAL_MACHINE\…`, not
/// indented), then its values indented as `NAME    TYPE    DATA` (four spaces between columns), for each key.
/// CRLF (as reg.exe writes) or LF, UTF-8 or UTF-16 with a byte-order mark (PowerShell's `>`).
public enum RegQueryParser {
    static let types: [String: UInt32] = [
        "REG_NONE": 0, "REG_SZ": 1, "REG_EXPAND_SZ": 2, "REG_BINARY": 3, "REG_DWORD": 4,
        "REG_DWORD_BIG_ENDIAN": 5, "REG_LINK": 6, "REG_MULTI_SZ": 7, "REG_QWORD": 11,
    ]

    public static func parse(bytes: [UInt8]) throws(RegistryParseError) -> RegistryView {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        return try parse(text)
    }

    public static func parse(_ text: String) throws(RegistryParseError) -> RegistryView {
        let lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        var view = RegistryView()
        var currentKey: String?
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            let line = String(raw)
            let trimmed = line.trimmingASCIISpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("End of search:") { continue }
            if trimmed.hasPrefix("ERROR:") { throw .commandFailed(line: number, text: trimmed) }
            let indented = line.first == " " || line.first == "\t"
            if !indented {
                guard RegistryPath.hasKnownHive(trimmed) else { throw .malformedKey(line: number, text: trimmed) }
                currentKey = trimmed
                view.addKey(trimmed)
                continue
            }
            guard let key = currentKey else { throw .valueOutsideKey(line: number) }
            let (name, value) = try parseValueLine(trimmed, number: number)
            view.set(key, name, value)
        }
        guard !view.isEmpty else { throw .notARegistryFile }
        return view
    }

    /// `Security    REG_BINARY    0100…`. The type column is the first known `REG_…` word that stands between
    /// column gaps; names may contain single spaces. `(Default)` is the default value (name "").
    static func parseValueLine(_ line: String, number: Int) throws(RegistryParseError) -> (String, RegistryValue) {
        let columns = splitColumns(line)
        guard let typeIndex = columns.indices.dropFirst().first(where: { types[columns[$0]] != nil }),
            let type = types[columns[typeIndex]]
        else {
            throw .malformedValue(line: number, name: columns.first ?? line, reason: "no REG_… type column")
        }
        let rawName = columns[..<typeIndex].joined(separator: "    ")
        let name = rawName == "(Default)" ? "" : rawName
        let data = columns[(typeIndex + 1)...].joined(separator: "    ")
        func bad(_ reason: String) -> RegistryParseError { .malformedValue(line: number, name: name, reason: reason) }
        switch type {
        case 1: return (name, .string(data))
        case 2: return (name, .expandString(data))
        case 7:
            return (name, .multiString(data.components(separatedBy: "\\0").filter { !$0.isEmpty }))
        case 4, 11:
            let digits = data.lowercased().hasPrefix("0x") ? data.dropFirst(2) : Substring(data)
            let width = type == 4 ? 8 : 16
            guard (1...width).contains(digits.count), digits.allSatisfy(\.isASCIIHexDigit),
                let value = UInt64(digits, radix: 16)
            else {
                throw bad(
                    "\(RegistryValue.typeName(type)) needs 0x and 1 to \(width) hex digits, found '\(data.prefix(24))'")
            }
            return (name, type == 4 ? .dword(UInt32(value)) : .qword(value))
        default:
            // REG_BINARY and other types print their bytes as hex without separators.
            guard data.count % 2 == 0, data.allSatisfy(\.isASCIIHexDigit) else {
                throw bad("expected an even number of hex digits, found '\(data.prefix(24))'")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(data.count / 2)
            var digits = data.utf8.makeIterator()
            while let high = digits.next(), let low = digits.next() {
                guard let highValue = HexDump.hexValue(high), let lowValue = HexDump.hexValue(low) else {
                    throw bad("not hex")
                }
                bytes.append(highValue << 4 | lowValue)
            }
            return (name, type == 3 ? .binary(bytes) : .raw(type: type, bytes: bytes))
        }
    }

    /// Columns separated by a TAB or by two or more spaces (reg.exe uses four).
    static func splitColumns(_ line: String) -> [String] {
        var columns: [String] = []
        var current = ""
        var spaces = 0
        for character in line {
            if character == "\t" {
                columns.append(current)
                current = ""
                spaces = 0
            } else if character == " " {
                spaces += 1
            } else {
                if spaces >= 2 {
                    columns.append(current)
                    current = ""
                } else if spaces == 1 {
                    current.append(" ")
                }
                spaces = 0
                current.append(character)
            }
        }
        columns.append(current)
        // Leading gaps give empty columns; an empty trailing column is an empty REG_SZ's data.
        while columns.first?.isEmpty == true { columns.removeFirst() }
        return columns
    }
}
