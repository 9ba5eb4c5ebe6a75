/// The outcome of one rule for one subject. `unknown` (the data could not be read) is never a pass.
///
/// `manual` (an addition to the contract's statuses) is a check that no configured source can make — RPC
/// reachability from the CES host to the CA (CES-G1) or from the CA to the domain controllers (CES-G2): the finding
/// names the command to run on which host. It is never a pass, is counted in the summary, and counts against the exit
/// status (as unknown) only with `countManualChecks: true` in the site policy or `--strict-manual`.
public enum Status: String, Sendable, Codable, CaseIterable {
    case pass, warn, fail, unknown, skipped, manual
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
