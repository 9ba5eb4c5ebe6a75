import ADModel
import Foundation

/// CES-E3: Microsoft's key-based-renewal guide sets up the template with "Allow key based renewal" (0x10000,
/// without it the renewal is refused), CA certificate manager approval, the subject supplied in the request and
/// taken from the existing certificate on renewal, and gives the CES principal Read and Enroll on it (the KBR
/// instance submits under its own name). Applies only to a KBR endpoint. A template without the flag is one
/// that is not meant for KBR (`skipped`) — unless no template of the CA has it, then KBR cannot renew anything.
public struct E3KeyBasedRenewalTemplate: EndpointTemplateRule {
    public static let id = "CES-E3"
    public init() {}

    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        if let gate = context.unreadAttributeGate(
            Self.id, path, needs: ["msPKI-Enrollment-Flag", "msPKI-Certificate-Name-Flag"])
        {
            return gate
        }
        let template = path.template
        var evidence: [String: EvidenceValue] = [
            "msPKI-Enrollment-Flag": .integer(Int64(template.enrollmentFlags)),
            "msPKI-Certificate-Name-Flag": .integer(Int64(template.nameFlags)),
        ]
        guard let endpoint = path.endpoint else {
            return context.finding(
                Self.id, .skipped, path: path, message: "no CES endpoint on this path (key-based renewal only)",
                evidence: evidence)
        }
        if let problem = endpoint.malformed {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "cannot tell whether the endpoint is a key-based-renewal endpoint: \(problem)",
                evidence: evidence)
        }
        guard endpoint.keyBasedRenewal == true else {
            return context.finding(
                Self.id, .skipped, path: path,
                message: "endpoint \(endpoint.url ?? endpoint.raw) is not a key-based-renewal endpoint",
                evidence: evidence)
        }
        let values =
            "msPKI-Enrollment-Flag \(template.enrollmentFlags.hex), msPKI-Certificate-Name-Flag \(template.nameFlags.hex)"
        guard Self.allowsKeyBasedRenewal(template) else {
            let enabled = Self.keyBasedRenewalTemplates(of: path.ca, in: context.snapshot)
            if !enabled.isEmpty {
                return context.finding(
                    Self.id, .skipped, path: path,
                    message:
                        "template \(template.name) is not enabled for key-based renewal (\(values)); \(path.ca.name) renews through \(enabled.joined(separator: ", "))",
                    evidence: evidence)
            }
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "\(path.ca.name) has a key-based-renewal endpoint but template \(template.name) lacks 'Allow key based renewal' (enrollment flag 0x00010000) and no template published on \(path.ca.name) has it (\(values))",
                evidence: evidence)
        }
        var warnings = Self.settingWarnings(template)
        let rights = principalEnroll(path)
        evidence["principalEnroll"] = .string(rights.description)
        if let problem = rights.problem { warnings.append(problem) }
        guard warnings.isEmpty else {
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "template \(template.name) allows key-based renewal but \(warnings.joined(separator: "; ")) (\(values))",
                evidence: evidence)
        }
        guard rights.judged else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "template \(template.name) is set up for key-based renewal (\(values)), but \(rights.description)",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path,
            message:
                "template \(template.name) allows key-based renewal with manager approval and the subject from the request / existing certificate (\(values)); \(rights.description)",
            evidence: evidence)
    }

    static func allowsKeyBasedRenewal(_ template: TemplateRecord) -> Bool {
        EnrollmentFlags(rawValue: template.enrollmentFlags).contains(
            .allowPreviousApprovalKeyBasedRenewalValidateReenrollment)
    }

    /// Templates published on `ca` that allow key-based renewal.
    static func keyBasedRenewalTemplates(of ca: EnrollmentServiceRecord, in snapshot: DirectorySnapshot) -> [String] {
        let published = Set(ca.certificateTemplates.map { $0.lowercased() })
        return (snapshot.templates.value ?? []).filter {
            published.contains($0.name.lowercased()) && allowsKeyBasedRenewal($0)
        }.map(\.name).sorted()
    }

    static func settingWarnings(_ template: TemplateRecord) -> [String] {
        let enrollment = EnrollmentFlags(rawValue: template.enrollmentFlags)
        let names = CertificateNameFlags(rawValue: template.nameFlags)
        var warnings: [String] = []
        if !enrollment.contains(.pendAllRequests) { warnings.append("no CA certificate manager approval (0x2)") }
        if !names.contains(.enrolleeSuppliesSubject) {
            warnings.append("subject not supplied in the request (name flag 0x1)")
        }
        if !names.contains(.oldCertSuppliesSubjectAndAltName) {
            warnings.append("subject not taken from the existing certificate on renewal (name flag 0x8)")
        }
        return warnings
    }

    /// The CES principal's Read and Enroll on the template: a problem to warn about, or why it was not judged.
    func principalEnroll(_ path: TemplatePath) -> (judged: Bool, problem: String?, description: String) {
        guard let principal = path.principal else {
            return (false, nil, "the CES principal is not resolved, so its Enroll on the template is not judged")
        }
        guard let token = principal.token else {
            return (false, nil, "the groups of \(principal.samAccountName) were not read")
        }
        guard let bytes = path.template.securityDescriptor.value,
            let descriptor = try? SecurityDescriptor(selfRelative: Array(bytes))
        else {
            return (false, nil, "the template's security descriptor was not read")
        }
        let enroll = TemplateEnrollmentRights.enroll(descriptor: descriptor, token: token)
        let read = descriptor.check(token, desired: .readProperty, mapping: .directoryService)
        guard enroll.isGranted, read.isGranted else {
            let missing = [enroll.isGranted ? nil : "Enroll (\(enroll))", read.isGranted ? nil : "Read (\(read))"]
                .compactMap { $0 }.joined(separator: " and ")
            let problem = "CES principal \(principal.samAccountName) lacks \(missing) on the template"
            return (true, problem, problem)
        }
        return (true, nil, "CES principal \(principal.samAccountName) has Read and Enroll on it")
    }
}
