import Foundation

extension Date {
    /// ISO 8601 in UTC with seconds, as in docs/contract.md (`2026-11-25T10:00:00Z`). A format style, not an
    /// ISO8601DateFormatter: making one of those loads time zone data and costs about a millisecond each time.
    public var iso8601UTC: String { formatted(Date.ISO8601FormatStyle(timeZone: .gmt)) }
}
