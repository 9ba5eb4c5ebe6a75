import ADModel

/// CES-B1: the CA enforces its own DACL (registry `Security`) and answers CERTSRV_E_ENROLL_DENIED when the
/// requester lacks Request Certificates (0x200) — deny ACEs and ACE order honoured. The DACL is not in
/// LDAP: it comes from the CA host's evidence folder, and without it the rule is `unknown`.
public struct B1CAEnrollPermission: RequesterRule {
    public static let id = "CES-B1"
    public init() {}

    static let evidenceFile = "ca-config.reg or ca-security.bin/.sddl/.txt"

    public func pathVerdict(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext
    ) -> PathVerdict? {
        if let endpoint {
            guard endpoint.malformed == nil, let renewalOnly = endpoint.renewalOnly else {
                return PathVerdict(
                    .unknown,
                    "cannot tell whether the requester reaches the CA: malformed endpoint (\(endpoint.malformed ?? "no renewal-only flag"))"
                )
            }
            if renewalOnly {
                return PathVerdict(
                    .skipped, "renewal-only endpoint: the CA sees the CES principal, not the requester (CES-E1)")
            }
        }
        let security = context.hostDatum(\.caSecurity, host: ca.dnsHostName, file: Self.evidenceFile)
        if security.value == nil { return PathVerdict(.unknown, security.missingReason ?? "not supplied") }
        return nil
    }

    public func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        let host = path.ca.dnsHostName
        let security = context.hostDatum(\.caSecurity, host: host, file: Self.evidenceFile)
        guard let record = security.value else {
            return context.finding(Self.id, .unknown, path: path, message: security.missingReason ?? "not supplied")
        }
        guard let token = path.requester.token else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "the requester's groups were not read: \(path.requester.tokenGroups.missingReason ?? "no SID")"
            )
        }
        let evidence: [String: EvidenceValue] = ["file": .string(record.file), "caHost": .string(host ?? "?")]
        switch CARightCheck.evaluate(
            record, right: .enroll, token: token, account: path.requester, domain: context.domainSID,
            netbios: context.snapshot.domain.netbiosName, resolved: context.certutilPrincipals(host: host))
        {
        case .granted(let message):
            return context.finding(Self.id, .pass, path: path, message: message, evidence: evidence)
        case .denied(let message), .notGranted(let message):
            return context.finding(Self.id, .fail, path: path, message: message, evidence: evidence)
        case .unknown(let message):
            return context.finding(Self.id, .unknown, path: path, message: message, evidence: evidence)
        }
    }
}
