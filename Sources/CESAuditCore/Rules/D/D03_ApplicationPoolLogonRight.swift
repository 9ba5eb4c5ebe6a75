import ADModel

/// CES-D3: the WSEnrollmentServer pool only starts when its account may log on as a batch job (domain user)
/// or as a service (gMSA) on the CES host and is not in the matching deny right. Built-in pool identities
/// (the computer account) need neither.
public struct D3ApplicationPoolLogonRight: EndpointRule {
    public static let id = "CES-D3"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard let account = path.principal.account else { return context.principalTokenProblem(Self.id, path) }
        let (right, deny): (String, String)
        if account.isGroupManagedServiceAccount {
            (right, deny) = ("SeServiceLogonRight", "SeDenyServiceLogonRight")
        } else if account.isComputer {
            return context.finding(
                Self.id, .skipped, path: path,
                message:
                    "\(account.samAccountName) is a computer account: a built-in app-pool identity needs no logon right"
            )
        } else {
            (right, deny) = ("SeBatchLogonRight", "SeDenyBatchLogonRight")
        }
        let host = path.endpoint.host
        let datum = context.hostDatum(\.userRights, host: host, file: "secedit.inf")
        guard let rights = datum.value else {
            return context.finding(Self.id, .unknown, path: path, message: datum.missingReason ?? "not supplied")
        }
        guard let token = account.token else { return context.principalTokenProblem(Self.id, path) }
        let assignment = rights.assignment
        let evidence: [String: EvidenceValue] = [
            right: .list((assignment.holders(of: right) ?? []).map { .string($0.description) }),
            deny: .list((assignment.holders(of: deny) ?? []).map { .string($0.description) }),
        ]
        switch UserRightCheck.evaluate(
            rights, right: right, denyRight: deny, token: token, account: account, host: host ?? "?")
        {
        case .granted(let message):
            return context.finding(Self.id, .pass, path: path, message: message, evidence: evidence)
        case .notGranted(let message), .denied(let message):
            return context.finding(Self.id, .fail, path: path, message: message, evidence: evidence)
        case .unknown(let message):
            return context.finding(Self.id, .unknown, path: path, message: message, evidence: evidence)
        }
    }
}
