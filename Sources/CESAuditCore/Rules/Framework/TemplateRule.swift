import ADModel

/// One template on a CA, asked for by a requester (requester rules B2, F1–F4) or judged on its own (the
/// template's findings then have the template as subject), optionally through a CES endpoint.
public struct TemplatePath: Sendable {
    public var requester: AccountRecord?
    public var ca: EnrollmentServiceRecord
    public var template: TemplateRecord
    public var endpoint: EnrollmentServiceRecord.Endpoint?
    /// The endpoint's CES principal, which submits renewal-only / KBR requests under its own name (CES-E3).
    public var principal: AccountRecord?

    public init(
        requester: AccountRecord?, ca: EnrollmentServiceRecord, template: TemplateRecord,
        endpoint: EnrollmentServiceRecord.Endpoint? = nil, principal: AccountRecord? = nil
    ) {
        self.requester = requester
        self.ca = ca
        self.template = template
        self.endpoint = endpoint
        self.principal = principal
    }

    var nameFlags: CertificateNameFlags { CertificateNameFlags(rawValue: template.nameFlags) }

    /// The CA builds the subject from AD only when the enrollee does not supply it (MS-WCCE 3.2.2.6.2.1.4.5.9).
    var subjectFromDirectory: Bool { !nameFlags.contains(.enrolleeSuppliesSubject) }
}

/// What every rule on a `TemplatePath` has. A rule conforms to one of the three shapes below, not to this
/// directly: each registry list takes one shape, so a rule put in the wrong list does not compile.
public protocol TemplateRule: AuditRule {
    func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding
}

/// A requester and a template on a CA (B2, F1–F4): the requester is the subject.
public protocol RequesterTemplateRule: TemplateRule {
    /// The status `evaluate` gives every requester on this template when the template alone decides it (a name flag
    /// it does not set); nil when the requester must be looked at. A scan counts such findings once per template
    /// instead of building them for every account.
    func statusForEveryRequester(_ path: TemplatePath, in context: RuleContext) -> Status?
}

extension RequesterTemplateRule {
    public func statusForEveryRequester(_ path: TemplatePath, in context: RuleContext) -> Status? { nil }
}

/// A template on a CA, judged once whoever asks (B3, E5, E6, F5–F8): the template is the subject.
public protocol TemplateOnlyRule: TemplateRule {}

/// A template behind one CES endpoint and its principal (E3, key-based renewal): the template is the subject.
public protocol EndpointTemplateRule: TemplateRule {}

extension RuleContext {
    func finding(
        _ ruleID: String, _ status: Status, path: TemplatePath, message: @autoclosure () -> String,
        evidence: @autoclosure () -> [String: EvidenceValue] = [:]
    ) -> Finding {
        guard let requester = path.requester else {
            var finding = makeFinding(
                ruleID, status, subject: Subject(kind: .template, name: path.template.name, dn: path.template.dn),
                endpoint: path.endpoint, message: message(), evidence: evidence()
            ) {
                var values = placeholderValues(ca: path.ca, endpoint: path.endpoint)
                values["template"] = path.template.name
                if let principal = path.principal {
                    values["principal"] = principal.samAccountName
                    values["principalDN"] = principal.dn
                }
                return values
            }
            // A template is judged on every CA that publishes it.
            if !isBare(status) { finding.evidence["ca"] = .string(path.ca.name) }
            return finding
        }
        // The subject built here, not through an EnrollmentPath: a scan makes this finding for every account and
        // template, and copying the account and CA records into a path was a good part of its cost.
        var finding = makeFinding(
            ruleID, status, subject: Self.subject(requester), endpoint: path.endpoint, message: message(),
            evidence: evidence()
        ) {
            var values = placeholderValues(ca: path.ca, endpoint: path.endpoint)
            values["template"] = path.template.name
            values["account"] = requester.samAccountName
            return values
        }
        if !isBare(status) { finding.evidence["template"] = .string(path.template.name) }
        return finding
    }

    /// `skipped` for a requester rule on a template path without a requester (a template judged on its own).
    func noRequester(_ ruleID: String, _ path: TemplatePath) -> Finding {
        finding(ruleID, .skipped, path: path, message: "no requester on this path")
    }
}

extension RuleContext {
    /// `unknown` when a flag attribute the rule reads was not on the template entry (its field reads 0).
    func unreadAttributeGate(_ ruleID: String, _ path: TemplatePath, needs attributes: [String]) -> Finding? {
        // Asked on every account and template of a scan: nothing to look at is the usual case.
        guard let unreadOnTemplate = path.template.unreadAttributes, !unreadOnTemplate.isEmpty else { return nil }
        let unread = attributes.filter { unreadOnTemplate.contains($0) }
        guard !unread.isEmpty else { return nil }
        return finding(
            ruleID, .unknown, path: path,
            message: "template \(path.template.name) has no \(unread.joined(separator: ", ")) (not readable or damaged)"
        )
    }
}

