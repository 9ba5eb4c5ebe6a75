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
    /// account by name (`user`'s requester), in two round trips however many hosts (searchAll): every search
    /// first — HTTP/ holders and computer of each host, the configured account, the requester — then the token
    /// groups of every account chosen.
    public func resolveHosts(
        endpointHosts: [String], caHosts: [String], configured: String?, requester: String? = nil, base: String
    ) async throws(LDAPError) -> ResolvedHosts {
        func computer(_ host: String) -> SearchRequest {
            SearchRequest(
                base: base, filter: LDAPFilter.and(["(objectClass=computer)", LDAPFilter.equals("dNSHostName", host)]),
                attributes: AccountRecord.attributes)
        }
        var requests: [SearchRequest] = []
        for host in endpointHosts {
            let shortHost = String(host.split(separator: ".").first ?? Substring(host))
            requests.append(
                SearchRequest(
                    base: base,
                    filter: LDAPFilter.or([
                        LDAPFilter.equals("servicePrincipalName", "HTTP/\(host)"),
                        LDAPFilter.equals("servicePrincipalName", "HTTP/\(shortHost)"),
                    ]), attributes: AccountRecord.attributes))
            requests.append(computer(host))
        }
        requests += caHosts.map(computer)
        let hostSearches = requests.count
        let configuredLookup = configured.map { Self.accountLookup($0, base: base) }
        let requesterLookup = requester.map { Self.accountLookup($0, base: base) }
        requests += [configuredLookup, requesterLookup].compactMap { $0?.request }
        // The forest's HTTP/ holders come from another connection (the GC): it is set up and searched meanwhile.
        async let forestHolders = forestHTTPSPNHolders(of: endpointHosts, domainNC: base)
        let allAnswers = await directory.searchAll(requests)
        var answers: [[LDAPEntry]] = []
        for answer in allAnswers[..<hostSearches] { answers.append(try answer.get()) }
        var next = hostSearches
        func lookedUp(_ lookup: (request: SearchRequest, name: AccountName)?) throws(LDAPError) -> LDAPEntry? {
            guard let lookup else { return nil }
            defer { next += 1 }
            return try Self.found(allAnswers[next], lookup)
        }
        let configuredEntry = try lookedUp(configuredLookup)
        let requesterEntry = try lookedUp(requesterLookup)

        // Which entry stands for each host; their accounts (with token groups) are read together below.
        var chosen: [String: (entry: LDAPEntry?, resolution: PrincipalResolution)] = [:]
        for (index, host) in endpointHosts.enumerated() {
            let holders = answers[2 * index]
            let holderNames = holders.map { $0.string("sAMAccountName") ?? $0.dn }
            if let configured {
                chosen[host] = (
                    configuredEntry,
                    PrincipalResolution(
                        account: nil, source: .configured, httpSPNHolders: holderNames,
                        problem: configuredEntry == nil ? "service account '\(configured)' not found" : nil)
                )
            } else if holders.count == 1 {
                chosen[host] = (
                    holders[0],
                    PrincipalResolution(account: nil, source: .httpSPN, httpSPNHolders: holderNames, problem: nil)
                )
            } else if let computer = answers[2 * index + 1].first {
                chosen[host] = (
                    computer,
                    PrincipalResolution(account: nil, source: .hostComputer, httpSPNHolders: holderNames, problem: nil)
                )
            } else {
                chosen[host] = (
                    nil,
                    PrincipalResolution(
                        account: nil, source: nil, httpSPNHolders: holderNames,
                        problem: holders.isEmpty
                            ? "no account holds HTTP/\(host) and no computer has dNSHostName \(host)"
                            : "HTTP/\(host) is held by \(holderNames.joined(separator: ", ")) and no computer has dNSHostName \(host)"
                    )
                )
            }
        }
        let caEntries = caHosts.indices.map { answers[2 * endpointHosts.count + $0].first }
        // A gMSA principal needs its host's computer account too (who may retrieve its password).
        var hostComputers: [String: LDAPEntry] = [:]
        for (index, host) in endpointHosts.enumerated() {
            let isGMSA = chosen[host]?.entry?.strings("objectClass").contains {
                $0.caseInsensitiveCompare("msDS-GroupManagedServiceAccount") == .orderedSame
            }
            if isGMSA == true, let computer = answers[2 * index + 1].first { hostComputers[host] = computer }
        }
        var seen: Set<String> = []
        let toRead = (chosen.values.map(\.entry) + caEntries + Array(hostComputers.values) + [requesterEntry])
            .compactMap { $0 }
            .filter { seen.insert($0.dn).inserted }
        let read = Dictionary(uniqueKeysWithValues: zip(toRead.map(\.dn), try await accounts(from: toRead)))

        let forest = await forestHolders
        var principals: [String: PrincipalResolution] = [:]
        for (host, choice) in chosen {
            var resolution = choice.resolution
            resolution.forestHTTPSPNHolders = forest[host]
            if let entry = choice.entry { resolution.account = read[entry.dn] }
            resolution.hostComputer = hostComputers[host].flatMap { read[$0.dn] }
            principals[host] = resolution
        }
        var caComputers: [String: AccountRecord?] = [:]
        for (host, entry) in zip(caHosts, caEntries) { caComputers[host] = entry.flatMap { read[$0.dn] } }
        return ResolvedHosts(
            principals: principals, caComputers: caComputers, requester: requesterEntry.flatMap { read[$0.dn] })
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
        switch await globalCatalog.outcome(of: directory) {
        case .connected(let connection, let uri): (catalog, catalogURI) = (connection, uri)
        case .failed(let reason): return everyHost(reason)
        }
        let requests = hosts.map { host in
            let short = String(host.split(separator: ".").first ?? Substring(host))
            return SearchRequest(
                base: "",
                filter: LDAPFilter.or([
                    LDAPFilter.equals("servicePrincipalName", "HTTP/\(host)"),
                    LDAPFilter.equals("servicePrincipalName", "HTTP/\(short)"),
                ]), attributes: ["sAMAccountName"])
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
