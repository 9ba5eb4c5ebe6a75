import ADModel
import Foundation

/// `ces-audit server CES-HOST`: a CES server before it goes live, published in AD or not. The CES instances are
/// the ones named by `--auth` (with `--renewal-only` / `--key-based-renewal`), else those published for the host.
public struct ServerJob: Sendable {
    public var host: String
    public var serviceAccount: String?
    public var caName: String?
    public var authentications: [EnrollmentAuthentication]
    public var renewalOnly: Bool
    public var keyBasedRenewal: Bool
    /// `--probe-user`: the account the live S4U probe acts for (CES-K1); with `probe`.
    public var probeUser: String?
    /// `--probe-keytab` / `--probe-principal`: ask the KDC itself (CES-K1); nil: K1 is skipped.
    public var probe: ProbeRequest?
    /// `--probe-endpoints`: knock on each endpoint's URL (CES-K2); nil: not asked, K2 is skipped.
    public var endpointProber: EndpointProber?

    public init(
        host: String, serviceAccount: String? = nil, caName: String? = nil,
        authentications: [EnrollmentAuthentication] = [], renewalOnly: Bool = false, keyBasedRenewal: Bool = false,
        probeUser: String? = nil, probe: ProbeRequest? = nil
    ) {
        self.probeUser = probeUser
        self.probe = probe
        self.host = host
        self.serviceAccount = serviceAccount
        self.caName = caName
        self.authentications = authentications
        self.renewalOnly = renewalOnly
        self.keyBasedRenewal = keyBasedRenewal
    }

    public func run(source: any DirectorySource, evaluator: Evaluator) async throws(JobError) -> FindingTally {
        let snapshot = source.snapshot
        let ca = try chooseCA(from: try snapshot.certificationAuthorities())
        let templates = ca.publishedTemplates(in: try snapshot.templateRecords())
        let endpoints = try self.endpoints(on: ca)

        var probedUser: AccountRecord?
        if probe != nil {
            guard let name = probeUser else { throw .usage("a live probe needs --probe-user ACCOUNT") }
            guard let account = try await source.account(named: name) else {
                throw .usage("no user or computer account '\(name)' (sAMAccountName, UPN or DN) for --probe-user")
            }
            probedUser = account
        }

        var tally = FindingTally(listsEverything: true)
        var resolver = PathResolver(source: source, serviceAccount: serviceAccount)
        try await resolver.prefetch(endpoints.map { (ca, $0) })
        var stage = ProbeStage(request: probe, domain: snapshot.domain)
        for endpoint in endpoints {
            let path = try await resolver.endpointPath(ca: ca, endpoint: endpoint)
            try Self.requireFound(serviceAccount, path)
            tally.note(PrincipalNote(path))
            tally.add(evaluator.infrastructureFindings(path, templates: templates))
            let state = await stage.state(for: path, user: probedUser)
            tally.add(evaluator.probeFindings(for: path, requester: probedUser, probe: state))
            let endpointState = await endpointProber?.state(for: endpoint) ?? .notAsked
            tally.add(evaluator.endpointProbeFindings(for: path, probe: endpointState))
        }
        tally.add(evaluator.templateFindings(ca: ca, templates: templates))
        return tally
    }

    /// `--ca`; without it the only CA that publishes endpoints on this host, else the only enterprise CA.
    func chooseCA(from cas: [EnrollmentServiceRecord]) throws(JobError) -> EnrollmentServiceRecord {
        if caName == nil, cas.count > 1 {
            let publishing = cas.filter { !publishedEndpoints(on: $0).isEmpty }
            if publishing.count == 1, let only = publishing.first { return only }
        }
        return try Self.choose(caName, from: cas)
    }

    /// A service account that is named (flag or config) must exist: "(unresolved)" and findings about nobody would
    /// hide the typo.
    static func requireFound(_ serviceAccount: String?, _ path: EndpointPath) throws(JobError) {
        guard let serviceAccount, path.principal.source == .configured, path.principal.account == nil else { return }
        throw .usage("no account '\(serviceAccount)' (sAMAccountName, UPN or DN) for the service account")
    }

    /// `--ca` by common name; without it the only enterprise CA.
    static func choose(_ name: String?, from cas: [EnrollmentServiceRecord]) throws(JobError) -> EnrollmentServiceRecord
    {
        let names = cas.map(\.name).sorted().joined(separator: ", ")
        if let name {
            guard let ca = cas.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw .usage("no enterprise CA '\(name)' in AD; enterprise CAs: \(names.isEmpty ? "none" : names)")
            }
            return ca
        }
        guard cas.count == 1, let only = cas.first else {
            if cas.isEmpty { throw .nothingToCheck("no enterprise CA is published in AD") }
            throw .usage("more than one enterprise CA; name one with --ca: \(names)")
        }
        return only
    }

    /// The instances to check: from `--auth`, else the ones published for this host on the CA.
    func endpoints(on ca: EnrollmentServiceRecord) throws(JobError) -> [EnrollmentServiceRecord.Endpoint] {
        let host = host.lowercased()
        guard authentications.isEmpty else {
            return authentications.enumerated().map { index, authentication in
                let url = Self.instanceURL(host: host, caName: ca.name, authentication: authentication)
                let value =
                    "\(index + 1)\n\(authentication.rawValue)\n\(renewalOnly ? 1 : 0)\n\(url)\n\(keyBasedRenewal ? 1 : 0)"
                return EnrollmentServiceRecord.Endpoint(raw: value)
            }
        }
        let published = publishedEndpoints(on: ca)
        guard !published.isEmpty else {
            throw .usage(
                "no CES endpoint of \(ca.name) is published for \(host); name the instances to check with --auth kerberos|username|certificate"
            )
        }
        return published
    }

    /// The endpoints `ca` publishes on this host (FQDN, or a short name matching the FQDN's first label).
    func publishedEndpoints(on ca: EnrollmentServiceRecord) -> [EnrollmentServiceRecord.Endpoint] {
        let host = host.lowercased()
        let short = host.split(separator: ".").first.map(String.init) ?? host
        return ca.endpoints.filter { endpoint in
            guard let endpointHost = endpoint.host else { return false }
            return endpointHost == host || (!host.contains(".") && endpointHost.hasPrefix(short + "."))
        }
    }

    /// `https://<host>/<CA name, spaces as %20>_CES_<Auth>/service.svc/CES` (docs/rules.md §1).
    static func instanceURL(host: String, caName: String, authentication: EnrollmentAuthentication) -> String {
        let name = caName.replacingOccurrences(of: " ", with: "%20")
        return "https://\(host)/\(name)_CES_\(authentication.instanceSuffix ?? "Kerberos")/service.svc/CES"
    }
}
