/// CES-B3: the CA must publish the template (`certificateTemplates` of its enrollment-service object);
/// otherwise CERTSRV_E_UNSUPPORTED_CERT_TYPE.
public struct B3TemplatePublished: TemplateOnlyRule {
    public static let id = "CES-B3"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        let published = path.ca.certificateTemplates.contains {
            $0.caseInsensitiveCompare(path.template.name) == .orderedSame
        }
        let evidence: [String: EvidenceValue] = [
            "certificateTemplates": .list(path.ca.certificateTemplates.map { .string($0) })
        ]
        if published {
            return context.finding(
                Self.id, .pass, path: path, message: "\(path.ca.name) publishes \(path.template.name)",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .fail, path: path, message: "\(path.ca.name) does not publish \(path.template.name)",
            evidence: evidence)
    }
}
