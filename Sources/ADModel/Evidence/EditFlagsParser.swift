/// A parsed `certutil -getreg policy\EditFlags` (or `-setreg`) output (docs/rules.md §5.2).
public struct EditFlagsReading: Sendable, Hashable {
    /// The value now in force: the `New Value:` of a `-setreg` output, else the only value printed.
    public var value: EditFlags
    /// The `Old Value:` of a `-setreg` output.
    public var previousValue: EditFlags?
    /// The registry path from the header, if printed.
    public var registryPath: String?
    /// Flag names printed as decoration under the value (informational; flags come from the number).
    public var listedFlagNames: [String]
}

/// Parses certutil EditFlags output, or `reg query … /v EditFlags` output. The number is hex without `0x`; the decimal in parentheses is
/// optional and signed for values ≥ 0x80000000 (docs/rules.md §8.6), so the hex is authoritative.
public enum EditFlagsParser {
    /// Parses an `editflags.txt` evidence file: UTF-8, or UTF-16LE with BOM as PowerShell's `>` writes it.
    public static func parse(bytes: [UInt8]) throws(CertutilParseError) -> EditFlagsReading {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        return try parse(text)
    }

    /// Parses `-getreg` or `-setreg` output.
    public static func parse(_ text: String) throws(CertutilParseError) -> EditFlagsReading {
        let lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        var registryPath: String?
        var values: [(block: String?, value: UInt32)] = []
        var block: String?
        var names: [String] = []
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            let line = String(rawLine).trimmingASCIISpaces()
            if line.isEmpty { continue }
            if let failure = CertutilSecurityParser.certutilFailure(line, number: number) { throw failure }
            if line.hasPrefix("HKEY_") {
                registryPath = line.hasSuffix(":") ? String(line.dropLast()) : line
            } else if line.lowercased().hasPrefix("old value") {
                block = "old"
            } else if line.lowercased().hasPrefix("new value") {
                block = "new"
            } else if line.hasPrefix("EditFlags") && line.contains("REG_DWORD") {
                values.append((block, try parseValueLine(line, number: number)))
            } else if line.hasPrefix("EDITF_") || line.hasPrefix("0x") {
                if let name = line.split(separator: " ").first { names.append(String(name)) }
            }
        }
        guard let current = values.last(where: { $0.block == "new" }) ?? values.last else {
            throw .valueNotFound(expected: "EditFlags REG_DWORD =")
        }
        let previous = values.first(where: { $0.block == "old" })
        return EditFlagsReading(
            value: EditFlags(rawValue: current.value), previousValue: previous.map { EditFlags(rawValue: $0.value) },
            registryPath: registryPath, listedFlagNames: names)
    }

    /// `EditFlags REG_DWORD = 11014e (1114446)` (certutil), or `EditFlags    REG_DWORD    0x11014e` (reg query).
    static func parseValueLine(_ line: String, number: Int) throws(CertutilParseError) -> UInt32 {
        guard let equals = line.firstIndex(of: "=") else {
            if case (_, .dword(let value))? = try? RegQueryParser.parseValueLine(line, number: number) { return value }
            throw .malformedValue(line: number, text: line)
        }
        let rest = line[line.index(after: equals)...].trimmingPrefix(while: { $0 == " " || $0 == "\t" })
        let hexDigits = rest.prefix { $0.isASCIIHexDigit }
        guard (1...8).contains(hexDigits.count), let value = UInt32(hexDigits, radix: 16) else {
            throw .malformedValue(line: number, text: line)
        }
        let after = rest.dropFirst(hexDigits.count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })
        if after.hasPrefix("(") {
            guard let close = after.firstIndex(of: ")") else { throw .malformedValue(line: number, text: line) }
            let decimal = after[after.index(after: after.startIndex)..<close]
            // The decimal must agree with the hex, read as signed or unsigned 32-bit.
            guard let number32 = try? LDAPInteger.bits32(decimal), number32 == value else {
                throw .malformedValue(line: number, text: line)
            }
        } else if !after.isEmpty {
            throw .malformedValue(line: number, text: line)
        }
        return value
    }
}
