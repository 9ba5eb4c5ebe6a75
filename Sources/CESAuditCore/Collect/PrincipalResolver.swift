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
        let holderNames = holders.map(\.samAccountName)
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
                account: try await account(dn: holders[0].dn), source: .httpSPN, httpSPNHolders: holderNames,
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
            account: try await account(dn: computer.dn), source: .hostComputer, httpSPNHolders: holderNames,
            problem: nil)
    }

    /// Accounts matching a filter (without token groups: callers re-read the one they keep).
    func accounts(matching filter: String, base: String) async throws(LDAPError) -> [AccountRecord] {
        var found: [LDAPEntry] = []
        do {
            for try await batch in directory.search(
                SearchRequest(base: base, filter: filter, attributes: ["sAMAccountName", "objectClass"]))
            {
                found += batch
            }
        } catch let error as LDAPError {
            throw error
        } catch {
            throw LDAPError(kind: .other, code: 1, operation: "search \(filter)", message: "\(error)")
        }
        return found.map {
            AccountRecord(
                dn: $0.dn, samAccountName: $0.string("sAMAccountName") ?? $0.dn,
                objectClasses: $0.strings("objectClass"),
                sid: nil, userAccountControl: .missing(reason: "not read"),
                userAccountControlComputed: .missing(reason: "not read"),
                mail: nil, userPrincipalName: nil, dnsHostName: nil, servicePrincipalNames: [], allowedToDelegateTo: [],
                allowedToActOnBehalfOf: nil, tokenGroups: .missing(reason: "not read"))
        }
    }

    /// The CA's computer account: `dNSHostName` equal to the CA host.
    public func caComputer(host: String, base: String) async throws(LDAPError) -> AccountRecord? {
        let matches = try await accounts(
            matching: LDAPFilter.and(["(objectClass=computer)", LDAPFilter.equals("dNSHostName", host)]), base: base)
        guard let first = matches.first else { return nil }
        return try await account(dn: first.dn)
    }
}
