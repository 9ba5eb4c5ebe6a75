import ADModel

/// CES-D4: the CES principal logs on to the CA over the network (DCOM), so it needs SeNetworkLogonRight and
/// must not be in SeDenyNetworkLogonRight there. Mandatory for renewal-only endpoints, where CES talks to the
/// CA as itself; a warning otherwise, where the delegated requester logs on instead (CES-B4).
public struct D4NetworkLogonOnCA: EndpointRule {
    public static let id = "CES-D4"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard path.endpoint.malformed == nil, let renewalOnly = path.endpoint.renewalOnly else {
            return context.finding(
                Self.id, .unknown, path: path, message: "malformed endpoint: cannot tell whether it is renewal-only")
        }
        let caHost = path.ca.dnsHostName?.lowercased()
        if let caHost, let cesHost = path.endpoint.host, caHost == cesHost {
            return context.finding(
                Self.id, .skipped, path: path, message: "CA and CES run on the same host (\(caHost))")
        }
        let datum = context.hostDatum(\.userRights, host: caHost, file: "secedit.inf")
        guard let rights = datum.value else {
            return context.finding(Self.id, .unknown, path: path, message: datum.missingReason ?? "not supplied")
        }
        guard let principal = path.principalToken else { return context.principalTokenProblem(Self.id, path) }
        let (account, token) = principal
        let assignment = rights.assignment
        let evidence: [String: EvidenceValue] = [
            "SeNetworkLogonRight": .list(
                (assignment.holders(of: "SeNetworkLogonRight") ?? []).map { .string($0.description) }),
            "SeDenyNetworkLogonRight": .list(
                (assignment.holders(of: "SeDenyNetworkLogonRight") ?? []).map { .string($0.description) }),
            "renewalOnly": .bool(renewalOnly),
        ]
        switch UserRightCheck.evaluate(
            rights, right: "SeNetworkLogonRight", denyRight: "SeDenyNetworkLogonRight", token: token, account: account,
            host: caHost ?? "?")
        {
        case .granted(let message):
            return context.finding(Self.id, .pass, path: path, message: message, evidence: evidence)
        case .notGranted(let message), .denied(let message):
            let status: Status = renewalOnly ? .fail : .warn
            let suffix = renewalOnly ? "" : " (not renewal-only: the delegated requester logs on instead, CES-B4)"
            return context.finding(Self.id, status, path: path, message: message + suffix, evidence: evidence)
        case .unknown(let message):
            return context.finding(Self.id, .unknown, path: path, message: message, evidence: evidence)
        }
    }
}
