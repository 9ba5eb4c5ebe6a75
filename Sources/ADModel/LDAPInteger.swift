/// Decoding of 32-bit integer attributes as AD returns them (signed decimal: `-1509949440`).
public enum LDAPInteger {
    /// Parses a signed or unsigned 32-bit decimal and returns the bit pattern (`& 0xFFFFFFFF`).
    public static func bits32(_ text: some StringProtocol) throws(FlagParseError) -> UInt32 {
        let trimmed = String(text).trimmingASCIISpaces()
        if let signed = Int32(trimmed) { return UInt32(bitPattern: signed) }
        if let unsigned = UInt32(trimmed) { return unsigned }
        throw .notAnInteger(trimmed)
    }
}

/// Why a flag attribute value could not be decoded.
public enum FlagParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case notAnInteger(String)

    public var description: String {
        switch self {
        case .notAnInteger(let text): "'\(text)' is not a 32-bit integer"
        }
    }
}

/// A flag with its symbolic name, for display and for tables in tests.
public struct NamedFlag: Sendable, Hashable {
    /// The symbolic name (`ADS_UF_NOT_DELEGATED`).
    public let name: String
    /// The bit value.
    public let value: UInt32
}

/// Flag sets that know their symbolic names.
public protocol NamedFlagSet: OptionSet, Sendable where RawValue == UInt32 {
    static var namedFlags: [NamedFlag] { get }
}

extension NamedFlagSet {
    /// The symbolic names of the bits set, in ascending order; unknown bits as hex.
    public var names: [String] {
        var remaining = rawValue
        var out: [String] = []
        for flag in Self.namedFlags.sorted(by: { $0.value < $1.value }) where rawValue & flag.value == flag.value {
            out.append(flag.name)
            remaining &= ~flag.value
        }
        if remaining != 0 { out.append("0x" + String(remaining, radix: 16, uppercase: true)) }
        return out
    }

    /// Looks up a flag by symbolic name (case-insensitive).
    public static func named(_ name: String) -> Self? {
        namedFlags.first { $0.name.uppercased() == name.uppercased() }.map { Self(rawValue: $0.value) }
    }

    /// Decodes an LDAP integer attribute value.
    public init(ldapValue: some StringProtocol) throws(FlagParseError) {
        self.init(rawValue: try LDAPInteger.bits32(ldapValue))
    }
}
