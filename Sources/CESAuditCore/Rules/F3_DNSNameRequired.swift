import ADModel

/// CES-F3: SUBJECT_ALT_REQUIRE_DNS / SUBJECT_REQUIRE_DNS_AS_CN need `dNSHostName`, which user accounts do
/// not have (CERTSRV_E_SUBJECT_DNS_REQUIRED).
public struct F3DNSNameRequired: RequiredAttributeRule {
    public static let id = "CES-F3"
    public init() {}

    /// The check, with this rule's flags and attribute.
    static let check = RequiredAttributeCheck(
        ruleID: id, flags: [.subjectAltRequireDNS, .subjectRequireDNSAsCN], attribute: "dNSHostName",
        value: \.dnsHostName
    )
}
