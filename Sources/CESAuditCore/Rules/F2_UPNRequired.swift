import ADModel

/// CES-F2: SUBJECT_ALT_REQUIRE_UPN needs `userPrincipalName` (CERTSRV_E_SUBJECT_UPN_REQUIRED).
public struct F2UPNRequired: TemplateRule {
    public static let id = "CES-F2"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        RequiredAttributeCheck(
            ruleID: Self.id, flags: [.subjectAltRequireUPN], attribute: "userPrincipalName", value: \.userPrincipalName
        ).evaluate(path, in: context)
    }
}
