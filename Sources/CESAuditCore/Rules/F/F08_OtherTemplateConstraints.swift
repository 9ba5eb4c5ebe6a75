import ADModel

/// CES-F8: constraints the request itself must meet (minimal key size → CERTSRV_E_KEY_LENGTH, key archival →
/// 0x80094804, policies from the request → CERTSRV_E_TEMPLATE_CONFLICT). The auditor does not see the request,
/// so this is context: a `pass` whose message lists the values, for `explain` to match the client's error.
public struct F8OtherTemplateConstraints: TemplateOnlyRule {
    public static let id = "CES-F8"
    public init() {}

    /// CT_FLAG_REQUIRE_PRIVATE_KEY_ARCHIVAL in msPKI-Private-Key-Flag (MS-CRTD 2.27).
    static let requirePrivateKeyArchival: UInt32 = 0x0000_0001

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        if let gate = context.unreadAttributeGate(
            Self.id, path, needs: ["msPKI-Private-Key-Flag", "msPKI-Enrollment-Flag"])
        {
            return gate
        }
        let template = path.template
        var evidence: [String: EvidenceValue] = [
            "msPKI-Private-Key-Flag": .integer(Int64(template.privateKeyFlags)),
            "msPKI-Enrollment-Flag": .integer(Int64(template.enrollmentFlags)),
        ]
        guard let keySize = template.minimalKeySize else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "msPKI-Minimal-Key-Size of template \(template.name) was not returned", evidence: evidence)
        }
        evidence["msPKI-Minimal-Key-Size"] = .integer(Int64(keySize))
        var notes = ["minimal key size \(keySize) bits (a shorter key gives 0x80094811 CERTSRV_E_KEY_LENGTH)"]
        if template.privateKeyFlags & Self.requirePrivateKeyArchival != 0 {
            notes.append(
                "key archival required (msPKI-Private-Key-Flag 0x1; a request without the key gives 0x80094804)")
        }
        // MS-WCCE 3.2.2.6.2.1.4.5.8: with the flag set, the CA keeps the request's policies that the template lists;
        // with msPKI-Certificate-Policy empty, a request that names policies is refused as a template conflict.
        if EnrollmentFlags(rawValue: template.enrollmentFlags).contains(.issuancePoliciesFromRequest) {
            let policies =
                template.issuancePolicies.isEmpty
                ? "issuance policies come from the request, and msPKI-Certificate-Policy is empty: a request that names any gives 0x80094802 CERTSRV_E_TEMPLATE_CONFLICT"
                : "issuance policies come from the request, limited to those msPKI-Certificate-Policy lists"
            notes.append(policies)
        }
        return context.finding(
            Self.id, .pass, path: path, message: "template \(template.name): " + notes.joined(separator: "; "),
            evidence: evidence)
    }
}
