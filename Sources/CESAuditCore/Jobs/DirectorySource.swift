import DirectoryAccess
import Foundation

/// Why a job could not run at all. Domain problems are findings; these are not.
public enum JobError: Error, Sendable, CustomStringConvertible {
    /// Bad input the operator can fix (unknown account, endpoint or CA): exit 64.
    case usage(String)
    /// AD unreachable, bind failed, or a read the job cannot do without: exit 3.
    case directory(LDAPError)
    /// Nothing could be evaluated (no CA readable, nothing published): exit 3, never "all ok".
    case nothingToCheck(String)

    public var description: String {
        switch self {
        case .usage(let message), .nothingToCheck(let message): message
        case .directory(let error): "\(error)"
        }
    }
}

/// Where a job reads accounts from: the live directory, or a saved snapshot (offline review).
public protocol DirectorySource: Sendable {
    /// Configuration side: domain, CAs with endpoints, templates, OIDs, host evidence.
    var snapshot: DirectorySnapshot { get }
    /// An account by sAMAccountName, UPN or DN; nil when there is none.
    func account(named name: String) async throws(JobError) -> AccountRecord?
    /// The CES principal of an endpoint host (docs/contract.md order).
    func principal(endpointHost: String, configured: String?) async throws(JobError) -> PrincipalResolution
    /// The CA's computer account (RBCD on the CA, CES-C5).
    func caComputer(host: String) async throws(JobError) -> AccountRecord?
    /// `principal` for each endpoint host, `caComputer` for each CA host and `account(named: requester)` at once:
    /// the live directory answers them in two round trips instead of a few per host.
    func hosts(endpointHosts: [String], caHosts: [String], configured: String?, requester: String?)
        async throws(JobError) -> ResolvedHosts
    /// Every enabled user and computer account, in batches as they arrive (`scan`). Their groups come from the
    /// domain's group graph, or with `exactGroups` from each account's tokenGroups (a base search per account, a
    /// page of them in one round trip).
    func enabledAccounts(
        exactGroups: Bool, _ body: ([AccountRecord]) async throws(JobError) -> Void
    ) async throws(JobError)
    /// The same source with other infrastructure data (e.g. host evidence added).
    func replacingSnapshot(_ snapshot: DirectorySnapshot) -> any DirectorySource
    /// Host names (lower-cased) → the computer account holding HOST/<name>, and AD DNS aliases → the name they
    /// end at (CES-C1), for hosts the snapshot lacks.
    func hostComputers(named hosts: Set<String>) async throws(JobError)
        -> (computers: [String: String], aliases: [String: String])
    /// The account's own security descriptor, for CES-C10 in the user job.
    func groupReadDescriptor(of account: AccountRecord) async throws(JobError)
        -> Collected<[GroupReadSample.UserDescriptor]>
}

extension DirectorySource {
    /// Offline: only what the snapshot resolved.
    public func hostComputers(named hosts: Set<String>) async throws(JobError)
        -> (computers: [String: String], aliases: [String: String])
    {
        let aliases = snapshot.dnsAliases?.value?.filter { hosts.contains($0.key) } ?? [:]
        let names = hosts.union(aliases.values)
        return (snapshot.hostComputers?.value?.filter { names.contains($0.key) } ?? [:], aliases)
    }

    /// Offline: the snapshot's sample, when it holds the account.
    public func groupReadDescriptor(of account: AccountRecord) async throws(JobError)
        -> Collected<[GroupReadSample.UserDescriptor]>
    {
        let saved = (snapshot.groupReadSample?.named ?? []) + (snapshot.groupReadSample?.users.value ?? [])
        let sampled = saved.filter { $0.dn.lowercased() == account.dn.lowercased() }.prefix(1).map { $0 }
        guard !sampled.isEmpty else {
            return .missing(
                reason:
                    "the snapshot holds no nTSecurityDescriptor of \(account.samAccountName) (only a sample of users)")
        }
        return .value(sampled)
    }

    public func hosts(endpointHosts: [String], caHosts: [String], configured: String?, requester: String?)
        async throws(JobError) -> ResolvedHosts
    {
        var found = ResolvedHosts()
        for host in endpointHosts {
            found.principals[host] = try await principal(endpointHost: host, configured: configured)
        }
        for host in caHosts { found.caComputers[host] = try await caComputer(host: host) }
        if let requester { found.requester = try await account(named: requester) }
        return found
    }
}

/// The live directory through a bound connection. Read-only.
public struct LiveDirectorySource: DirectorySource {
    public let collector: SnapshotCollector
    public let snapshot: DirectorySnapshot
    /// `--base`: the subtree where requesters are looked up and accounts enumerated (`scan`); nil for the whole domain
    /// partition. What serves every requester is domain-wide whatever it says: CES principals (the HTTP/ holders and
    /// the configured account), CA and host computers, groups, password policies, AD DNS — narrowing those would
    /// audit the wrong principal, or none.
    public let accountBase: String?

