import ADModel

/// CES-B4: with delegation it is the requester who logs on to the CA over the network (DCOM), so the
/// requester's token needs SeNetworkLogonRight there and must not hit SeDenyNetworkLogonRight. The rights come
/// from the CA host's secedit evidence; the Certificate Service DCOM Access group and EnableDCOM have no
/// evidence source yet, which the message says.
public struct B4RequesterDCOMOnCA: RequesterRule {
    public static let id = "CES-B4"
    public init() {}

    static let unchecked =
        "Certificate Service DCOM Access (S-1-5-32-574) membership and HKLM\\Software\\Microsoft\\OLE\\EnableDCOM on the CA are not checked (no evidence source)"

    public func pathVerdict(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext
    ) -> PathVerdict? {
        let caHost = ca.dnsHostName?.lowercased()
        if let endpoint {
            guard endpoint.malformed == nil, let renewalOnly = endpoint.renewalOnly else {
                return PathVerdict(
                    .unknown,
                    "malformed endpoint (\(endpoint.malformed ?? "no renewal-only flag")): cannot tell who logs on to the CA"
                )
            }
            if renewalOnly {
                return PathVerdict(
                    .skipped, "renewal-only endpoint: the CES principal, not the requester, logs on to the CA (CES-D4)")
            }
            if let caHost, let cesHost = endpoint.host, caHost == cesHost {
                return PathVerdict(.skipped, "CA and CES run on the same host (\(caHost))")
            }
        }
        let datum = context.hostDatum(\.userRights, host: caHost, file: "secedit.inf")
        if datum.value == nil { return PathVerdict(.unknown, datum.missingReason ?? "not supplied") }
        return nil
    }

    public func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        let caHost = path.ca.dnsHostName?.lowercased()
        let datum = context.hostDatum(\.userRights, host: caHost, file: "secedit.inf")
        guard let rights = datum.value else {
            return context.finding(Self.id, .unknown, path: path, message: datum.missingReason ?? "not supplied")
        }
        guard let token = path.requester.token else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "the requester's groups were not read: \(path.requester.tokenGroups.missingReason ?? "no SID")"
            )
        }
        let assignment = rights.assignment
        let evidence: [String: EvidenceValue] = [
            "SeNetworkLogonRight": .list(
                (assignment.holders(of: "SeNetworkLogonRight") ?? []).map { .string($0.description) }),
            "SeDenyNetworkLogonRight": .list(
                (assignment.holders(of: "SeDenyNetworkLogonRight") ?? []).map { .string($0.description) }),
        ]
        switch UserRightCheck.evaluate(
            rights, right: "SeNetworkLogonRight", denyRight: "SeDenyNetworkLogonRight", token: token,
            account: path.requester,
            host: caHost ?? "?")
        {
        case .granted(let message):
            // Network logon is fine, but the DCOM half of the rule has no evidence source yet: not a pass.
            return context.finding(
                Self.id, .unknown, path: path, message: "\(message); \(Self.unchecked)", evidence: evidence)
        case .notGranted(let message), .denied(let message):
            return context.finding(Self.id, .fail, path: path, message: message, evidence: evidence)
        case .unknown(let message):
            return context.finding(
                Self.id, .unknown, path: path, message: "\(message); \(Self.unchecked)", evidence: evidence)
        }
    }
}
