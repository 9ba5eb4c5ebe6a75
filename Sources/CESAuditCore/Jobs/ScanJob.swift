import ADModel
import Foundation

/// `ces-audit scan`: every published endpoint with its principal and CA, every published template, and every
/// enabled account that may enroll through CES — streamed page by page, so only the findings to list are kept.
public struct ScanJob: Sendable {
    /// Where a scan is, for the progress line.
    public struct Progress: Sendable {
        public var phase: String
        public var accountsRead: Int
        public var requesters: Int
        public var elapsed: TimeInterval
    }

    public var includePassed: Bool
    /// Read tokenGroups per account instead of working groups out from the group graph (multi-domain forests).
    public var exactGroups: Bool

    /// The report format's rendering of each listed finding, made while accounts are judged (nil: none).
    public var rendering: FindingRendering?
    /// `--probe-endpoints`: knock on each published endpoint's URL (CES-K2); nil: not asked, K2 is skipped.
    public var endpointProber: EndpointProber?

    public init(includePassed: Bool = false, exactGroups: Bool = false, rendering: FindingRendering? = nil) {
        self.includePassed = includePassed
        self.exactGroups = exactGroups
        self.rendering = rendering
    }

    public func run(
        source: any DirectorySource, evaluator: Evaluator, progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws(JobError) -> FindingTally {
        let started = Date()
        var evaluator = evaluator
        evaluator.context.describesPasses = includePassed
        let snapshot = source.snapshot
        let cas = try snapshot.certificationAuthorities()
        let records = try snapshot.templateRecords()
        var tally = FindingTally(listsEverything: includePassed)
        tally.fixes = FixListBuilder()
        var resolver = PathResolver(source: source)
        try await resolver.prefetch(cas.flatMap { ca in ca.endpoints.map { (ca, $0) } })

        progress?(Progress(phase: "endpoints", accountsRead: 0, requesters: 0, elapsed: 0))
        for ca in cas {
            let templates = ca.publishedTemplates(in: records)
            for endpoint in ca.endpoints {
                let path = try await resolver.endpointPath(ca: ca, endpoint: endpoint)
                evaluator.context.noteRenewalModel(path)
                tally.note(PrincipalNote(path))
                tally.add(
                    Self.grouped(evaluator.infrastructureFindings(path, templates: templates), ca: ca), ca: ca.name)
                let endpointState = await endpointProber?.state(for: endpoint) ?? .notAsked
                tally.add(
                    Self.grouped(evaluator.endpointProbeFindings(for: path, probe: endpointState), ca: ca), ca: ca.name)
            }
            tally.add(Self.grouped(evaluator.templateFindings(ca: ca, templates: templates), ca: ca), ca: ca.name)
        }

        // Only CAs reachable through CES matter for requesters.
        let targets = cas.filter { !$0.endpoints.isEmpty }.map { ca in
            RequesterTarget(ca: ca, templates: ca.publishedTemplates(in: records), evaluator: evaluator)
        }
        var requestersPerTarget = [Int](repeating: 0, count: targets.count)
        var requestersPerTemplate = targets.map { [Int](repeating: 0, count: $0.templates.count) }
        var accountsRead = 0
        var requesters = 0
        try await source.enabledAccounts(exactGroups: exactGroups) { batch throws(JobError) in
            await Self.judgeInParallel(batch, evaluator: evaluator, targets: targets, rendering: rendering) {
                account, judged in
                accountsRead += 1
                guard let judged else { return }
                requesters += 1
                for (index, templates) in zip(judged.targets, judged.templates) {
                    requestersPerTarget[index] += 1
                    for template in templates { requestersPerTemplate[index][template] += 1 }
                }
                tally.count(judged.counted, about: RuleContext.subject(account))
                tally.add(judged.listed, renderings: judged.renderings, level: rendering?.level ?? 0)
            }
            progress?(
                Progress(
                    phase: "accounts", accountsRead: accountsRead, requesters: requesters,
                    elapsed: Date().timeIntervalSince(started)))
        }
        for (index, target) in targets.enumerated() {
            tally.reach.byCA[target.ca.name, default: 0] += requestersPerTarget[index]
            for (template, count) in zip(target.templates, requestersPerTemplate[index]) {
                tally.reach.byTemplate[target.ca.name, default: [:]][template.name, default: 0] += count
            }
        }
        for (target, count) in zip(targets, requestersPerTarget) where count > 0 {
            let findings = Self.requesterIndependentFindings(target, requesters: count, evaluator: evaluator)
            tally.add(Self.grouped(findings, ca: target.ca), ca: target.ca.name)
        }
        return tally
    }

    /// `findings`, judged on `ca`, each in its fix-list group.
    static func grouped(_ findings: [Finding], ca: EnrollmentServiceRecord) -> [Finding] {
        findings.map { finding in
            var grouped = finding
            grouped.assignFixGroup(ca: ca.name)
            return grouped
        }
    }

    /// A CA with CES endpoints as requesters meet it: its published templates, and per endpoint the verdicts the path
    /// decides whoever the requester is (`Evaluator.pathVerdicts`).
    struct RequesterTarget: Sendable {
        let ca: EnrollmentServiceRecord
        let templates: [TemplateRecord]
        let decided: [[PathVerdict?]]
        /// The decided verdicts that are only counted (`RuleContext.isBare`): every requester here gets them.
        let countedPerRequester: AuditReport.Summary
        /// Per template, per requester template rule: the status every requester gets when it is only counted.
        let countedPerTemplate: [[Status?]]
        /// The templates' descriptors, parsed (nil: not read or malformed).
        let descriptors: [SecurityDescriptor?]

        init(ca: EnrollmentServiceRecord, templates: [TemplateRecord], evaluator: Evaluator) {
            let context = evaluator.context
            self.ca = ca
            self.templates = templates
            decided = ca.endpoints.map { evaluator.pathVerdicts(ca: ca, endpoint: $0) }
            var counted = AuditReport.Summary()
            for case let verdict? in decided.joined() where context.isBare(verdict.status) {
                counted[verdict.status] += 1
            }
            countedPerRequester = counted
            descriptors = templates.map(\.parsedDescriptor)
            countedPerTemplate = templates.map { template in
                evaluator.statusesForEveryRequester(ca: ca, template: template).map { status in
                    status.flatMap { context.isBare($0) ? $0 : nil }
                }
            }
        }
    }

    /// One account's findings: the ones to list, and the ones only counted. Most findings of a scan are passes and
    /// skipped ones that are not listed; they are counted where they are judged and go no further.
    struct Judgement {
        var listed: [Finding] = []
        var counted = AuditReport.Summary()
        /// The targets (indices) the account may enroll through.
        var targets: [Int] = []
        /// Per target, the templates (indices) the account may enroll there.
        var templates: [[Int]] = []
        /// `listed` rendered (`ScanJob.rendering`), one per finding; empty without a rendering.
        var renderings: [[UInt8]] = []

        mutating func add(_ finding: Finding, in context: RuleContext) {
            if context.isBare(finding.status) {
                counted[finding.status] += 1
            } else {
                listed.append(finding)
            }
        }
    }

    /// Every finding of one account, or nil when it may enroll no template of a CA with a CES endpoint.
    static func judge(_ account: AccountRecord, evaluator: Evaluator, targets: [RequesterTarget]) -> Judgement? {
        let context = evaluator.context
        var judgement: Judgement?
        var judgedTemplates: Set<String> = []
        for (index, target) in targets.enumerated() {
            let templates = target.templates.indices.filter {
                TemplateRecord.grantsEnroll(target.descriptors[$0], to: account) != false
            }
            guard !templates.isEmpty else { continue }
            var judged = judgement ?? Judgement()
            let firstOfTarget = judged.listed.count
            if judgement == nil {
                for finding in evaluator.accountFindings(account, ca: target.ca) { judged.add(finding, in: context) }
            }
            judged.targets.append(index)
            judged.templates.append(templates)
            judgeEndpoints(account, target, evaluator: evaluator, into: &judged)
            // B2 and F1–F4 weigh the account against the template, whichever CA publishes it.
            for template in templates where judgedTemplates.insert(target.templates[template].dn).inserted {
                let path = TemplatePath(requester: account, ca: target.ca, template: target.templates[template])
                for (rule, counted) in target.countedPerTemplate[template].enumerated() {
                    if let counted {
                        judged.counted[counted] += 1
                    } else {
                        judged.add(evaluator.requesterTemplateFinding(rule: rule, on: path), in: context)
                    }
                }
            }
            for position in firstOfTarget..<judged.listed.count {
                judged.listed[position].assignFixGroup(ca: target.ca.name)
            }
            judgement = judged
        }
        return judgement
    }

    /// The account on every endpoint of one CA, rule by rule. A decided `unknown` is left to
    /// `requesterIndependentFindings`, a decided verdict that is only counted is in `countedPerRequester`. The
    /// requester's own verdict does not depend on which of the CA's endpoints it is asked on — the endpoint has its
    /// say through the path verdict, and no requester rule's message or remediation names it — so one that is only
    /// counted is worked out on the first endpoint and counted for the others.
    static func judgeEndpoints(
        _ account: AccountRecord, _ target: RequesterTarget, evaluator: Evaluator, into judged: inout Judgement
    ) {
        let context = evaluator.context
        judged.counted += target.countedPerRequester
        let paths = target.ca.endpoints.map { EnrollmentPath(requester: account, ca: target.ca, endpoint: $0) }
        for rule in 0..<evaluator.requesterOnEndpointCount {
            var findings: [Finding] = []
            var countedVerdict: Status?
            for (path, decided) in zip(paths, target.decided) {
                let verdict = decided[rule]
                if let verdict, verdict.status == .unknown || context.isBare(verdict.status) { continue }
                if verdict == nil, let countedVerdict {
                    judged.counted[countedVerdict] += 1
                    continue
                }
                let finding = evaluator.requesterFinding(rule: rule, on: path, decided: verdict)
                if context.isBare(finding.status) {
                    judged.counted[finding.status] += 1
                    if verdict == nil { countedVerdict = finding.status }
                } else {
                    findings.append(finding)
                }
            }
            judged.listed += collapsingEndpoints(findings)
        }
    }

    /// Judges a page of accounts on every core and hands each account with its judgement to `take`, in the page's
    /// order. Slices of a few dozen accounts go out one wave at a time (a slice per core), so no more than one wave's
    /// findings exist before the tally has counted them.
    static func judgeInParallel(
        _ accounts: [AccountRecord], evaluator: Evaluator, targets: [RequesterTarget],
        rendering: FindingRendering? = nil, take: (AccountRecord, Judgement?) -> Void
    ) async {
        let sliceSize = 32
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var waveStart = accounts.startIndex
        while waveStart < accounts.endIndex {
            let waveEnd = min(accounts.endIndex, waveStart + width * sliceSize)
            let slices = stride(from: waveStart, to: waveEnd, by: sliceSize).map {
                accounts[$0..<min($0 + sliceSize, waveEnd)]
            }
            let wave = await withTaskGroup(of: (Int, [Judgement?]).self) { group in
                for (index, slice) in slices.enumerated() {
                    group.addTask {
                        let judged = slice.map { account -> Judgement? in
                            guard var judgement = judge(account, evaluator: evaluator, targets: targets) else {
                                return nil
                            }
                            if let rendering { judgement.renderings = judgement.listed.map(rendering.render) }
                            return judgement
                        }
                        return (index, judged)
                    }
                }
                var ordered = [[Judgement?]](repeating: [], count: slices.count)
                for await (index, result) in group { ordered[index] = result }
                return ordered
            }
            for (judgements, accountIndex) in zip(wave.joined(), waveStart..<waveEnd) {
                take(accounts[accountIndex], judgements)
            }
            waveStart = waveEnd
        }
    }

    /// The `unknown` path verdicts of one CA, listed once for all `requesters` accounts that may enroll through it
    /// rather than once per account ("no ca-security.bin for host ca01" is a fact about ca01), one finding per rule
    /// and verdict with the endpoints it holds on.
    static func requesterIndependentFindings(_ target: RequesterTarget, requesters: Int, evaluator: Evaluator)
        -> [Finding]
    {
        var findings: [Finding] = []
        for rule in (target.decided.first ?? []).indices {
            var groups: [(verdict: PathVerdict, endpoints: [EnrollmentServiceRecord.Endpoint])] = []
            for (endpoint, verdicts) in zip(target.ca.endpoints, target.decided) {
                guard let verdict = verdicts[rule], verdict.status == .unknown else { continue }
                if let group = groups.firstIndex(where: { $0.verdict == verdict }) {
                    groups[group].endpoints.append(endpoint)
                } else {
                    groups.append((verdict, [endpoint]))
                }
            }
            findings += groups.map {
                evaluator.requesterIndependentFinding(
                    ruleIndex: rule, verdict: $0.verdict, ca: target.ca, endpoints: $0.endpoints,
                    requesters: requesters)
            }
        }
        return findings
    }

    /// One requester rule's findings on the endpoints of one CA. A verdict that is the same on several endpoints (B1,
    /// B4, B5 judge the CA; A1, A2 every endpoint that needs delegation) is listed once with no endpoint and
    /// `endpointCount` in its evidence: a domain of 10,000 users should not read the same fact once per endpoint.
    /// Verdicts that differ stay per endpoint, and so do passes and skipped ones: they are counted per endpoint
    /// whether listed (`--include-passed`) or not.
    static func collapsingEndpoints(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        var verdicts: [(finding: Finding, endpoints: Int)] = []
        for finding in findings {
            if finding.status != .pass, finding.status != .skipped,
                let group = verdicts.firstIndex(where: { $0.finding.sameVerdict(as: finding) })
            {
                verdicts[group].endpoints += 1
            } else {
                verdicts.append((finding, 1))
            }
        }
        return verdicts.map { finding, endpoints in
            guard endpoints > 1 else { return finding }
            var merged = finding
            merged.endpoint = nil
            merged.endpointMode = nil
            merged.evidence["endpointCount"] = .integer(Int64(endpoints))
            return merged
        }
    }
}

extension Finding {
    /// The same rule, subject and verdict, whatever the endpoint.
    func sameVerdict(as other: Finding) -> Bool {
        guard status == other.status, message == other.message else { return false }
        var mine = self
        mine.endpoint = other.endpoint
        mine.endpointMode = other.endpointMode
        return mine == other
    }
}
