/// Every implemented rule, by the shape of path it judges. A rule is added here once, in its own file.
public enum RuleRegistry {
    /// Requester on an enrollment path (families A, B1).
    public static let requesterRules: [any RequesterRule] = [
        A1RequesterNotDelegated(), A2RequesterInProtectedUsers(), A3RequesterCannotLogOn(), B1CAEnrollPermission(),
        B4RequesterDCOMOnCA(), B5EnrollmentServiceEnroll(),
    ]

    /// One CES endpoint with its principal and CA (families C, D, E).
    public static let endpointRules: [any EndpointRule] = [
        C1DelegationRequired(), C2ConstrainedDelegationToCA(), C3ProtocolTransition(), C4UnconstrainedDelegationOnly(),
        C5ResourceBasedDelegation(), C6PrincipalNotDelegable(), C7PrincipalUsable(), D1ImpersonatePrivilege(),
        D2IISUsersMembership(), D3ApplicationPoolLogonRight(), D4NetworkLogonOnCA(), E1PrincipalReadOnCA(),
        E2RenewOnBehalfOf(),
        C8HTTPServicePrincipalName(), C9PrincipalEncryptionTypes(), C10S4U2SelfGroupRead(),
        C11CrossForestAuthentication(),
        E4EndpointConsistency(), G1RPCFromCESToCA(), G2RPCFromCAToDomainControllers(), G3MultipleSiteBindings(),
        G4CANameWithSpaces(), G5SilentContextExplainOnly(),
    ]

    /// Requester, template and CA (families B, E3/E5/E6, F).
    public static let templateRules: [any TemplateRule] = [
        B2TemplateEnrollPermission(), B3TemplatePublished(), F1EmailRequired(), F2UPNRequired(), F3DNSNameRequired(),
        F4DirectoryNameRequired(), F5RASignaturesRequired(), F6IssuancePolicyAllowedByCA(),
        F6bApplicationPolicyAllowedByCA(), F7IssuancePolicyDefined(), F8OtherTemplateConstraints(),
        E3KeyBasedRenewalTemplate(), E5TemplateCompatibility(), E6ValidityAndRenewalPeriod(),
    ]

    public static var implementedIDs: [String] {
        requesterRules.map { type(of: $0).id } + endpointRules.map { type(of: $0).id }
            + templateRules.map { type(of: $0).id }
    }
}
