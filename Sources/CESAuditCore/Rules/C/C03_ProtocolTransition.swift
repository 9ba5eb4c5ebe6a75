import ADModel

/// CES-C3: certificate authentication needs protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION) with the
/// constrained delegation of C2 — or RBCD on the CA, where the KDC always allows protocol transition.
public struct C3ProtocolTransition: EndpointRule {
    public static let id = "CES-C3"
    public init() {}

    /// Whether the account may use protocol transition (TRUSTED_TO_AUTH_FOR_DELEGATION).
    static func hasProtocolTransition(_ control: UserAccountControl) -> Bool {
        control.contains(.trustedToAuthenticateForDelegation)
    }

    /// Whether the KDC makes the account's S4U2Self tickets forwardable (MS-SFU 3.2.5.1.2): not without protocol
    /// transition when msDS-AllowedToDelegateTo is set.
    static func selfTicketsForwardable(_ account: AccountRecord, control: UserAccountControl) -> Bool {
        hasProtocolTransition(control) || account.allowedToDelegateTo.isEmpty
    }

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        if let gate = context.authenticationGate(Self.id, path, requires: .certificate) { return gate }
        let (early, account) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let account, let control = account.userAccountControl.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: account?.userAccountControl.missingReason ?? "not read")
        }
        let evidence: [String: EvidenceValue] = ["userAccountControl": .integer(Int64(control))]
        let transition = Self.hasProtocolTransition(UserAccountControl(rawValue: control))
        if transition && path.missingTargets?.isEmpty == true {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "userAccountControl \(control.hex) has TRUSTED_TO_AUTH_FOR_DELEGATION (0x1000000) with HOST/RPCSS targets",
                evidence: evidence)
        }
        let reason =
            transition
            ? "has TRUSTED_TO_AUTH_FOR_DELEGATION but lacks the HOST/RPCSS targets of CES-C2"
            : "lacks TRUSTED_TO_AUTH_FOR_DELEGATION (0x1000000)"
        switch path.resourceBasedDelegation {
        case .allows:
            return context.finding(
                Self.id, .pass, path: path,
                message: "resource-based delegation on the CA computer allows protocol transition",
                evidence: evidence)
        case .unknown(let why):
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "userAccountControl \(control.hex) \(reason); whether resource-based delegation on the CA computer allows protocol transition instead (CES-C5) is unknown: \(why)",
                evidence: evidence)
        case .doesNotAllow:
            return context.finding(
                Self.id, .fail, path: path, message: "userAccountControl \(control.hex) \(reason)", evidence: evidence)
        }
    }
}
