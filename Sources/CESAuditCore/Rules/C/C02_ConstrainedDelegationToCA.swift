import ADModel

/// CES-C2: the CES principal needs constrained delegation to HOST/ and RPCSS/ on the CA — unless RBCD on
/// the CA allows it (C5). Unconstrained delegation alone is a warning on a Kerberos endpoint (Credential Guard
/// blocks it, C4) and a failure on a certificate endpoint, which has no user TGT to forward (MS-SFU 3.2.5.2.1).
public struct C2ConstrainedDelegationToCA: EndpointRule {
    public static let id = "CES-C2"
    public init() {}

    /// Whether `account`'s msDS-AllowedToDelegateTo lists `target` (SPNs compare case-insensitively).
    static func delegates(_ account: AccountRecord, to target: String) -> Bool {
        let target = target.lowercased()
        return account.allowedToDelegateTo.contains { $0.lowercased() == target }
    }

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
        switch path.resourceBasedDelegation {
        case .allows:
            return context.finding(
                Self.id, .pass, path: path,
                message: "\(lacking), but resource-based delegation on the CA computer allows it (CES-C5)",
                evidence: evidence)
        case .unknown(let why):
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "\(lacking); whether resource-based delegation on the CA computer allows it instead (CES-C5) is unknown: \(why)",
                evidence: evidence)
        case .doesNotAllow:
            break
        }
        if account.flags.map(C4UnconstrainedDelegationOnly.hasUnconstrainedDelegation) == true {
            guard path.endpoint.authenticationFlag == EnrollmentAuthentication.certificate.rawValue else {
                return context.finding(
                    Self.id, .warn, path: path,
                    message:
                        "\(lacking); only unconstrained delegation is configured, which Credential Guard blocks (CES-C4)",
                    evidence: evidence)
            }
            // No user TGT to forward on certificate authentication: CES needs S4U2proxy (MS-SFU 3.2.5.2.1).
            let refusal =
                account.allowedToDelegateTo.isEmpty
                ? "an empty msDS-AllowedToDelegateTo is refused with KRB-ERR-BADOPTION / STATUS_NOT_SUPPORTED"
                : "the missing targets is refused with KRB-ERR-BADOPTION / STATUS_NO_MATCH"
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "\(lacking); unconstrained delegation does not help certificate authentication: there is no user TGT to forward, and S4U2proxy with \(refusal) (MS-SFU 3.2.5.2.1)",
                evidence: evidence)
        }
        return context.finding(Self.id, .fail, path: path, message: lacking, evidence: evidence)
    }
}
