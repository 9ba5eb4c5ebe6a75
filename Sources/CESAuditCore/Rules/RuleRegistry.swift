/// Every implemented rule, by the shape of path it judges. A rule is added here once, in its own file.
public enum RuleRegistry {
    /// Requester on an enrollment path (families A, B1).
    public static let requesterRules: [any RequesterRule] = [
        A1RequesterNotDelegated(), A2RequesterInProtectedUsers(), A3RequesterCannotLogOn(), B1CAEnrollPermission(),
    ]

    /// One CES endpoint with its principal and CA (families C, D, E).
    public static let endpointRules: [any EndpointRule] = [
        C1DelegationRequired(), C2ConstrainedDelegationToCA(), C3ProtocolTransition(), C4UnconstrainedDelegationOnly(),
        C5ResourceBasedDelegation(), C6PrincipalNotDelegable(), C7PrincipalUsable(), D1ImpersonatePrivilege(),
        D2IISUsersMembership(), D3ApplicationPoolLogonRight(), D4NetworkLogonOnCA(), E1PrincipalReadOnCA(),
        E2RenewOnBehalfOf(),
    ]

    /// Requester, template and CA (families B, F).
    public static let templateRules: [any TemplateRule] = [
        B2TemplateEnrollPermission(), B3TemplatePublished(), F1EmailRequired(), F2UPNRequired(), F3DNSNameRequired(),
    ]

    public static var implementedIDs: [String] {
        requesterRules.map { type(of: $0).id } + endpointRules.map { type(of: $0).id }
            + templateRules.map { type(of: $0).id }
    }
}
