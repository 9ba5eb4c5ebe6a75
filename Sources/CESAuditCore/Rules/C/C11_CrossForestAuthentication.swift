import ADModel

/// CES-C11: a requester from a trusted forest or domain whose trust uses selective authentication needs "Allowed to
/// authenticate" on the CES host's and the CA's computer objects. The setting is TRUST_ATTRIBUTE_CROSS_ORGANIZATION
/// on this forest's trustedDomain object for the outbound trust (MS-ADTS 6.1.6.7.9), so this domain's LDAP shows
/// whether the rule applies; who the foreign requesters are, and which of their groups should hold the right, is
/// the administrator's knowledge: with such a trust the rule is a checklist item.
public struct C11CrossForestAuthentication: EndpointRule {
    public static let id = "CES-C11"
    public init() {}

    /// The extended right "Allowed to authenticate".
    static let allowedToAuthenticate = "68b1d179-0d15-4d4f-ab71-46152e79a7bc"

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let computers = "\(path.endpoint.host ?? "the CES host") and \(path.ca.dnsHostName ?? "the CA")"
        guard let trusts = context.snapshot.trusts else {
            return context.finding(
                Self.id, .skipped, path: path,
                message:
                    "the snapshot holds no trusts (taken before they were read); for requesters from a trusted forest with selective authentication, check that they (or a group) hold Allowed to authenticate (\(Self.allowedToAuthenticate)) on the computer objects of \(computers)"
            )
        }
        guard let records = trusts.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "whether a trust uses selective authentication is unknown: \(trusts.missingReason ?? "not read")")
        }
        let rootTrusts = context.snapshot.forestRootTrusts
        let selective = (records + (rootTrusts?.value ?? [])).filter(\.isSelectiveInbound).map(\.partner).sorted()
        var evidence: [String: EvidenceValue] = ["selectiveAuthenticationTrusts": .list(selective.map { .string($0) })]
        if selective.isEmpty, let unread = rootTrusts?.missingReason {
            // A child domain's DCs do not hold the forest root's CN=System, where forest trusts are: a checklist
            // item rather than an unknown on every endpoint of every child domain.
            evidence["forestRootTrusts"] = .string("not read: \(unread)")
            return context.finding(
                Self.id, .manual, path: path,
                message:
                    "no trust of this domain uses selective authentication, but the forest root's trusts (forest trusts) could not be read from this domain's DC (\(unread)): check them with 'Get-ADTrust -Filter * -Server <forest root domain>' (SelectiveAuthentication); for such a trust, its requesters need Allowed to authenticate (\(Self.allowedToAuthenticate)) on the computer objects of \(computers)",
                evidence: evidence)
        }
        guard !selective.isEmpty else {
            return context.finding(
                Self.id, .skipped, path: path,
                message:
                    "no trust with selective authentication (\(records.count) trustedDomain object\(records.count == 1 ? "" : "s")): requesters from trusted domains need no Allowed to authenticate",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .manual, path: path,
            message:
                "the trust\(selective.count == 1 ? "" : "s") with \(selective.joined(separator: ", ")) use\(selective.count == 1 ? "s" : "") selective authentication: requesters from there (or a group of theirs) must hold Allowed to authenticate (\(Self.allowedToAuthenticate)) on the computer objects of \(computers)",
            evidence: evidence)
    }
}
