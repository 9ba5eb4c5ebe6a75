import DirectoryAccess

/// Which account CES runs as, and how we know (docs/contract.md): `--service-account` / config, else the single
/// account holding `HTTP/<endpoint host>`, else the computer account of the endpoint host.
public struct PrincipalResolution: Sendable, Codable, Equatable {
    public enum Source: String, Sendable, Codable {
        case configured, httpSPN, hostComputer
    }

    public var account: AccountRecord?
    public var source: Source?
    /// Every account of the domain holding `HTTP/<host>` (more than one breaks Kerberos, CES-C8).
    public var httpSPNHolders: [String]
    /// Why no account was found, when none was.
    public var problem: String?
    /// The computer account of the endpoint host, read only when the principal is a gMSA: it must be allowed to
    /// retrieve the managed password (msDS-GroupMSAMembership, CES-C7).
    public var hostComputer: AccountRecord? = nil
    /// Every account of the forest holding `HTTP/<host>`, from the global catalog (CES-C8): sAMAccountName for
    /// the domain's accounts, the DN for other domains'; why not, when the GC could not be searched; nil when
    /// no GC search was made (snapshots saved before it).
    public var forestHTTPSPNHolders: Collected<[String]>? = nil
}

/// What `resolveHosts` found: each endpoint host's CES principal, each CA host's computer account, and the
/// account asked for by name.
public struct ResolvedHosts: Sendable {
    public var principals: [String: PrincipalResolution] = [:]
    public var caComputers: [String: AccountRecord?] = [:]
    /// The `requester` asked for; nil when it was not asked for or does not exist.
    public var requester: AccountRecord?
}

extension SnapshotCollector {
    public func resolvePrincipal(
        endpointHost host: String, configured: String?, base: String
    ) async throws(LDAPError) -> PrincipalResolution {
        let resolved = try await resolveHosts(endpointHosts: [host], caHosts: [], configured: configured, base: base)
        return resolved.principals[host]
            ?? PrincipalResolution(
                account: nil, source: nil, httpSPNHolders: [], problem: "\(host) was not resolved")
    }

    /// The CA's computer account: `dNSHostName` equal to the CA host.
    public func caComputer(host: String, base: String) async throws(LDAPError) -> AccountRecord? {
        try await resolveHosts(endpointHosts: [], caHosts: [host], configured: nil, base: base).caComputers[host] ?? nil
    }

    /// The CES principal of every endpoint host, the computer account of every CA host and, when asked, one more
    /// account by name (`user`'s requester), in two round trips however many hosts (searchAll): every search of the
    /// `HostResolutionPlan` first, then the token groups of every account chosen.
    public func resolveHosts(
        endpointHosts: [String], caHosts: [String], configured: String?, requester: String? = nil, base: String,
        requesterBase: String? = nil
    ) async throws(LDAPError) -> ResolvedHosts {
        let plan = HostResolutionPlan(
            endpointHosts: endpointHosts, caHosts: caHosts, configured: configured, requester: requester, base: base,
            requesterBase: requesterBase)
        // The forest's HTTP/ holders come from another connection (the GC): it is set up and searched meanwhile.
        async let forestHolders = forestHTTPSPNHolders(of: endpointHosts, domainNC: base)
        let answers = try plan.answers(await directory.searchAll(plan.requests))
        let chosen = endpointHosts.map { (host: $0, choice: answers.principal(of: $0, configured: configured)) }
        let caEntries = caHosts.map { answers.computers[$0] }

        var seen: Set<String> = []
        let toRead = (chosen.map(\.choice.entry) + caEntries + chosen.map(\.choice.hostComputer) + [answers.requester])
            .compactMap { $0 }
            .filter { seen.insert($0.dn).inserted }
        let read = Dictionary(uniqueKeysWithValues: zip(toRead.map(\.dn), try await accounts(from: toRead)))

        let forest = await forestHolders
        var principals: [String: PrincipalResolution] = [:]
        for (host, choice) in chosen {
            var resolution = choice.resolution
            resolution.forestHTTPSPNHolders = forest[host]
            resolution.account = choice.entry.flatMap { read[$0.dn] }
            resolution.hostComputer = choice.hostComputer.flatMap { read[$0.dn] }
            principals[host] = resolution
        }
        var caComputers: [String: AccountRecord?] = [:]
        for (host, entry) in zip(caHosts, caEntries) { caComputers[host] = entry.flatMap { read[$0.dn] } }
        return ResolvedHosts(
            principals: principals, caComputers: caComputers, requester: answers.requester.flatMap { read[$0.dn] })
    }
}

extension SnapshotCollector {
    /// The `HTTP/<host>` and `HTTP/<short host>` holders of each host across the forest, searched in the global
    /// catalog of the bound DC (`LDAPURI.globalCatalog`: same host and credentials, port 3268 or 3269) from the
    /// root of every naming context. A GC that cannot be reached, bound or searched gives every host the same
    /// missing reason: a duplicate in another domain cannot then be ruled out.
    public func forestHTTPSPNHolders(of hosts: [String], domainNC: String) async -> [String: Collected<[String]>] {
        guard !hosts.isEmpty else { return [:] }
        func everyHost(_ reason: String) -> [String: Collected<[String]>] {
            Dictionary(uniqueKeysWithValues: hosts.map { ($0, .missing(reason: reason)) })
        }
        let catalog: DirectoryConnection
        let catalogURI: LDAPURI
        switch await globalCatalog.outcome {
        case .connected(let connection, let uri): (catalog, catalogURI) = (connection, uri)
        case .failed(let reason): return everyHost(reason)
        }
        let requests = hosts.map { host in
            SearchRequest(
                base: "", filter: HostResolutionPlan.httpSPNFilter(host: host), attributes: ["sAMAccountName"])
        }
        let answers = await catalog.searchAll(requests)
        var holders: [String: Collected<[String]>] = [:]
        for (host, answer) in zip(hosts, answers) {
            switch answer {
            case .success(let entries):
                holders[host] = .value(
                    entries.map { entry in
                        let inDomain = entry.dn.lowercased().hasSuffix("," + domainNC.lowercased())
                        return inDomain ? entry.string("sAMAccountName") ?? entry.dn : entry.dn
                    })
            case .failure(let error):
                holders[host] = .missing(
                    reason: "the forest's global catalog \(catalogURI) could not be searched: \(error)")
            }
        }
        return holders
    }

    /// Accounts matching a filter, with every attribute the rules read (token groups follow per account).
    func accounts(matching filter: String, base: String) async throws(LDAPError) -> [LDAPEntry] {
        try await entries(SearchRequest(base: base, filter: filter, attributes: AccountRecord.attributes))
    }
}
