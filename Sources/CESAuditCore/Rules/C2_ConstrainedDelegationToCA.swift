import ADModel

/// CES-C2: the CES principal needs constrained delegation to HOST/ and RPCSS/ on the CA — unless RBCD on
/// the CA allows it (C5). Unconstrained delegation alone is a warning (Credential Guard blocks it, C4).
public struct C2ConstrainedDelegationToCA: EndpointRule {
    public static let id = "CES-C2"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let (early, account) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let account, let missing = path.missingTargets, !path.requiredTargets.isEmpty else {
            return context.finding(Self.id, .unknown, path: path, message: "the CA host name is unknown")
        }
        let evidence: [String: EvidenceValue] = [
            "msDS-AllowedToDelegateTo": .list(account.allowedToDelegateTo.map { .string($0) }),
            "required": .list(path.requiredTargets.map { .string($0) }),
        ]
        if missing.isEmpty {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "msDS-AllowedToDelegateTo of \(account.samAccountName) has \(path.requiredTargets.joined(separator: " and "))",
                evidence: evidence)
        }
        let lacking =
            "msDS-AllowedToDelegateTo of \(account.samAccountName) lacks \(missing.joined(separator: " and "))"
        if path.resourceBasedDelegationAllowsPrincipal == true {
            return context.finding(
                Self.id, .pass, path: path,
                message: "\(lacking), but resource-based delegation on the CA computer allows it (CES-C5)",
                evidence: evidence)
        }
        if account.flags?.contains(.trustedForDelegation) == true {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "\(lacking); only unconstrained delegation is configured, which Credential Guard blocks (CES-C4)",
                evidence: evidence)
        }
        return context.finding(Self.id, .fail, path: path, message: lacking, evidence: evidence)
    }
}
