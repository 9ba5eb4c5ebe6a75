import ADModel
import DirectoryAccess
import Foundation

/// Reads AD into a `DirectorySnapshot`. Read-only: it only searches.
///
/// Transport and bind failures abort (the caller exits 3); a search the bound identity may not make, or an
/// attribute it may not read, becomes a `Collected.missing` reason that turns the dependent rules `unknown`.
public struct SnapshotCollector: Sendable {
    public let directory: DirectoryConnection
    /// Shared by copies of this collector: the forest's HTTP/ holders (CES-C8) are searched there.
    let globalCatalog: GlobalCatalogConnection

    public init(directory: DirectoryConnection) {
        self.directory = directory
        globalCatalog = GlobalCatalogConnection(of: directory)
    }

    /// Starts connecting to the forest's global catalog now (the jobs do, whether or not the domain turns out to
    /// publish a CES endpoint, whose host's HTTP/ holders are searched there): it is then set up while the domain is
    /// read.
    public func connectGlobalCatalogAhead() { globalCatalog.start() }

    /// The configuration side: domain facts, enterprise CAs with endpoints, templates, OID objects.
    /// `sampleUsers`: read CES-C10's sample of users' descriptors. `user` checks the requester's own descriptor
    /// instead, and skips the sample: Samba works out a paged search of every enabled user before it answers its
    /// first page (2.5 s at 50,000 users), which made a one-account check grow with the domain.
    public func collectInfrastructure(sampleUsers: Bool = true) async throws(LDAPError) -> DirectorySnapshot {
        guard let root = await directory.rootDSE, let defaultNC = root.defaultNamingContext,
            let configurationNC = root.configurationNamingContext
        else {
            throw LDAPError(
                kind: .other, code: 1, operation: "read RootDSE", message: "no naming contexts in the RootDSE")
        }
        let services = "CN=Public Key Services,CN=Services," + configurationNC
        // External trusts sit in the domain's CN=System, forest trusts in the forest root's.
        let rootNC = root.rootDomainNamingContext ?? defaultNC
        let isForestRoot = rootNC.lowercased() == defaultNC.lowercased()
        let trustContainers = ["CN=System," + defaultNC] + (isForestRoot ? [] : ["CN=System," + rootNC])
        // One round trip for these reads (searchAll): they do not depend on each other.
        let answers = await directory.searchAll(
            [
                SearchRequest(base: defaultNC, scope: .base, attributes: ["objectSid"]),
                SearchRequest(
                    base: "CN=Enrollment Services," + services, scope: .oneLevel,
                    filter: "(objectClass=pKIEnrollmentService)", attributes: EnrollmentServiceRecord.attributes,
                    securityDescriptorParts: .withoutSACL),
                SearchRequest(
                    base: "CN=Certificate Templates," + services, scope: .oneLevel,
                    filter: "(objectClass=pKICertificateTemplate)", attributes: TemplateRecord.attributes,
                    securityDescriptorParts: .withoutSACL),
                SearchRequest(
                    base: "CN=OID," + services, scope: .oneLevel, filter: "(objectClass=msPKI-Enterprise-Oid)",
                    attributes: ["displayName", "flags", "msPKI-Cert-Template-OID"]),
                Self.domainControllersRequest(configurationNC: configurationNC, domainNC: defaultNC),
                Self.everyoneAliasesRequest(domainNC: defaultNC),
                // The domain's NetBIOS name, which certutil prints in front of account names (CORP\alice).
                SearchRequest(
                    base: "CN=Partitions," + configurationNC, scope: .oneLevel,
                    filter: LDAPFilter.and(["(objectClass=crossRef)", LDAPFilter.equals("nCName", defaultNC)]),
                    attributes: ["nETBIOSName"]),
                // Root and intermediate CA certificates, for the chains of CES-F6/F6b.
                Self.caCertificatesRequest("CN=Certification Authorities," + services),
                Self.caCertificatesRequest("CN=AIA," + services),
            ] + trustContainers.map(Self.trustsRequest))
        let domainEntry = try answers[0].get().first
        let domainSID = domainEntry?.values("objectSid").first.flatMap { try? SID(bytes: Array($0)) }?.description
        let domain = DirectorySnapshot.Domain(
            defaultNamingContext: defaultNC, configurationNamingContext: configurationNC,
            dnsName: Self.dnsName(of: defaultNC), sid: domainSID, functionalLevel: root.domainFunctionality,
            domainController: root.dnsHostName, vendorName: root.vendorName,
            domainControllerLevels: try Self.domainControllerLevels(answers[4], configurationNC: configurationNC),
            boundDomainControllerLevel: root.domainControllerFunctionality,
            netbiosName: (try? answers[6].get())?.first?.string("nETBIOSName"))
        var snapshot = DirectorySnapshot(
            collectedAt: Date(), domain: domain,
            enrollmentServices: try Self.collected(
                answers[1], "CN=Enrollment Services," + services, Self.enrollmentService),
            templates: try Self.collected(answers[2], "CN=Certificate Templates," + services, Self.template),
            oids: try Self.collected(answers[3], "CN=OID," + services, Self.oid))
        snapshot.caCertificates = try Self.caCertificates(
            [(answers[7], "CN=Certification Authorities," + services), (answers[8], "CN=AIA," + services)])
        snapshot.trusts = try Self.trusts(answers[9], trustContainers[0])
        if trustContainers.count > 1 {
            snapshot.forestRootTrusts = try Self.trusts(answers[10], trustContainers[1])
        }
        snapshot.groupReadSample = GroupReadSample(
            everyoneAliases: try Self.collected(answers[5], "CN=Builtin," + defaultNC) {
                $0.values("objectSid").first.flatMap { try? SID(bytes: Array($0)) }?.description ?? $0.dn
            },
            users: sampleUsers
                ? try await userDescriptorSample(domainNC: defaultNC)
                : .missing(reason: "users' descriptors not sampled: the user job reads the requester's own"))
        // CES-C9's date needs the domain SID read above: it goes in the host lookup's first round trip.
        let aesRequest = domainSID.map(Self.aesKeysSinceRequest)
        let hosts = (snapshot.enrollmentServices.value ?? []).flatMap { ca in
            [ca.dnsHostName?.lowercased()] + ca.endpoints.map(\.host)
        }
        let (hostLookup, aesAnswer) = try await hostComputers(
            named: Set(hosts.compactMap { $0 }), domainNC: defaultNC, alongside: aesRequest)
        snapshot.domain.aesKeysSince = try Self.aesKeysSince(aesAnswer, domainSID: domainSID)
        snapshot.hostComputers = hostLookup.computers
        snapshot.dnsAliases = hostLookup.aliases
        return snapshot
    }

