import ADModel
import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// C8 (HTTP SPN), E4 (published endpoints) and G4 (CA name) against the test bed: svc-ces holds HTTP/ces01
/// (FQDN and short), CES01$ has only HOST/ SPNs, and corp-CA01 publishes one endpoint of every shape.
@Suite(.requiresTestBed)
struct MoreEndpointRulesAgainstTestBedTests {
    static func path(_ bed: TestBedSnapshot, endpoint: EnrollmentServiceRecord.Endpoint, serviceAccount: String? = nil)
        async throws -> EndpointPath
    {
        let principal = try await bed.collector.resolvePrincipal(
            endpointHost: try #require(endpoint.host), configured: serviceAccount, base: bed.base)
        return EndpointPath(ca: bed.ca, endpoint: endpoint, principal: principal, caComputer: nil)
    }

    @Test func svcCesIsTheOnlyHTTPHolderOfTheKerberosEndpoint() async throws {
        let bed = try await TestBedSnapshot.collect()
        let endpoint = try bed.endpoint(authFlag: 2)
        let configured = try await Self.path(bed, endpoint: endpoint, serviceAccount: "svc-ces")
        let finding = C8HTTPServicePrincipalName().evaluate(configured, in: bed.context)
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.message.hasPrefix("HTTP/ces01.corp.example.test is held only by the CES principal svc-ces"))
        // Inferred from the very SPN: holding it proves nothing about the application pool (not circular).
        let inferred = C8HTTPServicePrincipalName().evaluate(
            try await Self.path(bed, endpoint: endpoint), in: bed.context)
        #expect(inferred.status == .unknown, "\(inferred.message)")
        #expect(inferred.message.contains("--service-account"))
    }

    @Test func computerAccountPrincipalFailsWhileSvcCesHoldsHTTP() async throws {
        let bed = try await TestBedSnapshot.collect()
        let path = try await Self.path(bed, endpoint: try bed.endpoint(authFlag: 2), serviceAccount: "CES01$")
        let finding = C8HTTPServicePrincipalName().evaluate(path, in: bed.context)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("held by svc-ces while CES runs as the computer account CES01$"))
        let remediation = try #require(finding.remediation)
        #expect(remediation.contains("setspn -S HTTP/ces01.corp.example.test CES01$"))
        #expect(RuleCatalogue.placeholderNames(in: remediation).isEmpty, "placeholders filled: \(remediation)")
    }

    @Test func c8SkipsTheOtherEndpoints() async throws {
        let bed = try await TestBedSnapshot.collect()
        let path = try await Self.path(bed, endpoint: try bed.endpoint(authFlag: 4))
        #expect(C8HTTPServicePrincipalName().evaluate(path, in: bed.context).status == .skipped)
    }

    @Test func everyPublishedEndpointOfCorpCA01IsConsistent() async throws {
        let bed = try await TestBedSnapshot.collect()
        #expect(bed.ca.endpoints.count == 10)
        for endpoint in bed.ca.endpoints {
            let path = try await Self.path(bed, endpoint: endpoint)
            let finding = E4EndpointConsistency().evaluate(path, in: bed.context)
            // value 9 is the seed's inconsistent one: auth flag 16 and http:// (docs/testbed-scenarios.md)
            #expect(finding.status == (endpoint.priority == 9 ? .warn : .pass), "\(endpoint.raw): \(finding.message)")
        }
    }

    @Test func corpCA01HasNoSpaceInItsName() async throws {
        let bed = try await TestBedSnapshot.collect()
        let path = try await Self.path(bed, endpoint: try bed.endpoint(authFlag: 2))
        let finding = G4CANameWithSpaces().evaluate(path, in: bed.context)
        #expect(finding.status == .pass)
        #expect(finding.message == "CA name 'corp-CA01' has no spaces")
    }

    @Test func svcCesEncryptionTypesAndGroupsAreJudgedNotUnknown() async throws {
        let bed = try await TestBedSnapshot.collect()
        var path = try await Self.path(bed, endpoint: try bed.endpoint(authFlag: 8))
        path.caComputer = try await bed.collector.caComputer(host: "ca01.corp.example.test", base: bed.base)
        let account = try #require(path.principal.account)
        let c9 = C9PrincipalEncryptionTypes().evaluate(path, in: bed.context)
        // msDS-SupportedEncryptionTypes 0x18 (AES only), password set when the test bed was seeded: AES keys
        // (approximation: pwdLastSet after the RID-521 group's whenCreated)
        #expect(account.supportedEncryptionTypes == 0x18)
        #expect(account.passwordLastSet != nil)
        #expect(bed.context.snapshot.domain.aesKeysSince?.value != nil, "RID-521 group's whenCreated read")
        #expect(c9.status == .pass, "\(c9.message)")
        #expect(c9.message.contains("CA computer CA01$"), "\(c9.message)")
        // The sampled users' default descriptors grant svc-ces the read (it is in Windows Authorization Access Group).
        let c10 = C10S4U2SelfGroupRead().evaluate(path, in: bed.context)
        #expect(c10.status == .pass, "\(c10.message)")
        #expect(c10.message.contains("granted on every sampled user"))
    }
}

/// Every rule's fail and unknown sides on hand-made paths.
@Suite struct MoreEndpointRulesOfflineTests {
    static let principalSID = "S-1-5-21-1-2-3-1105"
    static let kerberos = EnrollmentServiceRecord.kerberosEndpoint
    static let certificate = "3\n8\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n"
    static let context = RuleContext.offline()

    static func ca(
        name: String = "corp-CA01", endpoint: String = kerberos, sd: Collected<Data> = .missing(reason: "test")
    ) -> EnrollmentServiceRecord {
        .fixture(name, endpoints: [endpoint], securityDescriptor: sd)
    }

