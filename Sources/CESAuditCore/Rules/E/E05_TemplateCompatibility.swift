import ADModel

/// CES-E5: CEP/CES offer only templates whose compatibility is at most CA Windows Server 2012 R2 and recipient
/// Windows 8.1 (KB4508802); a newer template is invisible to the client, a symptom often confused with the
/// fault. The numeric thresholds (5 = 2012 R2) are inferred [I], and the messages say so.
public struct E5TemplateCompatibility: TemplateOnlyRule {
    public static let id = "CES-E5"
    public init() {}

    /// Highest compatibility value CEP/CES accept in either field [I].
    static let maximumVersion = 5

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        if let gate = context.unreadAttributeGate(Self.id, path, needs: ["msPKI-Private-Key-Flag"]) { return gate }
        let flags = PrivateKeyFlags(rawValue: path.template.privateKeyFlags)
        let evidence: [String: EvidenceValue] = [
            "msPKI-Private-Key-Flag": .integer(Int64(path.template.privateKeyFlags)),
            "serverVersion": .integer(Int64(flags.serverVersion)),
            "clientVersion": .integer(Int64(flags.clientVersion)),
        ]
        let threshold = "threshold \(Self.maximumVersion) = Windows Server 2012 R2 / Windows 8.1, inferred [I]"
        var problems: [String] = []
        if flags.serverVersion > Self.maximumVersion {
            problems.append("CA compatibility \(flags.serverVersion) is newer than Windows Server 2012 R2")
        }
        if flags.clientVersion > Self.maximumVersion {
            problems.append(
                "recipient compatibility \(flags.clientVersion) is newer than Windows 8.1 / Windows Server 2012 R2")
        }
        let values = "msPKI-Private-Key-Flag \(path.template.privateKeyFlags.hex)"
        guard problems.isEmpty else {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "template \(path.template.name): \(problems.joined(separator: "; ")) (\(values); \(threshold)); CEP/CES will not offer it",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "template \(path.template.name): CA compatibility \(flags.serverVersion), recipient compatibility \(flags.clientVersion) (\(values); \(threshold))",
            evidence: evidence)
    }
}
