/// CES-C5: resource-based constrained delegation on the CA computer as the alternative to C2/C3
/// (not mentioned in Microsoft's CES documentation: reported as a pass with a note). Decided like the KDC does
/// (MS-SFU 3.2.5.2.3): an access check of the descriptor with the principal's token, groups and deny ACEs included.
public struct C5ResourceBasedDelegation: EndpointRule {
    public static let id = "CES-C5"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let (early, account) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let caComputer = path.caComputer else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "no computer account with dNSHostName \(path.ca.dnsHostName ?? "?")")
        }
        switch path.resourceBasedDelegation {
        case .allows:
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "msDS-AllowedToActOnBehalfOfOtherIdentity of \(caComputer.samAccountName) allows \(account?.samAccountName ?? "?") (RBCD is not covered by Microsoft's CES documentation)"
            )
        case .doesNotAllow:
            return context.finding(
                Self.id, .skipped, path: path,
                message: caComputer.allowedToActOnBehalfOf == nil
                    ? "no resource-based delegation on \(caComputer.samAccountName); CES-C2 decides"
                    : "msDS-AllowedToActOnBehalfOfOtherIdentity of \(caComputer.samAccountName) grants \(account?.samAccountName ?? "?") no CONTROL_ACCESS in an access check with its groups (not named, or denied); CES-C2 decides"
            )
        case .unknown(let why):
            return context.finding(Self.id, .unknown, path: path, message: why)
        }
    }
}
