/// CES-C1: decides whether the endpoint needs delegation at all; C2–C7 apply only when it does.
public struct C1DelegationRequired: EndpointRule {
    public static let id = "CES-C1"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let evidence: [String: EvidenceValue] = [
            "authFlag": .integer(Int64(path.endpoint.authenticationFlag ?? 0)),
            "renewalOnly": .bool(path.endpoint.renewalOnly ?? false),
            "cesHost": .string(path.endpoint.host ?? "?"), "caHost": .string(path.ca.dnsHostName ?? "?"),
        ]
        switch path.delegationDecision {
        case nil:
            let reason =
                path.endpoint.malformed.map { "malformed msPKI-Enrollment-Servers value: \($0)" }
                ?? "the CA host or the endpoint host is unknown"
            return context.finding(Self.id, .unknown, path: path, message: reason, evidence: evidence)
        case let decision? where decision.required:
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "delegation required: auth flag \(path.endpoint.authenticationFlag ?? 0), not renewal-only, \(decision.basis)",
                evidence: evidence)
        case let decision?:
            return context.finding(
                Self.id, .skipped, path: path, message: "no delegation needed: \(decision.basis)", evidence: evidence)
        }
    }
}
