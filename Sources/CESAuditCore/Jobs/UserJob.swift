import ADModel
import Foundation

/// `ces-audit user ACCOUNT`: every rule on the account's enrollment paths — each published CES endpoint (or the
/// one asked for), its CES principal and CA, and the templates the account may enroll (or the one asked for).
public struct UserJob: Sendable {
    public var account: String
    public var endpointURL: String?
    public var templateName: String?
    public var serviceAccount: String?
    /// `--probe-keytab` / `--probe-principal`: a live S4U probe for this account (CES-K1); nil: K1 is skipped.
    public var probe: ProbeRequest?

    public init(
        account: String, endpointURL: String? = nil, templateName: String? = nil, serviceAccount: String? = nil,
        probe: ProbeRequest? = nil
    ) {
        self.probe = probe
        self.account = account
        self.endpointURL = endpointURL
        self.templateName = templateName
        self.serviceAccount = serviceAccount
    }

    static func trimmingTrailingSlashes(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url.removeLast() }
        return String(url)
    }

    public func run(source: any DirectorySource, evaluator: Evaluator) async throws(JobError) -> FindingTally {
        var evaluator = evaluator
        let snapshot = source.snapshot
        // A snapshot holds only the accounts it was taken with: the fix is a new snapshot, not another name.
        let noSuchAccount = JobError.usage(
            source is SnapshotDirectorySource
                ? "the snapshot holds no account '\(account)': retake it with --account \(account) (or --all-accounts)"
                : "no user or computer account '\(account)' (sAMAccountName, UPN or DN) in \(snapshot.domain.dnsName ?? snapshot.domain.defaultNamingContext)"
        )
        let cas = try snapshot.certificationAuthorities()
        let records = try snapshot.templateRecords()
        var pairs = cas.flatMap { ca in ca.endpoints.map { (ca: ca, endpoint: $0) } }
        let published = pairs.compactMap(\.endpoint.url)
        if let endpointURL {
            // As pasted from a browser or a log: a trailing slash does not make another endpoint.
            let wanted = Self.trimmingTrailingSlashes(endpointURL)
            pairs = pairs.filter {
                $0.endpoint.url.map(Self.trimmingTrailingSlashes)?.caseInsensitiveCompare(wanted) == .orderedSame
            }
        }
        // An unknown account is the first thing to say, before what is wrong with the endpoint or template asked for.
        var resolver = PathResolver(source: source, serviceAccount: serviceAccount)
        let found =
            pairs.isEmpty
            ? try await source.account(named: account)
            // The account is read in the same round trips as the hosts of its paths.
            : try await resolver.prefetch(pairs, requester: account)
        guard let requester = found else { throw noSuchAccount }
        if let endpointURL, pairs.isEmpty {
            throw .usage(
                "endpoint \(endpointURL) is not published in AD; published: \(published.isEmpty ? "none" : published.joined(separator: ", "))"
            )
        }
        guard !pairs.isEmpty else {
            throw .nothingToCheck(
                "no CES endpoint is published in AD (msPKI-Enrollment-Servers is empty on every CA); check a new server with 'ces-audit server'"
            )
        }
        var chosen: TemplateRecord?
        if let templateName {
            chosen = records.first { $0.name.caseInsensitiveCompare(templateName) == .orderedSame }
            guard chosen != nil else {
                throw .usage("no certificate template '\(templateName)' in AD")
            }
        }

        var tally = FindingTally(listsEverything: true)
        var templatesByCA: [String: [TemplateRecord]] = [:]
        var stage = ProbeStage(request: probe, domain: snapshot.domain)
        tally.add(evaluator.accountFindings(requester, ca: pairs[0].ca))
        // CES-C10 checks the requester's own descriptor, read only when a Certificate endpoint is on a path.
        let groupReadTargets =
            pairs.contains { $0.endpoint.authenticationFlag == EnrollmentAuthentication.certificate.rawValue }
            ? try await source.groupReadDescriptor(of: requester) : nil
        for (ca, endpoint) in pairs {
            let templates = templatesByCA[ca.dn] ?? Self.templates(for: requester, on: ca, records, chosen: chosen)
            templatesByCA[ca.dn] = templates
            var path = try await resolver.endpointPath(ca: ca, endpoint: endpoint)
            try ServerJob.requireFound(serviceAccount, path)
            path.groupReadTargets = groupReadTargets
            evaluator.context.noteRenewalModel(path)
            tally.note(PrincipalNote(path))
            tally.add(evaluator.findings(for: EnrollmentPath(requester: requester, ca: ca, endpoint: endpoint)))
            tally.add(evaluator.infrastructureFindings(path, templates: templates))
            let state = await stage.state(for: path, user: requester)
            tally.add(evaluator.probeFindings(for: path, requester: requester, probe: state))
        }
        for ca in cas where templatesByCA[ca.dn] != nil {
            let templates = templatesByCA[ca.dn] ?? []
            tally.add(evaluator.requesterTemplateFindings(requester, ca: ca, templates: templates))
            tally.add(evaluator.templateFindings(ca: ca, templates: templates))
        }
        return tally
    }

    /// The template asked for; else the published ones the account may enroll; else (it may enroll none) every
    /// published one, so that B2 shows why.
    static func templates(
        for requester: AccountRecord, on ca: EnrollmentServiceRecord, _ records: [TemplateRecord],
        chosen: TemplateRecord?
    ) -> [TemplateRecord] {
        if let chosen { return [chosen] }
        let published = ca.publishedTemplates(in: records)
        let enrollable = published.filter { $0.grantsEnroll(to: requester) != false }
        return enrollable.isEmpty ? published : enrollable
    }
}
