/// A registry value as `.reg` exports and `reg query` print it. Types other than the ones the rules read are kept
/// as raw bytes with their type number, so nothing a file holds is silently dropped.
public enum RegistryValue: Sendable, Hashable {
    /// REG_SZ (`"name"="text"`, `hex(1):`).
    case string(String)
    /// REG_EXPAND_SZ (`hex(2):`), unexpanded.
    case expandString(String)
    /// REG_BINARY (`hex:`).
    case binary([UInt8])
    /// REG_DWORD (`dword:`, or `hex(4):` with exactly four bytes).
    case dword(UInt32)
    /// REG_MULTI_SZ (`hex(7):`).
    case multiString([String])
    /// REG_QWORD (`hex(b):` with exactly eight bytes).
    case qword(UInt64)
    /// Any other type, or a typed value whose bytes do not fit its type (a REG_DWORD of three bytes).
    case raw(type: UInt32, bytes: [UInt8])

    /// The registry type number (REG_SZ 1, REG_EXPAND_SZ 2, REG_BINARY 3, REG_DWORD 4, REG_MULTI_SZ 7, REG_QWORD 11).
    public var typeNumber: UInt32 {
        switch self {
        case .string: 1
        case .expandString: 2
        case .binary: 3
        case .dword: 4
        case .multiString: 7
        case .qword: 11
        case .raw(let type, _): type
        }
    }

    /// The type's name, for messages (`REG_DWORD`, `REG_BINARY`, `type 0x…`).
    public var typeName: String { Self.typeName(typeNumber) }

    public static func typeName(_ type: UInt32) -> String {
        switch type {
        case 0: "REG_NONE"
        case 1: "REG_SZ"
        case 2: "REG_EXPAND_SZ"
        case 3: "REG_BINARY"
        case 4: "REG_DWORD"
        case 5: "REG_DWORD_BIG_ENDIAN"
        case 6: "REG_LINK"
        case 7: "REG_MULTI_SZ"
        case 11: "REG_QWORD"
        default: "type 0x" + String(type, radix: 16)
        }
    }

    /// A value from its type number and data bytes as stored (strings UTF-16LE, NUL-terminated).
    static func decode(type: UInt32, bytes: [UInt8]) -> RegistryValue {
        switch type {
        case 1, 2:
            guard let text = utf16String(bytes) else { return .raw(type: type, bytes: bytes) }
            return type == 1 ? .string(text) : .expandString(text)
        case 3: return .binary(bytes)
        case 4:
            guard bytes.count == 4 else { return .raw(type: type, bytes: bytes) }
            return .dword(bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) })
        case 7:
            guard let text = utf16String(bytes, keepingInnerNULs: true) else { return .raw(type: type, bytes: bytes) }
            return .multiString(text.split(separator: "\u{0}", omittingEmptySubsequences: true).map(String.init))
        case 11:
            guard bytes.count == 8 else { return .raw(type: type, bytes: bytes) }
            return .qword(bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) })
        default: return .raw(type: type, bytes: bytes)
        }
    }

    /// UTF-16LE bytes up to the terminating NUL(s); nil for an odd length or unpaired surrogates.
    static func utf16String(_ bytes: [UInt8], keepingInnerNULs: Bool = false) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 0
        while index + 1 < bytes.count {
            units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
            index += 2
        }
        if keepingInnerNULs {
            while units.last == 0 { units.removeLast() }
        } else if let end = units.firstIndex(of: 0) {
            units.removeSubrange(end...)
        }
        return String(validating: units, as: UTF16.self)
    }
}

/// One registry key: its canonical path (`HKLM\SYSTEM\…`) and its values by name (the default value's name is "").
public struct RegistryKey: Sendable, Hashable {
    public var path: String
    /// Lower-cased value name → (name as written, value). Registry names are case-insensitive.
    public private(set) var values: [String: NamedValue]

    public struct NamedValue: Sendable, Hashable {
        public var name: String
        public var value: RegistryValue
    }

