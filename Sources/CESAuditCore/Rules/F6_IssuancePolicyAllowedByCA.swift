import ADModel
import Foundation

/// CES-F6: a CA certificate with a certificatePolicies extension that lacks anyPolicy restricts the issuance
/// policies valid below it (RFC 5280 policy processing), so a template asserting another policy makes the CA
/// return CERT_E_INVALID_POLICY. AD holds only the issuing CA's certificate (`cACertificate`): parent CAs
/// are not checked, and the messages say so.
public struct F6IssuancePolicyAllowedByCA: TemplateRule {
    public static let id = "CES-F6"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        let requested = path.template.issuancePolicies
        var evidence: [String: EvidenceValue] = ["msPKI-Certificate-Policy": .list(requested.map { .string($0) })]
        guard !requested.isEmpty else {
            return context.finding(
                Self.id, .skipped, path: path, message: "template \(path.template.name) asserts no issuance policy",
                evidence: evidence)
        }
        let certificate: CACertificate
        switch path.issuingCACertificate {
        case .failure(let reason):
            return context.finding(Self.id, .unknown, path: path, message: reason.message, evidence: evidence)
        case .success(let decoded):
            certificate = decoded
        }
        let template = path.template.name
        let asserted = "issuance " + policyPhrase("policy", "policies", requested)
        guard let policies = certificate.certificatePolicies else {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "the CA certificate of \(path.ca.name) (\(certificate.subject)) has no certificatePolicies extension, so it does not restrict template \(template)'s \(asserted); \(CACertificateProblem.parentsNotChecked)",
                evidence: evidence)
        }
        evidence["caCertificatePolicies"] = .list(policies.map { .string($0) })
        if policies.contains(PolicyOID.anyPolicy) {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "the CA certificate of \(path.ca.name) (\(certificate.subject)) asserts anyPolicy (2.5.29.32.0), so template \(template)'s \(asserted) is permitted; \(CACertificateProblem.parentsNotChecked)",
                evidence: evidence)
        }
        let disallowed = certificate.disallowedIssuancePolicies(requested)
        guard disallowed.isEmpty else {
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "template \(template) asserts issuance \(policyPhrase("policy", "policies", disallowed)), which the CA certificate's policies (\(policies.joined(separator: ", "))) do not include (CA certificate of \(path.ca.name): \(certificate.subject)); \(CACertificateProblem.parentsNotChecked)",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "the CA certificate's policies (\(policies.joined(separator: ", "))) include template \(template)'s \(asserted); \(CACertificateProblem.parentsNotChecked)",
            evidence: evidence)
    }
}

/// Why the issuing CA certificate cannot be judged (CES-F6, CES-F6b): the reason is the `unknown` message.
struct CACertificateProblem: Error {
    let message: String

    static let parentsNotChecked = "parent CAs not checked (only the issuing CA certificate is in AD)"
}

extension TemplatePath {
    /// The CA's `cACertificate`, decoded (once per run); a failure names what is missing or why it does not decode.
    var issuingCACertificate: Result<CACertificate, CACertificateProblem> {
        guard let bytes = ca.caCertificate, !bytes.isEmpty else {
            return .failure(
                CACertificateProblem(message: "\(ca.name) has no cACertificate in AD; its policies cannot be checked"))
        }
        do {
            return .success(try CACertificateCache.certificate(bytes))
        } catch {
            return .failure(
                CACertificateProblem(message: "the cACertificate of \(ca.name) cannot be decoded: \(error)"))
        }
    }
}

/// `policy 1.2.3` / `policies 1.2.3, 1.2.4`.
func policyPhrase(_ singular: String, _ pluralForm: String, _ oids: [String]) -> String {
    "\(oids.count == 1 ? singular : pluralForm) \(oids.joined(separator: ", "))"
}
