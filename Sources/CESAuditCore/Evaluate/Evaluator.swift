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

/// Counts every finding of a run and keeps the ones to list: all of them for `user` and `server`, the
/// non-pass ones for `scan` unless passes are asked for. Counting does not keep findings, so a scan over
/// the whole domain holds only what it lists.
public struct FindingTally: Sendable {
    public private(set) var summary = AuditReport.Summary()
    /// Counts of findings that are open (not waived); these decide the exit status.
    public private(set) var open = AuditReport.Summary()
    public private(set) var listed: [Finding] = []
    public private(set) var principals: [PrincipalNote] = []
    private var subjects: Set<String> = []
    /// List passes and skipped findings too.
    public let listsEverything: Bool

    public init(listsEverything: Bool) { self.listsEverything = listsEverything }

    public var subjectCount: Int { subjects.count }

    public mutating func add(_ findings: [Finding]) {
        for finding in findings {
            summary[finding.status] += 1
            if finding.isOpen || finding.status == .pass || finding.status == .skipped {
                open[finding.status] += 1
            }
            subjects.insert("\(finding.subject.kind.rawValue):\(finding.subject.dn ?? finding.subject.name)")
            if listsEverything || (finding.status != .pass && finding.status != .skipped) {
                listed.append(finding)
            }
        }
    }

    public mutating func note(_ principal: PrincipalNote) {
        if !principals.contains(principal) { principals.append(principal) }
    }

    /// The report of a finished run.
    public func report(
        command: String, target: String?, startedAt: Date, finishedAt: Date = Date(), version: String
    ) -> AuditReport {
        AuditReport(
            tool: .init(version: version), command: command, startedAt: startedAt,
            durationMs: max(0, Int((finishedAt.timeIntervalSince(startedAt) * 1000).rounded())), summary: summary,
            findings: listed, target: target, subjectsScanned: subjects.count,
            principals: principals.isEmpty ? nil : principals, open: open)
    }
}
