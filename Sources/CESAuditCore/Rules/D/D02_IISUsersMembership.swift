import ADModel

/// CES-D2: a domain service account running CES must be in the local IIS_IUSRS group (S-1-5-32-568) of the CES
/// host, which `local-groups.txt` lists. The principal qualifies by its own SID or a domain group of its token that
/// is a member. Not needed when SeImpersonatePrivilege names the principal or one of its groups directly.
public struct D2IISUsersMembership: EndpointRule {
    public static let id = "CES-D2"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        if let account = path.principal.account, account.isComputer, !account.isGroupManagedServiceAccount {
            return context.finding(
                Self.id, .skipped, path: path,
                message:
                    "\(account.samAccountName) is a computer account: the built-in app-pool identity gets IIS_IUSRS at runtime"
            )
        }
        let host = path.endpoint.host
        let hostName = host ?? "the CES host"
        let datum = context.hostDatum(\.localGroups, host: host, file: "local-groups.txt")
        guard let groups = datum.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "\(datum.missingReason ?? "not supplied"): collect the members of IIS_IUSRS on \(hostName) (Get-LocalGroupMember -SID S-1-5-32-568)"
            )
        }
        guard let members = groups.members(of: .iisIUSRS) else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "local-groups.txt of \(hostName) does not list IIS_IUSRS (S-1-5-32-568): not collected")
        }
        guard let principal = path.principalToken else { return context.principalTokenProblem(Self.id, path) }
        let (account, token) = principal
        let evidence: [String: EvidenceValue] = ["IIS_IUSRS": .list(members.map { .string($0.description) })]
        if let member = members.first(where: { token.contains($0) }) {
            return context.finding(
                Self.id, .pass, path: path,
                message: "IIS_IUSRS on \(hostName) has \(member), which \(account.samAccountName) holds",
                evidence: evidence)
        }
        let listed = members.isEmpty ? "no members" : members.map(\.description).joined(separator: ", ")
        // Impersonation granted to the principal itself makes the membership unnecessary (CES-D1 checks the right).
        if let rights = context.hostDatum(\.userRights, host: host, file: "secedit.inf").value,
            case .granted(let by) = UserRightCheck.decide(
                rights.assignment, "SeImpersonatePrivilege", token: token, account: account)
        {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "IIS_IUSRS on \(hostName) has \(listed), not \(account.samAccountName), but SeImpersonatePrivilege lists \(by) directly",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .fail, path: path,
            message:
                "IIS_IUSRS on \(hostName) has \(listed): none is \(account.samAccountName) or one of its groups",
            evidence: evidence)
    }
}
