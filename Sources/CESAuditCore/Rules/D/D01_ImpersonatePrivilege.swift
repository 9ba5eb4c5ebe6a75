import ADModel

/// CES-D1: CES impersonates the requester before calling the CA and needs SeImpersonatePrivilege on its host.
/// The principal qualifies by its own SID, a group in its token, or IIS_IUSRS (S-1-5-32-568), which app-pool
/// identities get at runtime and a domain service account through local membership (CES-D2).
public struct D1ImpersonatePrivilege: EndpointRule {
    public static let id = "CES-D1"
    static let right = "SeImpersonatePrivilege"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let host = path.endpoint.host
        let datum = context.hostDatum(\.userRights, host: host, file: "secedit.inf")
        guard let rights = datum.value else {
            return context.finding(Self.id, .unknown, path: path, message: datum.missingReason ?? "not supplied")
        }
        guard let principal = path.principalToken else { return context.principalTokenProblem(Self.id, path) }
        var (account, token) = principal
        token.insert(.iisIUSRS)
        let listed = rights.assignment.holders(of: Self.right)?.map(\.description) ?? []
        let evidence: [String: EvidenceValue] = [Self.right: .list(listed.map { .string($0) })]
        switch UserRightCheck.evaluate(
            rights, right: Self.right, denyRight: nil, token: token, account: account, host: host ?? "?")
        {
        case .granted(let message):
            let note =
                message.contains("*\(SID.iisIUSRS)") ? " (IIS_IUSRS: the principal must be a member, CES-D2)" : ""
            return context.finding(Self.id, .pass, path: path, message: message + note, evidence: evidence)
        case .notGranted(let message), .denied(let message):
            return context.finding(Self.id, .fail, path: path, message: message, evidence: evidence)
        case .unknown(let message):
            return context.finding(Self.id, .unknown, path: path, message: message, evidence: evidence)
        }
    }
}