    static func path(
        endpoint: String = kerberos, principal: AccountRecord? = .fixture(), holders: [String] = ["svc-ces"],
        forestHolders: Collected<[String]>? = nil, caName: String = "corp-CA01"
    ) -> EndpointPath {
        let ca = Self.ca(name: caName, endpoint: endpoint)
        return EndpointPath(
            ca: ca, endpoint: ca.endpoints[0],
            principal: PrincipalResolution(
                account: principal, source: principal == nil ? nil : .configured, httpSPNHolders: holders,
                problem: principal == nil ? "service account 'gone' not found" : nil,
                forestHTTPSPNHolders: forestHolders ?? .value(holders)),
            caComputer: nil)
    }

    // MARK: C8

    @Test func c8SingleHolderPassesMissingAndDuplicatesFail() {
        let rule = C8HTTPServicePrincipalName()
        #expect(rule.evaluate(Self.path(), in: Self.context).status == .pass)
        let missing = rule.evaluate(Self.path(holders: []), in: Self.context)
        #expect(missing.status == .fail)
        #expect(
            missing.message
                == "no account holds HTTP/ces01.corp.example.test: clients fall back to NTLM and svc-ces cannot delegate"
        )
        let duplicate = rule.evaluate(Self.path(holders: ["svc-ces", "bulk0200"]), in: Self.context)
        #expect(duplicate.status == .fail)
        #expect(duplicate.message.contains("registered on several accounts: svc-ces, bulk0200"))
        let elsewhere = rule.evaluate(Self.path(holders: ["svc-old"]), in: Self.context)
        #expect(elsewhere.status == .fail)
        #expect(elsewhere.message.contains("held by svc-old, not by the CES principal svc-ces"))
    }

    @Test func c8ComputerAccountNeedsNoHTTPButNoOtherHolder() {
        let computer = AccountRecord.fixture(
            "CES01$", classes: ["top", "user", "computer"], dnsHostName: "ces01.corp.example.test")
        let rule = C8HTTPServicePrincipalName()
        #expect(rule.evaluate(Self.path(principal: computer, holders: []), in: Self.context).status == .pass)
        #expect(rule.evaluate(Self.path(principal: computer, holders: ["CES01$"]), in: Self.context).status == .pass)
        #expect(rule.evaluate(Self.path(principal: computer, holders: ["svc-ces"]), in: Self.context).status == .fail)
        // A gMSA is of class computer too, but it needs HTTP/<host> itself.
        let gmsa = AccountRecord.fixture("gmsa-ces$", classes: ["user", "computer", "msDS-GroupManagedServiceAccount"])
        #expect(rule.evaluate(Self.path(principal: gmsa, holders: []), in: Self.context).status == .fail)
    }

    /// Issue 21 item 6: the forest's global catalog decides the duplicate half; without its answer no pass.
    @Test func c8CountsTheForestsHoldersAndIsUnknownWithoutTheGlobalCatalog() {
        let rule = C8HTTPServicePrincipalName()
        let elsewhere = "CN=svc-web,CN=Users,DC=emea,DC=corp"
        let forest = rule.evaluate(
            Self.path(holders: ["svc-ces"], forestHolders: .value(["svc-ces", elsewhere])), in: Self.context)
        #expect(forest.status == .fail)
        #expect(forest.message.contains("registered on several accounts: svc-ces, \(elsewhere)"))
        #expect(forest.evidence["forestHolders"] == .list([.string("svc-ces"), .string(elsewhere)]))
        let reason = "the forest's global catalog ldaps://dc01:3269 could not be searched: connection refused"
        let unsearched = rule.evaluate(
            Self.path(holders: ["svc-ces"], forestHolders: .missing(reason: reason)), in: Self.context)
        #expect(unsearched.status == .unknown)
        #expect(
            unsearched.message
                == "no other account of the domain holds HTTP/ces01.corp.example.test, but \(reason)")
        let computer = AccountRecord.fixture(
            "CES01$", classes: ["top", "user", "computer"], dnsHostName: "ces01.corp.example.test")
        #expect(
            rule.evaluate(
                Self.path(principal: computer, holders: [], forestHolders: .missing(reason: reason)), in: Self.context
            ).status == .unknown)
        // A duplicate in the domain is certain without the forest.
        let duplicate = rule.evaluate(
            Self.path(holders: ["svc-ces", "svc-dup"], forestHolders: .missing(reason: reason)), in: Self.context)
        #expect(duplicate.status == .fail)
    }

    @Test func c8UnknownAndSkipped() {
        let rule = C8HTTPServicePrincipalName()
        let unresolved = rule.evaluate(Self.path(principal: nil), in: Self.context)
        #expect(unresolved.status == .unknown)
        #expect(unresolved.message == "service account 'gone' not found")
        #expect(rule.evaluate(Self.path(endpoint: "1\nX\n0\nhttps://x"), in: Self.context).status == .unknown)
        #expect(rule.evaluate(Self.path(endpoint: Self.certificate), in: Self.context).status == .skipped)
    }

    // MARK: C9

    static let aesSince = Date(timeIntervalSince1970: 1_200_000_000)  // 2008-01-10: RID-521 group created
    static let before = Date(timeIntervalSince1970: 1_100_000_000)
    static let after = Date(timeIntervalSince1970: 1_700_000_000)

    static func c9Context(aesSince: Collected<Date>? = .value(aesSince), kdc: KDCEncryptionSettings? = nil)
        -> RuleContext
    {
        .offline { snapshot in
            snapshot.domain.aesKeysSince = aesSince
            if let kdc { snapshot.evidence["dc01.corp"] = .domainController(kdc: kdc) }
        }
    }

    static func c9Account(_ name: String = "svc-ces", types: UInt32? = nil, set: Date? = after, computer: Bool = false)
        -> AccountRecord
    {
        var record = AccountRecord.fixture(
            name, classes: computer ? ["user", "computer"] : ["user"], encryptionTypes: types)
        record.passwordLastSet = set
        return record
    }

    /// A Kerberos endpoint of ces01 on ca01 (delegation required) whose CA computer has AES keys.
    static func c9Path(_ principal: AccountRecord) -> EndpointPath {
        var path = Self.path(principal: principal)
        path.caComputer = c9Account("CA01$", computer: true)
        return path
    }

    @Test func c9ExplicitTypesWithoutAESFailWithAESTheKeysDecide() {
        let rule = C9PrincipalEncryptionTypes()
        let context = Self.c9Context()
        let rc4 = rule.evaluate(Self.c9Path(Self.c9Account(types: 0x4)), in: context)
        #expect(rc4.status == .fail)
        #expect(rc4.message.contains("0x00000004, neither AES128 (0x8) nor AES256 (0x10)"))
        #expect(rc4.remediation?.isEmpty == false)
        let aes = rule.evaluate(Self.c9Path(Self.c9Account(types: 0x18)), in: context)
        #expect(aes.status == .pass, "\(aes.message)")
        #expect(aes.message.contains("msDS-SupportedEncryptionTypes is 0x00000018"))
        let aesOldKeys = rule.evaluate(Self.c9Path(Self.c9Account(types: 0x18, set: Self.before)), in: context)
        #expect(aesOldKeys.status == .fail)
        #expect(rule.evaluate(Self.path(principal: nil), in: context).status == .unknown)
        #expect(rule.evaluate(Self.path(endpoint: "1\nX\n0\nhttps://x"), in: context).status == .unknown)
        let username = "2\n4\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_UsernamePassword/service.svc/CES"
        #expect(rule.evaluate(Self.path(endpoint: username), in: context).status == .skipped)
    }

    @Test func c9AbsentAttributeIsAESOnlySince2026SoOldPasswordsFail() {
        let rule = C9PrincipalEncryptionTypes()
        let context = Self.c9Context()
        let recent = rule.evaluate(Self.c9Path(Self.c9Account()), in: context)
        #expect(recent.status == .pass, "\(recent.message)")
        #expect(recent.message.contains("an approximation"))
        let old = rule.evaluate(Self.c9Path(Self.c9Account(set: Self.before)), in: context)
        #expect(old.status == .fail)
        #expect(old.message.contains("before the domain could make AES keys"))
        #expect(old.message.contains("an approximation"))
        #expect(old.evidence["msDS-SupportedEncryptionTypes"] == .string("absent"))
        // 0 is "not set" to the KDC too
        #expect(rule.evaluate(Self.c9Path(Self.c9Account(types: 0, set: Self.before)), in: context).status == .fail)
        // no pwdLastSet, or the RID-521 date not read: unknown, never pass
        let noSet = rule.evaluate(Self.c9Path(Self.c9Account(set: nil)), in: context)
        #expect(noSet.status == .unknown)
        #expect(noSet.message.contains("pwdLastSet"))
        let noDate = rule.evaluate(
            Self.c9Path(Self.c9Account()),
            in: Self.c9Context(aesSince: .missing(reason: "the group S-1-5-21-1-2-3-521 not readable")))
        #expect(noDate.status == .unknown)
        #expect(noDate.message.contains("S-1-5-21-1-2-3-521 not readable"))
    }

    @Test func c9UsesTheDCsDefaultDomainSupportedEncTypesFromKDCEvidence() {
        let rule = C9PrincipalEncryptionTypes()
        let old = Self.c9Path(Self.c9Account(set: Self.before))
        let rc4Allowed = Self.c9Context(
            kdc: KDCEncryptionSettings(defaultDomainSupportedEncTypes: 0x1C, rc4DefaultDisablementPhase: 1))
        let finding = rule.evaluate(old, in: rc4Allowed)
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.message.contains("DefaultDomainSupportedEncTypes 0x0000001C on dc01.corp still allows RC4"))
        #expect(finding.evidence["DefaultDomainSupportedEncTypes:dc01.corp"] == .integer(0x1C))
        #expect(finding.evidence["RC4DefaultDisablementPhase:dc01.corp"] == .integer(1))
        let aesOnly = Self.c9Context(
            kdc: KDCEncryptionSettings(defaultDomainSupportedEncTypes: 0x18, rc4DefaultDisablementPhase: nil))
        #expect(rule.evaluate(old, in: aesOnly).status == .fail)
        let unset = Self.c9Context(
            kdc: KDCEncryptionSettings(defaultDomainSupportedEncTypes: nil, rc4DefaultDisablementPhase: nil))
        #expect(rule.evaluate(old, in: unset).status == .fail)
    }

    @Test func c9DatesFromLDAP() {
        let created = SnapshotCollector.date(generalizedTime: "20080110212000.0Z")
        #expect(created == Date(timeIntervalSince1970: 1_200_000_000))
        #expect(SnapshotCollector.date(generalizedTime: "20080231000000.0Z") == nil)
        #expect(SnapshotCollector.date(generalizedTime: "2008011021") == nil)
        #expect(SnapshotCollector.date(generalizedTime: "21000229000000.0Z") == nil)
        #expect(SnapshotCollector.date(generalizedTime: "20080110246000.0Z") == nil)
        // Every 97th day from 1601 (the FILETIME epoch; Foundation switches to the Julian calendar before 1582) to 9999
        // (leap days, century years, month ends) agrees with Foundation's calendar
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        var day = calendar.date(from: DateComponents(year: 1601, month: 1, day: 1, hour: 23, minute: 59, second: 58))!
        let last = calendar.date(from: DateComponents(year: 9999, month: 12, day: 31))!
        var compared = 0
        while day < last {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: day)
            let text = String(
                format: "%04d%02d%02d%02d%02d%02d.0Z", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!)
            #expect(SnapshotCollector.date(generalizedTime: text) == day, "\(text)")
            day = calendar.date(byAdding: .day, value: 97, to: day)!
            compared += 1
        }
        #expect(compared > 31_000)
        for leapDay in ["20000229000000.0Z", "20240229120000.0Z", "16040229000000.0Z"] {
            #expect(SnapshotCollector.date(generalizedTime: leapDay) != nil, "\(leapDay)")
        }
        // pwdLastSet FILETIME: 2005-01-01; 0 (must change) and the "never" value are no date
        #expect(AccountRecord.date(fileTime: 127_490_112_000_000_000) == Date(timeIntervalSince1970: 1_104_537_600))
        #expect(AccountRecord.date(fileTime: 0) == nil)
        #expect(AccountRecord.date(fileTime: Int64.max) == nil)
    }

    @Test func c9JudgesTheCAComputerWhereThePrincipalDelegates() {
        let rule = C9PrincipalEncryptionTypes()
        let context = Self.c9Context()
        func path(ca computer: AccountRecord?) -> EndpointPath {
            var path = Self.path(endpoint: Self.certificate, principal: Self.c9Account(types: 0x18))
            path.caComputer = computer
            return path
        }
        let rc4CA = rule.evaluate(path(ca: Self.c9Account("CA03$", types: 0x4, computer: true)), in: context)
        #expect(rc4CA.status == .fail)
        #expect(rc4CA.message.contains("CA computer CA03$: msDS-SupportedEncryptionTypes is 0x00000004"))
        #expect(rc4CA.evidence["CA computer:msDS-SupportedEncryptionTypes"] == .integer(4))
        #expect(rule.evaluate(path(ca: Self.c9Account("CA01$", computer: true)), in: context).status == .pass)
        let missing = rule.evaluate(path(ca: nil), in: context)
        #expect(missing.status == .unknown)
        #expect(missing.message.contains("computer account of the CA host"))
    }

    // MARK: C10

    static func sampleContext(aliases: Collected<[String]>, users: Collected<[GroupReadSample.UserDescriptor]>)
        -> RuleContext
    {
        .offline { $0.groupReadSample = GroupReadSample(everyoneAliases: aliases, users: users) }
    }

    /// KB2009157: the KDC reads tokenGroupsGlobalAndUniversal with the CES principal's token; the rule runs that
    /// access check on the requester's descriptor (user job) or on a sample of users'.
    @Test func c10AccessCheckOnTokenGroupsGlobalAndUniversal() throws {
        let rule = C10S4U2SelfGroupRead()
        let member = AccountRecord.fixture(groups: .value(["S-1-5-21-1-2-3-513", "S-1-5-32-560"]))
        let outsider = AccountRecord.fixture()
        // AD's default on user objects: Pre-Windows 2000 Compatible Access (RU) reads every property, and
        // Windows Authorization Access Group the attribute itself.
        let defaults = try selfRelative(
            "D:(OA;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;S-1-5-32-560)(OA;CIID;RPLCLORC;;bf967aba-0de6-11d0-a285-00aa003049e2;RU)"
        )
        let sample = [GroupReadSample.UserDescriptor(dn: "CN=u1", samAccountName: "u1", descriptor: defaults)]
        // Authenticated Users is in Pre-Windows 2000 Compatible Access: the outsider is granted.
        let compatible = Self.sampleContext(aliases: .value(["S-1-5-32-554"]), users: .value(sample))
        let granted = rule.evaluate(Self.path(endpoint: Self.certificate, principal: outsider), in: compatible)
        #expect(granted.status == .pass, "\(granted.message)")
        #expect(granted.message.contains("granted on every sampled user: u1"))
        // KB2009157's case: Authenticated Users removed from it; the sample says so (others may differ: warn).
        let hardened = Self.sampleContext(aliases: .value([]), users: .value(sample))
        let refused = rule.evaluate(Self.path(endpoint: Self.certificate, principal: outsider), in: hardened)
        #expect(refused.status == .warn, "\(refused.message)")
        #expect(refused.message.contains("sampled user(s) u1 (not granted"))
        #expect(rule.evaluate(Self.path(endpoint: Self.certificate, principal: member), in: hardened).status == .pass)
        // The requester's own descriptor denying the principal ahead of the group's grant: S4U2self fails.
        let denying = try selfRelative(
            "D:(OD;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;\(Self.principalSID))(OA;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;S-1-5-32-560)"
        )
        var requesterPath = Self.path(endpoint: Self.certificate, principal: member)
        requesterPath.groupReadTargets = .value([.init(dn: "CN=frank", samAccountName: "frank", descriptor: denying)])
        let failed = rule.evaluate(requesterPath, in: compatible)
        #expect(failed.status == .fail, "\(failed.message)")
        #expect(failed.message.contains("the requester frank (denied by ACE 0"))
        // Not granted while the builtin groups of every logon are unknown: not certain.
        let noAliases = Self.sampleContext(aliases: .missing(reason: "CN=Builtin not readable"), users: .value(sample))
        let uncertain = rule.evaluate(Self.path(endpoint: Self.certificate, principal: outsider), in: noAliases)
        #expect(uncertain.status == .unknown)
        #expect(uncertain.message.contains("CN=Builtin not readable"))
        // A malformed descriptor, and no descriptor at all.
        let broken = Self.sampleContext(
            aliases: .value([]), users: .value([.init(dn: "CN=u2", samAccountName: "u2", descriptor: Data([1, 2]))]))
        #expect(
            rule.evaluate(Self.path(endpoint: Self.certificate, principal: member), in: broken).status == .unknown)
        let none = rule.evaluate(Self.path(endpoint: Self.certificate, principal: outsider), in: Self.context)
        #expect(none.status == .unknown)
        #expect(none.message.contains("no user's nTSecurityDescriptor was read"))
        // Without descriptors, membership of Windows Authorization Access Group (Microsoft's fix) still passes.
        #expect(
            rule.evaluate(Self.path(endpoint: Self.certificate, principal: member), in: Self.context).status == .pass)
        let unread = AccountRecord.fixture(groups: .missing(reason: "tokenGroups not returned (no read access)"))
        let unknown = rule.evaluate(Self.path(endpoint: Self.certificate, principal: unread), in: compatible)
        #expect(unknown.status == .unknown)
        #expect(unknown.message.contains("no read access"))
        #expect(
            rule.evaluate(Self.path(endpoint: Self.certificate, principal: nil), in: compatible).status == .unknown)
        #expect(rule.evaluate(Self.path(), in: compatible).status == .skipped)
        let renewalOnly = "4\n8\n1\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n1"
        #expect(rule.evaluate(Self.path(endpoint: renewalOnly), in: compatible).status == .skipped)
    }

    // MARK: C1

    /// Issue 21 item 5: "CA on the CES host" is the same computer account, not the same name.
    @Test func c1ComparesComputerAccountsAndSaysWhichWasUsed() {
        let endpoint = Self.ca().endpoints[0]
        let ca = "ca01.corp.example.test"
        let alias = endpoint.delegationDecision(
            toCAHost: ca, computers: ["ces01.corp.example.test": "CN=CA01,DC=corp", ca: "cn=ca01,dc=corp"])
        #expect(alias?.required == false)
        #expect(alias?.basis.contains("are the same computer account CN=CA01,DC=corp") == true)
        let other = endpoint.delegationDecision(
            toCAHost: ca, computers: ["ces01.corp.example.test": "CN=CES01,DC=corp", ca: "CN=CA01,DC=corp"])
        #expect(other?.required == true)
        #expect(other?.basis.contains("different computer accounts") == true)
        let byName = endpoint.delegationDecision(toCAHost: ca, computers: [ca: "CN=CA01,DC=corp"])
        #expect(byName?.required == true)
        #expect(byName?.basis.contains("by host name") == true)
        // A name outside AD DNS is compared as a name, and the message says other DNS is not consulted.
        #expect(byName?.basis.hasSuffix("(other DNS servers are not consulted))") == true)
        var path = Self.path()
        path.hostComputers = ["ces01.corp.example.test": "CN=CA01,DC=corp", ca: "CN=CA01,DC=corp"]
        let c1 = C1DelegationRequired().evaluate(path, in: Self.context)
        #expect(c1.status == .skipped)
        #expect(c1.message.contains("same computer account CN=CA01,DC=corp"))
        // The gated rules follow C1.
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: Self.context).status == .skipped)
        var context = Self.context
        context.snapshot.hostComputers = .value(path.hostComputers ?? [:])
        let a1 = A1RequesterNotDelegated().pathVerdict(ca: path.ca, endpoint: path.endpoint, in: context)
        #expect(a1?.status == .skipped)
        #expect(a1?.message.contains("same computer account") == true)
    }

    /// Issue 21 item 5: a CES host name that is a CNAME (chain) in AD-integrated DNS is the computer holding
    /// HOST/ of the name the chain ends at; a HOST/<alias> SPN of its own still comes first.
    @Test func c1FollowsADDNSAliasesToTheComputer() {
        let endpoint = Self.ca().endpoints[0]
        let ca = "ca01.corp.example.test"
        let computers = [ca: "CN=CA01,DC=corp", "ces01.corp.example.test": "CN=CES01,DC=corp"]
        let cname = endpoint.delegationDecision(
            toCAHost: ca, computers: [ca: "CN=CA01,DC=corp"], aliases: ["ces01.corp.example.test": ca])
        #expect(cname?.required == false)
        #expect(
            cname?.basis
                == "CES host ces01.corp.example.test (a CNAME of ca01.corp.example.test in AD DNS) and CA host "
                + "ca01.corp.example.test are the same computer account CN=CA01,DC=corp")
        // An alias of another computer: different accounts, delegation required.
        let elsewhere = endpoint.delegationDecision(
            toCAHost: ca, computers: [ca: "CN=CA01,DC=corp", "web01.corp.example.test": "CN=WEB01,DC=corp"],
            aliases: ["ces01.corp.example.test": "web01.corp.example.test"])
        #expect(elsewhere?.required == true)
        #expect(elsewhere?.basis.contains("(a CNAME of web01.corp.example.test in AD DNS) (CN=WEB01,DC=corp)") == true)
        // HOST/ces01 held by CES01 decides before a CNAME would.
        let spnFirst = endpoint.delegationDecision(
            toCAHost: ca, computers: computers, aliases: ["ces01.corp.example.test": ca])
        #expect(spnFirst?.required == true)
        // An alias whose target no computer holds: by name.
        let dangling = endpoint.delegationDecision(
            toCAHost: ca, computers: [ca: "CN=CA01,DC=corp"], aliases: ["ces01.corp.example.test": "gone.example"])
        #expect(dangling?.basis.contains("by host name") == true)
        var path = Self.path()
        path.hostComputers = [ca: "CN=CA01,DC=corp"]
        path.dnsAliases = ["ces01.corp.example.test": ca]
        let c1 = C1DelegationRequired().evaluate(path, in: Self.context)
        #expect(c1.status == .skipped)
        #expect(c1.message.contains("a CNAME of ca01.corp.example.test in AD DNS"))
        var context = Self.context
        context.snapshot.hostComputers = .value([ca: "CN=CA01,DC=corp"])
        context.snapshot.dnsAliases = .value(["ces01.corp.example.test": ca])
        let a1 = A1RequesterNotDelegated().pathVerdict(ca: path.ca, endpoint: path.endpoint, in: context)
        #expect(a1?.status == .skipped)
    }

    /// The collector's CNAME chain: followed to its end, not through a loop, a fork or too many hops.
    @Test func cnameChainsEndWithinAFewHops() {
        let chain: [String: Set<String>] = ["a.x": ["b.x"], "b.x": ["c.x"]]
        #expect(SnapshotCollector.chainEnd(of: "a.x", cnames: chain) == "c.x")
        #expect(SnapshotCollector.chainEnd(of: "c.x", cnames: chain) == nil)
        #expect(SnapshotCollector.chainEnd(of: "a.x", cnames: ["a.x": ["b.x"], "b.x": ["a.x"]]) == nil)
        #expect(SnapshotCollector.chainEnd(of: "a.x", cnames: ["a.x": ["b.x", "c.x"]]) == nil)
        let long = Dictionary(uniqueKeysWithValues: (0..<9).map { ("h\($0).x", Set(["h\($0 + 1).x"])) })
        #expect(SnapshotCollector.chainEnd(of: "h0.x", cnames: long) == nil)
        #expect(SnapshotCollector.chainEnd(of: "h5.x", cnames: long) == "h9.x")
        #expect(SnapshotCollector.zoneSplits(of: "pki.corp.example").map { $0.zone } == ["corp.example", "example"])
        #expect(SnapshotCollector.zoneSplits(of: "localhost").isEmpty)
    }

    /// Issue 21 item 9: on a renewal-only endpoint whose principal renews by protocol transition and constrained
    /// delegation (CES-E2's alternative model), the mapped account is delegated: A1/A2 apply.
    @Test func a1AppliesOnRenewalOnlyEndpointsOfTheProtocolTransitionModel() {
        let renewalOnly = "4\n8\n1\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n1"
        var delegating = AccountRecord.fixture()
        delegating.userAccountControl = .value(0x0100_0200)
        delegating.allowedToDelegateTo = ["HOST/ca01.corp.example.test", "RPCSS/ca01.corp.example.test"]
        let path = Self.path(endpoint: renewalOnly, principal: delegating)
        var context = Self.context
        #expect(
            A1RequesterNotDelegated().pathVerdict(ca: path.ca, endpoint: path.endpoint, in: context)?.status == .skipped
        )
        context.noteRenewalModel(path)
        #expect(A1RequesterNotDelegated().pathVerdict(ca: path.ca, endpoint: path.endpoint, in: context) == nil)
        #expect(A2RequesterInProtectedUsers().pathVerdict(ca: path.ca, endpoint: path.endpoint, in: context) == nil)
        // Without protocol transition the CES principal renews on behalf of the subject itself: skipped.
        var other = Self.context
        other.noteRenewalModel(Self.path(endpoint: renewalOnly))
        #expect(
            A1RequesterNotDelegated().pathVerdict(ca: path.ca, endpoint: path.endpoint, in: other)?.status == .skipped)
    }

    // MARK: C11, G1–G5

    @Test func c11IsSkippedWithReason() {
        let finding = C11CrossForestAuthentication().evaluate(Self.path(), in: Self.context)
        #expect(finding.status == .skipped)
        #expect(finding.message.contains("the snapshot holds no trusts"))
        #expect(finding.message.contains("ces01.corp.example.test"))
    }

    /// Selective authentication is TRUST_ATTRIBUTE_CROSS_ORGANIZATION (0x10) on an outbound trust (0x2) of this
    /// forest (MS-ADTS 6.1.6.7.9/12): then requesters from the partner need Allowed to authenticate (a checklist
    /// item); without one the rule does not apply; trusts that were not read leave it unknown.
    @Test func c11FollowsTheTrustsOfThisForest() {
        func c11(_ trusts: Collected<[TrustRecord]>) -> Finding {
            C11CrossForestAuthentication().evaluate(Self.path(), in: .offline { $0.trusts = trusts })
        }
        let none = c11(.value([TrustRecord(partner: "partner.example", direction: 3, attributes: 0x8)]))
        #expect(none.status == .skipped, "\(none.message)")
        #expect(none.message.contains("no trust with selective authentication"))
        // Selective, but only inbound: the partner's users do not authenticate here through it.
        #expect(c11(.value([TrustRecord(partner: "in.example", direction: 1, attributes: 0x18)])).status == .skipped)
        let selective = c11(
            .value([
                TrustRecord(partner: "fabrikam.example", direction: 2, attributes: 0x18),
                TrustRecord(partner: "partner.example", direction: 3, attributes: 0x8),
            ]))
        #expect(selective.status == .manual, "\(selective.message)")
        #expect(selective.message.contains("fabrikam.example uses selective authentication"), "\(selective.message)")
        #expect(selective.message.contains("68b1d179-0d15-4d4f-ab71-46152e79a7bc"))
        #expect(selective.evidence["selectiveAuthenticationTrusts"] == .list([.string("fabrikam.example")]))
        // A trust whose direction or attributes were not returned may be the selective one: not read, not "none".
        func entry(_ attributes: [(String, String)]) -> LDAPEntry {
            LDAPEntry(
                dn: "CN=fabrikam.example,CN=System,DC=corp", attributes: attributes.map { ($0.0, [Data($0.1.utf8)]) })
        }
        let read = try? SnapshotCollector.trusts(
            .success([
                entry([("trustPartner", "fabrikam.example"), ("trustDirection", "2"), ("trustAttributes", "24")])
            ]),
            "CN=System,DC=corp")
        #expect(read == .value([TrustRecord(partner: "fabrikam.example", direction: 2, attributes: 0x18)]))
        let partial = try? SnapshotCollector.trusts(
            .success([entry([("trustPartner", "fabrikam.example"), ("trustDirection", "2")])]), "CN=System,DC=corp")
        #expect(
            partial?.missingReason?.contains("trustDirection or trustAttributes") == true,
            "\(String(describing: partial))")
        // A child domain: its DC cannot read the forest root's trusts (forest trusts) — a checklist item, not an
        // unknown on every endpoint; a selective forest trust read from the root is named like the domain's own.
        func child(_ root: Collected<[TrustRecord]>) -> Finding {
            C11CrossForestAuthentication().evaluate(
                Self.path(),
                in: .offline {
                    $0.trusts = .value([])
                    $0.forestRootTrusts = root
                })
        }
        let rootUnread = child(.missing(reason: "CN=System,DC=root not readable: referral"))
        #expect(rootUnread.status == .manual, "\(rootUnread.message)")
        #expect(rootUnread.message.contains("forest root's trusts"), "\(rootUnread.message)")
        let rootSelective = child(.value([TrustRecord(partner: "fabrikam.example", direction: 2, attributes: 0x18)]))
        #expect(rootSelective.status == .manual)
        #expect(rootSelective.message.contains("fabrikam.example uses selective authentication"))
        #expect(child(.value([])).status == .skipped)
        let unread = c11(.missing(reason: "CN=System,DC=corp not readable: insufficient access"))
        #expect(unread.status == .unknown)
        #expect(unread.message.contains("insufficient access"))
    }

    @Test func infrastructureProbesAreManualChecksWithWhatToRun() {
        let g1 = G1RPCFromCESToCA().evaluate(Self.path(), in: Self.context)
        #expect(g1.status == .manual)
        // The catalogue's steps come with it: they are the checklist.
        #expect(g1.remediation?.contains("TCP 135") == true)
        #expect(g1.message.contains("Test-NetConnection ca01.corp.example.test -Port 135' on ces01.corp.example.test"))
        let sameHost = "1\n2\n0\nhttps://ca01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0"
        #expect(G1RPCFromCESToCA().evaluate(Self.path(endpoint: sameHost), in: Self.context).status == .skipped)
        let g2 = G2RPCFromCAToDomainControllers().evaluate(Self.path(), in: Self.context)
        #expect(g2.status == .manual)
        #expect(g2.message.contains("probe from ca01.corp.example.test"))
        let g3 = G3MultipleSiteBindings().evaluate(Self.path(), in: Self.context)
        #expect(g3.status == .unknown)
        #expect(g3.message.contains("%windir%\\SystemData\\CES\\corp-CA01_CES_Kerberos\\web.config"))
        let g5 = G5SilentContextExplainOnly().evaluate(Self.path(), in: Self.context)
        #expect(g5.status == .skipped)
        #expect(g5.message == "informational; see ces-audit explain 0x80090022")
    }

    @Test func g4WarnsOnSpaces() {
        let spaced = "1\n2\n0\nhttps://ces01.corp.example.test/Contoso%20Root%20CA_CES_Kerberos/service.svc/CES\n0"
        let finding = G4CANameWithSpaces().evaluate(
            Self.path(endpoint: spaced, caName: "Contoso Root CA"), in: Self.context)
        #expect(finding.status == .warn)
        #expect(finding.message.contains("'Contoso Root CA' contains spaces"))
        // The %20-encoded instance name matches the CA name for E4.
        #expect(
            E4EndpointConsistency().evaluate(Self.path(endpoint: spaced, caName: "Contoso Root CA"), in: Self.context)
                .status == .pass)
    }

    // MARK: E4

    @Test func e4MalformedValueWarnsNamingTheParseError() {
        let finding = E4EndpointConsistency().evaluate(Self.path(endpoint: "1\nX\n0\nhttps://x"), in: Self.context)
        #expect(finding.status == .warn)
        #expect(finding.message.contains("invalid authentication flag 'X'"))
        #expect(
            E4EndpointConsistency().evaluate(Self.path(endpoint: "1\n2\nhttps://x"), in: Self.context).status == .warn)
    }

    @Test func e4Inconsistencies() {
        func check(_ value: String, _ expected: String) {
            let finding = E4EndpointConsistency().evaluate(Self.path(endpoint: value), in: Self.context)
            #expect(finding.status == .warn, "\(value)")
            #expect(finding.message.contains(expected), "\(finding.message)")
        }
        check(
            "1\n3\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0",
            "authFlag 3 is not 1, 2, 4 or 8")
        check(
            "1\n2\n0\nhttp://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0",
            "uses http://, not https://")
        check(
            "1\n2\n1\nhttps://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n1",
            "KBR entry has authFlag 2 and renewalOnly 1; it must be authFlag 8 and renewalOnly 1")
        check(
            "1\n8\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n1",
            "KBR entry has authFlag 8 and renewalOnly 0")
        check(
            "1\n2\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n0",
            "URL instance suffix 'Certificate' does not match authFlag 2 (Kerberos)")
        check("1\n2\n0\nhttps://ces01.corp.example.test/certsrv/\n0", "URL path '/certsrv/' does not look like")
        check(
            "1\n2\n0\nhttps://ces01.corp.example.test/other-CA_CES_Kerberos/service.svc/CES\n0",
            "URL instance names CA 'other-CA', but the endpoint is published on CA 'corp-CA01'")
        check("1\n2\n0\nces01/corp-CA01_CES_Kerberos\n0", "is not an absolute https:// URL")
    }

    @Test func e4AcceptsEveryWellFormedShape() {
        for value in [
            Self.kerberos, Self.certificate,
            "2\n4\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_UsernamePassword/service.svc/CES",
            "4\n8\n1\nhttps://ces01.corp.example.test:49999/corp-CA01_CES_Certificate/service.svc/CES\n1",
        ] {
            let finding = E4EndpointConsistency().evaluate(Self.path(endpoint: value), in: Self.context)
            #expect(finding.status == .pass, "\(value): \(finding.message)")
        }
    }

    // MARK: B4, B5 (requester rules)

    static func requesterPath(
        sd: Collected<Data> = .missing(reason: "nTSecurityDescriptor not returned (no READ_CONTROL on CN=corp-CA01)"),
        tokenGroups: Collected<[String]> = .value(["S-1-5-21-1-2-3-513"]), endpoint: String? = kerberos
    ) -> EnrollmentPath {
        let ca = Self.ca(endpoint: endpoint ?? kerberos, sd: sd)
        return EnrollmentPath(
            requester: .fixture("alice", groups: tokenGroups), ca: ca,
            endpoint: endpoint == nil ? nil : ca.endpoints[0])
    }

    static func descriptor(_ sddl: String) throws -> Collected<Data> {
        .value(try selfRelative(sddl))
    }

    @Test func b5EnrollOnTheEnrollmentServiceObject() throws {
        let rule = B5EnrollmentServiceEnroll()
        let missing = rule.evaluate(Self.requesterPath(), in: Self.context)
        #expect(missing.status == .unknown)
        #expect(missing.message.contains("no READ_CONTROL"))
        let granted = try Self.descriptor("O:BAD:(OA;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;AU)")
        #expect(rule.evaluate(Self.requesterPath(sd: granted), in: Self.context).status == .pass)
        let readOnly = try Self.descriptor("O:BAD:(A;;RPLCLORC;;;AU)")
        let notGranted = rule.evaluate(Self.requesterPath(sd: readOnly), in: Self.context)
        #expect(notGranted.status == .warn)
        #expect(notGranted.message.contains("for alice: not granted"))
        let denied = try Self.descriptor(
            "O:BAD:(OD;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;S-1-5-21-1-2-3-513)(OA;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;AU)"
        )
        let deny = rule.evaluate(Self.requesterPath(sd: denied), in: Self.context)
        #expect(deny.status == .warn)
        #expect(deny.message.contains("deny ACE for S-1-5-21-1-2-3-513"))
        #expect(
            rule.evaluate(Self.requesterPath(sd: granted, tokenGroups: .missing(reason: "x")), in: Self.context).status
                == .unknown)
        #expect(rule.evaluate(Self.requesterPath(sd: .value(Data([1, 2, 3]))), in: Self.context).status == .unknown)
    }

    static func context(networkLogon: [String], deny: [String] = []) -> RuleContext {
        var rights = ["SeNetworkLogonRight": networkLogon]
        if !deny.isEmpty { rights["SeDenyNetworkLogonRight"] = deny }
        return .offline {
            $0.evidence = [
                "ca01": HostEvidence(
                    host: "ca01", caSecurity: .missing(reason: "x"), editFlags: .missing(reason: "x"),
                    userRights: .value(UserRightsRecord(rights: rights)))
            ]
        }
    }

    @Test func b4NetworkLogonOfTheRequesterOnTheCA() {
        let rule = B4RequesterDCOMOnCA()
        let none = rule.evaluate(Self.requesterPath(), in: Self.context)
        #expect(none.status == .unknown)
        #expect(none.message.contains("no secedit.inf for host ca01.corp.example.test"))
        let granted = rule.evaluate(Self.requesterPath(), in: Self.context(networkLogon: ["*S-1-5-11"]))
        // Without local-groups.txt and ole.reg the DCOM half is unknown, so granted network logon is not a pass.
        #expect(granted.status == .unknown)
        #expect(
            granted.message.contains("SeNetworkLogonRight on ca01.corp.example.test lists *S-1-5-11, which alice holds")
        )
        #expect(granted.message.contains("no local-groups.txt for host ca01"))
        #expect(granted.message.contains("no EnableDCOM (ole.reg) for host ca01"))
        let denied = rule.evaluate(
            Self.requesterPath(), in: Self.context(networkLogon: ["*S-1-5-11"], deny: ["*S-1-5-21-1-2-3-513"]))
        #expect(denied.status == .fail)
        #expect(denied.message.contains("SeDenyNetworkLogonRight"))
        let admins = rule.evaluate(Self.requesterPath(), in: Self.context(networkLogon: ["*S-1-5-32-544"]))
        #expect(admins.status == .fail)
        let noGroups = rule.evaluate(
            Self.requesterPath(tokenGroups: .missing(reason: "x")), in: Self.context(networkLogon: ["*S-1-5-11"]))
        #expect(noGroups.status == .unknown)
        let renewalOnly = "4\n8\n1\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n1"
        #expect(rule.evaluate(Self.requesterPath(endpoint: renewalOnly), in: Self.context).status == .skipped)
        #expect(rule.evaluate(Self.requesterPath(endpoint: "1\nX\n0\nhttps://x"), in: Self.context).status == .unknown)
        #expect(
            rule.evaluate(Self.requesterPath(endpoint: nil), in: Self.context(networkLogon: ["*S-1-5-11"])).status
                == .unknown)
    }

    @Test func everyNewRuleIsRegistered() {
        let ids = Set(RuleRegistry.implementedIDs)
        for id in [
            "CES-C8", "CES-C9", "CES-C10", "CES-C11", "CES-E4", "CES-B4", "CES-B5", "CES-G1", "CES-G2", "CES-G3",
            "CES-G4", "CES-G5",
        ] {
            #expect(ids.contains(id), "\(id)")
        }
    }
}
