import ADModel

/// CES-C11: a requester from a trusted forest with selective authentication needs "Allowed to authenticate"
/// on the CES host's and the CA's computer objects. The trust's selective-authentication setting lives in the
/// trusting forest, and the requester's forest is not part of an endpoint, so one domain's LDAP cannot tell
/// whether this applies: the rule says so instead of guessing.
public struct C11CrossForestAuthentication: EndpointRule {
    public static let id = "CES-C11"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        context.finding(
            Self.id, .skipped, path: path,
            message:
                "cross-forest selective authentication cannot be seen from one domain's LDAP; for requesters from a trusted forest, check that they (or a group) hold Allowed to authenticate (68b1d179-0d15-4d4f-ab71-46152e79a7bc) on the computer objects of \(path.endpoint.host ?? "the CES host") and \(path.ca.dnsHostName ?? "the CA")"
        )
    }
}
