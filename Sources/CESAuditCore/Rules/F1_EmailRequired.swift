import ADModel

/// CES-F1: a template that puts the e-mail address into the subject or SAN needs `mail` on the requester
/// (CERTSRV_E_SUBJECT_EMAIL_REQUIRED). EDITF_EMAILOPTIONAL may soften this; EditFlags come from evidence.
public struct F1EmailRequired: RequiredAttributeRule {
    public static let id = "CES-F1"
    public init() {}

    /// The check, with this rule's flags and attribute.
    static let check = RequiredAttributeCheck(
        ruleID: id, flags: [.subjectRequireEmail, .subjectAltRequireEmail], attribute: "mail", value: \.mail
    )
}
