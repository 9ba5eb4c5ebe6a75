import ADModel

/// CES-F4: SUBJECT_ALT_REQUIRE_DIRECTORY_GUID / _SPN make the CA read the requester's objectGUID or
/// servicePrincipalName from AD; without it the CA refuses the request (CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED
/// for the GUID). SUBJECT_ALT_REQUIRE_DOMAIN_DNS adds the FQDN and NetBIOS name of the requester's domain
/// (MS-CRTD 2.28), not a host's dNSHostName: every directory account has a domain. So the GUID and domain parts
/// only fail when the requester was not read from the directory at all.
public struct F4DirectoryNameRequired: RequesterTemplateRule {
    public static let id = "CES-F4"
    public init() {}

    /// One check per flag, in the order the message lists them.
    static let checks: [RequiredAttributeCheck] = [
        // The record came from a directory read by DN, and every directory object has an objectGUID.
        RequiredAttributeCheck(
            ruleID: id, flags: .subjectAltRequireDirectoryGUID, attribute: "objectGUID",
            value: { $0.dn.isEmpty ? nil : $0.dn }),
        RequiredAttributeCheck(
            ruleID: id, flags: .subjectAltRequireSPN, attribute: "servicePrincipalName",
            value: { $0.servicePrincipalNames.first }),
        // The domain's DNS name is the DC= part of the account's DN; its NetBIOS name is the same domain's.
        RequiredAttributeCheck(
            ruleID: id, flags: .subjectAltRequireDomainDNS, attribute: "its domain's DNS and NetBIOS names",
            value: { AccountName.dnsDomain(ofNamingContext: $0.dn) }),
    ]

    /// `skipped` for every requester when the template takes none of the three from the directory.
    public func statusForEveryRequester(_ path: TemplatePath, in context: RuleContext) -> Status? {
        guard context.unreadAttributeGate(Self.id, path, needs: RequiredAttributeCheck.attributes) == nil else {
            return nil
        }
        return Self.checks.contains { $0.takesAttribute(path) } ? nil : .skipped
    }

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        guard let requester = path.requester else { return context.noRequester(Self.id, path) }
        if let gate = context.unreadAttributeGate(Self.id, path, needs: RequiredAttributeCheck.attributes) {
            return gate
        }
        func evidence() -> [String: EvidenceValue] {
            ["msPKI-Certificate-Name-Flag": .integer(Int64(path.template.nameFlags))]
        }
        let fromTheAccountsObject: CertificateNameFlags = [.subjectAltRequireDirectoryGUID, .subjectAltRequireDomainDNS]
        if path.subjectFromDirectory, !path.nameFlags.intersection(fromTheAccountsObject).isEmpty, requester.dn.isEmpty {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "template \(path.template.name) needs objectGUID or the domain's names (name flags \(path.template.nameFlags.hex)) but \(requester.samAccountName) was not read from the directory",
                evidence: evidence())
        }
        let judged = Self.checks.map { ($0.attribute, $0.verdict(requester, path)) }.filter { $0.1 != .skipped }
        guard !judged.isEmpty else {
            return context.finding(
                Self.id, .skipped, path: path,
                message:
                    "template \(path.template.name) takes no directory GUID, SPN or domain DNS name from the directory",
                evidence: evidence())
        }
        let needs =
            "template \(path.template.name) needs \(judged.map(\.0).joined(separator: " and ")) (name flags \(path.template.nameFlags.hex))"
        let missing = judged.filter { $0.1 == .fail }.map(\.0)
        guard missing.isEmpty else {
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "\(needs) but \(requester.samAccountName) has no \(missing.joined(separator: " and no "))",
                evidence: evidence())
        }
        return context.finding(
            Self.id, .pass, path: path,
            message: "\(needs); \(requester.samAccountName) has \(judged.count == 1 ? "it" : "them")",
            evidence: evidence())
    }
}
