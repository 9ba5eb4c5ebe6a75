import ADModel

/// The enrollment path a requester takes: an endpoint published on a CA (or the CA itself when no CES
/// endpoint is involved).
public struct EnrollmentPath: Sendable {
    public var requester: AccountRecord
    public var ca: EnrollmentServiceRecord
    public var endpoint: EnrollmentServiceRecord.Endpoint?

    public init(requester: AccountRecord, ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?) {
        self.requester = requester
        self.ca = ca
        self.endpoint = endpoint
    }
}

/// Everything a rule may look at, plus the catalogue that gives findings their title and remediation.
public struct RuleContext: Sendable {
    public var snapshot: DirectorySnapshot {
        didSet { protectedUsers = A2RequesterInProtectedUsers.protectedUsers(in: snapshot.domain) }
    }
    public var catalogue: RuleCatalogue
    /// The domain's Protected Users group (RID 525), worked out once: A2 asks for it on every path.
    private(set) var protectedUsers: SID?

    /// When false (a scan without `--include-passed`), pass and skipped findings are only counted, so they are
    /// built bare: rule, status, subject and endpoint, without title, message or evidence. Most findings of a
    /// domain scan are such, and their text was most of its work.
    public var describesPasses: Bool

    /// Renewal-only endpoints (`endpointKey`) whose CES principal renews by protocol transition and constrained
    /// delegation to the CA (CES-E2's alternative model): there the mapped account is delegated, so CES-A1/A2
    /// apply (issue 21 item 9). Filled by the jobs once they have resolved the endpoints' principals.
    public var renewalByDelegation: Set<String> = []

    /// The key of an endpoint of a CA in `renewalByDelegation`.
    public static func endpointKey(ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint) -> String {
        ca.dn + "\n" + endpoint.raw
    }

    /// Notes `path`'s renewal model (see `renewalByDelegation`).
    public mutating func noteRenewalModel(_ path: EndpointPath) {
        guard path.endpoint.renewalOnly == true, path.protocolTransitionModelComplete == true else { return }
        renewalByDelegation.insert(Self.endpointKey(ca: path.ca, endpoint: path.endpoint))
    }

    public init(snapshot: DirectorySnapshot, catalogue: RuleCatalogue, describesPasses: Bool = true) {
        self.snapshot = snapshot
        self.catalogue = catalogue
        self.describesPasses = describesPasses
        protectedUsers = A2RequesterInProtectedUsers.protectedUsers(in: snapshot.domain)
    }

    /// Whether a finding of `status` is built bare (see `describesPasses`).
    func isBare(_ status: Status) -> Bool { !describesPasses && (status == .pass || status == .skipped) }

    /// A finding with the catalogue's title, remediation (placeholders filled) and error codes.
    func finding(
        _ ruleID: String, _ status: Status, path: EnrollmentPath, message: @autoclosure () -> String,
        evidence: @autoclosure () -> [String: EvidenceValue] = [:]
    ) -> Finding {
        let requester = path.requester
        return makeFinding(
            ruleID, status, subject: Self.subject(requester), endpoint: path.endpoint, message: message(),
            evidence: evidence()
        ) {
            var values = placeholderValues(ca: path.ca, endpoint: path.endpoint)
            values["account"] = requester.samAccountName
            return values
        }
    }

    /// A requester as the subject of a finding.
    static func subject(_ requester: AccountRecord) -> Subject {
        Subject(
            kind: requester.isComputer ? .computer : .user, name: requester.samAccountName, dn: requester.dn,
            sid: requester.sid)
    }

    /// The one place a finding is assembled from a rule's verdict and the catalogue entry. The message and
    /// evidence are only worked out for findings that are not bare, the placeholder values only for findings that
    /// carry remediation (fail, warn, manual).
    func makeFinding(
        _ ruleID: String, _ status: Status, subject: Subject, endpoint: EnrollmentServiceRecord.Endpoint?,
        message: @autoclosure () -> String, evidence: @autoclosure () -> [String: EvidenceValue],
        values makeValues: () -> [String: String]
    ) -> Finding {
        let endpointName = endpoint?.url ?? endpoint?.raw
        if isBare(status) {
            var finding = Finding(
                ruleId: ruleID, status: status, title: "", subject: subject, endpoint: endpointName, message: "")
            finding.endpointMode = endpoint?.mode
            return finding
        }
        let rule = catalogue[ruleID]
        var remediation: String?
        // A manual check carries the catalogue's steps too: they are what to run.
        if status == .fail || status == .warn || status == .manual, let rule {
            let values = makeValues()
            let commands = rule.remediation.commands.map { $0.rendered(values) }
            remediation = ([rule.remediation.renderedSummary(values)] + commands).joined(separator: "\n")
        }
        var finding = Finding(
            ruleId: ruleID, status: status, title: rule?.title ?? ruleID, subject: subject, endpoint: endpointName,
            message: message(), evidence: evidence(), remediation: remediation,
            errorCodes: status == .pass || status == .skipped ? [] : rule?.errorCodes ?? [])
        finding.endpointMode = endpoint?.mode
        return finding
    }

