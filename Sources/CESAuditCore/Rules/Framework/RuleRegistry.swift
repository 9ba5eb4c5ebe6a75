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

    /// A requester and a template on a CA (B2, F1–F4): the requester is the subject.
    public static let requesterTemplateRules: [any RequesterTemplateRule] = [
        B2TemplateEnrollPermission(), F1EmailRequired(), F2UPNRequired(), F3DNSNameRequired(),
        F4DirectoryNameRequired(),
    ]

    /// A template on a CA, judged once whoever asks (families B3, E5/E6, F5–F8): the template is the subject.
    public static let templateRules: [any TemplateOnlyRule] = [
        B3TemplatePublished(), F5RASignaturesRequired(), F6IssuancePolicyAllowedByCA(),
        F6bApplicationPolicyAllowedByCA(), F7IssuancePolicyDefined(), F8OtherTemplateConstraints(),
        E5TemplateCompatibility(), E6ValidityAndRenewalPeriod(),
    ]

    /// A template behind one CES endpoint and its principal (E3, key-based renewal).
    public static let endpointTemplateRules: [any EndpointTemplateRule] = [E3KeyBasedRenewalTemplate()]

    /// Rules produced by the probe stage of `user` and `server` (CES-K1): they judge an endpoint together with
    /// the KDC's answer to a live S4U probe, so the evaluator runs them only when a job hands it that answer.
    public static let probeRules: [any ProbeRule] = [K1KDCOutcomeAgreement()]

    /// Rules about an endpoint and the live endpoint probe's report (CES-K2, `--probe-endpoints` on `server` and
    /// `scan`): run only when a job hands the evaluator that report.
    public static let endpointProbeRules: [any EndpointProbeRule] = [K2EndpointAnswerAgreement()]

    public static var all: [any AuditRule] {
        requesterRules + endpointRules + requesterTemplateRules + templateRules + endpointTemplateRules + probeRules
            + endpointProbeRules
    }

    public static var implementedIDs: [String] { all.map { type(of: $0).id } }
}
