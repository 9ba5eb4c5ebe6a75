/// A template period: `pKIExpirationPeriod` (validity) or `pKIOverlapPeriod` (renewal), stored as an
/// 8-byte little-endian negative FILETIME interval in 100-nanosecond units (CES-E6).
public struct TemplatePeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in 100-nanosecond units.
    public let ticks: UInt64

    /// 100-ns ticks per day.
    public static let ticksPerDay: UInt64 = 864_000_000_000

    /// Creates a period of `ticks` 100-ns units.
    public init(ticks: UInt64) { self.ticks = ticks }

    /// Creates a period of whole days.
    public init(days: UInt32) { self.ticks = UInt64(days) * Self.ticksPerDay }

    /// Decodes the attribute value. Intervals are negative; a positive value (an absolute time) is rejected.
    public init(attributeValue bytes: [UInt8]) throws(BinaryFormatError) {
        guard bytes.count == 8 else { throw .invalidSize(what: "template period", offset: 0, size: bytes.count) }
        var raw: UInt64 = 0
        for (index, byte) in bytes.enumerated() { raw |= UInt64(byte) << (8 * UInt64(index)) }
        let signed = Int64(bitPattern: raw)
        guard signed <= 0 else {
            throw .invalidSize(what: "template period (positive, not an interval)", offset: 0, size: 8)
        }
        self.ticks = signed.magnitude
    }

    /// The attribute value (negative interval, little-endian).
    public var attributeValue: [UInt8] {
        let raw = UInt64(bitPattern: 0 &- Int64(bitPattern: ticks))
        return (0..<8).map { UInt8(truncatingIfNeeded: raw >> (8 * UInt64($0))) }
    }

    /// Whole days (rounded down).
    public var days: UInt64 { ticks / Self.ticksPerDay }

    /// True when the period is at least `days` days.
    public func isAtLeast(days: UInt32) -> Bool { ticks >= UInt64(days) * Self.ticksPerDay }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ticks < rhs.ticks }

    public var description: String {
        let hours = (ticks % Self.ticksPerDay) / 36_000_000_000
        return hours == 0 ? "\(days) day(s)" : "\(days) day(s) \(hours) hour(s)"
    }

    /// Autoenrollment / KBR minimums (M10): validity ≥ 5 days and renewal ≥ 1 day; the renewal period
    /// must not exceed the validity (CERTSRV_E_CERT_TYPE_OVERLAP). Returns the problems found.
    public static func autoenrollmentProblems(validity: TemplatePeriod, renewal: TemplatePeriod) -> [String] {
        var problems: [String] = []
        if !validity.isAtLeast(days: 5) { problems.append("validity period \(validity) is shorter than 5 days") }
        if !renewal.isAtLeast(days: 1) { problems.append("renewal period \(renewal) is shorter than 1 day") }
        if renewal > validity {
            problems.append("renewal period \(renewal) is longer than the validity period \(validity)")
        }
        return problems
    }
}
