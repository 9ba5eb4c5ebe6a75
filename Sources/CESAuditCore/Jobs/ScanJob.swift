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

    public init(includePassed: Bool = false, exactGroups: Bool = false) {
        self.includePassed = includePassed
        self.exactGroups = exactGroups
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
        var resolver = PathResolver(source: source)
        try await resolver.prefetch(cas.flatMap { ca in ca.endpoints.map { (ca, $0) } })

        progress?(Progress(phase: "endpoints", accountsRead: 0, requesters: 0, elapsed: 0))
        for ca in cas {
            let templates = ca.publishedTemplates(in: records)
            for endpoint in ca.endpoints {
                let path = try await resolver.endpointPath(ca: ca, endpoint: endpoint)
                tally.note(PrincipalNote(path))
                tally.add(evaluator.infrastructureFindings(path, templates: templates))
            }
            tally.add(evaluator.templateFindings(ca: ca, templates: templates))
        }

        // Only CAs reachable through CES matter for requesters.
        let targets = cas.filter { !$0.endpoints.isEmpty }.map { ca in
            RequesterTarget(
                ca: ca, templates: ca.publishedTemplates(in: records),
                decided: ca.endpoints.map { evaluator.pathVerdicts(ca: ca, endpoint: $0) })
        }
        var requestersPerTarget = [Int](repeating: 0, count: targets.count)
        var accountsRead = 0
        var requesters = 0
        try await source.enabledAccounts(exactGroups: exactGroups) { batch throws(JobError) in
            await Self.judgeInParallel(batch, evaluator: evaluator, targets: targets) { judged in
                accountsRead += 1
                guard let judged else { return }
                requesters += 1
                for index in judged.targets { requestersPerTarget[index] += 1 }
                tally.add(judged.findings)
            }
            progress?(
                Progress(
                    phase: "accounts", accountsRead: accountsRead, requesters: requesters,
                    elapsed: Date().timeIntervalSince(started)))
        }
        for (target, count) in zip(targets, requestersPerTarget) where count > 0 {
            tally.add(Self.requesterIndependentFindings(target, requesters: count, evaluator: evaluator))
        }
        return tally
    }

    /// A CA with CES endpoints as requesters meet it: its published templates, and per endpoint the verdicts the path
    /// decides whoever the requester is (`Evaluator.pathVerdicts`).
    struct RequesterTarget: Sendable {
        let ca: EnrollmentServiceRecord
        let templates: [TemplateRecord]
        let decided: [[PathVerdict?]]
    }

    /// One account's findings, and the targets (indices) it may enroll through.
    struct Judgement {
        var findings: [Finding]
        var targets: [Int] = []
    }

    /// Every finding of one account, or nil when it may enroll no template of a CA with a CES endpoint.
    static func judge(_ account: AccountRecord, evaluator: Evaluator, targets: [RequesterTarget]) -> Judgement? {
        var judgement: Judgement?
        var judgedTemplates: Set<String> = []
        for (index, target) in targets.enumerated() {
            let templates = target.templates.filter { $0.grantsEnroll(to: account) != false }
            guard !templates.isEmpty else { continue }
            var judged = judgement ?? Judgement(findings: evaluator.accountFindings(account, ca: target.ca))
            judged.targets.append(index)
            judged.findings += collapsingEndpoints(
                zip(target.ca.endpoints, target.decided).map { endpoint, decided in
                    evaluator.findings(
                        for: EnrollmentPath(requester: account, ca: target.ca, endpoint: endpoint), decided: decided)
                })
            // B2 and F1–F4 weigh the account against the template, whichever CA publishes it.
            let unjudged = templates.filter { judgedTemplates.insert($0.dn).inserted }
            judged.findings += evaluator.requesterTemplateFindings(account, ca: target.ca, templates: unjudged)
            judgement = judged
        }
        return judgement
    }

    /// Judges a page of accounts on every core and hands each account's judgement to `take`, in the page's order.
    /// Slices of a few dozen accounts go out one wave at a time (a slice per core), so no more than one wave's
    /// findings exist before the tally has counted them.
    static func judgeInParallel(
        _ accounts: [AccountRecord], evaluator: Evaluator, targets: [RequesterTarget], take: (Judgement?) -> Void
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
                    group.addTask { (index, slice.map { judge($0, evaluator: evaluator, targets: targets) }) }
                }
                var ordered = [[Judgement?]](repeating: [], count: slices.count)
                for await (index, result) in group { ordered[index] = result }
                return ordered
            }
            for result in wave { result.forEach(take) }
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

    /// The requester's findings on every endpoint of one CA, one list per endpoint with one slot per rule (nil: left
    /// out). Where a rule gives the same verdict on several endpoints (B1, B4, B5 judge the CA; A1, A2 every endpoint
    /// that needs delegation), the verdict is listed once with no endpoint and `endpointCount` in its evidence: a
    /// domain of 10,000 users should not read the same fact once per endpoint. Verdicts that differ stay per
    /// endpoint, and so do passes and skipped ones: they are counted per endpoint whether listed (`--include-passed`)
    /// or not (built bare, so there is no message to compare).
    static func collapsingEndpoints(_ perEndpoint: [[Finding?]]) -> [Finding] {
        guard let first = perEndpoint.first, perEndpoint.count > 1,
            perEndpoint.allSatisfy({ $0.count == first.count })
        else { return perEndpoint.flatMap { $0.compactMap { $0 } } }
        var result: [Finding] = []
        for index in first.indices {
            var verdicts: [(finding: Finding, endpoints: Int)] = []
            for findings in perEndpoint {
                guard let finding = findings[index] else { continue }
                if finding.status == .pass || finding.status == .skipped {
                    verdicts.append((finding, 1))
                } else if let group = verdicts.firstIndex(where: { $0.finding.sameVerdict(as: finding) }) {
                    verdicts[group].endpoints += 1
                } else {
                    verdicts.append((finding, 1))
                }
            }
            for (finding, endpoints) in verdicts {
                guard endpoints > 1 else {
                    result.append(finding)
                    continue
                }
                var merged = finding
                merged.endpoint = nil
                merged.evidence["endpointCount"] = .integer(Int64(endpoints))
                result.append(merged)
            }
        }
        return result
    }
}

extension Finding {
    /// The same rule, subject and verdict, whatever the endpoint.
    func sameVerdict(as other: Finding) -> Bool {
        guard status == other.status, message == other.message else { return false }
        var mine = self
        mine.endpoint = other.endpoint
        return mine == other
    }
}
