/// CES-D2: a domain service account running CES must be in the local IIS_IUSRS group of the CES host. Local
/// group membership is not in AD and the evidence contract has no file for it, so the rule can only ask for it.
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
        let host = path.endpoint.host ?? "the CES host"
        return context.finding(
            Self.id, .unknown, path: path,
            message:
                "local group membership is not collected: collect the members of IIS_IUSRS on \(host) (net localgroup IIS_IUSRS)"
        )
    }
}

extension AccountRecord {
    /// objectClass msDS-GroupManagedServiceAccount (a gMSA is also a `computer`).
    var isGroupManagedServiceAccount: Bool {
        objectClasses.contains { $0.caseInsensitiveCompare("msDS-GroupManagedServiceAccount") == .orderedSame }
    }
}