    /// What `hostComputers(named:domainNC:)` found: computers by name and AD DNS aliases, each collected or not.
    public struct HostLookup: Sendable {
        public var computers: Collected<[String: String]>
        public var aliases: Collected<[String: String]>
    }

    /// A CNAME chain is followed this many records deep within AD DNS; a longer one (or a loop) is not resolved.
    static let maxAliasHops = 4

    /// Each CA and CES host name (lower-cased) → the computer account that holds HOST/<name> (an alternate name
    /// registered with `netdom computername /add` or setspn counts) or has it as dNSHostName, and the names that are
    /// CNAMEs in AD-integrated DNS → the name their chain ends at. A name two computers claim is left out (decided by
    /// name). Computer accounts and DNS nodes are searched in one round trip; a CNAME's target that was not among the
    /// names takes one more (per hop).
    public func hostComputers(named hosts: Set<String>, domainNC: String) async throws(LDAPError) -> HostLookup {
        try await hostComputers(named: hosts, domainNC: domainNC, alongside: nil).lookup
    }

    /// `hostComputers(named:domainNC:)`, with `other` sent in its first round trip; its answer is returned as is.
    func hostComputers(named hosts: Set<String>, domainNC: String, alongside other: SearchRequest?)
        async throws(LDAPError) -> (lookup: HostLookup, other: Result<[LDAPEntry], LDAPError>?)
    {
        var otherAnswer: Result<[LDAPEntry], LDAPError>?
        guard !hosts.isEmpty else {
            if let other { otherAnswer = await directory.searchAll([other])[0] }
            return (HostLookup(computers: .value([:]), aliases: .value([:])), otherAnswer)
        }
        let zoneContainers = Self.dnsZoneContainers(
            domainNC: domainNC, forestNC: await directory.rootDSE?.rootDomainNamingContext ?? domainNC)
        var holders: [String: Set<String>] = [:]
        var cnames: [String: Set<String>] = [:]
        var dnsProblem: String?
        var asked: Set<String> = []
        var next = hosts
        for hop in 0...Self.maxAliasHops where !next.isEmpty {
            asked.formUnion(next)
            // A single-label name is in no zone.
            let containers = next.contains { $0.contains(".") } ? zoneContainers : []
            let alongside = hop == 0 ? other.map { [$0] } ?? [] : []
            var answers = await directory.searchAll(
                [Self.computersRequest(next, domainNC: domainNC)]
                    + containers.map { Self.dnsNodesRequest(next, container: $0) } + alongside)
            if !alongside.isEmpty { otherAnswer = answers.removeLast() }
            switch answers[0] {
            case .success(let entries): Self.collectHolders(entries, of: next, into: &holders)
            case .failure(let error) where error.isConnectivityFailure: throw error
            case .failure(let error):
                let lookup = HostLookup(
                    computers: .missing(reason: "computer accounts of the CA and CES hosts not readable: \(error)"),
                    aliases: .missing(reason: "not looked up: computer accounts not readable"))
                return (lookup, otherAnswer)
            }
            for (answer, container) in zip(answers.dropFirst(), containers) {
                switch answer {
                case .success(let entries):
                    for (name, target) in Self.cnames(entries, of: next) { cnames[name, default: []].insert(target) }
                case .failure(let error) where error.isConnectivityFailure: throw error
                case .failure(let error) where error.kind == .noSuchObject: continue  // no such DNS partition
                case .failure(let error): dnsProblem = dnsProblem ?? "DNS nodes in \(container) not readable: \(error)"
                }
            }
            next = Set(cnames.values.flatMap { $0 }).subtracting(asked)
        }
        let computers = holders.compactMapValues { $0.count == 1 ? $0.first : nil }
        var aliases: [String: String] = [:]
        for host in hosts { if let end = Self.chainEnd(of: host, cnames: cnames) { aliases[host] = end } }
        let lookup = HostLookup(
            computers: .value(computers), aliases: dnsProblem.map { .missing(reason: $0) } ?? .value(aliases))
        return (lookup, otherAnswer)
    }