    /// The path verdict of the requester-side delegation rules (A1, A2): `skipped` when the path needs no
    /// delegation, `unknown` when that cannot be told; nil when the rule applies.
    func delegationVerdict(ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?) -> PathVerdict? {
        let delegating = endpoint.map { renewalByDelegation.contains(Self.endpointKey(ca: ca, endpoint: $0)) } ?? false
        switch endpoint?.delegationDecision(
            toCAHost: ca.dnsHostName, computers: snapshot.hostComputers?.value, aliases: snapshot.dnsAliases?.value,
            renewalByDelegation: delegating)
        {
        case nil:
            return PathVerdict(
                .unknown, "cannot tell whether this endpoint needs delegation (endpoint or CA host unknown)")
        case let decision? where !decision.required:
            return PathVerdict(.skipped, "no delegation on this path (CES-C1: \(decision.basis))")
        case _?:
            return nil
        }
    }

    /// Placeholder values every path has: CA, endpoint, domain.
    func placeholderValues(ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?) -> [String: String]
    {
        var values = ["caName": ca.name, "caConfig": ca.configString]
        if let host = ca.dnsHostName {
            values["caHost"] = host
            values["caShort"] = String(host.split(separator: ".").first ?? Substring(host))
        }
        if let url = endpoint?.url { values["url"] = url }
        if let host = endpoint?.host { values["cesHost"] = host }
        if let domain = snapshot.domain.dnsName { values["domain"] = domain }
        // Localized group names (Protected Users is "Geschützte Benutzer" on a German DC): commands use SIDs.
        if let sid = snapshot.domain.sid { values["domainSID"] = sid }
        return values
    }
}

/// What every rule has: its catalogue ID (`CES-A1`).
public protocol AuditRule: Sendable {
    static var id: String { get }
}

/// What a requester rule's verdict depends on, and so how often a job evaluates it.
public enum RequesterScope: Sendable {
    /// The account alone (A3): once per account, with no endpoint.
    case account
    /// The account on one endpoint of a CA.
    case endpoint
}

/// A requester rule's verdict that the path alone decides, whoever the requester is: a malformed endpoint, no
/// evidence for the CA host, no delegation on the path. `user` reports it about its requester; `scan` lists an
/// `unknown` one once per CA instead of once for every account that may enroll there.
public struct PathVerdict: Sendable, Equatable {
    public var status: Status
    public var message: String

    public init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// A rule about the requester on one enrollment path (families A, B1, B4, B5).
public protocol RequesterRule: AuditRule {
    static var scope: RequesterScope { get }
    /// The verdict the CA and endpoint decide alone; nil when the requester must be looked at.
    func pathVerdict(ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext)
        -> PathVerdict?
    /// The verdict about the requester on a path `pathVerdict` leaves to it.
    func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding
}

extension RequesterRule {
    public static var scope: RequesterScope { .endpoint }

    public func pathVerdict(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext
    ) -> PathVerdict? { nil }

    /// The rule on one path: the path's own verdict (as a finding about the requester) when it has one, else the
    /// requester's. A scan works the path verdicts out once per endpoint and asks `requesterVerdict` directly.
    public func evaluate(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        if let verdict = pathVerdict(ca: path.ca, endpoint: path.endpoint, in: context) {
            return context.finding(Self.id, verdict.status, path: path, message: verdict.message)
        }
        return requesterVerdict(path, in: context)
    }
}

extension UInt32 {
    /// `0x00110200`
    var hex: String { "0x" + String(self, radix: 16, uppercase: true).leftPadded(to: 8) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
