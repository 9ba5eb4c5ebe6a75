import ADModel
import Foundation

/// CES-F6: a CA certificate with a certificatePolicies extension that lacks anyPolicy restricts the issuance
/// policies valid below it (RFC 5280 policy processing), so a template asserting another policy makes the CA
/// return CERT_E_INVALID_POLICY. Every CA certificate of the chain counts (KB2962991), the issuing CA's and
/// those above it up to the root, as published in AD (`TemplatePath.caChain(in:)`).
public struct F6IssuancePolicyAllowedByCA: TemplateOnlyRule {
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
        let chain: CACertificateChain
        switch path.caChain(in: context) {
        case .failure(let reason):
            return context.finding(Self.id, .unknown, path: path, message: reason.message, evidence: evidence)
        case .success(let built):
            chain = built
        }
        let issuing = chain.certificates[0]
        if let policies = issuing.certificatePolicies {
            evidence["caCertificatePolicies"] = .list(policies.map { .string($0) })
        }
        evidence["caChain"] = .list(chain.certificates.map { .string($0.subject) })
        let template = path.template.name
        var problems: [String] = []
        var permits: [String] = []
        for (index, certificate) in chain.certificates.enumerated() {
            let role = CACertificateChain.role(index, of: chain, ca: path.ca.name)
            guard let policies = certificate.certificatePolicies else {
                permits.append("\(role) has no certificatePolicies extension")
                continue
            }
            if policies.contains(PolicyOID.anyPolicy) {
                permits.append("\(role) asserts anyPolicy (2.5.29.32.0)")
                continue
            }
            permits.append("\(role) lists \(policies.joined(separator: ", "))")
            let disallowed = certificate.disallowedIssuancePolicies(requested)
            if !disallowed.isEmpty {
                problems.append(
                    "template \(template) asserts issuance \(policyPhrase("policy", "policies", disallowed)), which the certificate policies of the \(role) (\(policies.joined(separator: ", "))) do not include"
                )
            }
        }
        if !problems.isEmpty {
            return context.finding(
                Self.id, .fail, path: path, message: problems.joined(separator: "; "), evidence: evidence)
        }
        let asserted = "issuance " + policyPhrase("policy", "policies", requested)
        if let incomplete = chain.incomplete {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "template \(template)'s \(asserted) is permitted as far as the chain is known (\(permits.joined(separator: "; "))), but \(incomplete): the CAs above it cannot be checked",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "every CA certificate of the chain permits template \(template)'s \(asserted): \(permits.joined(separator: "; "))",
            evidence: evidence)
    }
}

/// Why the issuing CA certificate cannot be judged (CES-F6, CES-F6b): the reason is the `unknown` message.
struct CACertificateProblem: Error {
    let message: String
}

extension CACertificateChain {
    /// "CA certificate of corp-CA01 (CN=…)" for the issuing CA, "parent CA certificate CN=…" above it.
    static func role(_ index: Int, of chain: CACertificateChain, ca: String) -> String {
        let subject = chain.certificates[index].subject
        return index == 0 ? "CA certificate of \(ca) (\(subject))" : "parent CA certificate \(subject)"
    }
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

    /// The issuing CA's certificate and those above it up to a self-signed root, from the CA certificates in AD
    /// (`CN=Certification Authorities` and `CN=AIA`, `DirectorySnapshot.caCertificates`); certificates there that
    /// do not decode cannot be links. The chain says why it stops short of a root.
    func caChain(in context: RuleContext) -> Result<CACertificateChain, CACertificateProblem> {
        let issuing: CACertificate
        switch issuingCACertificate {
        case .failure(let problem): return .failure(problem)
        case .success(let certificate): issuing = certificate
        }
        let published = context.snapshot.caCertificates
        let candidates = (published?.value ?? []).compactMap { try? CACertificateCache.certificate($0) }
        var chain = CACertificateChain(issuing: issuing, candidates: candidates)
        if chain.incomplete != nil, published?.value == nil {
            chain.incomplete =
                published?.missingReason
                ?? "the CA certificates in AD (CN=Certification Authorities, CN=AIA) were not read"
        }
        return .success(chain)
    }
}

/// `policy 1.2.3` / `policies 1.2.3, 1.2.4`.
func policyPhrase(_ singular: String, _ pluralForm: String, _ oids: [String]) -> String {
    "\(oids.count == 1 ? singular : pluralForm) \(oids.joined(separator: ", "))"
}