    public init(path: String) {
        self.path = path
        values = [:]
    }

    public subscript(name: String) -> RegistryValue? { values[name.lowercased()]?.value }

    public mutating func set(_ name: String, _ value: RegistryValue) {
        values[name.lowercased()] = NamedValue(name: name, value: value)
    }
}

/// Every key of one or more `.reg` exports or `reg query` outputs of a host, merged. Paths are case-insensitive and
/// `HKEY_LOCAL_MACHINE` is `HKLM`; a later file's value of the same name replaces an earlier one.
public struct RegistryView: Sendable, Hashable {
    /// Lower-cased canonical path → key.
    public private(set) var keys: [String: RegistryKey] = [:]

    public init() {}

    public var isEmpty: Bool { keys.isEmpty }

    public func key(_ path: String) -> RegistryKey? { keys[RegistryPath.canonical(path).lowercased()] }

    public func value(_ path: String, _ name: String) -> RegistryValue? { key(path)?[name] }

    /// The keys directly below `path`, sorted by path.
    public func subkeys(of path: String) -> [RegistryKey] {
        let prefix = RegistryPath.canonical(path).lowercased() + "\\"
        return keys.filter { $0.key.hasPrefix(prefix) && !$0.key.dropFirst(prefix.count).contains("\\") }
            .map(\.value).sorted { $0.path < $1.path }
    }

    /// Adds a key if absent (a key with no values still exists: `reg export` of an empty key).
    public mutating func addKey(_ path: String) {
        let canonical = RegistryPath.canonical(path)
        let lowered = canonical.lowercased()
        if keys[lowered] == nil { keys[lowered] = RegistryKey(path: canonical) }
    }

    public mutating func set(_ path: String, _ name: String, _ value: RegistryValue) {
        addKey(path)
        keys[RegistryPath.canonical(path).lowercased()]?.set(name, value)
    }

    /// `other`'s keys and values added to these; `other` wins for a value both have.
    public mutating func merge(_ other: RegistryView) {
        for key in other.keys.values {
            addKey(key.path)
            for named in key.values.values { set(key.path, named.name, named.value) }
        }
    }
}

/// Canonical key paths: the hive abbreviated (`HKLM`), no trailing backslash.
public enum RegistryPath {
    static let hives: [(long: String, short: String)] = [
        ("HKEY_LOCAL_MACHINE", "HKLM"), ("HKEY_CURRENT_USER", "HKCU"), ("HKEY_CLASSES_ROOT", "HKCR"),
        ("HKEY_USERS", "HKU"), ("HKEY_CURRENT_CONFIG", "HKCC"),
    ]

    public static func canonical(_ path: String) -> String {
        // Idempotent (found by fuzzing): `KEY  \` loses its backslash, then its spaces.
        var text = path.trimmingASCIISpaces()
        while text.hasSuffix("\\") { text = String(text.dropLast()).trimmingASCIISpaces() }
        let trimmed = Substring(text)
        let hive = trimmed.prefix { $0 != "\\" }
        let rest = trimmed.dropFirst(hive.count)
        if let match = hives.first(where: {
            $0.long.caseInsensitiveEquals(hive) || $0.short.caseInsensitiveEquals(hive)
        }) {
            return match.short + rest
        }
        return String(trimmed)
    }

    /// Whether `path` names a hive this reader knows (`HKLM\…`, `HKEY_LOCAL_MACHINE\…`).
    static func hasKnownHive(_ path: String) -> Bool {
        let hive = path.prefix { $0 != "\\" }
        return hives.contains { $0.long.caseInsensitiveEquals(hive) || $0.short.caseInsensitiveEquals(hive) }
    }
}

extension StringProtocol {
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool { lowercased() == other.lowercased() }
}

