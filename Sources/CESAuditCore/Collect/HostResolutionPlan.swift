import DirectoryAccess

/// The first round trip of `resolveHosts`: every search it sends, each tagged with what it asks, so that the
/// answers come back by name rather than by position.
struct HostResolutionPlan: Sendable {
    enum Question: Sendable, Equatable {
        /// The accounts holding `HTTP/<host>` or `HTTP/<short host>`.
        case httpSPNHolders(host: String)
        /// The computer whose `dNSHostName` is the host (an endpoint host or a CA host).
        case computer(host: String)
        /// The account configured as CES principal (`--service-account`).
        case configured(AccountName)
        /// The account `user` audits.
        case requester(AccountName)
    }

    /// The searches in the order they are sent; `answers(_:)` reads the replies in the same order.
    let searches: [(question: Question, request: SearchRequest)]

    /// `base`: the domain partition, where CES principals and computers are found; `requesterBase`: `--base`, where
    /// the requester is looked up (nil: `base`).
    init(
        endpointHosts: [String], caHosts: [String], configured: String?, requester: String?, base: String,
        requesterBase: String? = nil
    ) {
        func search(_ question: Question, filter: String) -> (question: Question, request: SearchRequest) {
            (question, SearchRequest(base: base, filter: filter, attributes: AccountRecord.attributes))
        }
        func computer(_ host: String) -> (question: Question, request: SearchRequest) {
            search(
                .computer(host: host),
                filter: LDAPFilter.and(["(objectClass=computer)", LDAPFilter.equals("dNSHostName", host)]))
        }
        var searches: [(question: Question, request: SearchRequest)] = []
        for host in endpointHosts {
            searches.append(search(.httpSPNHolders(host: host), filter: Self.httpSPNFilter(host: host)))
            searches.append(computer(host))
        }
        searches += caHosts.map(computer)
        if let configured {
            let lookup = SnapshotCollector.accountLookup(configured, base: base)
            searches.append((.configured(lookup.name), lookup.request))
        }
        if let requester {
            let lookup = SnapshotCollector.accountLookup(requester, base: requesterBase ?? base)
            searches.append((.requester(lookup.name), lookup.request))
        }
        self.searches = searches
    }

    var requests: [SearchRequest] { searches.map(\.request) }

    /// Who holds `HTTP/<host>` or `HTTP/<short host>` (Kerberos clients ask for either, CES-C8).
    static func httpSPNFilter(host: String) -> String {
        let shortHost = String(host.split(separator: ".").first ?? Substring(host))
        return LDAPFilter.or([
            LDAPFilter.equals("servicePrincipalName", "HTTP/\(host)"),
            LDAPFilter.equals("servicePrincipalName", "HTTP/\(shortHost)"),
        ])
    }

    /// The replies to `requests`, by question. The first search that failed, in plan order, is thrown — except an
    /// account looked up by a DN that does not exist, which is not found.
    func answers(_ replies: [Result<[LDAPEntry], LDAPError>]) throws(LDAPError) -> HostAnswers {
        var answers = HostAnswers()
        for ((question, request), reply) in zip(searches, replies) {
            switch question {
            case .httpSPNHolders(let host): answers.httpSPNHolders[host] = try reply.get()
            case .computer(let host): answers.computers[host] = try reply.get().first
            case .configured(let name): answers.configured = try SnapshotCollector.found(reply, (request, name))
            case .requester(let name): answers.requester = try SnapshotCollector.found(reply, (request, name))
            }
        }
        return answers
    }
}

/// What the directory answered to a `HostResolutionPlan`.
struct HostAnswers: Sendable, Equatable {
    var httpSPNHolders: [String: [LDAPEntry]] = [:]
    /// The computer of each host asked about; absent when none has that `dNSHostName`.
    var computers: [String: LDAPEntry] = [:]
    var configured: LDAPEntry?
    var requester: LDAPEntry?

    /// Which entry stands for an endpoint host's CES principal (docs/contract.md): the configured account when one
    /// is configured, else the single holder of `HTTP/<host>`, else the host's computer account. The resolution's
    /// `account` is left for the caller to fill from the entry.
    func principal(of host: String, configured: String?) -> PrincipalChoice {
        let holders = httpSPNHolders[host] ?? []
        let holderNames = holders.map { $0.string("sAMAccountName") ?? $0.dn }
        func choice(_ entry: LDAPEntry?, _ source: PrincipalResolution.Source?, problem: String? = nil)
            -> PrincipalChoice
        {
            let resolution = PrincipalResolution(
                account: nil, source: source, httpSPNHolders: holderNames, problem: problem)
            return PrincipalChoice(
                entry: entry, resolution: resolution, hostComputer: hostComputer(of: host, for: entry))
        }
        if let configured {
            return choice(
                self.configured, .configured,
                problem: self.configured == nil ? "service account '\(configured)' not found" : nil)
        }
        if holders.count == 1 { return choice(holders[0], .httpSPN) }
        if let computer = computers[host] { return choice(computer, .hostComputer) }
        return choice(
            nil, nil,
            problem: holders.isEmpty
                ? "no account holds HTTP/\(host) and no computer has dNSHostName \(host)"
                : "HTTP/\(host) is held by \(holderNames.joined(separator: ", ")) and no computer has dNSHostName \(host)"
        )
    }

    /// A gMSA principal needs its host's computer account too (who may retrieve its password, CES-C7).
    private func hostComputer(of host: String, for principal: LDAPEntry?) -> LDAPEntry? {
        guard let principal, AccountRecord.isGroupManagedServiceAccount(objectClasses: principal.strings("objectClass"))
        else { return nil }
        return computers[host]
    }
}

/// The entry chosen as an endpoint host's CES principal, how it was chosen, and the host's computer when the
/// principal is a gMSA.
struct PrincipalChoice: Sendable, Equatable {
    var entry: LDAPEntry?
    var resolution: PrincipalResolution
    var hostComputer: LDAPEntry?
}
