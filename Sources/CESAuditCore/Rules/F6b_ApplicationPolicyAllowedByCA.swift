import ADModel
import Foundation

/// CES-F6b: a CA certificate with an EKU (2.5.29.37) or application-policies (1.3.6.1.4.1.311.21.10) list
/// without anyExtendedKeyUsage restricts the EKUs of what it issues; a template asking for another one makes
/// the CA return CERT_E_INVALID_POLICY (KB2962991 for EKU; application policies by analogy). Only the issuing
/// CA certificate is in AD, so parent CAs are not checked.
public struct F6bApplicationPolicyAllowedByCA: TemplateRule {
    public static let id = "CES-F6b"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        var requested: [String] = []
        for oid in path.template.extendedKeyUsages + path.template.applicationPolicies where !requested.contains(oid) {
            requested.append(oid)
        }
        var evidence: [String: EvidenceValue] = [
            "pKIExtendedKeyUsage": .list(path.template.extendedKeyUsages.map { .string($0) }),
            "msPKI-Certificate-Application-Policy": .list(path.template.applicationPolicies.map { .string($0) }),
        ]
        let template = path.template.name
        guard !requested.isEmpty else {
            return context.finding(
                Self.id, .skipped, path: path, message: "template \(template) asserts no EKU or application policy",
                evidence: evidence)
        }
        let certificate: CACertificate
        switch path.issuingCACertificate {
        case .failure(let reason):
            return context.finding(Self.id, .unknown, path: path, message: reason.message, evidence: evidence)
        case .success(let decoded):
            certificate = decoded
        }
        let lists: [(name: String, isPlural: Bool, oids: [String]?)] = [
            ("EKU list", false, certificate.extendedKeyUsages),
            ("application policies", true, certificate.applicationPolicies),
        ]
        if let ekus = certificate.extendedKeyUsages {
            evidence["caExtendedKeyUsages"] = .list(ekus.map { .string($0) })
        }
        if let policies = certificate.applicationPolicies {
            evidence["caApplicationPolicies"] = .list(policies.map { .string($0) })
        }
        var restrictions: [String] = []
        var problems: [String] = []
        for (name, isPlural, oids) in lists {
            guard let oids else { continue }
            if oids.contains(PolicyOID.anyExtendedKeyUsage) {
                restrictions.append(
                    "its \(name) (\(oids.joined(separator: ", "))) \(isPlural ? "include" : "includes") anyExtendedKeyUsage"
                )
                continue
            }
            restrictions.append("its \(name) \(isPlural ? "are" : "is") \(oids.joined(separator: ", "))")
            let missing = requested.filter { !oids.contains($0) }
            if !missing.isEmpty {
                problems.append(
                    "template \(template) asserts \(policyPhrase("EKU/application policy", "EKUs/application policies", missing)), which the CA certificate's \(name) (\(oids.joined(separator: ", "))) \(isPlural ? "do" : "does") not include"
                )
            }
        }
        let subject = "CA certificate of \(path.ca.name): \(certificate.subject)"
        if !problems.isEmpty {
            return context.finding(
                Self.id, .fail, path: path,
                message: problems.joined(separator: "; ") + " (\(subject)); \(CACertificateProblem.parentsNotChecked)",
                evidence: evidence)
        }
        let why =
            restrictions.isEmpty
            ? "the CA certificate has no EKU or application-policies extension"
            : "the CA certificate permits them: " + restrictions.joined(separator: "; ")
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "template \(template) asserts \(policyPhrase("EKU/application policy", "EKUs/application policies", requested)); \(why) (\(subject)); \(CACertificateProblem.parentsNotChecked)",
            evidence: evidence)
    }
}
