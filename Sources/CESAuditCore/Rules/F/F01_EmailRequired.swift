import ADModel

/// CES-F1: a template that puts the e-mail address into the subject or SAN needs `mail` on the requester
/// (CERTSRV_E_SUBJECT_EMAIL_REQUIRED). With EDITF_EMAILOPTIONAL in the CA's EditFlags (host evidence) the
/// finding is a warning: the flag may suppress the error, but that is not publicly documented.
public struct F1EmailRequired: RequiredAttributeRule {
    public static let id = "CES-F1"
    public init() {}

    /// The check, with this rule's flags and attribute.
    static let check = RequiredAttributeCheck(
        ruleID: id, flags: [.subjectRequireEmail, .subjectAltRequireEmail], attribute: "mail", value: \.mail,
        softenedBy: .emailOptional
    )
}
