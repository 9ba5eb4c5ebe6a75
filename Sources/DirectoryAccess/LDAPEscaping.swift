/// Builds LDAP filters with RFC 4515 value escaping: a value can never change a filter's structure.
public enum LDAPFilter {
    /// Escapes `*`, `(`, `)`, `\`, NUL and the other ASCII control characters as `\XX`.
    /// Multi-byte UTF-8 passes through unchanged (RFC 4515 allows it).
    public static func escape(_ value: String) -> String {
        // Most values (host and account names) need no escaping: checked byte-wise (a UTF-8 byte of a multi-byte
        // scalar is >= 0x80, so it never matches) before anything is copied.
        guard value.utf8.contains(where: needsEscape) else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            if scalar.isASCII, needsEscape(UInt8(scalar.value)) {
                out += "\\" + hex(UInt8(scalar.value))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `*` `(` `)` `\` (RFC 4515), and control characters (NUL included).
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == 0x2A || byte == 0x28 || byte == 0x29 || byte == 0x5C
    }

    /// Escapes raw bytes (e.g. an objectSid) as `\XX` for every byte.
    public static func escape(bytes: [UInt8]) -> String { bytes.map { "\\" + hex($0) }.joined() }

    /// `(attribute=value)` with the value escaped.
    public static func equals(_ attribute: String, _ value: String) -> String { "(\(attribute)=\(escape(value)))" }

    public static func and(_ filters: [String]) -> String { filters.count == 1 ? filters[0] : "(&\(filters.joined()))" }

    public static func or(_ filters: [String]) -> String { filters.count == 1 ? filters[0] : "(|\(filters.joined()))" }

    static func hex(_ byte: UInt8) -> String {
        let digits: StaticString = "0123456789abcdef"
        return digits.withUTF8Buffer { String(decoding: [$0[Int(byte >> 4)], $0[Int(byte & 0xF)]], as: UTF8.self) }
    }
}

/// Builds distinguished names with RFC 4514 attribute-value escaping.
public enum DistinguishedName {
    /// Escapes a value for use in an RDN: `,` `+` `"` `\` `<` `>` `;` `=` anywhere, `#` or space at the start,
    /// space at the end, and NUL as `\00`.
    public static func escapeValue(_ value: String) -> String {
        var out = ""
        let scalars = Array(value.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case ",", "+", "\"", "\\", "<", ">", ";", "=": out += "\\" + String(scalar)
            case "#" where index == 0: out += "\\#"
            case " " where index == 0 || index == scalars.count - 1: out += "\\ "
            case "\u{0}": out += "\\00"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `attribute=escaped value`, e.g. `CN=Smith\, John`.
    public static func rdn(_ attribute: String, _ value: String) -> String { "\(attribute)=\(escapeValue(value))" }
}
