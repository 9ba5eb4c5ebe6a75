import ADModel

/// CES-F7: issuance policies are defined as `msPKI-Enterprise-Oid` objects under CN=OID; a template asserting an
/// OID with no such object may be the "invalid issuance policy" behind the fault. The objects' `flags` value for
/// issuance policies is unverified, so only `msPKI-Cert-Template-OID` is compared.
public struct F7IssuancePolicyDefined: TemplateOnlyRule {
    public static let id = "CES-F7"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        let requested = path.template.issuancePolicies
        let evidence: [String: EvidenceValue] = ["msPKI-Certificate-Policy": .list(requested.map { .string($0) })]
        let template = path.template.name
        guard !requested.isEmpty else {
            return context.finding(
                Self.id, .skipped, path: path, message: "template \(template) asserts no issuance policy",
                evidence: evidence)
        }
        guard let records = context.snapshot.oids.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "the OID objects (CN=OID) were not read: \(context.snapshot.oids.missingReason ?? "not collected")",
                evidence: evidence)
        }
        // CN=OID itself carries the forest's base OID in msPKI-Cert-Template-OID; it defines no policy.
        let definitions = records.filter { !$0.dn.lowercased().hasPrefix("cn=oid,") && !$0.oid.isEmpty }
        var defined: [String] = []
        var undefined: [String] = []
        for oid in requested {
            if let record = definitions.first(where: { $0.oid == oid }) {
                defined.append("\(oid) (\(record.displayName.map { "'\($0)'" } ?? record.dn))")
            } else {
                undefined.append(oid)
            }
        }
        guard undefined.isEmpty else {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "template \(template) asserts issuance \(policyPhrase("policy", "policies", undefined)) with no msPKI-Enterprise-Oid object under CN=OID (\(definitions.count) OID object(s) read)",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "template \(template)'s issuance \(requested.count == 1 ? "policy is" : "policies are") defined in AD: \(defined.joined(separator: ", "))",
            evidence: evidence)
    }
}
