import CESAuditCore
import DirectoryAccess
import Foundation

/// libFuzzer targets above ADModel: the YAML readers (rule catalogue, site policy, config file) and the pure-Swift
/// parts of LDAP entry handling (`;range=` options, filter and DN escaping). scripts/fuzz builds them with
/// -sanitize=fuzzer; a plain build is a replay tool (`CoreFuzz TARGET FILE…`).
enum CoreFuzzTarget: String, CaseIterable {
    case catalogue
    case sitePolicy = "site-policy"
    case config
    case ldapRange = "ldap-range"
    case ldapEscape = "ldap-escape"

    func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .catalogue:
            // Errors are typed and expected; a crash, hang or trap is the finding.
            if let catalogue = try? RuleCatalogue(yaml: text, file: "fuzz.yaml") {
                _ = catalogue.rules.map(\.id)
            }
        case .sitePolicy:
            _ = try? SitePolicy(yaml: text, file: "fuzz.yaml", catalogue: .embedded)
        case .config:
            _ = try? ConfigFile(yaml: text, file: "fuzz.yaml")
        case .ldapRange:
            guard let range = AttributeRange(parsing: text) else { return }
            // Invariants the ranged-retrieval loop relies on: the next request starts after this chunk, and
            // parsing it gives the same attribute.
            if let high = range.high {
                check(high >= range.low, "high \(high) < low \(range.low)")
                if let next = range.nextRequest, let parsed = AttributeRange(parsing: next) {
                    check(parsed.low == high + 1 && parsed.high == nil, "next request \(next)")
                    check(parsed.attribute == range.attribute, "attribute changed: \(next)")
                }
            } else {
                check(range.nextRequest == nil, "a final chunk asks for more")
            }
        case .ldapEscape:
            // A filter value, once escaped, holds no structure characters and unescapes to itself.
            let escaped = LDAPFilter.escape(text)
            check(
                !escaped.contains("(") && !escaped.contains(")") && !escaped.contains("*"), "escape leaked: \(escaped)")
            check(Self.unescapeFilterValue(escaped) == Array(text.unicodeScalars), "filter round trip: \(escaped)")
            let rdnValue = DistinguishedName.escapeValue(text)
            check(Self.unescapeRDNValue(rdnValue) == Array(text.unicodeScalars), "DN round trip: \(rdnValue)")
            check(Self.hasNoUnescapedSeparator(rdnValue), "DN separator leaked: \(rdnValue)")
        }
    }

    /// RFC 4515 `\XX` decoding (the escaper emits only ASCII escapes, so byte = scalar).
    static func unescapeFilterValue(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "\\", scalars.count >= 2,
                let value = UInt8(String(String.UnicodeScalarView(scalars.prefix(2))), radix: 16)
            {
                out.append(Unicode.Scalar(value))
                scalars = scalars.dropFirst(2)
            } else {
                out.append(scalar)
            }
        }
        return out
    }

    /// RFC 4514: `\c` for a special character, `\00` for NUL.
    static func unescapeRDNValue(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\", let next = scalars.first else {
                out.append(scalar)
                continue
            }
            if next == "0", scalars.dropFirst().first == "0" {
                out.append("\u{0}")
                scalars = scalars.dropFirst(2)
            } else {
                out.append(next)
                scalars = scalars.dropFirst()
            }
        }
        return out
    }

    static func hasNoUnescapedSeparator(_ text: String) -> Bool {
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "," || scalar == "+" || scalar == "\u{0}" {
                return false
            }
        }
        return true
    }
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
