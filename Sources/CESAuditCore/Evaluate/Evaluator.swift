import Foundation

/// Runs the registered rules over one path at a time, leaving out disabled rules and applying the site
/// policy (severity overrides, waivers) to every finding. Pure: no I/O.
public struct Evaluator: Sendable {
    public var context: RuleContext
    public var policy: SitePolicy
    public var now: Date

    public init(context: RuleContext, policy: SitePolicy = .none, now: Date = Date()) {
        self.context = context
        self.policy = policy
        self.now = now
    }

    /// Families A, B1, B4, B5: the requester on one endpoint (rules of `RequesterScope.endpoint`).
    public func findings(for path: EnrollmentPath) -> [Finding] {
        RuleRegistry.requesterRules.filter { type(of: $0).scope == .endpoint && enabled($0) }.map {
            settle($0.evaluate(path, in: context))
        }
    }

    /// The requester rules of `RequesterScope.account` (A3), once per account; `ca` only fills placeholders.
    public func accountFindings(_ requester: AccountRecord, ca: EnrollmentServiceRecord) -> [Finding] {
        let path = EnrollmentPath(requester: requester, ca: ca, endpoint: nil)
        return RuleRegistry.requesterRules.filter { type(of: $0).scope == .account && enabled($0) }.map {
            settle($0.evaluate(path, in: context))
        }
    }

    /// Families C, D, E1/E2/E4, G: one endpoint, its CES principal and its CA.
    public func findings(for path: EndpointPath) -> [Finding] {
        RuleRegistry.endpointRules.filter(enabled).map { settle($0.evaluate(path, in: context)) }
    }

    /// A template on a CA: with a requester, B2 and F1–F4 about the requester; without one, the template's
    /// own rules (B3, E5, E6, F5–F8); with a key-based-renewal endpoint, E3.
    public func findings(for path: TemplatePath) -> [Finding] {
        var rules: [any TemplateRule] = []
        if path.requester != nil {
            rules = RuleRegistry.requesterTemplateRules
        } else if path.endpoint != nil {
            rules = RuleRegistry.endpointTemplateRules
        } else {
            rules = RuleRegistry.templateRules
        }
        return rules.filter(enabled).map { settle($0.evaluate(path, in: context)) }
    }

    /// CES-K1 for one endpoint: the live probe's answer against the static verdict (`skipped` without a probe).
    public func probeFindings(for path: EndpointPath, requester: AccountRecord?, probe: ProbeState) -> [Finding] {
        RuleRegistry.probeRules.filter(enabled).map {
            settle($0.evaluate(path, requester: requester, probe: probe, in: context))
        }
    }

    private func enabled(_ rule: any AuditRule) -> Bool { policy.isEnabled(type(of: rule).id) }

    private func settle(_ finding: Finding) -> Finding { policy.apply(to: finding, now: now) }
}