/// Why a `.reg` export or `reg query` output could not be read.
public enum RegistryParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case undecodableText
    case notARegistryFile
    case malformedKey(line: Int, text: String)
    case valueOutsideKey(line: Int)
    case malformedValue(line: Int, name: String, reason: String)
    /// `reg query` reported a failure (`ERROR: The system was unable to find …`).
    case commandFailed(line: Int, text: String)

    public var description: String {
        switch self {
        case .undecodableText: "registry file is neither UTF-16 with a byte-order mark nor UTF-8"
        case .notARegistryFile:
            "not a registry export ('Windows Registry Editor Version 5.00' / '[KEY]' lines) or reg query output"
        case .malformedKey(let line, let text): "line \(line): malformed key line '\(text.prefix(120))'"
        case .valueOutsideKey(let line): "line \(line): a value before any [KEY] line"
        case .malformedValue(let line, let name, let reason): "line \(line): value '\(name.prefix(80))': \(reason)"
        case .commandFailed(let line, let text): "line \(line): reg query failed: \(text.prefix(160))"
        }
    }
}

/// Reads `.reg` exports: Windows' `reg export`/regedit dialect (UTF-16LE with BOM, CRLF, `[HKEY_LOCAL_MACHINE\…]`,
/// `hex:` values continued with `,\` lines) and Samba's `net rpc registry export` dialect (UTF-8, `[HKLM\…]`,
/// an Emacs `;Local Variables:` trailer). Deleting entries (`[-KEY]`, `"name"=-`) are ignored: an export has none.
public enum RegistryExportParser {
    public static func parse(bytes: [UInt8]) throws(RegistryParseError) -> RegistryView {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        return try parse(text)
    }

