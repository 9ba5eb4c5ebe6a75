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
        // Each batch with what it is about, for the routes' verdicts once every route is known.
        var batches: [(scope: FindingScope, findings: [Finding])] = []
        func add(_ findings: [Finding], _ scope: FindingScope) {
            tally.add(findings)
            batches.append((scope, findings))
        }
        var templatesByCA: [String: [TemplateRecord]] = [:]
        var routes = RouteCandidates()
        var stage = ProbeStage(request: probe, domain: snapshot.domain)
        add(evaluator.accountFindings(requester, ca: pairs[0].ca), .account)
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
            routes.add(ca: ca, endpoint: endpoint, principal: path.principal.account, templates: templates) {
                Self.isTaken($0, on: ca, by: requester)
            }
            let scope = FindingScope.endpoint(caDN: ca.dn, endpoint: endpoint.raw)
            add(evaluator.findings(for: EnrollmentPath(requester: requester, ca: ca, endpoint: endpoint)), scope)
            add(evaluator.findings(for: path), scope)
            for template in templates {
                let templatePath = TemplatePath(
                    requester: nil, ca: ca, template: template, endpoint: endpoint, principal: path.principal.account)
                add(
                    evaluator.findings(for: templatePath),
                    .endpointTemplate(caDN: ca.dn, endpoint: endpoint.raw, template: template.name))
            }
            let state = await stage.state(for: path, user: requester)
            add(evaluator.probeFindings(for: path, requester: requester, probe: state), scope)
        }
        for ca in cas where templatesByCA[ca.dn] != nil {
            let templates = templatesByCA[ca.dn] ?? []
            // The requester's findings of every template, then the templates' own: the order the report lists them in.
            for template in templates {
                add(
                    evaluator.requesterTemplateFindings(requester, ca: ca, templates: [template]),
                    .template(caDN: ca.dn, template: template.name))
            }
            for template in templates {
                add(
                    evaluator.templateFindings(ca: ca, templates: [template]),
                    .template(caDN: ca.dn, template: template.name))
            }
        }
        var verdicts = RouteVerdictTally(routes: routes.taken)
        for batch in batches { verdicts.add(batch.findings, scope: batch.scope) }
        tally.note(verdicts)
        return tally
    }

    /// A route the account takes: the template is published on the CA and its DACL does not refuse the account
    /// Enroll (when that cannot be told, the route stays, and B2 says CANNOT TELL).
    static func isTaken(_ template: TemplateRecord, on ca: EnrollmentServiceRecord, by requester: AccountRecord) -> Bool
    {
        ca.certificateTemplates.contains { $0.caseInsensitiveCompare(template.name) == .orderedSame }
            && template.grantsEnroll(to: requester) != false
    }

    /// Every template × endpoint the job evaluates, and which of them the account takes.
    struct RouteCandidates {
        private(set) var all: [EnrollmentRoute] = []
        private var takenIndices: [Int] = []

        mutating func add(
            ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint, principal: AccountRecord?,
            templates: [TemplateRecord], isTaken: (TemplateRecord) -> Bool
        ) {
            for template in templates {
                if isTaken(template) { takenIndices.append(all.count) }
                all.append(
                    EnrollmentRoute(
                        template: template.name, ca: ca.name, caDN: ca.dn, endpoint: endpoint.url ?? endpoint.raw,
                        rawEndpoint: endpoint.raw, endpointMode: endpoint.mode, principal: principal?.samAccountName))
            }
        }

        /// The routes the account takes; when it takes none (it may enroll no template, or the one asked for is not
        /// published), every route evaluated, so that B2 or B3 says why it cannot enroll.
        var taken: [EnrollmentRoute] { takenIndices.isEmpty ? all : takenIndices.map { all[$0] } }
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
