/// The outcome of one rule for one subject. `unknown` (the data could not be read) is never a pass.
public enum Status: String, Sendable, Codable, CaseIterable, Comparable {
    case pass, warn, fail, unknown, skipped

    /// Worst first, as the contract's exit status ranks them: fail > unknown > warn > pass/skipped.
    var rank: Int {
        switch self {
        case .fail: return 4
        case .unknown: return 3
        case .warn: return 2
        case .pass: return 1
        case .skipped: return 0
        }
    }

    public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
}

/// How bad a rule's failure is, from the catalogue (and site overrides).
public enum Severity: String, Sendable, Codable, CaseIterable {
    /// The request will fail.
    case fail
    /// Fails in some configurations, or a likely cause.
    case warn
    /// Hardening or context.
    case info
}
