/// A Windows GUID as used in object ACEs (MS-DTYP 2.3.4).
///
/// Stored in its binary (mixed-endian) layout; the string form is the usual
/// `0e10c968-78fb-11d2-90d4-00c04f79dc55` in lower case.
public struct GUID: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bytes exactly as they appear in an ACE (Data1–Data3 little-endian).
    public let bytes: [UInt8]

    /// Creates a GUID from its 16-byte binary form.
    public init(bytes: [UInt8]) throws(BinaryFormatError) {
        guard bytes.count == 16 else { throw .invalidSize(what: "GUID", offset: 0, size: bytes.count) }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, optionally in braces, any case.
    public init(string: some StringProtocol) throws(GUIDError) {
        var text = Substring(string)
        if text.first == "{" && text.last == "}" && text.count >= 2 { text = text.dropFirst().dropLast() }
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.count == 5, groups.map(\.count) == [8, 4, 4, 4, 12],
            groups.allSatisfy({ $0.allSatisfy(\.isASCIIHexDigit) })
        else { throw .malformed(String(string)) }
        let hex = groups.joined()
        var big: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { throw .malformed(String(string)) }
            big.append(byte)
            index = next
        }
        // Data1 (4), Data2 (2), Data3 (2) are little-endian in the binary form.
        self.bytes = [big[3], big[2], big[1], big[0], big[5], big[4], big[7], big[6]] + big[8..<16]
    }

    public var description: String {
        let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
        var out = ""
        for index in order {
            if index < 0 {
                out += "-"
            } else {
                let byte = bytes[index]
                out += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
            }
        }
        return out
    }
}

/// Why a GUID string could not be parsed.
public enum GUIDError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text): "malformed GUID '\(text)'; expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
        }
    }
}
