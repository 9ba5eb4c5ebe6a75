import ADModel

/// CES-C7: the CES principal must be able to log on: not disabled, not expired (accountExpires), and for a user
/// service account not locked out and without an expired password; a gMSA's password must be retrievable by the CES
/// host (msDS-GroupMSAMembership). Otherwise the application pool does not start.
public struct C7PrincipalUsable: EndpointRule {
    public static let id = "CES-C7"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard let account = path.principal.account else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved")
        }
        guard let control = account.userAccountControl.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: account.userAccountControl.missingReason ?? "not read")
        }
        var evidence: [String: EvidenceValue] = ["userAccountControl": .integer(Int64(control))]
        var problems: [String] = []
        var unknown: String?
        if UserAccountControl(rawValue: control).contains(.accountDisable) {
            problems.append("is disabled (userAccountControl \(control.hex))")
        }
        if let expired = account.expiredNote(at: context.snapshot.collectedAt), let value = account.accountExpires {
            problems.append(expired)
            evidence["accountExpires"] = .integer(value)
        }
        if !account.isComputer {
            // A user service account's password is typed into IIS: lockout and expiry stop the pool.
            if let computed = account.userAccountControlComputed.value {
                let live = UserAccountControl(rawValue: computed)
                if live.contains(.lockout) { problems.append("is locked out (LOCKOUT 0x10)") }
                if live.contains(.passwordExpired) {
                    problems.append("has an expired password (PASSWORD_EXPIRED 0x800000)")
                }
                if !live.intersection([.lockout, .passwordExpired]).isEmpty {
                    evidence["msDS-User-Account-Control-Computed"] = .integer(Int64(computed))
                }
            } else {
                unknown =
                    account.userAccountControlComputed.missingReason ?? "msDS-User-Account-Control-Computed not read"
            }
        }
        var retrieval = ""
        if account.isGroupManagedServiceAccount {
            switch Self.passwordRetrieval(account, by: path.principal.hostComputer, host: path.endpoint.host) {
            case .success(let granted): retrieval = granted
            case .failure(.denied(let reason)): problems.append(reason)
            case .failure(.unknown(let reason)): unknown = reason
            }
        }
        if !problems.isEmpty {
            return context.finding(
                Self.id, .fail, path: path,
                message: "\(account.samAccountName) " + problems.joined(separator: ", "), evidence: evidence)
        }
        if let unknown {
            return context.finding(Self.id, .unknown, path: path, message: unknown, evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path, message: "\(account.samAccountName) is enabled" + retrieval, evidence: evidence)
    }

    enum Retrieval: Error {
        case denied(String)
        case unknown(String)
    }

    /// Whether the CES host's computer may retrieve the gMSA's password: an access check of msDS-GroupMSAMembership
    /// with the computer's token for READ_PROPERTY (PrincipalsAllowedToRetrieveManagedPassword grants full control).
    static func passwordRetrieval(_ gmsa: AccountRecord, by computer: AccountRecord?, host: String?)
        -> Result<String, Retrieval>
    {
        guard let bytes = gmsa.groupMSAMembership else {
            return .failure(
                .unknown("msDS-GroupMSAMembership of \(gmsa.samAccountName) not returned (not set, or not readable)"))
        }
        guard let descriptor = try? SecurityDescriptor(selfRelative: Array(bytes)) else {
            return .failure(.unknown("msDS-GroupMSAMembership of \(gmsa.samAccountName) is malformed"))
        }
        guard let computer, let token = computer.token else {
            return .failure(
                .unknown(
                    "the computer account of the CES host \(host ?? "?") (or its groups) was not read: cannot tell whether it may retrieve the password of \(gmsa.samAccountName)"
                ))
        }
        let decision = descriptor.check(token, desired: .readProperty, mapping: .directoryService)
        guard decision.isGranted else {
            return .failure(
                .denied(
                    "may not have its password retrieved by the CES host's computer \(computer.samAccountName): msDS-GroupMSAMembership \(decision)"
                ))
        }
        return .success(" and the CES host's computer \(computer.samAccountName) may retrieve its password")
    }
}
