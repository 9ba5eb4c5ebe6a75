import ADModel

/// CES-F3: SUBJECT_ALT_REQUIRE_DNS needs `dNSHostName`, which user accounts do not have
/// (CERTSRV_E_SUBJECT_DNS_REQUIRED); SUBJECT_REQUIRE_DNS_AS_CN and SUBJECT_REQUIRE_COMMON_NAME need it only on a machine
/// template (CT_FLAG_MACHINE_TYPE 0x40 in the template's flags, MS-WCCE 3.2.2.6.2.1.4.4.1): for a user request the CA
/// takes the CN from `cn` (MS-WCCE 3.2.2.6.2.1.4.5.9).
public struct F3DNSNameRequired: RequiredAttributeRule {
    public static let id = "CES-F3"
    public init() {}

    /// The check, with this rule's flags and attribute.
    static let check = RequiredAttributeCheck(
        ruleID: id, flags: [.subjectAltRequireDNS, .subjectRequireDNSAsCN, .subjectRequireCommonName],
        attribute: "dNSHostName", value: \.dnsHostName,
        machineOnly: [.subjectRequireDNSAsCN, .subjectRequireCommonName]
    )
}
