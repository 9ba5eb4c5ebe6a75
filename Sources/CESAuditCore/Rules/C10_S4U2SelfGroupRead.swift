import ADModel

/// CES-C10: for certificate authentication CES does S4U2self, and the KDC must read the requester's groups
/// for the CES principal. Membership of Windows Authorization Access Group (S-1-5-32-560) guarantees it;
/// otherwise it relies on Authenticated Users' default read of tokenGroupsGlobalAndUniversal, which LDAP
/// from here cannot verify on every requester object (KDC_ERR_C_PRINCIPAL_UNKNOWN when removed).
public struct C10S4U2SelfGroupRead: EndpointRule {
    public static let id = "CES-C10"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        if let gate = context.authenticationGate(Self.id, path, requires: .certificate) { return gate }
        let (early, principal) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let account = principal else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved")
        }
        guard let groups = account.tokenGroups.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "the groups of \(account.samAccountName) were not read: \(account.tokenGroups.missingReason ?? "not read")"
            )
        }
        let group = SID.windowsAuthorizationAccessGroup.description
        let evidence: [String: EvidenceValue] = ["tokenGroups": .list(groups.map { .string($0) })]
        if groups.contains(where: { $0.caseInsensitiveCompare(group) == .orderedSame }) {
            return context.finding(
                Self.id, .pass, path: path,
                message: "\(account.samAccountName) is a member of Windows Authorization Access Group (\(group))",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .warn, path: path,
            message:
                "\(account.samAccountName) is not a member of Windows Authorization Access Group (\(group)); S4U2self then relies on Authenticated Users' default read of tokenGroupsGlobalAndUniversal, which cannot be verified from here",
            evidence: evidence)
    }
}
