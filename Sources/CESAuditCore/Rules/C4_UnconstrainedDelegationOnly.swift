import ADModel

/// CES-C4: unconstrained delegation without C2/C5 works only until Credential Guard runs on the client or
/// the CES host (default on Windows 11 22H2 and Server 2025): a warning, since that state is not in AD.
public struct C4UnconstrainedDelegationOnly: EndpointRule {
    public static let id = "CES-C4"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let (early, account) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let account, let control = account.userAccountControl.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: account?.userAccountControl.missingReason ?? "not read")
        }
        let evidence: [String: EvidenceValue] = ["userAccountControl": .integer(Int64(control))]
        let unconstrained = UserAccountControl(rawValue: control).contains(.trustedForDelegation)
        let constrainedWorks =
            path.missingTargets?.isEmpty == true || path.resourceBasedDelegationAllowsPrincipal == true
        if unconstrained && !constrainedWorks {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "userAccountControl \(control.hex) has TRUSTED_FOR_DELEGATION (0x80000) and no constrained or resource-based delegation to the CA; Credential Guard state is not in AD",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message: unconstrained
                ? "unconstrained delegation is set, but constrained or resource-based delegation covers the CA"
                : "no reliance on unconstrained delegation",
            evidence: evidence)
    }
}
