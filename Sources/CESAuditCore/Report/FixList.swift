import Foundation

/// What one fix changes, for the scan's fix list: a finding's rule and status, and the thing a remediation acts on
/// (docs/conventions.md §2.1). Every listed finding of a `scan` that is not a pass or not applicable belongs to one
/// group; the group's `id` is on the finding (`Finding.fixGroup`) in every machine format.
public struct FixTarget: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// The CES principal (C*, D*, E4, G1, G3, G5, K*): its delegation, rights or SPNs.
        case principal
        /// A certificate template: its own settings (B3, E3, E5, E6, F5–F8), or what requesters lack for it (B2,
        /// F1–F4: "N accounts lacking `mail` for template User").
        case template
        /// A CA: its security, flags, DCOM or enrollment service (B1, B4, B5, E1, E2, G2, G4), and the verdicts the
        /// CA decides for every requester.
        case ca
        /// Each account itself (A1–A3): one fix per account, counted together.
        case accounts
        /// Any other subject (endpoint, host, domain, OID): the subject itself.
        case subject
    }

    public var kind: Kind
    /// The principal, template or CA name, or the subject's; empty for `accounts`.
    public var name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// Rules whose fix is made on the CA, whoever the finding's subject is.
    static let caRules: Set<String> = ["CES-B1", "CES-B4", "CES-B5", "CES-E1", "CES-E2", "CES-G2", "CES-G4"]

    /// The target of `finding`; `ca` is the CA of the path it was judged on (requester and endpoint findings do
    /// not name it). Nil for findings outside the fix list (passes, not applicable).
    public init?(of finding: Finding, ca: String?) {
        guard FixGroup.groupedStatuses.contains(finding.status) else { return nil }
        let subject = finding.subject
        if Self.caRules.contains(finding.ruleId), let ca = subject.kind == .ca ? subject.name : ca ?? finding.ca {
            self.init(kind: .ca, name: ca)
            return
        }
        switch subject.kind {
        case .user, .computer:
            if let template = finding.template {
                self.init(kind: .template, name: template)
            } else {
                self.init(kind: .accounts, name: "")
            }
        case .servicePrincipal: self.init(kind: .principal, name: subject.name)
        case .template: self.init(kind: .template, name: subject.name)
        case .ca: self.init(kind: .ca, name: subject.name)
        case .endpoint, .oid, .host, .domain: self.init(kind: .subject, name: "\(subject.kind.rawValue) \(subject.name)")
        }
    }
}

/// One entry of the fix list: every listed finding of one rule and status on one target, counted, with a few of
/// them named, the remediation of the first, and how many accounts it blocks.
public struct FixGroup: Sendable, Codable, Equatable {
    /// `ruleId/status/kind/name` (`CES-F1/fail/template/User`, `CES-A1/fail/accounts/`): stable for the same
    /// rule, status and target across runs and formats.
    public var id: String
    public var ruleId: String
    public var status: Status
    public var title: String
    public var target: FixTarget
    /// Listed findings in the group.
    public var count: Int
    /// Of them, not accepted by an active waiver.
    public var open: Int
    /// Accounts the fix concerns: the requesters named by the group's findings (`evidence.requesterCount` for a
    /// verdict listed once per CA), else, for a principal, template or CA, the accounts that enroll through the
    /// CAs concerned. What the list is ordered by after the status.
    public var accounts: Int
    /// Up to `FixGroup.exampleLimit` findings, named as the text report names them (`Finding.label`).
    public var examples: [String]
    /// The first finding's message: the values behind the verdict, or why it is unknown.
    public var message: String
    /// The first finding's remediation (placeholders filled in for it); nil for unknown and manual findings.
    public var remediation: String?

    /// Findings of these statuses are grouped; passes and not-applicable ones are not something to fix.
    public static let groupedStatuses: Set<Status> = [.fail, .unknown, .warn, .manual]
    /// Examples kept per group.
    public static let exampleLimit = 3

    public static func id(ruleId: String, status: Status, target: FixTarget) -> String {
        "\(ruleId)/\(status.rawValue)/\(target.kind.rawValue)/\(target.name)"
    }

    /// The target an `id` names (the name may itself hold `/`); nil for a string that is not such an id.
    static func target(ofID id: String) -> FixTarget? {
        let parts = id.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let kind = FixTarget.Kind(rawValue: String(parts[2])) else { return nil }
        return FixTarget(kind: kind, name: String(parts[3]))
    }

