import ADModel

/// CES-C10: for certificate authentication CES does S4U2self, and the KDC reads the requester's
/// tokenGroupsGlobalAndUniversal with the CES principal's token; denied, it answers KDC_ERR_C_PRINCIPAL_UNKNOWN
/// (KB2009157). The rule runs that access check (READ_PROPERTY on the attribute) on the requester's descriptor in
/// the user job, on a sample of users' descriptors otherwise. By default it is granted (Windows Authorization Access
/// Group, Pre-Windows 2000 Compatible Access).
public struct C10S4U2SelfGroupRead: EndpointRule {
    public static let id = "CES-C10"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        if let gate = context.authenticationGate(Self.id, path, requires: .certificate) { return gate }
        let (early, principal) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let account = principal, var token = account.token else {
            return context.principalTokenProblem(Self.id, path)
        }
        let group = SID.windowsAuthorizationAccessGroup
        let isMember = token.contains(group)
        var evidence: [String: EvidenceValue] = ["windowsAuthorizationAccessGroupMember": .bool(isMember)]
        let sample = context.snapshot.groupReadSample
        let aliases = sample?.everyoneAliases.value
        for alias in aliases ?? [] {
            if let sid = try? SID(string: alias) { token.insert(sid) }
        }
        let targets = path.groupReadTargets ?? sample?.users
        let ofRequester = path.groupReadTargets != nil
        guard let users = targets?.value, !users.isEmpty else {
            let reason = targets?.missingReason ?? "no user's nTSecurityDescriptor was read"
            if isMember {
                // Microsoft's fix (KB2009157), and the group AD's default ACE on user objects grants the read.
                return context.finding(
                    Self.id, .pass, path: path,
                    message:
                        "\(account.samAccountName) is a member of Windows Authorization Access Group (\(group)), which AD grants the read by default; no descriptor checked (\(reason))",
                    evidence: evidence)
            }
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "cannot check whether \(account.samAccountName) may read users' tokenGroupsGlobalAndUniversal: \(reason)",
                evidence: evidence)
        }
        var granted: [String] = []
        var refused: [String] = []
        var malformed: [String] = []
        for user in users {
            guard let descriptor = try? SecurityDescriptor(selfRelative: Array(user.descriptor)) else {
                malformed.append(user.samAccountName)
                continue
            }
            let decision = descriptor.check(
                token, desired: .readProperty, objectType: GroupReadSample.tokenGroupsGlobalAndUniversal,
                mapping: .directoryService)
            if decision.isGranted {
                granted.append(user.samAccountName)
            } else {
                let ace =
                    if case .denied(let index, _) = decision, let ace = descriptor.dacl?.aces[safe: index] {
                        " — deny ACE for \(ace.sid)"
                    } else { "" }
                refused.append("\(user.samAccountName) (\(decision)\(ace))")
            }
        }
        evidence["granted"] = .list(granted.map { .string($0) })
        evidence["refused"] = .list(refused.map { .string($0) })
        if let aliases { evidence["everyoneAliases"] = .list(aliases.map { .string($0) }) }
        let check = "READ_PROPERTY on tokenGroupsGlobalAndUniversal for \(account.samAccountName)"
        if !refused.isEmpty {
            // Not granted may come from a builtin group that holds Everyone but was not read: then not certain.
            if aliases == nil {
                return context.finding(
                    Self.id, .unknown, path: path,
                    message:
                        "\(check) not granted on \(refused.joined(separator: "; ")), but the builtin groups every logon holds were not read (\(sample?.everyoneAliases.missingReason ?? "not collected"))",
                    evidence: evidence)
            }
            // The requester's own descriptor: S4U2self certainly fails. A sampled user: others may differ.
            return context.finding(
                Self.id, ofRequester ? .fail : .warn, path: path,
                message:
                    "\(check) refused on \(ofRequester ? "the requester" : "sampled user(s)") \(refused.joined(separator: "; ")): the KDC answers S4U2self with KDC_ERR_C_PRINCIPAL_UNKNOWN",
                evidence: evidence)
        }
        if !malformed.isEmpty {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "nTSecurityDescriptor malformed on \(malformed.joined(separator: ", "))", evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "\(check) granted on \(ofRequester ? "the requester" : "every sampled user"): \(granted.joined(separator: ", "))",
            evidence: evidence)
    }
}
