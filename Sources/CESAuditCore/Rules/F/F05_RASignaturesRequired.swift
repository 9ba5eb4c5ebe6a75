import ADModel

/// CES-F5: a template with `msPKI-RA-Signature` > 0 needs that many enrollment-agent co-signatures; a CES
/// client's request carries none unless an enrollment agent co-signs it, so the CA answers
/// CERTSRV_E_SIGNATURE_POLICY_REQUIRED (none) or CERTSRV_E_SIGNATURE_COUNT (too few). With enrollment flag 0x40
/// renewals are exempt: the rule, judged per template, passes when every CES path is renewal-only (issue 21 item 7).
public struct F5RASignaturesRequired: TemplateOnlyRule {
    public static let id = "CES-F5"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        if let gate = context.unreadAttributeGate(Self.id, path, needs: ["msPKI-RA-Signature"]) { return gate }
        let count = path.template.raSignatures
        let evidence: [String: EvidenceValue] = ["msPKI-RA-Signature": .integer(Int64(count))]
        guard count >= 0 else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "template \(path.template.name) has an invalid msPKI-RA-Signature \(count)", evidence: evidence
            )
        }
        guard count > 0 else {
            return context.finding(
                Self.id, .pass, path: path,
                message: "template \(path.template.name) requires no enrollment-agent signature (msPKI-RA-Signature 0)",
                evidence: evidence)
        }
        let requires =
            "template \(path.template.name) requires \(count) enrollment-agent signature(s) (msPKI-RA-Signature \(count))"
        // MS-WCCE 3.2.2.6.2.1.4.5.6: with CT_FLAG_PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT (0x40) a renewal signed
        // with the certificate being renewed needs no RA signature: only initial enrollment does.
        guard EnrollmentFlags(rawValue: path.template.enrollmentFlags).contains(.previousApprovalValidateReenrollment)
        else {
            return context.finding(
                Self.id, .warn, path: path, message: "\(requires); a CES request carries none unless it is co-signed",
                evidence: evidence)
        }
        // The paths through CES: the endpoint judged, else every endpoint of the CA.
        let endpoints = path.endpoint.map { [$0] } ?? path.ca.endpoints
        let exempt =
            "renewals are exempt: CT_FLAG_PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT (0x40) accepts a renewal signed with the previous certificate (MS-WCCE 3.2.2.6.2.1.4.5.6)"
        if !endpoints.isEmpty, endpoints.allSatisfy({ $0.malformed == nil && $0.renewalOnly == true }) {
            return context.finding(
                Self.id, .pass, path: path,
                message: "\(requires), but \(exempt), and every CES path here is renewal-only", evidence: evidence)
        }
        return context.finding(
            Self.id, .warn, path: path,
            message:
                "\(requires) for initial enrollment, which a CES request does not carry unless co-signed; \(exempt)",
            evidence: evidence)
    }
}