    public init(collector: SnapshotCollector, snapshot: DirectorySnapshot, accountBase: String? = nil) {
        self.collector = collector
        self.snapshot = snapshot
        self.accountBase = accountBase
    }

    var base: String { accountBase ?? domainNC }
    /// The whole domain partition: groups, policies and the names of hosts are domain-wide whatever `--base` says.
    var domainNC: String { snapshot.domain.defaultNamingContext }

    /// Enabled users and computers (server-side bit test on ACCOUNTDISABLE).
    static let enabledAccountsFilter =
        "(&(|(&(objectCategory=person)(objectClass=user))(objectClass=computer))(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"

    public func replacingSnapshot(_ snapshot: DirectorySnapshot) -> any DirectorySource {
        LiveDirectorySource(collector: collector, snapshot: snapshot, accountBase: accountBase)
    }

    public func account(named name: String) async throws(JobError) -> AccountRecord? {
        do { return try await collector.findAccount(name, base: base) } catch { throw .directory(error) }
    }

    public func principal(endpointHost: String, configured: String?) async throws(JobError) -> PrincipalResolution {
        do {
            return try await collector.resolvePrincipal(
                endpointHost: endpointHost, configured: configured, base: domainNC)
        } catch {
            throw .directory(error)
        }
    }

    public func caComputer(host: String) async throws(JobError) -> AccountRecord? {
        do { return try await collector.caComputer(host: host, base: domainNC) } catch { throw .directory(error) }
    }

    public func groupReadDescriptor(of account: AccountRecord) async throws(JobError)
        -> Collected<[GroupReadSample.UserDescriptor]>
    {
        do { return try await collector.userDescriptor(dn: account.dn) } catch { throw .directory(error) }
    }

    public func hostComputers(named hosts: Set<String>) async throws(JobError)
        -> (computers: [String: String], aliases: [String: String])
    {
        do {
            let found = try await collector.hostComputers(named: hosts, domainNC: domainNC)
            return (found.computers.value ?? [:], found.aliases.value ?? [:])
        } catch { throw .directory(error) }
    }

    public func hosts(endpointHosts: [String], caHosts: [String], configured: String?, requester: String?)
        async throws(JobError) -> ResolvedHosts
    {
        do {
            return try await collector.resolveHosts(
                endpointHosts: endpointHosts, caHosts: caHosts, configured: configured, requester: requester,
                base: domainNC, requesterBase: accountBase)
        } catch {
            throw .directory(error)
        }
    }

    /// Users and computers not disabled (server-side bit test), paged.
    public func enabledAccounts(
        exactGroups: Bool, _ body: ([AccountRecord]) async throws(JobError) -> Void
    ) async throws(JobError) {
        var memberships: GroupGraph.MembershipCache?
        if !exactGroups {
            do {
                memberships = .init(
                    try await GroupGraph.read(with: collector, base: domainNC, domainSID: snapshot.domain.sid))
            } catch {
                throw .directory(error)
            }
        }
        let computed: ComputedAccountControl
        do {
            computed = ComputedAccountControl(policies: try await collector.passwordPolicies(domainNC: domainNC))
        } catch {
            throw .directory(error)
        }
        let request = SearchRequest(
            base: base, filter: Self.enabledAccountsFilter,
            attributes: AccountRecord.scanAttributes + (exactGroups ? [] : GroupGraph.accountAttributes))
        do {
            for try await batch in collector.directory.search(request) {
                var known: [AccountRecord?] = batch.map { entry in
                    (memberships?.membership(of: entry)).map { SnapshotCollector.account(from: entry, membership: $0) }
                }
                // The others (--exact-groups, or no membership worked out) get their token groups in one round trip.
                let unread = known.indices.filter { known[$0] == nil }
                if !unread.isEmpty {
                    let read: [AccountRecord]
                    do { read = try await collector.accounts(from: unread.map { batch[$0] }) } catch {
                        throw JobError.directory(error)
                    }
                    for (index, account) in zip(unread, read) { known[index] = account }
                }
                var accounts = known.compactMap { $0 }
                do { try await collector.settleComputedControl(of: &accounts, entries: batch, with: computed) } catch {
                    throw JobError.directory(error)
                }
                try await body(accounts)
            }
        } catch let error as JobError {
            throw error
        } catch let error as LDAPError {
            throw .directory(error)
        } catch {
            throw .directory(LDAPError(kind: .other, code: 1, operation: "search \(base)", message: "\(error)"))
        }
    }
}
