import ADModel

/// CES-A2: members of Protected Users (domain RID 525) cannot be delegated once the domain functional
/// level is Windows Server 2012 R2 (6) or higher; below it the block starts the day the level is raised.
public struct A2RequesterInProtectedUsers: RequesterRule {
    public static let id = "CES-A2"
    static let protectedUsersRID: UInt32 = 525
    static let minimumLevel = 6
    public init() {}

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
        let isMember = path.requester.token?.contains(protectedUsers) ?? groups.contains(protectedUsers.description)
        var evidence: [String: EvidenceValue] = ["protectedUsersMember": .bool(isMember)]
        if let level = context.snapshot.domain.functionalLevel {
            evidence["domainFunctionality"] = .integer(Int64(level))
        }
        guard isMember else {
            return context.finding(
                Self.id, .pass, path: path, message: "not a member of Protected Users (\(protectedUsers))",
                evidence: evidence)
        }
        guard let level = context.snapshot.domain.functionalLevel else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "member of Protected Users (\(protectedUsers)); the domain functional level was not read",
                evidence: evidence)
        }
        if level >= Self.minimumLevel {
            return context.finding(
                Self.id, .fail, path: path,
                message: "member of Protected Users (\(protectedUsers)); domain functional level \(level) enforces it",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .warn, path: path,
            message:
                "member of Protected Users (\(protectedUsers)); domain functional level \(level) < 6 does not enforce it yet — enrollment breaks when the level is raised",
            evidence: evidence)
    }
}
