import ADModel
import DirectoryAccess
import Foundation

/// A snapshot saved by `ces-audit snapshot`, evaluated without AD (support cases, air-gapped review). It
/// answers from the accounts the snapshot holds, resolving CES principals in the same order as the live
/// directory does.
public struct SnapshotDirectorySource: DirectorySource {
    public let snapshot: DirectorySnapshot
    let accounts: [AccountRecord]

    public init(snapshot: DirectorySnapshot) {
        self.snapshot = snapshot
        accounts = snapshot.accounts ?? []
    }

    /// Reads a snapshot file; a one-line error for a missing, unreadable or foreign file.
    public init(file: String) throws(JobError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .usage("cannot read snapshot \(file)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let snapshot: DirectorySnapshot
        do {
            snapshot = try decoder.decode(DirectorySnapshot.self, from: data)
        } catch {
            throw .usage("\(file) is not a ces-audit snapshot: \(Self.describe(error))")
        }
        guard snapshot.schemaVersion == 1 else {
            throw .usage("\(file): unsupported snapshot schemaVersion \(snapshot.schemaVersion) (this version reads 1)")
        }
        self.init(snapshot: snapshot)
    }

    public func replacingSnapshot(_ snapshot: DirectorySnapshot) -> any DirectorySource {
        var snapshot = snapshot
        snapshot.accounts = accounts
        return SnapshotDirectorySource(snapshot: snapshot)
    }

    public func account(named typed: String) async throws(JobError) -> AccountRecord? {
        let domain = snapshot.domain
        let name = AccountName(
            typed, dnsDomain: domain.dnsName ?? AccountName.dnsDomain(ofNamingContext: domain.defaultNamingContext))
        let ranked = accounts.compactMap { account in
            name.rank(
                samAccountName: account.samAccountName, userPrincipalName: account.userPrincipalName, dn: account.dn
            )
            .map { (rank: $0, account: account) }
        }
        return ranked.min { $0.rank < $1.rank }?.account
    }

    public func principal(endpointHost host: String, configured: String?) async throws(JobError) -> PrincipalResolution
    {
        var resolution = try await domainPrincipal(endpointHost: host, configured: configured)
        resolution.forestHTTPSPNHolders =
            snapshot.forestHTTPSPNHolders?[host]
            ?? .missing(reason: "the snapshot holds no global catalog search for HTTP/\(host)")
        return resolution
    }

    private func domainPrincipal(endpointHost host: String, configured: String?) async throws(JobError)
        -> PrincipalResolution
    {
        let short = host.split(separator: ".").first.map(String.init) ?? host
        let spns = Set(["http/\(host)", "http/\(short)"])
        let holders = accounts.filter { account in
            account.servicePrincipalNames.contains { spns.contains($0.lowercased()) }
        }
        let names = holders.map(\.samAccountName)
        if let configured {
            let account = try await account(named: configured)
            return PrincipalResolution(
                account: account, source: .configured, httpSPNHolders: names,
                problem: account == nil ? "service account '\(configured)' not in the snapshot" : nil)
        }
        if holders.count == 1 {
            return PrincipalResolution(account: holders[0], source: .httpSPN, httpSPNHolders: names, problem: nil)
        }
        if let computer = try await caComputer(host: host) {
            return PrincipalResolution(account: computer, source: .hostComputer, httpSPNHolders: names, problem: nil)
        }
        return PrincipalResolution(
            account: nil, source: nil, httpSPNHolders: names,
            problem: "no account in the snapshot holds HTTP/\(host) alone and no computer has dNSHostName \(host)")
    }

    public func caComputer(host: String) async throws(JobError) -> AccountRecord? {
        accounts.first { $0.isComputer && $0.dnsHostName?.lowercased() == host.lowercased() }
    }

    public func enabledAccounts(
        exactGroups: Bool, _ body: ([AccountRecord]) async throws(JobError) -> Void
    ) async throws(JobError) {
        guard snapshot.allEnabledAccounts == true else {
            throw .usage(
                "the snapshot holds no account list; take it with 'ces-audit snapshot --all-accounts' to scan offline")
        }
        let enabled = accounts.filter { !($0.flags?.contains(.accountDisable) ?? false) }
        try await body(enabled)
    }

    /// In the file's terms (key paths), never the decoder's (`CodingKeys(stringValue:…)`).
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context, _ last: String? = nil) -> String {
            (context.codingPath.map(\.stringValue) + [last].compactMap { $0 }).joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key \(path(context, key.stringValue))"
        case DecodingError.typeMismatch(let type, let context):
            return "\(path(context)): not a \(type) value"
        case DecodingError.valueNotFound(let type, let context):
            return "\(path(context)): no \(type) value"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): invalid value"
        default:
            return "not valid JSON"
        }
    }
}

/// Collects a snapshot for offline use: the infrastructure plus the accounts the jobs look up.
public struct SnapshotWriter: Sendable {
    public let collector: SnapshotCollector
    /// `--base`, as for `LiveDirectorySource.accountBase`.
    public let accountBase: String?

    public init(collector: SnapshotCollector, accountBase: String? = nil) {
        self.collector = collector
        self.accountBase = accountBase
    }

    /// `accounts`: names to include (requesters, service accounts); `allEnabled`: every enabled account.
    public func collect(
        into snapshot: DirectorySnapshot, accounts names: [String], allEnabled: Bool
    ) async throws(JobError) -> DirectorySnapshot {
        var snapshot = snapshot
        let live = LiveDirectorySource(collector: collector, snapshot: snapshot, accountBase: accountBase)
        var found: [String: AccountRecord] = [:]
        func keep(_ account: AccountRecord?) { if let account { found[account.dn.lowercased()] = account } }
        var named: [GroupReadSample.UserDescriptor] = []
        for name in names {
            guard let account = try await live.account(named: name) else {
                throw .usage("no user or computer account '\(name)' (sAMAccountName, UPN or DN)")
            }
            keep(account)
            // CES-C10 checks a requester's own descriptor: keep it for the offline user job.
            named += try await live.groupReadDescriptor(of: account).value ?? []
        }
        snapshot.groupReadSample?.named = named
        for ca in try snapshot.certificationAuthorities() {
            if let host = ca.dnsHostName { keep(try await live.caComputer(host: host)) }
            for host in Set(ca.endpoints.compactMap(\.host)) {
                let short = host.split(separator: ".").first.map(String.init) ?? host
                let filter = LDAPFilter.or([
                    LDAPFilter.equals("servicePrincipalName", "HTTP/\(host)"),
                    LDAPFilter.equals("servicePrincipalName", "HTTP/\(short)"),
                ])
                do {
                    for entry in try await collector.accounts(matching: filter, base: live.domainNC) {
                        keep(try await collector.account(from: entry))
                    }
                } catch {
                    throw .directory(error)
                }
                keep(try await live.caComputer(host: host))
            }
        }
        if allEnabled {
            try await live.enabledAccounts(exactGroups: true) { batch throws(JobError) in batch.forEach(keep) }
        }
        let endpointHosts = Set(try snapshot.certificationAuthorities().flatMap { $0.endpoints.compactMap(\.host) })
        snapshot.forestHTTPSPNHolders = await collector.forestHTTPSPNHolders(
            of: endpointHosts.sorted(), domainNC: snapshot.domain.defaultNamingContext)
        snapshot.accounts = found.values.sorted { $0.dn < $1.dn }
        snapshot.allEnabledAccounts = allEnabled
        return snapshot
    }
}
