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

    /// ces-rules.md §1/C1: the CES principal must delegate the requester's identity to the CA when the
    /// endpoint is Kerberos (2) or Certificate (8), not renewal-only, and the CA runs on another host.
    /// nil when that cannot be decided (no endpoint, malformed value, unknown hosts).
    public var delegationRequired: Bool? {
        guard let endpoint, endpoint.malformed == nil, let flag = endpoint.authenticationFlag,
            let renewalOnly = endpoint.renewalOnly
        else { return nil }
        guard flag == 2 || flag == 8, !renewalOnly else { return false }
        guard let cesHost = endpoint.host, let caHost = ca.dnsHostName?.lowercased() else { return nil }
        return cesHost != caHost
    }
}

/// Everything a rule may look at, plus the catalogue that gives findings their title and remediation.
public struct RuleContext: Sendable {
    public var snapshot: DirectorySnapshot
    public var catalogue: RuleCatalogue

    public init(snapshot: DirectorySnapshot, catalogue: RuleCatalogue) {
        self.snapshot = snapshot
        self.catalogue = catalogue
    }

    /// A finding with the catalogue's title, remediation (placeholders filled) and error codes.
    func finding(
        _ ruleID: String, _ status: Status, path: EnrollmentPath, message: String,
        evidence: [String: EvidenceValue] = [:], extraValues: [String: String] = [:]
    ) -> Finding {
        let rule = catalogue[ruleID]
        let values = placeholderValues(path).merging(extraValues) { $1 }
        var remediation: String?
        if status == .fail || status == .warn, let rule {
            let commands = rule.remediation.commands.map { $0.rendered(values) }
            remediation = ([rule.remediation.renderedSummary(values)] + commands).joined(separator: "\n")
        }
        let requester = path.requester
        return Finding(
            ruleId: ruleID, status: status, title: rule?.title ?? ruleID,
            subject: Subject(
                kind: requester.isComputer ? .computer : .user, name: requester.samAccountName, dn: requester.dn,
                sid: requester.sid),
            endpoint: path.endpoint?.url ?? path.endpoint?.raw, message: message, evidence: evidence,
            remediation: remediation, errorCodes: status == .pass || status == .skipped ? [] : rule?.errorCodes ?? [])
    }

    /// The gate of the requester-side delegation rules (A1, A2): a finding when the path needs no delegation
    /// (`skipped`) or that cannot be told (`unknown`); nil when the rule applies.
    func delegationGate(_ ruleID: String, _ path: EnrollmentPath) -> Finding? {
        switch path.delegationRequired {
        case nil:
            return finding(
                ruleID, .unknown, path: path,
                message: "cannot tell whether this endpoint needs delegation (endpoint or CA host unknown)")
        case false?:
            return finding(
                ruleID, .skipped, path: path,
                message: "no delegation on this path (username/password, renewal-only, or CA on the CES host)")
        case true?:
            return nil
        }
    }

    private func placeholderValues(_ path: EnrollmentPath) -> [String: String] {
        var values = [
            "account": path.requester.samAccountName, "caName": path.ca.name, "caConfig": path.ca.configString,
        ]
        if let host = path.ca.dnsHostName {
            values["caHost"] = host
            values["caShort"] = String(host.split(separator: ".").first ?? Substring(host))
        }
        if let url = path.endpoint?.url { values["url"] = url }
        if let host = path.endpoint?.host { values["cesHost"] = host }
        if let domain = snapshot.domain.dnsName { values["domain"] = domain }
        return values
    }
}

/// A rule about the requester on one enrollment path (families A, F).
public protocol RequesterRule: Sendable {
    static var id: String { get }
    func evaluate(_ path: EnrollmentPath, in context: RuleContext) -> Finding
}

extension UInt32 {
    /// `0x00110200`
    var hex: String { "0x" + String(self, radix: 16, uppercase: true).leftPadded(to: 8) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