    public static func parse(_ text: String) throws(RegistryParseError) -> RegistryView {
        let lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        var view = RegistryView()
        var currentKey: String?
        var deleted = false
        var sawHeaderOrKey = false
        var index = 0
        while index < lines.count {
            let number = index + 1
            var line = String(lines[index]).trimmingASCIISpaces()
            index += 1
            if line.isEmpty || line.hasPrefix(";") { continue }
            if line == "Windows Registry Editor Version 5.00" || line == "REGEDIT4" {
                sawHeaderOrKey = true
                continue
            }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count >= 3 else { throw .malformedKey(line: number, text: line) }
                let inner = String(line.dropFirst().dropLast())
                sawHeaderOrKey = true
                if inner.hasPrefix("-") {
                    deleted = true
                    currentKey = nil
                    continue
                }
                guard RegistryPath.hasKnownHive(inner) else { throw .malformedKey(line: number, text: line) }
                deleted = false
                currentKey = inner
                view.addKey(inner)
                continue
            }
            guard sawHeaderOrKey else { throw .notARegistryFile }
            if deleted { continue }
            // A value may continue on following lines: `hex:` data ending in `\`. Whether the line is a string is
            // decided once, on its first line: deciding it again as the line grows would be quadratic.
            if line.hasSuffix("\\"), !isInsideQuotedValue(line) {
                var parts = [String(line.dropLast())]
                var continued = true
                while continued, index < lines.count {
                    let next = String(lines[index]).trimmingASCIISpaces()
                    index += 1
                    continued = next.hasSuffix("\\")
                    parts.append(continued ? String(next.dropLast()) : next)
                }
                line = parts.joined()
            }
            guard let key = currentKey else { throw .valueOutsideKey(line: number) }
            guard let (name, value) = try parseValueLine(line, number: number) else { continue }
            view.set(key, name, value)
        }
        guard sawHeaderOrKey else { throw .notARegistryFile }
        return view
    }

    /// `"name"="…\"` ends in a backslash that belongs to the string (an escaped `\\`), not a continuation.
    static func isInsideQuotedValue(_ line: String) -> Bool {
        guard let equals = valueSeparator(line) else { return false }
        return line[line.index(after: equals)...].hasPrefix("\"")
    }

    /// The `=` after the value name (`@` or a quoted name with `\"` and `\\` escapes).
    static func valueSeparator(_ line: String) -> String.Index? {
        if line.hasPrefix("@") {
            let next = line.index(after: line.startIndex)
            return next < line.endIndex && line[next] == "=" ? next : nil
        }
        guard line.hasPrefix("\""), let (_, end) = quoted(line, from: line.startIndex) else { return nil }
        return end < line.endIndex && line[end] == "=" ? end : nil
    }

    /// A quoted string starting at `start`; returns the unescaped text and the index after the closing quote.
    static func quoted(_ line: String, from start: String.Index) -> (String, String.Index)? {
        var text = ""
        var index = line.index(after: start)
        while index < line.endIndex {
            let character = line[index]
            if character == "\\" {
                let next = line.index(after: index)
                guard next < line.endIndex else { return nil }
                text.append(line[next])
                index = line.index(after: next)
            } else if character == "\"" {
                return (text, line.index(after: index))
            } else {
                text.append(character)
                index = line.index(after: index)
            }
        }
        return nil
    }

    /// One `name=data` line; nil for a deletion (`"name"=-`).
    static func parseValueLine(_ line: String, number: Int) throws(RegistryParseError) -> (String, RegistryValue)? {
        guard let equals = valueSeparator(line) else {
            throw .malformedValue(
                line: number, name: String(line.prefix(40)), reason: "expected \"name\"=data or @=data")
        }
        let name: String
        if line.hasPrefix("@") {
            name = ""
        } else {
            guard let (text, _) = quoted(line, from: line.startIndex) else {
                throw .malformedValue(line: number, name: line, reason: "unterminated value name")
            }
            name = text
        }
        let data = String(line[line.index(after: equals)...]).trimmingASCIISpaces()
        func bad(_ reason: String) -> RegistryParseError { .malformedValue(line: number, name: name, reason: reason) }
        if data == "-" { return nil }
        if data.hasPrefix("\"") {
            guard let (text, end) = quoted(data, from: data.startIndex), end == data.endIndex else {
                throw bad("unterminated or trailing text after the string")
            }
            return (name, .string(text))
        }
        let lowered = data.lowercased()
        if lowered.hasPrefix("dword:") {
            let digits = data.dropFirst(6)
            guard (1...8).contains(digits.count), digits.allSatisfy(\.isASCIIHexDigit),
                let value = UInt32(digits, radix: 16)
            else { throw bad("dword: needs 1 to 8 hex digits, found '\(digits.prefix(20))'") }
            return (name, .dword(value))
        }
        let type: UInt32
        let body: Substring
        if lowered.hasPrefix("hex:") {
            type = 3
            body = data.dropFirst(4)
        } else if lowered.hasPrefix("hex("), let close = data.firstIndex(of: ")") {
            let number = data[data.index(data.startIndex, offsetBy: 4)..<close]
            guard (1...8).contains(number.count), number.allSatisfy(\.isASCIIHexDigit),
                let parsed = UInt32(number, radix: 16)
            else {
                throw bad("hex(N): N must be a hex type number, found '\(number.prefix(20))'")
            }
            let afterClose = data.index(after: close)
            guard afterClose < data.endIndex, data[afterClose] == ":" else { throw bad("hex(N) without ':'") }
            type = parsed
            body = data[data.index(after: afterClose)...]
        } else {
            throw bad("unknown data form '\(data.prefix(20))' (expected \"…\", dword:, hex: or hex(N):)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.utf8.count / 3 + 1)
        for item in body.split(separator: ",", omittingEmptySubsequences: false) {
            let digits = item.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            if digits.isEmpty, body.isEmpty || item.endIndex == body.endIndex { continue }
            guard (1...2).contains(digits.count), digits.allSatisfy(\.isASCIIHexDigit),
                let byte = UInt8(digits, radix: 16)
            else {
                throw bad("'\(digits.prefix(10))' is not a hex byte")
            }
            bytes.append(byte)
        }
        return (name, RegistryValue.decode(type: type, bytes: bytes))
    }
}
