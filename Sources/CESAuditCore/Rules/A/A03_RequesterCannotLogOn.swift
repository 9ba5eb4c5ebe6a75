import ADModel

/// CES-A3: a disabled, locked-out, password-expired or expired (accountExpires) requester cannot authenticate at all.
public struct A3RequesterCannotLogOn: RequesterRule {
    public static let id = "CES-A3"
    /// Whatever the endpoint or CA, the account itself cannot log on.
    public static let scope = RequesterScope.account
    public init() {}

    public func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        guard let control = path.requester.userAccountControl.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.requester.userAccountControl.missingReason ?? "not read")
        }
        guard let computed = path.requester.userAccountControlComputed.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: path.requester.userAccountControlComputed.missingReason ?? "not read")
        }
        let stored = UserAccountControl(rawValue: control)
        let live = UserAccountControl(rawValue: computed)
        var problems: [String] = []
        if stored.contains(.accountDisable) { problems.append("disabled (ACCOUNTDISABLE 0x2)") }
        if live.contains(.lockout) { problems.append("locked out (LOCKOUT 0x10)") }
        if live.contains(.passwordExpired) { problems.append("password expired (PASSWORD_EXPIRED 0x800000)") }
        // msDS-User-Account-Control-Computed does not cover account expiry: the KDC refuses an expired account
        // (KDC_ERR_CLIENT_REVOKED) whatever its flags.
        let expired = path.requester.expiredNote(at: context.snapshot.collectedAt)
        if let expired { problems.append(expired) }
        var evidence: [String: EvidenceValue] = [
            "userAccountControl": .integer(Int64(control)),
            "msDS-User-Account-Control-Computed": .integer(Int64(computed)),
        ]
        if expired != nil, let value = path.requester.accountExpires {
            evidence["accountExpires"] = .integer(value)
        }
        if problems.isEmpty {
            return context.finding(
                Self.id, .pass, path: path, message: "enabled, not locked out, password valid", evidence: evidence)
        }
        return context.finding(
            Self.id, .fail, path: path, message: "account is " + problems.joined(separator: ", "), evidence: evidence)
    }
}
