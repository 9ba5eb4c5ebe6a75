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
        let snapshot = source.snapshot
        let cas = try snapshot.certificationAuthorities()
        let records = try snapshot.templateRecords()
        var tally = FindingTally(listsEverything: includePassed)
        var resolver = PathResolver(source: source)

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
        let cesCAs = cas.filter { !$0.endpoints.isEmpty }.map { ($0, $0.publishedTemplates(in: records)) }
        var accountsRead = 0
        var requesters = 0
        try await source.enabledAccounts(exactGroups: exactGroups) { batch throws(JobError) in
            for account in batch {
                accountsRead += 1
                var enrolls = false
                for (ca, published) in cesCAs {
                    let templates = published.filter { $0.grantsEnroll(to: account) != false }
                    guard !templates.isEmpty else { continue }
                    enrolls = true
                    for endpoint in ca.endpoints {
                        tally.add(
                            evaluator.findings(for: EnrollmentPath(requester: account, ca: ca, endpoint: endpoint)))
                    }
                    tally.add(evaluator.requesterTemplateFindings(account, ca: ca, templates: templates))
                }
                if enrolls { requesters += 1 }
            }
            progress?(
                Progress(
                    phase: "accounts", accountsRead: accountsRead, requesters: requesters,
                    elapsed: Date().timeIntervalSince(started)))
        }
        return tally
    }
}
