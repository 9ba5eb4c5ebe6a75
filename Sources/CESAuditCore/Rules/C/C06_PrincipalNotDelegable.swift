import ADModel

/// CES-C6: the CES principal itself should not be "sensitive" or in Protected Users.
public struct C6PrincipalNotDelegable: EndpointRule {
    public static let id = "CES-C6"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let (early, account) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let account, let flags = account.flags, let groups = account.tokenGroups.value else {
            let reason = account?.userAccountControl.missingReason ?? account?.tokenGroups.missingReason ?? "not read"
            return context.finding(Self.id, .unknown, path: path, message: reason)
        }
        var problems: [String] = []
        if A1RequesterNotDelegated.refusesDelegation(flags) { problems.append("NOT_DELEGATED (0x100000) is set") }
        if let protectedUsers = context.protectedUsers {
            if A2RequesterInProtectedUsers.isMember(account, groups: groups, of: protectedUsers) {
                problems.append("member of Protected Users")
            }
        } else if problems.isEmpty {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "\(account.samAccountName) is not sensitive, but whether it is in Protected Users is unknown: the domain SID was not read"
            )
        }
        if problems.isEmpty {
            return context.finding(
                Self.id, .pass, path: path,
                message: "\(account.samAccountName) is neither sensitive nor in Protected Users")
        }
        return context.finding(
            Self.id, .warn, path: path, message: "\(account.samAccountName): " + problems.joined(separator: ", "))
    }
}