    static func computersRequest(_ hosts: Set<String>, domainNC: String) -> SearchRequest {
        SearchRequest(
            base: domainNC,
            filter: LDAPFilter.and([
                "(objectClass=computer)",
                LDAPFilter.or(
                    hosts.sorted().flatMap {
                        [LDAPFilter.equals("servicePrincipalName", "HOST/\($0)"), LDAPFilter.equals("dNSHostName", $0)]
                    }),
            ]), attributes: ["servicePrincipalName", "dNSHostName"])
    }

    static func collectHolders(
        _ entries: [LDAPEntry], of hosts: Set<String>, into holders: inout [String: Set<String>]
    ) {
        for entry in entries {
            let names =
                entry.strings("servicePrincipalName").compactMap { spn -> String? in
                    let parts = spn.split(separator: "/", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "host" else { return nil }
                    return String(parts[1].split(separator: ":").first ?? parts[1]).lowercased()
                } + [entry.string("dNSHostName")?.lowercased()].compactMap { $0 }
            for name in Set(names) where hosts.contains(name) { holders[name, default: []].insert(entry.dn) }
        }
    }

    /// Where AD keeps its integrated zones (MS-DNSP §2.3): the domain and forest application partitions, and
    /// the legacy container in the domain partition (Windows 2000 style).
    static func dnsZoneContainers(domainNC: String, forestNC: String) -> [String] {
        [
            "CN=MicrosoftDNS,DC=DomainDnsZones," + domainNC, "CN=MicrosoftDNS,DC=ForestDnsZones," + forestNC,
            "CN=MicrosoftDNS,CN=System," + domainNC,
        ]
    }

    /// The dnsNode objects that could hold these names: `pki.corp.example.test` is node `pki` in zone
    /// `corp.example.test`, or `pki.corp` in `example.test`, …; `cnames` keeps the node whose zone matches.
    static func dnsNodesRequest(_ hosts: Set<String>, container: String) -> SearchRequest {
        let nodeNames = Set(hosts.flatMap { host in Self.zoneSplits(of: host).map { $0.node } })
        return SearchRequest(
            base: container,
            filter: LDAPFilter.and([
                "(objectClass=dnsNode)", LDAPFilter.or(nodeNames.sorted().map { LDAPFilter.equals("name", $0) }),
            ]), attributes: ["name", "dnsRecord"])
    }

    /// Every (node, zone) a name can be stored as: the node takes one label or more, the zone at least one.
    static func zoneSplits(of host: String) -> [(node: String, zone: String)] {
        let labels = host.split(separator: ".")
        guard labels.count > 1 else { return [] }
        return (1..<labels.count).map {
            (labels[..<$0].joined(separator: "."), labels[$0...].joined(separator: "."))
        }
    }

    /// host → CNAME target for the nodes among `entries` that are one of `hosts` (node DN `DC=<node>,DC=<zone>,
    /// CN=MicrosoftDNS,…`). dnsRecord values that do not decode, and other record types, are skipped.
    static func cnames(_ entries: [LDAPEntry], of hosts: Set<String>) -> [(String, String)] {
        var found: [(String, String)] = []
        for entry in entries {
            let dn = entry.dn.lowercased()
            let host = hosts.first { host in
                zoneSplits(of: host).contains { split in
                    dn.hasPrefix(
                        (DistinguishedName.rdn("dc", split.node) + "," + DistinguishedName.rdn("dc", split.zone)
                            + ",cn=microsoftdns,").lowercased())
                }
            }
            guard let host else { continue }
            for value in entry.values("dnsRecord") {
                if let target = (try? DNSRecord(bytes: Array(value)))?.canonicalName { found.append((host, target)) }
            }
        }
        return found
    }

    /// The name a CNAME chain from `host` ends at; nil when `host` is no alias, a node names two targets, or the
    /// chain is longer than `maxAliasHops` or loops.
    static func chainEnd(of host: String, cnames: [String: Set<String>]) -> String? {
        var name = host
        for _ in 0..<Self.maxAliasHops {
            guard let targets = cnames[name] else { return name == host ? nil : name }
            guard targets.count == 1, let target = targets.first, target != host else { return nil }
            name = target
        }
        return cnames[name] == nil ? name : nil
    }

    static func caCertificatesRequest(_ container: String) -> SearchRequest {
        SearchRequest(
            base: container, scope: .oneLevel, filter: "(objectClass=certificationAuthority)",
            attributes: ["cACertificate"])
    }

    /// Every cACertificate value of the two containers; the first that cannot be read gives the reason.
    static func caCertificates(_ answers: [(Result<[LDAPEntry], LDAPError>, String)]) throws(LDAPError)
        -> Collected<[Data]>
    {
        var certificates: [Data] = []
        for (answer, container) in answers {
            switch answer {
            case .success(let entries): certificates += entries.flatMap { $0.values("cACertificate") }
            case .failure(let error) where error.isConnectivityFailure: throw error
            case .failure(let error): return .missing(reason: "CA certificates in \(container) not readable: \(error)")
            }
        }
        return .value(certificates)
    }

    /// Builtin groups with Authenticated Users (S-1-5-11) or Everyone (S-1-1-0) as a member (CES-C10).
    static func everyoneAliasesRequest(domainNC: String) -> SearchRequest {
        let member = { (sid: SID) in
            LDAPFilter.equals("member", "CN=\(sid),CN=ForeignSecurityPrincipals,\(domainNC)")
        }
        return SearchRequest(
            base: "CN=Builtin," + domainNC, scope: .oneLevel,
            filter: LDAPFilter.and([
                "(objectClass=group)", LDAPFilter.or([member(.authenticatedUsers), member(.everyone)]),
            ]),
            attributes: ["objectSid"])
    }

    /// The DACLs of the first `GroupReadSample.size` enabled users a search returns (CES-C10's sample).
    func userDescriptorSample(domainNC: String) async throws(LDAPError) -> Collected<[GroupReadSample.UserDescriptor]> {
        let request = SearchRequest(
            base: domainNC,
            filter: "(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))",
            attributes: ["sAMAccountName", "nTSecurityDescriptor"], securityDescriptorParts: .dacl,
            pageSize: GroupReadSample.size)
        var first: [LDAPEntry] = []
        do {
            for try await page in directory.search(request) {
                first = page
                break
            }
        } catch let error as LDAPError {
            if error.isConnectivityFailure { throw error }
            return .missing(reason: "users' nTSecurityDescriptor not readable: \(error)")
        } catch {
            return .missing(reason: "users' nTSecurityDescriptor not readable: \(error)")
        }
        return .value(first.prefix(GroupReadSample.size).compactMap(Self.userDescriptor))
    }

    /// The DACL of one account, for CES-C10 in the user job.
    public func userDescriptor(dn: String) async throws(LDAPError) -> Collected<[GroupReadSample.UserDescriptor]> {
        let request = SearchRequest(
            base: dn, scope: .base, attributes: ["sAMAccountName", "nTSecurityDescriptor"],
            securityDescriptorParts: .dacl)
        switch await directory.searchAll([request])[0] {
        case .success(let entries):
            guard let entry = entries.first, let found = Self.userDescriptor(entry) else {
                return .missing(reason: "nTSecurityDescriptor of \(dn) not returned (no READ_CONTROL)")
            }
            return .value([found])
        case .failure(let error) where error.isConnectivityFailure: throw error
        case .failure(let error): return .missing(reason: "nTSecurityDescriptor of \(dn) not readable: \(error)")
        }
    }

    private static func userDescriptor(_ entry: LDAPEntry) -> GroupReadSample.UserDescriptor? {
        guard let descriptor = entry.values("nTSecurityDescriptor").first else { return nil }
        return GroupReadSample.UserDescriptor(
            dn: entry.dn, samAccountName: entry.string("sAMAccountName") ?? entry.dn, descriptor: descriptor)
    }

    /// whenCreated of the domain's RID-521 group (Read-only Domain Controllers): the domain reached the 2008
    /// functional level then, and passwords set since have AES keys (CES-C9).
    static func aesKeysSinceRequest(domainSID: String) -> SearchRequest {
        SearchRequest(base: "<SID=\(domainSID)-521>", scope: .base, attributes: ["whenCreated"])
    }

    /// `aesKeysSinceRequest`'s answer read.
    static func aesKeysSince(_ answer: Result<[LDAPEntry], LDAPError>?, domainSID: String?) throws(LDAPError)
        -> Collected<Date>
    {
        guard let domainSID, let answer else { return .missing(reason: "the domain SID was not read") }
        switch answer {
        case .success(let entries):
            guard let text = entries.first?.string("whenCreated") else {
                return .missing(reason: "whenCreated of the group \(domainSID)-521 not returned")
            }
            guard let date = Self.date(generalizedTime: text) else {
                return .missing(reason: "whenCreated of the group \(domainSID)-521 is malformed: \(text)")
            }
            return .value(date)
        case .failure(let error) where error.isConnectivityFailure:
            throw error
        case .failure(let error):
            return .missing(reason: "the group \(domainSID)-521 (Read-only Domain Controllers) not readable: \(error)")
        }
    }

    /// `20260101120000.0Z` (LDAP GeneralizedTime as AD writes it: UTC, optional fraction).
    static func date(generalizedTime text: String) -> Date? {
        let digits = Array(text.utf8.prefix(14))
        guard digits.count == 14, digits.allSatisfy({ (0x30...0x39).contains($0) }), text.hasSuffix("Z") else {
            return nil
        }
        func field(_ from: Int, _ count: Int) -> Int {
            digits[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        let (year, month, day) = (field(0, 4), field(4, 2), field(6, 2))
        let (hour, minute, second) = (field(8, 2), field(10, 2), field(12, 2))
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...monthDays[month - 1]).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil), in plain
        // arithmetic: a Calendar costs about a millisecond to set up, more than the rest of the read.
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// Finds an account by sAMAccountName, UPN or DN. nil when no such account exists.
    public func findAccount(_ name: String, base: String) async throws(LDAPError) -> AccountRecord? {
        let lookup = Self.accountLookup(name, base: base)
        guard let entry = try Self.found(await directory.searchAll([lookup.request])[0], lookup) else { return nil }
        return try await account(from: entry)
    }

    /// The search for an account by the forms `AccountName` accepts (a base read of a DN).
    static func accountLookup(_ typed: String, base: String) -> (request: SearchRequest, name: AccountName) {
        let name = AccountName(typed, dnsDomain: AccountName.dnsDomain(ofNamingContext: base))
        if let dn = name.dn {
            return (SearchRequest(base: dn, scope: .base, attributes: AccountRecord.attributes), name)
        }
        let filter = LDAPFilter.and([
            "(|(objectClass=user)(objectClass=computer))",
            LDAPFilter.or(
                name.samAccountNames.map { LDAPFilter.equals("sAMAccountName", $0) }
                    + [name.userPrincipalName.map { LDAPFilter.equals("userPrincipalName", $0) }].compactMap { $0 }),
        ])
        return (SearchRequest(base: base, filter: filter, attributes: AccountRecord.attributes), name)
    }

    /// The entry an `accountLookup` found, the best match first (`WKS01` before `WKS01$`); nil when there is none (a
    /// DN that does not exist included).
    static func found(
        _ answer: Result<[LDAPEntry], LDAPError>, _ lookup: (request: SearchRequest, name: AccountName)
    ) throws(LDAPError) -> LDAPEntry? {
        switch answer {
        case .success(let entries):
            // A DN is read at itself: the entry found is the account, however the server spells its DN.
            if lookup.name.dn != nil { return entries.first }
            let ranked = entries.compactMap { entry in
                lookup.name.rank(
                    samAccountName: entry.string("sAMAccountName"),
                    userPrincipalName: entry.string("userPrincipalName"),
                    dn: entry.dn
                ).map { (rank: $0, entry: entry) }
            }
            return ranked.min { $0.rank < $1.rank }?.entry
        case .failure(let error) where lookup.request.scope == .base && error.kind == .noSuchObject: return nil
        case .failure(let error): throw error
        }
    }

    /// Every entry of a search, with the stream's untyped error turned back into the LDAPError it is.
    func entries(_ request: SearchRequest) async throws(LDAPError) -> [LDAPEntry] {
        var found: [LDAPEntry] = []
        do {
            for try await batch in directory.search(request) { found += batch }
        } catch let error as LDAPError {
            throw error
        } catch {
            throw LDAPError(kind: .other, code: 1, operation: "search \(request.base)", message: "\(error)")
        }
        return found
    }

    /// The account of `entry`; its groups come from `groups` when given (see `GroupGraph`), else from a base
    /// read of tokenGroups.
    func account(from entry: LDAPEntry) async throws(LDAPError) -> AccountRecord {
        try await accounts(from: [entry])[0]
    }

    /// The accounts of `entries`, their token groups read in one round trip (tokenGroups is computed by the DC
    /// and only returned for base searches).
    func accounts(from entries: [LDAPEntry]) async throws(LDAPError) -> [AccountRecord] {
        let answers = await directory.searchAll(
            entries.map { SearchRequest(base: $0.dn, scope: .base, attributes: ["tokenGroups"]) })
        var accounts: [AccountRecord] = []
        for (entry, answer) in zip(entries, answers) {
            accounts.append(Self.account(from: entry, tokenGroups: try Self.tokenGroups(answer)))
        }
        return accounts
    }

    /// The domain's lockout and password-age policy and every fine-grained one (PSO); nil when one of them could not
    /// be read, and when no PSO is visible: by default only Domain Admins may read PSOs, so an empty Password
    /// Settings Container may be hiding them (`ComputedAccountControl` then decides only what holds under any
    /// policy, and the DC is asked for the rest).
    func passwordPolicies(domainNC: String) async throws(LDAPError) -> [ComputedAccountControl.Policy]? {
        let answers = await directory.searchAll([
            SearchRequest(base: domainNC, scope: .base, attributes: ["lockoutDuration", "maxPwdAge"]),
            SearchRequest(
                base: "CN=Password Settings Container,CN=System," + domainNC, scope: .oneLevel,
                filter: "(objectClass=msDS-PasswordSettings)",
                attributes: ["msDS-LockoutDuration", "msDS-MaximumPasswordAge"]),
        ])
        var policies: [ComputedAccountControl.Policy] = []
        let names = [("lockoutDuration", "maxPwdAge"), ("msDS-LockoutDuration", "msDS-MaximumPasswordAge")]
        for (answer, (lockout, age)) in zip(answers, names) {
            let entries: [LDAPEntry]
            switch answer {
            case .success(let found): entries = found
            case .failure(let error) where error.isConnectivityFailure: throw error
            case .failure: return nil
            }
            for entry in entries {
                guard let lockoutDuration = entry.integer(lockout), let maxPasswordAge = entry.integer(age) else {
                    return nil
                }
                policies.append(.init(lockoutDuration: lockoutDuration, maxPasswordAge: maxPasswordAge))
            }
        }
        // the domain's own policy and at least one PSO
        return (try? answers[0].get())?.count == 1 && policies.count > 1 ? policies : nil
    }

    /// Fills in msDS-User-Account-Control-Computed of `accounts` (made from `entries`, in the same order): worked
    /// out where lockoutTime and pwdLastSet settle it, read from the DC for the others in one round trip.
    func settleComputedControl(
        of accounts: inout [AccountRecord], entries: [LDAPEntry], with computed: ComputedAccountControl
    ) async throws(LDAPError) {
        let name = "msDS-User-Account-Control-Computed"
        let now = Date()
        var open: [Int] = []
        for (index, entry) in zip(accounts.indices, entries) {
            if let value = computed.value(
                userAccountControl: accounts[index].userAccountControl.value, lockoutTime: entry.integer("lockoutTime"),
                passwordLastSet: entry.integer("pwdLastSet"), at: now)
            {
                accounts[index].userAccountControlComputed = .value(value)
            } else {
                open.append(index)
            }
        }
        guard !open.isEmpty else { return }
        let answers = await directory.searchAll(
            open.map { SearchRequest(base: accounts[$0].dn, scope: .base, attributes: [name]) })
        for (index, answer) in zip(open, answers) {
            switch answer {
            case .success(let found):
                accounts[index].userAccountControlComputed =
                    found.first?.integer(name).map { .value(UInt32(truncatingIfNeeded: $0)) }
                    ?? .missing(reason: "\(name) not returned (no read access)")
            case .failure(let error) where error.isConnectivityFailure: throw error
            case .failure(let error):
                accounts[index].userAccountControlComputed = .missing(reason: "\(name) not readable: \(error)")
            }
        }
    }

    private static func tokenGroups(_ answer: Result<[LDAPEntry], LDAPError>) throws(LDAPError) -> Collected<[String]> {
        switch answer {
        case .success(let entries):
            guard let groups = entries.first else {
                return .missing(reason: "account vanished while reading tokenGroups")
            }
            guard groups.contains("tokenGroups") else {
                return .missing(reason: "tokenGroups not returned (no read access)")
            }
            return .value(groups.values("tokenGroups").compactMap { try? SID(bytes: Array($0)) }.map(\.description))
        case .failure(let error) where error.isConnectivityFailure:
            throw error
        case .failure(let error):
            return .missing(reason: "tokenGroups not readable: \(error)")
        }
    }

    static func account(from entry: LDAPEntry, tokenGroups: Collected<[String]>) -> AccountRecord {
        let sid = entry.values("objectSid").first.flatMap { try? SID(bytes: Array($0)) }
        return account(from: entry, sid: sid, tokenGroups: tokenGroups, token: nil)
    }

    /// An account whose groups `GroupGraph.MembershipCache` worked out: its token shares the membership's group set.
    static func account(from entry: LDAPEntry, membership: GroupGraph.Membership) -> AccountRecord {
        let sid = entry.values("objectSid").first.flatMap { try? SID(bytes: Array($0)) }
        return account(
            from: entry, sid: sid, tokenGroups: .value(membership.groups),
            token: sid.map { AccessToken(user: $0, sharedGroups: membership.logonGroups) })
    }

    /// `token` nil: made from the SIDs' text, as for a record built by hand.
    private static func account(
        from entry: LDAPEntry, sid: SID?, tokenGroups: Collected<[String]>, token: AccessToken?
    ) -> AccountRecord {
        func number(_ name: String) -> Collected<UInt32> {
            guard let value = entry.integer(name) else {
                return .missing(reason: "\(name) not returned (no read access)")
            }
            return .value(UInt32(truncatingIfNeeded: value))
        }
        let text = sid?.description
        var account = AccountRecord(
            dn: entry.dn, samAccountName: entry.string("sAMAccountName") ?? entry.dn,
            objectClasses: entry.strings("objectClass"),
            sid: text,
            userAccountControl: number("userAccountControl"),
            userAccountControlComputed: number("msDS-User-Account-Control-Computed"),
            mail: entry.string("mail"), userPrincipalName: entry.string("userPrincipalName"),
            dnsHostName: entry.string("dNSHostName"), servicePrincipalNames: entry.strings("servicePrincipalName"),
            allowedToDelegateTo: entry.strings("msDS-AllowedToDelegateTo"),
            allowedToActOnBehalfOf: entry.values("msDS-AllowedToActOnBehalfOfOtherIdentity").first,
            tokenGroups: tokenGroups,
            supportedEncryptionTypes: entry.integer("msDS-SupportedEncryptionTypes").map {
                UInt32(truncatingIfNeeded: $0)
            }, passwordLastSet: entry.integer("pwdLastSet").flatMap(AccountRecord.date(fileTime:)),
            token: token ?? AccountRecord.token(sid: text, groups: tokenGroups))
        account.accountExpires = entry.integer("accountExpires")
        account.groupMSAMembership = entry.values("msDS-GroupMSAMembership").first
        return account
    }

    // MARK: Configuration partition

    /// A configuration-partition read as data, or as missing with the reason; a lost connection is thrown.
    private static func collected<Record>(
        _ answer: Result<[LDAPEntry], LDAPError>, _ base: String, _ transform: (LDAPEntry) -> Record
    ) throws(LDAPError) -> Collected<[Record]> {
        switch answer {
        case .success(let entries): return .value(entries.map(transform))
        case .failure(let error) where error.isConnectivityFailure: throw error
        case .failure(let error): return .missing(reason: "\(base) not readable: \(error)")
        }
    }

    static func trustsRequest(_ container: String) -> SearchRequest {
        SearchRequest(
            base: container, scope: .oneLevel, filter: "(objectClass=trustedDomain)",
            attributes: TrustRecord.ldapAttributes)
    }

    /// The trustedDomain objects of one container; missing with the reason when it is not readable (a child
    /// domain's DC does not hold the forest root's) or a trust's direction or attributes were not returned: the
    /// trust that matters may be among them.
    static func trusts(_ answer: Result<[LDAPEntry], LDAPError>, _ container: String) throws(LDAPError)
        -> Collected<[TrustRecord]>
    {
        switch answer {
        case .success(let entries):
            var trusts: [TrustRecord] = []
            for entry in entries {
                guard let trust = trust(entry) else {
                    return .missing(reason: "trustDirection or trustAttributes of \(entry.dn) not returned")
                }
                trusts.append(trust)
            }
            return .value(trusts)
        case .failure(let error) where error.isConnectivityFailure: throw error
        case .failure(let error): return .missing(reason: "\(container) not readable: \(error)")
        }
    }

    private static func trust(_ entry: LDAPEntry) -> TrustRecord? {
        func number(_ name: String) -> UInt32? { entry.integer(name).map { UInt32(truncatingIfNeeded: $0) } }
        guard let direction = number("trustDirection"), let attributes = number("trustAttributes") else { return nil }
        return TrustRecord(
            partner: entry.string("trustPartner") ?? entry.dn, direction: direction, attributes: attributes)
    }

    /// The NTDS Settings objects of the domain's DCs (every DC of the forest hosting `domainNC`, or naming none).
    static func domainControllersRequest(configurationNC: String, domainNC: String) -> SearchRequest {
        SearchRequest(
            base: "CN=Sites," + configurationNC,
            filter: LDAPFilter.and([
                "(objectClass=nTDSDSA)",
                LDAPFilter.or([LDAPFilter.equals("msDS-HasDomainNCs", domainNC), "(!(msDS-HasDomainNCs=*))"]),
            ]), attributes: ["msDS-Behavior-Version"])
    }

    /// Each DC's msDS-Behavior-Version by the name of its server object (the parent of NTDS Settings).
    private static func domainControllerLevels(
        _ answer: Result<[LDAPEntry], LDAPError>, configurationNC: String
    ) throws(LDAPError) -> Collected<[String: Int]> {
        let entries: [LDAPEntry]
        switch answer {
        case .success(let found): entries = found
        case .failure(let error) where error.isConnectivityFailure: throw error
        case .failure(let error): return .missing(reason: "CN=Sites,\(configurationNC) not readable: \(error)")
        }
        var levels: [String: Int] = [:]
        for entry in entries {
            guard let level = entry.integer("msDS-Behavior-Version") else {
                return .missing(reason: "msDS-Behavior-Version not returned for \(entry.dn)")
            }
            levels[serverName(ofSettings: entry.dn)] = Int(level)
        }
        return .value(levels)
    }

    /// `DC01` for `CN=NTDS Settings,CN=DC01,CN=Servers,…`.
    static func serverName(ofSettings dn: String) -> String {
        let parent = dn.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        guard parent.count > 1, let equals = parent[1].firstIndex(of: "=") else { return dn }
        return String(parent[1][parent[1].index(after: equals)...])
    }

    private static func securityDescriptor(_ entry: LDAPEntry) -> Collected<Data> {
        guard let value = entry.values("nTSecurityDescriptor").first else {
            return .missing(reason: "nTSecurityDescriptor not returned (no READ_CONTROL on \(entry.dn))")
        }
        return .value(value)
    }

    @Sendable static func enrollmentService(_ entry: LDAPEntry) -> EnrollmentServiceRecord {
        EnrollmentServiceRecord(
            dn: entry.dn, name: entry.string("cn") ?? entry.dn, dnsHostName: entry.string("dNSHostName"),
            certificateTemplates: entry.strings("certificateTemplates"),
            endpoints: entry.strings("msPKI-Enrollment-Servers").map(EnrollmentServiceRecord.Endpoint.init(raw:)),
            caCertificate: entry.values("cACertificate").first, securityDescriptor: securityDescriptor(entry))
    }

    @Sendable static func template(_ entry: LDAPEntry) -> TemplateRecord {
        func flag(_ name: String) -> UInt32 { UInt32(truncatingIfNeeded: entry.integer(name) ?? 0) }
        return TemplateRecord(
            dn: entry.dn, name: entry.string("cn") ?? entry.dn, displayName: entry.string("displayName"),
            schemaVersion: entry.integer("msPKI-Template-Schema-Version").map(Int.init),
            nameFlags: flag("msPKI-Certificate-Name-Flag"), enrollmentFlags: flag("msPKI-Enrollment-Flag"),
            privateKeyFlags: flag("msPKI-Private-Key-Flag"),
            raSignatures: Int(entry.integer("msPKI-RA-Signature") ?? 0),
            issuancePolicies: entry.strings("msPKI-Certificate-Policy"),
            applicationPolicies: entry.strings("msPKI-Certificate-Application-Policy"),
            extendedKeyUsages: entry.strings("pKIExtendedKeyUsage"),
            minimalKeySize: entry.integer("msPKI-Minimal-Key-Size").map(Int.init),
            validityPeriod: entry.values("pKIExpirationPeriod").first,
            renewalPeriod: entry.values("pKIOverlapPeriod").first, securityDescriptor: securityDescriptor(entry),
            unreadAttributes: TemplateRecord.flagAttributes.filter { !entry.contains($0) },
            templateFlags: entry.integer("flags").map { UInt32(truncatingIfNeeded: $0) })
    }

    @Sendable static func oid(_ entry: LDAPEntry) -> OIDRecord {
        OIDRecord(
            dn: entry.dn, oid: entry.string("msPKI-Cert-Template-OID") ?? "", displayName: entry.string("displayName"),
            flags: entry.integer("flags").map(Int.init))
    }

    /// `DC=corp,DC=example,DC=test` → `corp.example.test`.
    static func dnsName(of dn: String) -> String? {
        let labels = dn.split(separator: ",").compactMap { part -> String? in
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).uppercased() == "DC" else { return nil }
            return String(pair[1])
        }
        return labels.isEmpty ? nil : labels.joined(separator: ".")
    }
}
