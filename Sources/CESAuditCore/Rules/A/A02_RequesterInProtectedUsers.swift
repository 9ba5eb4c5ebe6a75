import ADModel

/// CES-A2: members of Protected Users (domain RID 525) get no forwardable tickets from a DC whose
/// domainControllerFunctionality is Windows Server 2012 R2 (6) or higher (MS-KILE 3.3.5.1) — whatever the domain
/// functional level. With every DC below 6 the block starts with the first DC at 6 or above.
public struct A2RequesterInProtectedUsers: RequesterRule {
    public static let id = "CES-A2"
    public init() {}

    /// The domain's Protected Users group; nil when the domain SID was not read.
    static func protectedUsers(in domain: DirectorySnapshot.Domain) -> SID? {
        guard let text = domain.sid, let sid = try? SID(string: text) else { return nil }
        return try? SID(domain: sid, rid: DomainRID.protectedUsers.rawValue)
    }

    /// Whether `requester`, whose transitive groups are `groups`, is in Protected Users (CES-K1 predicts with it).
    static func isMember(_ requester: AccountRecord, groups: [String], of protectedUsers: SID) -> Bool {
        requester.token?.contains(protectedUsers) ?? groups.contains(protectedUsers.description)
    }

    public func pathVerdict(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext
    ) -> PathVerdict? { context.delegationVerdict(ca: ca, endpoint: endpoint) }

    public func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        guard let groups = path.requester.tokenGroups.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: path.requester.tokenGroups.missingReason ?? "tokenGroups not read")
        }
        guard let protectedUsers = context.protectedUsers else {
            return context.finding(Self.id, .unknown, path: path, message: "the domain SID was not read")
        }
        let isMember = Self.isMember(path.requester, groups: groups, of: protectedUsers)
        let domain = context.snapshot.domain
        var evidence: [String: EvidenceValue] = ["protectedUsersMember": .bool(isMember)]
        if let level = domain.functionalLevel {
            evidence["domainFunctionality"] = .integer(Int64(level))
        }
        guard isMember else {
            return context.finding(
                Self.id, .pass, path: path, message: "not a member of Protected Users (\(protectedUsers))",
                evidence: evidence)
        }
        if let levels = domain.domainControllerLevels?.value {
            for (name, level) in levels { evidence["domainControllerFunctionality:\(name)"] = .integer(Int64(level)) }
        }
        let member = "member of Protected Users (\(protectedUsers))"
        switch domain.protectedUsersEnforcement {
        case .enforced(let dc, let level):
            return context.finding(
                Self.id, .fail, path: path,
                message: "\(member); domain controller \(dc) at functional level \(level) (≥ 6) enforces it",
                evidence: evidence)
        case .notYet(let highest):
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "\(member); every domain controller is below functional level 6 (highest \(highest)), so none enforces it yet — enrollment breaks with the first Windows Server 2012 R2 or later DC",
                evidence: evidence)
        case .unknown(let reason):
            return context.finding(Self.id, .unknown, path: path, message: "\(member); \(reason)", evidence: evidence)
        }
    }
}