/// F1–F3: a template rule that is one `RequiredAttributeCheck`.
protocol RequiredAttributeRule: RequesterTemplateRule {
    static var check: RequiredAttributeCheck { get }
}

extension RequiredAttributeRule {
    public func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        Self.check.evaluate(path, in: context)
    }

    public func statusForEveryRequester(_ path: TemplatePath, in context: RuleContext) -> Status? {
        Self.check.statusForEveryRequester(path, in: context)
    }
}

/// Shared shape of F1–F3: a name flag demands a directory attribute the requester lacks.
struct RequiredAttributeCheck: Sendable {
    let ruleID: String
    let flags: CertificateNameFlags
    let attribute: String
    let value: @Sendable (AccountRecord) -> String?
    /// A CA EditFlags bit that makes the missing attribute a warning instead of a failure (F1: EDITF_EMAILOPTIONAL).
    var softenedBy: EditFlags? = nil
    /// Flags that need the attribute only on machine templates (F3: SUBJECT_REQUIRE_DNS_AS_CN and
    /// SUBJECT_REQUIRE_COMMON_NAME, MS-WCCE 3.2.2.6.2.1.4.4.1; a user request takes the CN from `cn`,
    /// 3.2.2.6.2.1.4.5.9). When the template's flags were not read and only these apply, a missing attribute is
    /// unknown: the template may be a user template.
    var machineOnly: CertificateNameFlags = []

    func evaluate(_ path: TemplatePath, in context: RuleContext) -> Finding {
        guard let requester = path.requester else { return context.noRequester(ruleID, path) }
        if let gate = context.unreadAttributeGate(ruleID, path, needs: Self.attributes) { return gate }
        var status = verdict(requester, path)
        var evidence: [String: EvidenceValue] = [
            "msPKI-Certificate-Name-Flag": .integer(Int64(path.template.nameFlags))
        ]
        var note = ""
        if status == .fail, let softenedBy,
            let flags = context.hostDatum(\.editFlags, host: path.ca.dnsHostName, file: "editflags.txt").value,
            EditFlags(rawValue: flags).contains(softenedBy)
        {
            status = .warn
            evidence["EditFlags"] = .integer(Int64(flags))
            note =
                "; the CA's EditFlags \(flags.hex) has \(softenedBy.names.joined(separator: ", ")) (\(softenedBy.rawValue.hex)), whose effect is not publicly documented"
        }
        return context.finding(
            ruleID, status, path: path, message: message(status, requester, path) + note, evidence: evidence)
    }

    private func message(_ status: Status, _ requester: AccountRecord, _ path: TemplatePath) -> String {
        let needs = "template \(path.template.name) needs \(attribute) (name flags \(path.template.nameFlags.hex))"
        switch status {
        case .skipped: return "template \(path.template.name) does not take \(attribute) from the directory"
        case .pass: return "\(needs); \(requester.samAccountName) has it"
        case .unknown:
            return
                "template \(path.template.name) needs \(attribute) only if it is a machine template (name flags \(path.template.nameFlags.hex)), and its flags were not read; \(requester.samAccountName) has none"
        default: return "\(needs) but \(requester.samAccountName) has none"
        }
    }

    /// The template's attributes the check reads.
    static let attributes = ["msPKI-Certificate-Name-Flag"]

    /// `skipped` for every requester when the template does not take the attribute from the directory.
    func statusForEveryRequester(_ path: TemplatePath, in context: RuleContext) -> Status? {
        guard context.unreadAttributeGate(ruleID, path, needs: Self.attributes) == nil else { return nil }
        return takesAttribute(path) ? nil : .skipped
    }

    /// Whether the CA takes the attribute from the directory for this template.
    func takesAttribute(_ path: TemplatePath) -> Bool {
        let relevant = path.template.isMachineTemplate == false ? flags.subtracting(machineOnly) : flags
        return path.subjectFromDirectory && !path.nameFlags.intersection(relevant).isEmpty
    }

    /// `skipped` when the template does not take the attribute from the directory, else `pass` or `fail`.
    func verdict(_ requester: AccountRecord, _ path: TemplatePath) -> Status {
        guard takesAttribute(path) else { return .skipped }
        if let present = value(requester), !present.isEmpty { return .pass }
        if path.template.isMachineTemplate == nil && path.nameFlags.intersection(flags.subtracting(machineOnly)).isEmpty
        {
            return .unknown
        }
        return .fail
    }
}
