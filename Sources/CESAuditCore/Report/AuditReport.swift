import Foundation

/// The result of one job run (docs/contract.md, JSON v1): what ran, when, how long, the counts of every evaluated
/// finding, and the findings listed. Every output format renders this one value.
public struct AuditReport: Sendable, Codable, Equatable {
    public struct Tool: Sendable, Codable, Equatable {
        public var name: String
        public var version: String

        public init(name: String = "ces-audit", version: String) {
            self.name = name
            self.version = version
        }
    }

    /// Counts over every evaluated finding, listed or not (`scan` lists non-pass findings only).
    public struct Summary: Sendable, Codable, Equatable {
        public var pass = 0
        public var warn = 0
        public var fail = 0
        public var unknown = 0
        public var skipped = 0
        /// Checklist items (`Status.manual`); absent from reports written before the status existed.
        public var manual = 0

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            pass = try container.decode(Int.self, forKey: .pass)
            warn = try container.decode(Int.self, forKey: .warn)
            fail = try container.decode(Int.self, forKey: .fail)
            unknown = try container.decode(Int.self, forKey: .unknown)
            skipped = try container.decode(Int.self, forKey: .skipped)
            manual = try container.decodeIfPresent(Int.self, forKey: .manual) ?? 0
        }

        public subscript(status: Status) -> Int {
            get {
                switch status {
                case .pass: pass
                case .warn: warn
                case .fail: fail
                case .unknown: unknown
                case .skipped: skipped
                case .manual: manual
                }
            }
            set {
                switch status {
                case .pass: pass = newValue
                case .warn: warn = newValue
                case .fail: fail = newValue
                case .unknown: unknown = newValue
                case .skipped: skipped = newValue
                case .manual: manual = newValue
                }
            }
        }

        public static func += (counts: inout Summary, more: Summary) {
            for status in Status.allCases { counts[status] += more[status] }
        }
    }

    /// What changed since the previous run kept in the history database (`scan --history`). On a first run every
    /// open finding is new, so the lists are spooled like the findings.
    public struct Changes: Sendable, Codable, Equatable {
        /// When the run compared against started; nil for the first run.
        public var previousRunAt: Date?
        /// Open findings (see `Finding.isOpen`) that the previous run did not have, sorted.
        public var new: FindingIdentityList
        /// Findings open in the previous run and no longer open now, sorted.
        public var resolved: FindingIdentityList
        /// Open in both runs.
        public var stillOpen: Int

        public init(previousRunAt: Date?, new: FindingIdentityList, resolved: FindingIdentityList, stillOpen: Int) {
            self.previousRunAt = previousRunAt
            self.new = new
            self.resolved = resolved
            self.stillOpen = stillOpen
        }

        public init(previousRunAt: Date?, new: [FindingIdentity], resolved: [FindingIdentity], stillOpen: Int) {
            self.init(
                previousRunAt: previousRunAt, new: FindingIdentityList(new), resolved: FindingIdentityList(resolved),
                stillOpen: stillOpen)
        }
    }

    public var schemaVersion = 1
    public var tool: Tool
    /// `user`, `server` or `scan`.
    public var command: String
    public var startedAt: Date
    public var durationMs: Int
    public var summary: Summary
    /// The listed findings, read as a stream (a `scan` lists hundreds of thousands); encoded as a JSON array.
    public var findings: FindingList
    // Additions to the contract's v1 shape (docs/contract.md allows adding).
    /// What the job ran for: the account, the CES host, or the domain.
    public var target: String?
    /// Distinct subjects evaluated (accounts, principals, CAs, templates, endpoints).
    public var subjectsScanned: Int?
    /// Who the CES principal of each endpoint is and how it was found (`server`, `user`, `scan`).
    public var principals: [PrincipalNote]?
    /// Open findings that count against the exit status (waived ones do not).
    public var open: Summary?
    public var changes: Changes?
    /// True when manual checks count against the exit status (site policy `countManualChecks`, `--strict-manual`).
    public var countsManualChecks: Bool?
    /// `user`: the verdict on each enrollment path the account takes (template × CES endpoint), worst first.
    public var paths: [RouteVerdict]?
    /// `user`: the open findings on those paths (and about the account itself), each once; the exit status is
    /// computed from these, so a path the account does not take does not set it.
    public var openOnPaths: Summary?
    /// `user`: the listed findings that lie on no path the account takes (a CA whose templates it may not enroll),
    /// which the text report leaves out unless every rule is asked for. Not part of the JSON.
    public var offPathFindings: Set<FindingIdentity>?
    /// `scan`: the fix list, the listed findings to fix grouped by what one fix changes (`FixGroup`), first to fix
    /// first. Each grouped finding names its group (`Finding.fixGroup`).
    public var fixes: [FixGroup]?

    enum CodingKeys: String, CodingKey {
        case schemaVersion, tool, command, startedAt, durationMs, summary, findings, target, subjectsScanned
        case principals, open, changes, countsManualChecks, paths, openOnPaths, fixes
    }

    public init(
        tool: Tool, command: String, startedAt: Date, durationMs: Int, summary: Summary, findings: FindingList,
        target: String? = nil, subjectsScanned: Int? = nil, principals: [PrincipalNote]? = nil, open: Summary? = nil,
        changes: Changes? = nil
    ) {
        self.tool = tool
        self.command = command
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.summary = summary
        self.findings = findings
        self.target = target
        self.subjectsScanned = subjectsScanned
        self.principals = principals
        self.open = open
        self.changes = changes
    }

    /// A report of findings already in memory (tests, tools).
    public init(
        tool: Tool, command: String, startedAt: Date, durationMs: Int, summary: Summary, findings: [Finding],
        target: String? = nil, subjectsScanned: Int? = nil, principals: [PrincipalNote]? = nil, open: Summary? = nil,
        changes: Changes? = nil
    ) {
        self.init(
            tool: tool, command: command, startedAt: startedAt, durationMs: durationMs, summary: summary,
            findings: FindingList(findings), target: target, subjectsScanned: subjectsScanned, principals: principals,
            open: open, changes: changes)
    }

    /// Throws when a list of the report could not be read back from its spool while it was rendered or recorded:
    /// that output is incomplete and must not be published.
    public func throwIfUnreadable() throws(SpoolError) {
        try findings.throwIfUnreadable()
        try changes?.new.throwIfUnreadable()
        try changes?.resolved.throwIfUnreadable()
    }

    /// docs/contract.md exit status (Nagios semantics) without the usage case: 2 any fail, 3 any unknown, 1 any warn,
    /// else 0 — counted over open findings, so an active waiver stops a finding from failing the run; for `user`, over
    /// the open findings on the account's paths (`openOnPaths`). Manual checks count as unknown only when
    /// `countsManualChecks` is true.
    public var exitStatus: Int32 {
        let counts = openOnPaths ?? open ?? summary
        if counts.fail > 0 { return 2 }
        if counts.unknown > 0 || (countsManualChecks == true && counts.manual > 0) { return 3 }
        if counts.warn > 0 { return 1 }
        return 0
    }
}

