import ADModel
import DirectoryAccess
import Foundation

extension DirectorySnapshot {
    /// The `DOMAIN\name` principals of every host's certutil `ca-security.txt` whose DOMAIN is this domain's NetBIOS
    /// name and that are not resolved yet, by lower-cased sAMAccountName → the names as printed.
    var unresolvedCertutilNames: [String: [String]] {
        guard let netbios = domain.netbiosName?.lowercased(), !netbios.isEmpty else { return [:] }
        var names: [String: [String]] = [:]
        for host in evidence.values {
            guard let report = host.caSecurity.value?.certutilReport else { continue }
            for entry in report.entries {
                let printed = entry.principal.lowercased()
                let parts = printed.split(separator: "\\", maxSplits: 1)
                guard parts.count == 2, parts[0] == netbios, host.certutilPrincipals?[printed] == nil else { continue }
                names[String(parts[1]), default: []].append(printed)
            }
        }
        return names
    }

    /// Records `sids` (lower-cased sAMAccountName → SID) for the certutil names of every host that print them.
    mutating func recordCertutilPrincipals(_ sids: [String: String]) {
        guard let netbios = domain.netbiosName?.lowercased() else { return }
        for (key, host) in evidence where host.caSecurity.value?.certutilReport != nil {
            var resolved = host.certutilPrincipals ?? [:]
            for (name, sid) in sids { resolved["\(netbios)\\\(name)"] = sid }
            evidence[key]?.certutilPrincipals = resolved
        }
    }
}

extension SnapshotCollector {
    /// Resolves the domain principals certutil names in `ca-security.txt` (`CORP\CES Users`) to SIDs through their
    /// sAMAccountName, so that an allow or deny line for a domain group decides B1/E1. One search for all names;
    /// a name the directory does not know stays unresolved (its lines stay unknown).
    public func resolveCertutilPrincipals(in snapshot: inout DirectorySnapshot) async throws(LDAPError) {
        let names = snapshot.unresolvedCertutilNames
        guard !names.isEmpty else { return }
        let request = SearchRequest(
            base: snapshot.domain.defaultNamingContext,
            filter: LDAPFilter.or(names.keys.sorted().map { LDAPFilter.equals("sAMAccountName", $0) }),
            attributes: ["sAMAccountName", "objectSid"])
        var sids: [String: String] = [:]
        for entry in try await entries(request) {
            guard let name = entry.string("sAMAccountName")?.lowercased(),
                let sid = entry.values("objectSid").first.flatMap({ try? SID(bytes: Array($0)) })
            else { continue }
            sids[name] = sid.description
        }
        snapshot.recordCertutilPrincipals(sids)
    }
}
