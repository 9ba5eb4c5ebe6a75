import ADModel
import Foundation

/// Builds the paths the rules judge, reading each CES principal and CA computer once per host.
struct PathResolver {
    let source: any DirectorySource
    /// Host name → computer account DN (CES-C1), from the snapshot and looked up for other hosts.
    private var hostComputers: [String: String]
    /// AD DNS alias → the name its CNAME chain ends at (CES-C1), likewise.
    private var dnsAliases: [String: String]
    private var lookedUpHosts: Set<String> = []
    /// `--service-account` / config: the principal of every endpoint this job checks.
    let serviceAccount: String?
    private var principals: [String: PrincipalResolution] = [:]
    private var caComputers: [String: AccountRecord?] = [:]

    init(source: any DirectorySource, serviceAccount: String? = nil) {
        self.source = source
        hostComputers = source.snapshot.hostComputers?.value ?? [:]
        dnsAliases = source.snapshot.dnsAliases?.value ?? [:]
        if source.snapshot.hostComputers != nil {
            // The snapshot searched every published CA and CES host name already.
            let cas = source.snapshot.enrollmentServices.value ?? []
            lookedUpHosts = Set(
                cas.flatMap { ca in [ca.dnsHostName?.lowercased()] + ca.endpoints.map(\.host) }.compactMap { $0 })
        }
        self.serviceAccount = serviceAccount
    }

    /// Resolves every host of these endpoints and CAs at once (see `DirectorySource.hosts`); `endpointPath`
    /// then finds them known. `requester` (`user`'s account) is read in the same round trips and returned; nil
    /// when it does not exist or was not asked for.
    @discardableResult
    mutating func prefetch(
        _ pairs: [(ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint)],
        requester: String? = nil
    ) async throws(JobError) -> AccountRecord? {
        let endpointHosts = Set(pairs.compactMap(\.endpoint.host)).subtracting(principals.keys)
        let caHosts = Set(pairs.compactMap { $0.ca.dnsHostName?.lowercased() }).subtracting(caComputers.keys)
        guard !endpointHosts.isEmpty || !caHosts.isEmpty || requester != nil else { return nil }
        let found = try await source.hosts(
            endpointHosts: endpointHosts.sorted(), caHosts: caHosts.sorted(), configured: serviceAccount,
            requester: requester)
        principals.merge(found.principals) { known, _ in known }
        caComputers.merge(found.caComputers) { known, _ in known }
        return found.requester
    }

    mutating func endpointPath(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint
    ) async throws(JobError) -> EndpointPath {
        var path = EndpointPath(
            ca: ca, endpoint: endpoint, principal: try await principal(of: endpoint),
            caComputer: try await caComputer(of: ca))
        // A CES host that is not published (the server job) is looked up once; C1 compares computer accounts.
        let hosts = Set([endpoint.host, ca.dnsHostName?.lowercased()].compactMap { $0 })
        let unknown = hosts.subtracting(hostComputers.keys).subtracting(lookedUpHosts)
        if !unknown.isEmpty {
            lookedUpHosts.formUnion(unknown)
            let found = try await source.hostComputers(named: unknown)
            hostComputers.merge(found.computers) { known, _ in known }
            dnsAliases.merge(found.aliases) { known, _ in known }
        }
        path.hostComputers = hostComputers
        path.dnsAliases = dnsAliases
        return path
    }

    mutating func principal(of endpoint: EnrollmentServiceRecord.Endpoint) async throws(JobError)
        -> PrincipalResolution
    {
        guard let host = endpoint.host else {
            return PrincipalResolution(
                account: nil, source: nil, httpSPNHolders: [],
                problem: "the endpoint URL has no readable host (\(endpoint.malformed ?? endpoint.raw))")
        }
        if let known = principals[host] { return known }
        let resolved = try await source.principal(endpointHost: host, configured: serviceAccount)
        principals[host] = resolved
        return resolved
    }