/// The CES principal of one endpoint as resolved (docs/contract.md order), for the report.
public struct PrincipalNote: Sendable, Codable, Equatable {
    public var endpoint: String
    /// sAMAccountName, nil when unresolved.
    public var account: String?
    public var dn: String?
    /// `configured`, `httpSPN` or `hostComputer`.
    public var source: String?
    public var problem: String?

    public init(endpoint: String, account: String?, dn: String?, source: String?, problem: String?) {
        self.endpoint = endpoint
        self.account = account
        self.dn = dn
        self.source = source
        self.problem = problem
    }
}

/// A finding's identity across runs and formats: rule + subject + endpoint (URL and flags) + template + CA. Every
/// listed finding of a run has its own.
public struct FindingIdentity: Sendable, Codable, Hashable, Comparable {
    public var ruleId: String
    /// The subject's DN when known, else its name.
    public var subject: String
    public var endpoint: String?
    /// `Finding.endpointMode`.
    public var endpointMode: String?
    /// `Finding.template`.
    public var template: String?
    /// `Finding.ca`.
    public var ca: String?

    public init(
        ruleId: String, subject: String, endpoint: String?, endpointMode: String? = nil, template: String? = nil,
        ca: String? = nil
    ) {
        self.ruleId = ruleId
        self.subject = subject
        self.endpoint = endpoint
        self.endpointMode = endpointMode
        self.template = template
        self.ca = ca
    }

    public static func < (lhs: FindingIdentity, rhs: FindingIdentity) -> Bool {
        (lhs.ruleId, lhs.subject, lhs.endpoint ?? "", lhs.endpointMode ?? "", lhs.template ?? "", lhs.ca ?? "")
            < (rhs.ruleId, rhs.subject, rhs.endpoint ?? "", rhs.endpointMode ?? "", rhs.template ?? "", rhs.ca ?? "")
    }

    /// `subject @ endpoint (mode) template NAME on CA`, the parts there are: how the human formats name a finding.
    static func label(subject: String, endpoint: String?, mode: String?, template: String?, ca: String?) -> String {
        var text = subject
        if let endpoint { text += " @ \(endpoint)" }
        if let mode { text += " (\(mode))" }
        if let template { text += " template \(template)" }
        if let ca { text += " on \(ca)" }
        return text
    }
}

extension Finding {
    public var identity: FindingIdentity {
        FindingIdentity(
            ruleId: ruleId, subject: subject.dn ?? subject.name, endpoint: endpoint, endpointMode: endpointMode,
            template: template, ca: ca)
    }

    /// The subject's name with the rest of the identity: `svc-ces @ URL (certificate, renewal-only)`, `dave template
    /// User`, `User on corp-CA01`.
    public var label: String {
        FindingIdentity.label(subject: subject.name, endpoint: endpoint, mode: endpointMode, template: template, ca: ca)
    }
}
