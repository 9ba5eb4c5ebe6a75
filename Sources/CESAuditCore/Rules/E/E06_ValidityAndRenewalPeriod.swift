import ADModel
import Foundation

/// CES-E6: autoenrollment and key-based renewal through CEP/CES need a validity of at least 5 days and a renewal
/// period of at least 1 day (Microsoft's NTE_SILENT_CONTEXT article); a renewal period longer than the validity
/// gives CERTSRV_E_CERT_TYPE_OVERLAP.
public struct E6ValidityAndRenewalPeriod: TemplateOnlyRule {
    public static let id = "CES-E6"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        let template = path.template.name
        var evidence: [String: EvidenceValue] = [:]
        var periods: [TemplatePeriod] = []
        for (attribute, value) in [
            ("pKIExpirationPeriod", path.template.validityPeriod), ("pKIOverlapPeriod", path.template.renewalPeriod),
        ] {
            guard let value else {
                return context.finding(
                    Self.id, .unknown, path: path, message: "\(attribute) of template \(template) was not returned",
                    evidence: evidence)
            }
            do {
                let period = try TemplatePeriod(attributeValue: Array(value))
                evidence[attribute] = .string(period.description)
                periods.append(period)
            } catch {
                return context.finding(
                    Self.id, .unknown, path: path,
                    message:
                        "\(attribute) of template \(template) cannot be parsed (\(value.map { String(format: "%02X", Int($0)) }.joined())): \(error)",
                    evidence: evidence)
            }
        }
        let (validity, renewal) = (periods[0], periods[1])
        let problems = TemplatePeriod.autoenrollmentProblems(validity: validity, renewal: renewal)
        guard problems.isEmpty else {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "template \(template): \(problems.joined(separator: "; ")) (autoenrollment/KBR need validity ≥ 5 days, renewal ≥ 1 day)",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message: "template \(template): validity \(validity), renewal \(renewal) (minimums 5 days / 1 day)",
            evidence: evidence)
    }
}
