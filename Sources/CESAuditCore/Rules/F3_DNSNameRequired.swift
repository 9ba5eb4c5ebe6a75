import ADModel

/// CES-F3: SUBJECT_ALT_REQUIRE_DNS / SUBJECT_REQUIRE_DNS_AS_CN need `dNSHostName`, which user accounts do
/// not have (CERTSRV_E_SUBJECT_DNS_REQUIRED).
public struct F3DNSNameRequired: TemplateRule {
    public static let id = "CES-F3"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        RequiredAttributeCheck(
            ruleID: Self.id, flags: [.subjectAltRequireDNS, .subjectRequireDNSAsCN], attribute: "dNSHostName",
            value: \.dnsHostName
        ).evaluate(path, in: context)
    }
}