    mutating func caComputer(of ca: EnrollmentServiceRecord) async throws(JobError) -> AccountRecord? {
        guard let host = ca.dnsHostName?.lowercased() else { return nil }
        if let known = caComputers[host] { return known }
        let computer = try await source.caComputer(host: host)
        caComputers[host] = computer
        return computer
    }
}

extension PrincipalNote {
    init(_ path: EndpointPath) {
        let account = path.principal.account
        self.init(
            endpoint: path.endpoint.url ?? path.endpoint.raw, account: account?.samAccountName, dn: account?.dn,
            source: path.principal.source?.rawValue, problem: path.principal.problem)
    }
}

extension DirectorySnapshot {
    /// The enterprise CAs, or why the job cannot run without them.
    func certificationAuthorities() throws(JobError) -> [EnrollmentServiceRecord] {
        guard let services = enrollmentServices.value else {
            throw .nothingToCheck(
                "the enterprise CAs could not be read: \(enrollmentServices.missingReason ?? "not collected")")
        }
        return services
    }

    /// The template objects, or why the job cannot run without them.
    func templateRecords() throws(JobError) -> [TemplateRecord] {
        guard let records = templates.value else {
            throw .nothingToCheck("the certificate templates could not be read: \(templates.missingReason ?? "")")
        }
        return records
    }
}

extension EnrollmentServiceRecord {
    /// The template objects this CA publishes (names in `certificateTemplates` without an object are left to B3
    /// of a requested template).
    func publishedTemplates(in records: [TemplateRecord]) -> [TemplateRecord] {
        let names = Set(certificateTemplates.map { $0.lowercased() })
        return records.filter { names.contains($0.name.lowercased()) }
    }
}

extension TemplateRecord {
    /// Whether the template's DACL grants `account` Enroll; nil when that cannot be told (descriptor or groups
    /// not read) — such templates stay in the job so that B2 reports them `unknown`.
    func grantsEnroll(to account: AccountRecord) -> Bool? {
        Self.grantsEnroll(parsedDescriptor, to: account)
    }

    /// The template's descriptor, parsed (once per run: `DescriptorCache`); nil when not read or malformed.
    var parsedDescriptor: SecurityDescriptor? {
        securityDescriptor.value.flatMap { try? DescriptorCache.descriptor($0) }
    }

    /// `grantsEnroll(to:)` with the descriptor already parsed: a scan asks for every account and template.
    static func grantsEnroll(_ descriptor: SecurityDescriptor?, to account: AccountRecord) -> Bool? {
        guard let token = account.token, let descriptor else { return nil }
        return TemplateEnrollmentRights.enroll(descriptor: descriptor, token: token).isGranted
    }
}

extension Evaluator {
    /// Everything about one endpoint that does not depend on a requester: its C, D, E, G findings and E3 for
    /// each template the CA publishes.
    func infrastructureFindings(_ path: EndpointPath, templates: [TemplateRecord]) -> [Finding] {
        findings(for: path)
            + templates.flatMap { template in
                findings(
                    for: TemplatePath(
                        requester: nil, ca: path.ca, template: template, endpoint: path.endpoint,
                        principal: path.principal.account))
            }
    }

    /// The requester's own findings on one CA: B2 and F1–F4 per template.
    func requesterTemplateFindings(
        _ requester: AccountRecord, ca: EnrollmentServiceRecord, templates: [TemplateRecord]
    ) -> [Finding] {
        templates.flatMap { findings(for: TemplatePath(requester: requester, ca: ca, template: $0)) }
    }

    /// The template's own findings on one CA (B3, E5, E6, F5–F8).
    func templateFindings(ca: EnrollmentServiceRecord, templates: [TemplateRecord]) -> [Finding] {
        templates.flatMap { findings(for: TemplatePath(requester: nil, ca: ca, template: $0)) }
    }
}
