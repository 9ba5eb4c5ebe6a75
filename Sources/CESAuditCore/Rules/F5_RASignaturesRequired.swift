import ADModel

/// CES-F5: a template with `msPKI-RA-Signature` > 0 needs that many enrollment-agent co-signatures; a CES
/// client's request carries none unless an enrollment agent co-signs it, so the CA answers
/// CERTSRV_E_SIGNATURE_POLICY_REQUIRED (none) or CERTSRV_E_SIGNATURE_COUNT (too few).
public struct F5RASignaturesRequired: TemplateRule {
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
        return context.finding(
            Self.id, .warn, path: path,
            message:
                "template \(path.template.name) requires \(count) enrollment-agent signature(s) (msPKI-RA-Signature \(count)); a CES request carries none unless it is co-signed",
            evidence: evidence)
    }
}
