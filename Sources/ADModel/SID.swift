/// A Windows security identifier (MS-DTYP 2.4.2).
///
/// Binary form: revision (1), sub-authority count, 48-bit big-endian identifier authority,
/// then little-endian 32-bit sub-authorities. String form: `S-1-5-21-…`.
public struct SID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The SID revision; always 1 for SIDs this library creates.
    public let revision: UInt8
    /// The 48-bit identifier authority (5 = NT AUTHORITY).
    public let identifierAuthority: UInt64
    /// Up to 15 sub-authorities; the last one of a domain account is its RID.
    public let subAuthorities: [UInt32]

    /// The maximum number of sub-authorities MS-DTYP allows.
    public static let maximumSubAuthorities = 15

    /// Creates a SID from its parts.
    public init(identifierAuthority: UInt64, subAuthorities: [UInt32]) throws(SIDError) {
        guard identifierAuthority < (1 << 48) else { throw .authorityOutOfRange(identifierAuthority.description) }
        guard subAuthorities.count <= Self.maximumSubAuthorities else {
            throw .tooManySubAuthorities(subAuthorities.count)
        }
        self.revision = 1
        self.identifierAuthority = identifierAuthority
        self.subAuthorities = subAuthorities
    }

    /// Internal unchecked initialiser for constants known to be valid.
    init(authority: UInt64, _ subAuthorities: UInt32...) {
        self.revision = 1
        self.identifierAuthority = authority
        self.subAuthorities = subAuthorities
    }

    /// The SID of account `rid` in `domain` (e.g. Domain Admins = domain SID + 512).
    public init(domain: SID, rid: UInt32) throws(SIDError) {
        try self.init(identifierAuthority: domain.identifierAuthority, subAuthorities: domain.subAuthorities + [rid])
    }

    /// The relative identifier: the last sub-authority, if any.
    public var rid: UInt32? { subAuthorities.last }

    /// The SID without its last sub-authority (the domain of a domain account SID).
    public var parent: SID? {
        guard !subAuthorities.isEmpty else { return nil }
        return SID(
            revision: revision, identifierAuthority: identifierAuthority, subAuthorities: subAuthorities.dropLast())
    }

    /// True for a domain SID `S-1-5-21-a-b-c` (no RID).
    public var isDomainSID: Bool {
        identifierAuthority == 5 && subAuthorities.count == 4 && subAuthorities.first == 21
    }

    /// True when this SID is `domain` + one RID.
    public func isAccount(in domain: SID) -> Bool { parent == domain }

    private init(revision: UInt8, identifierAuthority: UInt64, subAuthorities: [UInt32]) {
        self.revision = revision
        self.identifierAuthority = identifierAuthority
        self.subAuthorities = subAuthorities
    }

    /// `S-1-5-21-…`; authorities of 2^32 and above are printed in hex as Windows does.
    public var description: String {
        let authority =
            identifierAuthority >= (1 << 32)
            ? "0x" + hex12(identifierAuthority) : String(identifierAuthority)
        return (["S", String(revision), authority] + subAuthorities.map { String($0) }).joined(separator: "-")
    }

    public static func < (lhs: SID, rhs: SID) -> Bool {
        if lhs.identifierAuthority != rhs.identifierAuthority {
            return lhs.identifierAuthority < rhs.identifierAuthority
        }
        return lhs.subAuthorities.lexicographicallyPrecedes(rhs.subAuthorities)
    }

    // MARK: String form

    /// Parses `S-1-…` (case-insensitive `S`, decimal or `0x` hex authority).
    public init(string: some StringProtocol) throws(SIDError) {
        if let sid = Self.parseDecimal(string.utf8) {
            self = sid
            return
        }
        let text = String(string)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "S" || parts[0] == "s" else { throw .malformedString(text) }
        guard let revision = UInt8(parts[1]), revision == 1 else { throw .malformedString(text) }
        let authorityText = parts[2]
        let authority: UInt64?
        if authorityText.hasPrefix("0x") || authorityText.hasPrefix("0X") {
            authority = UInt64(authorityText.dropFirst(2), radix: 16)
        } else {
            authority = authorityText.allSatisfy(\.isASCIIDigit) ? UInt64(authorityText) : nil
        }
        guard let authority else { throw .malformedString(text) }
        var subs: [UInt32] = []
        for part in parts.dropFirst(3) {
            guard !part.isEmpty, part.allSatisfy(\.isASCIIDigit), let value = UInt32(part) else {
                throw .malformedString(text)
            }
            subs.append(value)
        }
        try self.init(identifierAuthority: authority, subAuthorities: subs)
    }

    /// The common form, `S-1-<decimal authority>[-<decimal>…]`, read in one pass (a scan parses every group SID of
    /// every account); nil for anything else, which the general parser above accepts or rejects with its error.
    private static func parseDecimal(_ utf8: some Collection<UInt8>) -> SID? {
        var bytes = utf8.makeIterator()
        guard let first = bytes.next(), first == UInt8(ascii: "S") || first == UInt8(ascii: "s"),
            bytes.next() == UInt8(ascii: "-"), bytes.next() == UInt8(ascii: "1"), bytes.next() == UInt8(ascii: "-")
        else { return nil }
        var authority: UInt64?
        var subAuthorities: [UInt32] = []
        var value: UInt64 = 0
        var digits = 0
        func finish() -> Bool {
            guard digits > 0 else { return false }
            if authority == nil {
                guard value < 1 << 48 else { return false }
                authority = value
            } else {
                guard value <= UInt32.max, subAuthorities.count < maximumSubAuthorities else { return false }
                subAuthorities.append(UInt32(value))
            }
            value = 0
            digits = 0
            return true
        }
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "-") {
                guard finish() else { return nil }
                continue
            }
            // 14 digits stay far below UInt64's overflow and above any valid value.
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 14 else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        guard finish(), let authority else { return nil }
        return SID(revision: 1, identifierAuthority: authority, subAuthorities: subAuthorities)
    }

    // MARK: Binary form

    /// The length of the binary form in bytes.
    public var binaryLength: Int { 8 + 4 * subAuthorities.count }

    /// The binary form (MS-DTYP 2.4.2.2).
    public var bytes: [UInt8] {
        var out: [UInt8] = [revision, UInt8(subAuthorities.count)]
        for shift in stride(from: 40, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: identifierAuthority >> UInt64(shift)))
        }
        for sub in subAuthorities { out.appendLittleEndian(sub) }
        return out
    }

    /// Decodes a SID that must fill `bytes` exactly.
    public init(bytes: [UInt8]) throws(BinaryFormatError) {
        var reader = ByteReader(bytes)
        try self.init(reading: &reader)
        guard reader.remaining == 0 else {
            throw .trailingBytes(what: "SID", offset: reader.offset, count: reader.remaining)
        }
    }

    init(reading reader: inout ByteReader) throws(BinaryFormatError) {
        let start = reader.offset
        let revision = try reader.readUInt8("SID revision")
        guard revision == 1 else { throw .unsupportedRevision(what: "SID", offset: start, value: revision) }
        let count = Int(try reader.readUInt8("SID sub-authority count"))
        guard count <= Self.maximumSubAuthorities else { throw .tooManySubAuthorities(offset: start, count: count) }
        var authority: UInt64 = 0
        for byte in try reader.readBytes(6, "SID identifier authority") { authority = authority << 8 | UInt64(byte) }
        var subs: [UInt32] = []
        subs.reserveCapacity(count)
        for _ in 0..<count { subs.append(try reader.readUInt32("SID sub-authority")) }
        self.init(revision: revision, identifierAuthority: authority, subAuthorities: subs)
    }
}

private func hex12(_ value: UInt64) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    var isASCIIHexDigit: Bool { isASCII && isHexDigit }
}

/// Why a SID could not be built or parsed.
public enum SIDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not of the form `S-1-<authority>[-<sub>]…`.
    case malformedString(String)
    /// More than 15 sub-authorities.
    case tooManySubAuthorities(Int)
    /// The identifier authority does not fit in 48 bits.
    case authorityOutOfRange(String)
    /// An SDDL alias that needs a domain SID was used without one, or is unknown.
    case unknownAlias(String)

    public var description: String {
        switch self {
        case .malformedString(let text): return "malformed SID string '\(text)'; expected S-1-<authority>-<sub>…"
        case .tooManySubAuthorities(let count): return "SID has \(count) sub-authorities; at most 15 are allowed"
        case .authorityOutOfRange(let text): return "SID identifier authority \(text) does not fit in 48 bits"
        case .unknownAlias(let alias): return "unknown SDDL SID alias '\(alias)' (domain aliases need a domain SID)"
        }
    }
}
