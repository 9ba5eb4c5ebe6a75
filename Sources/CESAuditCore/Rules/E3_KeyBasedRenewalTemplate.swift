import ADModel

/// CES-E3: Microsoft's key-based-renewal guide sets up the template with "Allow key based renewal" (0x10000,
/// without it the renewal is refused), CA certificate manager approval, the subject supplied in the request and
/// taken from the existing certificate on renewal. Applies only to a KBR endpoint. The CES principal's Read and
/// Enroll on the template are not judged here: a template path carries no CES principal.
public struct E3KeyBasedRenewalTemplate: TemplateRule {
    public static let id = "CES-E3"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        if let gate = context.unreadAttributeGate(
            Self.id, path, needs: ["msPKI-Enrollment-Flag", "msPKI-Certificate-Name-Flag"])
        {
            return gate
        }
        let template = path.template
        let evidence: [String: EvidenceValue] = [
            "msPKI-Enrollment-Flag": .integer(Int64(template.enrollmentFlags)),
            "msPKI-Certificate-Name-Flag": .integer(Int64(template.nameFlags)),
        ]
        guard let endpoint = path.endpoint else {
            return context.finding(
                Self.id, .skipped, path: path, message: "no CES endpoint on this path (key-based renewal only)",
                evidence: evidence)
        }
        if let problem = endpoint.malformed {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "cannot tell whether the endpoint is a key-based-renewal endpoint: \(problem)",
                evidence: evidence)
        }
        guard endpoint.keyBasedRenewal == true else {
            return context.finding(
                Self.id, .skipped, path: path,
                message: "endpoint \(endpoint.url ?? endpoint.raw) is not a key-based-renewal endpoint",
                evidence: evidence)
        }
        let enrollment = EnrollmentFlags(rawValue: template.enrollmentFlags)
        let names = CertificateNameFlags(rawValue: template.nameFlags)
        let values =
            "msPKI-Enrollment-Flag \(template.enrollmentFlags.hex), msPKI-Certificate-Name-Flag \(template.nameFlags.hex)"
        let notJudged = "the CES principal's Read and Enroll on the template are not checked here"
        var warnings: [String] = []
        if !enrollment.contains(.pendAllRequests) {
            warnings.append("no CA certificate manager approval (0x2)")
        }
        if !names.contains(.enrolleeSuppliesSubject) {
            warnings.append("subject not supplied in the request (name flag 0x1)")
        }
        if !names.contains(.oldCertSuppliesSubjectAndAltName) {
            warnings.append("subject not taken from the existing certificate on renewal (name flag 0x8)")
        }
        guard template.enrollmentFlags & 0x0001_0000 != 0 else {
            let others = warnings.isEmpty ? "" : "; also " + warnings.joined(separator: ", ")
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "template \(template.name) is used for key-based renewal but lacks 'Allow key based renewal' (enrollment flag 0x00010000)\(others) (\(values)); \(notJudged)",
                evidence: evidence)
        }
        guard warnings.isEmpty else {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "template \(template.name) allows key-based renewal but has \(warnings.joined(separator: ", ")) (\(values)); \(notJudged)",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "template \(template.name) allows key-based renewal with manager approval and the subject from the request / existing certificate (\(values)); \(notJudged)",
            evidence: evidence)
    }
}
