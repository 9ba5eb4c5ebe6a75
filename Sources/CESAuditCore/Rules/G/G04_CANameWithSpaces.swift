import ADModel

/// CES-G4: Microsoft warns that a CA whose common name contains spaces needs extra steps after CES is
/// installed (the URL carries the name as %20). The name is in AD, so this one is decided.
public struct G4CANameWithSpaces: EndpointRule {
    public static let id = "CES-G4"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let name = path.ca.name
        let evidence: [String: EvidenceValue] = ["caName": .string(name)]
        if name.contains(" ") {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "CA name '\(name)' contains spaces: CES needs the additional post-installation steps, and the URL must encode them as %20",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path, message: "CA name '\(name)' has no spaces", evidence: evidence)
    }
}
