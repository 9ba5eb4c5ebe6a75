/// The outcome of one rule for one subject. `unknown` (the data could not be read) is never a pass.
public enum Status: String, Sendable, Codable, CaseIterable {
    case pass, warn, fail, unknown, skipped
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
