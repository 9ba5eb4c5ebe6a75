import ADModel
import Foundation

/// CES-F6b: a CA certificate with an EKU (2.5.29.37) or application-policies (1.3.6.1.4.1.311.21.10) list
/// without anyExtendedKeyUsage restricts the EKUs of what it issues; a template asking for another one makes
/// the CA return CERT_E_INVALID_POLICY (KB2962991 for EKU; application policies by analogy). Every CA
/// certificate of the chain in AD counts, as for CES-F6.
public struct F6bApplicationPolicyAllowedByCA: TemplateOnlyRule {
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
        let chain: CACertificateChain
        switch path.caChain(in: context) {
        case .failure(let reason):
            return context.finding(Self.id, .unknown, path: path, message: reason.message, evidence: evidence)
        case .success(let built):
            chain = built
        }
        let issuing = chain.certificates[0]
        if let ekus = issuing.extendedKeyUsages {
            evidence["caExtendedKeyUsages"] = .list(ekus.map { .string($0) })
        }
        if let policies = issuing.applicationPolicies {
            evidence["caApplicationPolicies"] = .list(policies.map { .string($0) })
        }
        evidence["caChain"] = .list(chain.certificates.map { .string($0.subject) })
        var restrictions: [String] = []
        var problems: [String] = []
        for (index, certificate) in chain.certificates.enumerated() {
            let role = CACertificateChain.role(index, of: chain, ca: path.ca.name)
            let lists: [(name: String, isPlural: Bool, oids: [String]?)] = [
                ("EKU list", false, certificate.extendedKeyUsages),
                ("application policies", true, certificate.applicationPolicies),
            ]
            var restricted = false
            for (name, isPlural, oids) in lists {
                guard let oids else { continue }
                restricted = true
                if oids.contains(PolicyOID.anyExtendedKeyUsage) {
                    restrictions.append(
                        "the \(name) of the \(role) (\(oids.joined(separator: ", "))) \(isPlural ? "include" : "includes") anyExtendedKeyUsage"
                    )
                    continue
                }
                restrictions.append(
                    "the \(name) of the \(role) \(isPlural ? "are" : "is") \(oids.joined(separator: ", "))")
                let missing = requested.filter { !oids.contains($0) }
                if !missing.isEmpty {
                    problems.append(
                        "template \(template) asserts \(policyPhrase("EKU/application policy", "EKUs/application policies", missing)), which the \(name) of the \(role) (\(oids.joined(separator: ", "))) \(isPlural ? "do" : "does") not include"
                    )
                }
            }
            if !restricted { restrictions.append("the \(role) has no EKU or application-policies extension") }
        }
        if !problems.isEmpty {
            return context.finding(
                Self.id, .fail, path: path, message: problems.joined(separator: "; "), evidence: evidence)
        }
        let asserted = policyPhrase("EKU/application policy", "EKUs/application policies", requested)
        if let incomplete = chain.incomplete {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "template \(template) asserts \(asserted), permitted as far as the chain is known (\(restrictions.joined(separator: "; "))), but \(incomplete): the CAs above it cannot be checked",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "template \(template) asserts \(asserted); every CA certificate of the chain permits them: \(restrictions.joined(separator: "; "))",
            evidence: evidence)
    }
}