    /// Fix-list order: fail, unknown, warn, manual (the exit status's precedence), then the most accounts, the
    /// most findings, then rule and target.
    public static func precedes(_ lhs: FixGroup, _ rhs: FixGroup) -> Bool {
        func rank(_ status: Status) -> Int {
            switch status {
            case .fail: 0
            case .unknown: 1
            case .warn: 2
            case .manual: 3
            case .pass: 4
            case .skipped: 5
            }
        }
        return (rank(lhs.status), -lhs.accounts, -lhs.count, lhs.ruleId, lhs.target.kind.rawValue, lhs.target.name)
            < (rank(rhs.status), -rhs.accounts, -rhs.count, rhs.ruleId, rhs.target.kind.rawValue, rhs.target.name)
    }
}

extension Finding {
    /// Puts the finding in its fix-list group (`FixGroup.id`); `ca` as in `FixTarget(of:ca:)`.
    public mutating func assignFixGroup(ca: String?) {
        fixGroup = FixTarget(of: self, ca: ca).map { FixGroup.id(ruleId: ruleId, status: status, target: $0) }
    }
}

/// How many accounts may enroll through each CA, and each template on it (`scan`): the accounts behind a
/// principal's, CA's or template's own finding.
public struct FixReach: Sendable, Equatable {
    public var byCA: [String: Int] = [:]
    /// Keyed by CA name, then template name.
    public var byTemplate: [String: [String: Int]] = [:]

    public init(byCA: [String: Int] = [:], byTemplate: [String: [String: Int]] = [:]) {
        self.byCA = byCA
        self.byTemplate = byTemplate
    }

    /// The accounts `target` concerns on `ca`: those that may enroll the template there, else through the CA.
    func accounts(_ target: FixTarget, on ca: String) -> Int {
        target.kind == .template ? byTemplate[ca]?[target.name] ?? 0 : byCA[ca] ?? 0
    }
}

/// Builds the fix list from the findings as they are listed, in memory bounded by the number of groups — rules ×
/// principals, templates and CAs, never accounts: per group only counters, the CAs concerned and
/// `FixGroup.exampleLimit` examples.
public struct FixListBuilder: Sendable {
    private struct Entry: Sendable {
        var group: FixGroup
        var cas: Set<String> = []
        var requesters = 0
        var lastRequester: Subject?
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// Counts `finding` in its group (`Finding.fixGroup`; a finding without one is not grouped). `ca`: the CA of
    /// the path it was judged on, for the accounts a principal's, template's or CA's own finding concerns.
    public mutating func add(_ finding: Finding, ca: String?) {
        guard let id = finding.fixGroup, let target = FixGroup.target(ofID: id) else { return }
        var entry =
            entries[id]
            ?? Entry(
                group: FixGroup(
                    id: id, ruleId: finding.ruleId, status: finding.status, title: finding.title,
                    target: target,
                    count: 0, open: 0, accounts: 0, examples: [], message: finding.message,
                    remediation: finding.remediation))
        entry.group.count += 1
        if finding.isOpen { entry.group.open += 1 }
        if entry.group.examples.count < FixGroup.exampleLimit { entry.group.examples.append(finding.label) }
        switch finding.subject.kind {
        case .user, .computer:
            // An account's findings come together: one account counted once per group.
            if finding.subject != entry.lastRequester {
                entry.requesters += 1
                entry.lastRequester = finding.subject
            }
        default:
            if case .integer(let count) = finding.evidence["requesterCount"] {
                entry.requesters += Int(count)
            } else if let ca = ca ?? finding.ca ?? (finding.subject.kind == .ca ? finding.subject.name : nil) {
                entry.cas.insert(ca)
            }
        }
        entries[id] = entry
    }

    /// The groups in fix-list order (`FixGroup.precedes`). `reach`: the accounts behind the groups whose findings
    /// name no requester.
    public func groups(reach: FixReach = FixReach()) -> [FixGroup] {
        entries.values.map { entry in
            var group = entry.group
            let reach = entry.cas.reduce(0) { $0 + reach.accounts(group.target, on: $1) }
            group.accounts = max(entry.requesters, reach)
            return group
        }.sorted(by: FixGroup.precedes)
    }
}
