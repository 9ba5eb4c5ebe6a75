import Foundation

/// Runs the registered rules over one path at a time, leaving out disabled rules and applying the site
/// policy (severity overrides, waivers) to every finding. Pure: no I/O.
public struct Evaluator: Sendable {
    public var context: RuleContext
    public var policy: SitePolicy {
        didSet { rules = EnabledRules(policy) }
    }
    public var now: Date
    /// The registry's rules the policy leaves enabled, sorted out once: a scan asks for them on every path.
    private var rules: EnabledRules

    public init(context: RuleContext, policy: SitePolicy = .none, now: Date = Date()) {
        self.context = context
        self.policy = policy
        self.now = now
        rules = EnabledRules(policy)
    }

    /// Families A, B1, B4, B5: the requester on one endpoint (rules of `RequesterScope.endpoint`).
    public func findings(for path: EnrollmentPath) -> [Finding] {
        rules.requesterOnEndpoint.map { settle($0.evaluate(path, in: context)) }
    }

    /// The path verdict of every requester rule of `RequesterScope.endpoint`, in their order (nil where the requester
    /// decides): a scan works them out once per endpoint, not once per account.
    public func pathVerdicts(ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?) -> [PathVerdict?]
    {
        rules.requesterOnEndpoint.map { $0.pathVerdict(ca: ca, endpoint: endpoint, in: context) }
    }

    /// How many requester rules of `RequesterScope.endpoint` are enabled: the slots of `pathVerdicts`.
    public var requesterOnEndpointCount: Int { rules.requesterOnEndpoint.count }

    /// The requester rule in slot `rule` of `pathVerdicts` on one path: built from the path's verdict when the path
    /// decided it, else the requester's verdict. A scan works the path verdicts out once per endpoint.
    public func requesterFinding(rule index: Int, on path: EnrollmentPath, decided verdict: PathVerdict?) -> Finding {
        let rule = rules.requesterOnEndpoint[index]
        guard let verdict else { return settle(rule.requesterVerdict(path, in: context)) }
        return settle(context.finding(type(of: rule).id, verdict.status, path: path, message: verdict.message))
    }

    /// A path verdict that is the same for every one of `requesters` accounts that may enroll through `ca`, as one
    /// finding about the CA on `endpoint` (nil: several endpoints, counted in `endpointCount`).
    public func requesterIndependentFinding(
        ruleIndex: Int, verdict: PathVerdict, ca: EnrollmentServiceRecord,
        endpoints: [EnrollmentServiceRecord.Endpoint], requesters: Int
    ) -> Finding {
        let ruleID = type(of: rules.requesterOnEndpoint[ruleIndex]).id
        var evidence: [String: EvidenceValue] = ["requesterCount": .integer(Int64(requesters))]
        if endpoints.count > 1 { evidence["endpointCount"] = .integer(Int64(endpoints.count)) }
        let endpoint = endpoints.count == 1 ? endpoints.first : nil
        return settle(
            context.makeFinding(
                ruleID, verdict.status, subject: Subject(kind: .ca, name: ca.name, dn: ca.dn), endpoint: endpoint,
                message:
                    "\(verdict.message) (the same for all \(requesters) accounts that may enroll through \(ca.name))",
                evidence: evidence
            ) { context.placeholderValues(ca: ca, endpoint: endpoint) })
    }

    /// The requester rules of `RequesterScope.account` (A3), once per account; `ca` only fills placeholders.
    public func accountFindings(_ requester: AccountRecord, ca: EnrollmentServiceRecord) -> [Finding] {
        let path = EnrollmentPath(requester: requester, ca: ca, endpoint: nil)
        return rules.requesterOnAccount.map { settle($0.evaluate(path, in: context)) }
    }

    /// Families C, D, E1/E2/E4, G: one endpoint, its CES principal and its CA.
    public func findings(for path: EndpointPath) -> [Finding] {
        rules.endpoint.map { settle($0.evaluate(path, in: context)) }
    }

    /// A template on a CA: with a requester, B2 and F1–F4 about the requester; without one, the template's
    /// own rules (B3, E5, E6, F5–F8); with a key-based-renewal endpoint, E3.
    public func findings(for path: TemplatePath) -> [Finding] {
        if path.requester != nil { return rules.requesterTemplate.map { settle($0.evaluate(path, in: context)) } }
        if path.endpoint != nil { return rules.endpointTemplate.map { settle($0.evaluate(path, in: context)) } }
        return rules.template.map { settle($0.evaluate(path, in: context)) }
    }

    /// Per requester template rule (B2, F1–F4), the status it gives every requester of `template` on `ca` when the template
    /// alone decides it (`RequesterTemplateRule.statusForEveryRequester`): a scan works them out once per template.
    public func statusesForEveryRequester(ca: EnrollmentServiceRecord, template: TemplateRecord) -> [Status?] {
        let path = TemplatePath(requester: nil, ca: ca, template: template)
        return rules.requesterTemplate.map { $0.statusForEveryRequester(path, in: context) }
    }

    /// The requester template rule in slot `rule` of `statusesForEveryRequester` on one path.
    public func requesterTemplateFinding(rule index: Int, on path: TemplatePath) -> Finding {
        settle(rules.requesterTemplate[index].evaluate(path, in: context))
    }

    /// CES-K1 for one endpoint: the live probe's answer against the static verdict (`skipped` without a probe).
    public func probeFindings(for path: EndpointPath, requester: AccountRecord?, probe: ProbeState) -> [Finding] {
        rules.probe.map { settle($0.evaluate(path, requester: requester, probe: probe, in: context)) }
    }

    /// CES-K2: the live endpoint probe's report for one endpoint (`--probe-endpoints`).
    public func endpointProbeFindings(for path: EndpointPath, probe: EndpointProbeState) -> [Finding] {
        rules.endpointProbe.map { settle($0.evaluate(path, probe: probe, in: context)) }
    }

    private func settle(_ finding: Finding) -> Finding { policy.apply(to: finding, now: now) }
}

/// The registry's rules, less the ones a site policy disables.
private struct EnabledRules: Sendable {
    let requesterOnEndpoint: [any RequesterRule]
    let requesterOnAccount: [any RequesterRule]
    let endpoint: [any EndpointRule]
    let requesterTemplate: [any RequesterTemplateRule]
    let endpointTemplate: [any EndpointTemplateRule]
    let template: [any TemplateOnlyRule]
    let probe: [any ProbeRule]
    let endpointProbe: [any EndpointProbeRule]

    init(_ policy: SitePolicy) {
        func enabled(_ rule: any AuditRule) -> Bool { policy.isEnabled(type(of: rule).id) }
        let requester = RuleRegistry.requesterRules.filter(enabled)
        requesterOnEndpoint = requester.filter { type(of: $0).scope == .endpoint }
        requesterOnAccount = requester.filter { type(of: $0).scope == .account }
        endpoint = RuleRegistry.endpointRules.filter(enabled)
        requesterTemplate = RuleRegistry.requesterTemplateRules.filter(enabled)
        endpointTemplate = RuleRegistry.endpointTemplateRules.filter(enabled)
        template = RuleRegistry.templateRules.filter(enabled)
        probe = RuleRegistry.probeRules.filter(enabled)
        endpointProbe = RuleRegistry.endpointProbeRules.filter(enabled)
    }
}
