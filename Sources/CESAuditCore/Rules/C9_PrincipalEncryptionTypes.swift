import ADModel

/// CES-C9: when the domain no longer allows RC4, a CES principal without AES keys can neither get nor
/// serve tickets (KDC_ERR_ETYPE_NOSUPP). `msDS-SupportedEncryptionTypes` tells which keys the KDC may use.
public struct C9PrincipalEncryptionTypes: EndpointRule {
    public static let id = "CES-C9"
    public init() {}

    static let aes128: UInt32 = 0x8
    static let aes256: UInt32 = 0x10

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard path.endpoint.malformed == nil, let flag = path.endpoint.authenticationFlag else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "malformed endpoint (\(path.endpoint.malformed ?? "no authentication flag")): cannot tell whether it uses Kerberos"
            )
        }
        guard
            flag == EnrollmentAuthentication.kerberos.rawValue || flag == EnrollmentAuthentication.certificate.rawValue
        else {
            return context.finding(
                Self.id, .skipped, path: path,
                message: "authentication flag \(flag) is neither Kerberos (2) nor Certificate (8)")
        }
        guard let account = path.principal.account else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved")
        }
        guard let types = account.supportedEncryptionTypes else {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "\(account.samAccountName) has no msDS-SupportedEncryptionTypes: the domain default applies, which may not include AES; set 0x18 (AES128 + AES256) explicitly if RC4 is disabled",
                evidence: ["msDS-SupportedEncryptionTypes": .string("absent")])
        }
        let evidence: [String: EvidenceValue] = ["msDS-SupportedEncryptionTypes": .integer(Int64(types))]
        if types & (Self.aes128 | Self.aes256) != 0 {
            var names: [String] = []
            if types & Self.aes128 != 0 { names.append("AES128 0x8") }
            if types & Self.aes256 != 0 { names.append("AES256 0x10") }
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "msDS-SupportedEncryptionTypes of \(account.samAccountName) is \(types.hex) (\(names.joined(separator: ", ")))",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .warn, path: path,
            message:
                "msDS-SupportedEncryptionTypes of \(account.samAccountName) is \(types.hex): neither AES128 (0x8) nor AES256 (0x10); Kerberos fails when RC4 is disabled",
            evidence: evidence)
    }
}
