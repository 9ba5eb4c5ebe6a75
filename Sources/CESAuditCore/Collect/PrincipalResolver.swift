import DirectoryAccess

/// Which account CES runs as, and how we know (contract.md): `--service-account` / config, else the single
/// account holding `HTTP/<endpoint host>`, else the computer account of the endpoint host.
public struct PrincipalResolution: Sendable, Codable, Equatable {
    public enum Source: String, Sendable, Codable {
        case configured, httpSPN, hostComputer
    }

    public var account: AccountRecord?
    public var source: Source?
    /// Every account holding `HTTP/<host>` (more than one breaks Kerberos, CES-C8).
    public var httpSPNHolders: [String]
    /// Why no account was found, when none was.
    public var problem: String?
}

extension SnapshotCollector {
    public func resolvePrincipal(
        endpointHost host: String, configured: String?, base: String
    ) async throws(LDAPError) -> PrincipalResolution {
        let shortHost = String(host.split(separator: ".").first ?? Substring(host))
        let holders = try await accounts(
            matching: LDAPFilter.or([
                LDAPFilter.equals("servicePrincipalName", "HTTP/\(host)"),
                LDAPFilter.equals("servicePrincipalName", "HTTP/\(shortHost)"),
            ]), base: base)
        let holderNames = holders.map { $0.string("sAMAccountName") ?? $0.dn }
        if let configured {
            guard let account = try await findAccount(configured, base: base) else {
                return PrincipalResolution(
                    account: nil, source: .configured, httpSPNHolders: holderNames,
                    problem: "service account '\(configured)' not found")
            }
            return PrincipalResolution(account: account, source: .configured, httpSPNHolders: holderNames, problem: nil)
        }
        if holders.count == 1 {
            return PrincipalResolution(
                account: try await account(from: holders[0]), source: .httpSPN, httpSPNHolders: holderNames,
                problem: nil)
        }
        let computers = try await accounts(
            matching: LDAPFilter.and(["(objectClass=computer)", LDAPFilter.equals("dNSHostName", host)]), base: base)
        guard let computer = computers.first else {
            return PrincipalResolution(
                account: nil, source: nil, httpSPNHolders: holderNames,
                problem: holders.isEmpty
                    ? "no account holds HTTP/\(host) and no computer has dNSHostName \(host)"
                    : "HTTP/\(host) is held by \(holderNames.joined(separator: ", ")) and no computer has dNSHostName \(host)"
            )
        }
        return PrincipalResolution(
            account: try await account(from: computer), source: .hostComputer, httpSPNHolders: holderNames,
            problem: nil)
    }

    /// Accounts matching a filter, with every attribute the rules read (token groups follow per account).
    func accounts(matching filter: String, base: String) async throws(LDAPError) -> [LDAPEntry] {
        try await entries(SearchRequest(base: base, filter: filter, attributes: AccountRecord.attributes))
    }

    /// The CA's computer account: `dNSHostName` equal to the CA host.
    public func caComputer(host: String, base: String) async throws(LDAPError) -> AccountRecord? {
        let matches = try await accounts(
            matching: LDAPFilter.and(["(objectClass=computer)", LDAPFilter.equals("dNSHostName", host)]), base: base)
        guard let first = matches.first else { return nil }
        return try await account(from: first)
    }
}
