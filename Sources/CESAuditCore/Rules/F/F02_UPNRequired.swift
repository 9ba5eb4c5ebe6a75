import ADModel

/// CES-F2: SUBJECT_ALT_REQUIRE_UPN needs `userPrincipalName` (CERTSRV_E_SUBJECT_UPN_REQUIRED).
public struct F2UPNRequired: RequiredAttributeRule {
    public static let id = "CES-F2"
    public init() {}

    /// The check, with this rule's flags and attribute.
    static let check = RequiredAttributeCheck(
        ruleID: id, flags: [.subjectAltRequireUPN], attribute: "userPrincipalName", value: \.userPrincipalName
    )
}
