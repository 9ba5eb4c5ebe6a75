import ADModel
import Foundation
import Testing

@testable import CESAuditCore

/// The engine and the jobs on a hand-made snapshot, through the offline source (no AD).
@Suite struct EngineOfflineTests {
    static let kerberos = "1\n2\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0"
    static let username = "2\n4\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_UsernamePassword/service.svc/CES"

    /// An account of the jobs' domain `DC=corp,DC=example,DC=test`, in Domain Users with a UPN; a computer (`name$`)
    /// when it has a host name.
    static func account(
        _ name: String, rid: Int, control: UInt32 = 0x200, spns: [String] = [], delegateTo: [String] = [],
        computerHost: String? = nil, mail: String? = "x@corp.example.test"
    ) -> AccountRecord {
        .fixture(
            computerHost == nil ? name : name + "$", dn: "CN=\(name),CN=Users,DC=corp,DC=example,DC=test",
            classes: computerHost == nil ? ["user"] : ["user", "computer"], sid: "\(domainSID)-\(rid)",
            control: .value(control), mail: mail, userPrincipalName: "\(name)@corp.example.test",
            dnsHostName: computerHost, spns: spns, delegateTo: delegateTo, groups: .value(["\(domainSID)-513"]))
    }

    static func template(_ name: String, sddl: String) throws -> TemplateRecord {
        .fixture(
            name, dn: "CN=\(name),CN=Certificate Templates,CN=Public Key Services,CN=Services,CN=Configuration,DC=corp",
            displayName: name, nameFlags: 0x0200_0000, minimalKeySize: 2048,
            securityDescriptor: .value(try selfRelative(sddl)))
    }

    static let enroll = "0e10c968-78fb-11d2-90d4-00c04f79dc55"

    static func snapshot(endpoints: [String] = [kerberos, username], cas: Int = 1) throws -> DirectorySnapshot {
        let userTemplate = try template("User", sddl: "D:(OA;;CR;\(enroll);;\(domainSID)-513)")
        let adminTemplate = try template("Admin", sddl: "D:(OA;;CR;\(enroll);;\(domainSID)-512)")
        let services = (1...cas).map { index in
            EnrollmentServiceRecord.fixture(
                "corp-CA0\(index)", dn: "CN=corp-CA0\(index),CN=Enrollment Services",
                host: "ca0\(index).corp.example.test", templates: ["User", "Admin"],
                endpoints: index == 1 ? endpoints : [])
        }
        var snapshot = DirectorySnapshot(
            collectedAt: Date(),
            domain: .init(
                defaultNamingContext: "DC=corp,DC=example,DC=test",
                configurationNamingContext: "CN=Configuration,DC=corp,DC=example,DC=test",
                dnsName: "corp.example.test", sid: domainSID, functionalLevel: 7, domainController: nil),
            enrollmentServices: .value(services), templates: .value([userTemplate, adminTemplate]), oids: .value([]))
        snapshot.accounts = [
            account("alice", rid: 1105),
            account("bob", rid: 1106, control: 0x0010_0200),
            account(
                "svc-ces", rid: 1107, spns: ["HTTP/ces01.corp.example.test"],
                delegateTo: ["HOST/ca01.corp.example.test", "RPCSS/ca01.corp.example.test"]),
            account("CES01", rid: 1108, control: 0x1000, computerHost: "ces01.corp.example.test"),
            account("off", rid: 1109, control: 0x202),
            // The CA computer, without resource-based delegation (CES-C2/C3/C5 can tell it is absent).
            account("CA01", rid: 1110, control: 0x1000, computerHost: "ca01.corp.example.test"),
        ]
        snapshot.allEnabledAccounts = true
        return snapshot
    }

    static func evaluator(_ snapshot: DirectorySnapshot, policy: SitePolicy = .none) -> Evaluator {
        Evaluator(context: .offline(snapshot), policy: policy)
    }

    static func run(_ job: UserJob, _ snapshot: DirectorySnapshot, policy: SitePolicy = .none) async throws
        -> FindingTally
    {
        try await job.run(
            source: SnapshotDirectorySource(snapshot: snapshot), evaluator: evaluator(snapshot, policy: policy))
    }

    @Test func userJobReportsEveryRuleOnEachEndpointAndOnlyEnrollableTemplates() async throws {
        let tally = try await Self.run(UserJob(account: "alice"), try Self.snapshot())
        let findings = tally.listed
        // Requester rules once per endpoint, endpoint rules once per endpoint, template rules once per template.
        #expect(findings.filter { $0.ruleId == "CES-A1" }.count == 2)
        #expect(findings.filter { $0.ruleId == "CES-C2" }.count == 2)
        #expect(Set(findings.filter { $0.ruleId == "CES-B2" }.map { $0.evidence["template"] }) == [.string("User")])
        #expect(findings.first { $0.ruleId == "CES-B3" }?.subject.kind == .template)
        let a1 = findings.filter { $0.ruleId == "CES-A1" }.map(\.status)
        #expect(Set(a1) == [.pass, .skipped])
        #expect(tally.principals.map(\.account) == ["svc-ces", "svc-ces"])
        #expect(tally.principals.first?.source == "httpSPN")
        // every finding is listed and counted
        #expect(
            tally.summary.pass + tally.summary.warn + tally.summary.fail + tally.summary.unknown
                + tally.summary.skipped + tally.summary.manual == findings.count)
        // no host evidence: B1 is unknown, so the run can never be all ok
        #expect(tally.report(command: "user", target: "alice", startedAt: Date(), version: "t").exitStatus == 3)
    }

    @Test func sensitiveRequesterFailsA1AndTheRunExitsTwo() async throws {
        let tally = try await Self.run(UserJob(account: "BOB"), try Self.snapshot())
        #expect(tally.listed.contains { $0.ruleId == "CES-A1" && $0.status == .fail && $0.subject.name == "bob" })
        #expect(tally.report(command: "user", target: "bob", startedAt: Date(), version: "t").exitStatus == 2)
    }

    @Test func requesterWithoutEnrollableTemplateGetsB2ForEveryPublishedOne() async throws {
        var snapshot = try Self.snapshot()
        snapshot.accounts?[0].tokenGroups = .value([])  // alice not in Domain Users
        let tally = try await Self.run(UserJob(account: "alice"), snapshot)
        let b2 = tally.listed.filter { $0.ruleId == "CES-B2" }
        #expect(b2.count == 2)
        #expect(b2.allSatisfy { $0.status == .fail })
    }

    @Test func unknownAccountEndpointOrTemplateIsAUsageError() async throws {
        let snapshot = try Self.snapshot()
        for job in [
            UserJob(account: "nobody"), UserJob(account: "alice", endpointURL: "https://other/CES"),
            UserJob(account: "alice", templateName: "Nope"),
        ] {
            await #expect(throws: JobError.self) { _ = try await Self.run(job, snapshot) }
            do {
                _ = try await Self.run(job, snapshot)
            } catch {
                guard case .usage(let message) = error as? JobError else {
                    Issue.record("expected a usage error, got \(error)")
                    continue
                }
                #expect(!message.contains("\n"))
            }
        }
    }

    @Test func noPublishedEndpointIsNothingToCheckNotAllOK() async throws {
        let snapshot = try Self.snapshot(endpoints: [])
        do {
            _ = try await Self.run(UserJob(account: "alice"), snapshot)
            Issue.record("expected an error")
        } catch {
            guard case .nothingToCheck = error as? JobError else {
                Issue.record("got \(error)")
                return
            }
        }
    }

    @Test func chosenEndpointAndTemplateNarrowThePath() async throws {
        let job = UserJob(
            account: "alice",
            endpointURL: "HTTPS://ces01.corp.example.test/corp-CA01_CES_UsernamePassword/service.svc/CES",
            templateName: "admin")
        let tally = try await Self.run(job, try Self.snapshot())
        #expect(Set(tally.listed.compactMap(\.endpoint)).count == 1)
        #expect(tally.listed.contains { $0.ruleId == "CES-B2" && $0.status == .fail })
    }

    @Test func disabledRulesAreNotEvaluatedAndWaiversAcceptFindings() async throws {
        let policy = SitePolicy(
            waivers: [.init(rule: "CES-A1", subject: "bob", reason: "tier 0", expires: "2999-12-31")],
            severity: [:], disabled: ["CES-G4", "CES-B1", "CES-B4"])
        let snapshot = try Self.snapshot()
        let tally = try await Self.run(UserJob(account: "bob", endpointURL: nil), snapshot, policy: policy)
        #expect(!tally.listed.contains { ["CES-G4", "CES-B1", "CES-B4"].contains($0.ruleId) })
        let a1 = try #require(tally.listed.first { $0.ruleId == "CES-A1" && $0.status == .fail })
        #expect(a1.waiver?.expired == false)
        #expect(tally.summary.fail > tally.open.fail)
    }

    @Test func serverJobChecksTheNamedInstancesOfANewHost() async throws {
        let snapshot = try Self.snapshot()
        let source = SnapshotDirectorySource(snapshot: snapshot)
        let job = ServerJob(host: "ces09.corp.example.test", serviceAccount: "svc-ces", authentications: [.certificate])
        let tally = try await job.run(source: source, evaluator: Self.evaluator(snapshot))
        #expect(
            Set(tally.listed.compactMap(\.endpoint))
                == ["https://ces09.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES"])
        // certificate auth without T2A4D fails C3; the principal was configured
        #expect(tally.listed.contains { $0.ruleId == "CES-C3" && $0.status == .fail })
        #expect(tally.principals.first?.source == "configured")
        #expect(!tally.listed.contains { $0.ruleId.hasPrefix("CES-A") })
    }

    @Test func serverJobNeedsACAChoiceAndAnInstance() async throws {
        let two = try Self.snapshot(cas: 2)
        let source = SnapshotDirectorySource(snapshot: two)
        // ces01 publishes for corp-CA01 only: that CA is taken without --ca.
        let inferred = try await ServerJob(host: "ces01.corp.example.test").run(
            source: source, evaluator: Self.evaluator(two))
        #expect(inferred.principals.allSatisfy { $0.endpoint.contains("ces01.corp.example.test") })
        #expect(inferred.listed.contains { $0.subject.name == "corp-CA01" || $0.message.contains("corp-CA01") })
        for (job, fragment) in [
            (ServerJob(host: "ces09.corp.example.test"), "more than one enterprise CA"),
            (ServerJob(host: "ces01.corp.example.test", caName: "corp-CA09"), "no enterprise CA 'corp-CA09'"),
            (ServerJob(host: "ces09.corp.example.test", caName: "corp-ca01"), "--auth"),
        ] {
            do {
                _ = try await job.run(source: source, evaluator: Self.evaluator(two))
                Issue.record("expected a usage error for \(job.host)")
            } catch {
                guard case .usage(let message) = error else {
                    Issue.record("got \(error)")
                    continue
                }
                #expect(message.contains(fragment))
            }
        }
        // the published endpoints of the host, found by short name too
        let tally = try await ServerJob(host: "CES01", caName: "corp-CA01").run(
            source: source, evaluator: Self.evaluator(two))
        #expect(Set(tally.listed.compactMap(\.endpoint)).count == 2)
    }

    @Test func instanceURLEncodesSpaces() {
        #expect(
            ServerJob.instanceURL(
                host: "ces01.corp.example.test", caName: "corp CA02", authentication: .usernamePassword)
                == "https://ces01.corp.example.test/corp%20CA02_CES_UsernamePassword/service.svc/CES")
    }

    @Test func scanListsNonPassFindingsCountsTheRestAndSkipsDisabledAccounts() async throws {
        let snapshot = try Self.snapshot()
        let source = SnapshotDirectorySource(snapshot: snapshot)
        let tally = try await ScanJob().run(source: source, evaluator: Self.evaluator(snapshot))
        #expect(tally.listed.allSatisfy { $0.status != .pass && $0.status != .skipped })
        #expect(tally.summary.pass > 0)
        #expect(tally.listed.contains { $0.ruleId == "CES-A1" && $0.subject.name == "bob" && $0.status == .fail })
        #expect(!tally.listed.contains { $0.subject.name == "off" })
        let everything = try await ScanJob(includePassed: true).run(source: source, evaluator: Self.evaluator(snapshot))
        #expect(everything.summary == tally.summary)
        #expect(everything.listed.count == Status.allCases.map { tally.summary[$0] }.reduce(0, +))
        // What is listed is the same either way; passes are only described when they are listed.
        #expect(everything.listed.filter { $0.status != .pass && $0.status != .skipped } == tally.listed)
        #expect(everything.listed.allSatisfy { !$0.message.isEmpty && !$0.title.isEmpty })
    }

    /// A scan without `--include-passed` counts what it does not list without building it: decided verdicts once per
    /// CA, a requester verdict once for all endpoints of a CA, a template's name-flag verdicts once per template. On a
    /// domain where all of these occur, it must count and list exactly what building every finding gives.
    @Test func countingWithoutBuildingAgreesWithBuildingEveryFinding() async throws {
        var snapshot = try Self.snapshot(endpoints: [
            Self.kerberos, Self.username,
            "1\n2\n0\nhttps://ces02.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0",
        ])
        let enrollForDomainUsers = try SecurityDescriptor(sddl: "D:(OA;;CR;\(Self.enroll);;\(domainSID)-513)")
        var services = try #require(snapshot.enrollmentServices.value)
        services[0].securityDescriptor = .value(Data(try enrollForDomainUsers.selfRelativeBytes()))
        // Name flags that take each attribute from the directory, one that takes none, and one supplied by the enrollee.
        let flags: [(String, UInt32)] = [
            ("Mail", 0x2000_0000), ("UPN", 0x0200_0000), ("DNS", 0x0800_0000), ("GUID", 0x0100_0000),
            ("Nothing", 0), ("Supplied", 0x0400_0001),
        ]
        var templates: [TemplateRecord] = []
        for (name, nameFlags) in flags {
            var template = try Self.template(name, sddl: "D:(OA;;CR;\(Self.enroll);;\(domainSID)-513)")
            template.nameFlags = nameFlags
            templates.append(template)
        }
        services[0].certificateTemplates = flags.map(\.0)
        snapshot.enrollmentServices = .value(services)
        snapshot.templates = .value(templates)
        snapshot.accounts?.append(Self.account("nomail", rid: 1110, mail: nil))
        let source = SnapshotDirectorySource(snapshot: snapshot)

        let counted = try await ScanJob().run(source: source, evaluator: Self.evaluator(snapshot))
        let built = try await ScanJob(includePassed: true).run(source: source, evaluator: Self.evaluator(snapshot))
        #expect(counted.summary == built.summary)
        #expect(counted.open == built.open)
        #expect(counted.subjectCount == built.subjectCount)
        #expect(built.listed.filter { $0.status != .pass && $0.status != .skipped } == counted.listed)
        // The case is what it claims to be: B5 passes on all three endpoints, F1 fails for the one without mail,
        // F3 is skipped where the template takes no DNS name.
        #expect(
            built.listed.filter { $0.ruleId == "CES-B5" && $0.subject.name == "alice" }.map(\.status)
                == [.pass, .pass, .pass])
        #expect(counted.listed.contains { $0.ruleId == "CES-F1" && $0.subject.name == "nomail" && $0.status == .fail })
        #expect(built.listed.contains { $0.ruleId == "CES-F3" && $0.status == .skipped })
    }

    /// With a rendering, a scan spools each listed requester finding with it, made while judging.
    @Test func scanSpoolsTheRenderingOfEveryListedRequesterFinding() async throws {
        let snapshot = try Self.snapshot()
        let rendering = FindingRendering(level: 2) { finding in Array("\(finding.ruleId) \(finding.subject.name)".utf8)
        }
        let tally = try await ScanJob(rendering: rendering).run(
            source: SnapshotDirectorySource(snapshot: snapshot), evaluator: Self.evaluator(snapshot))
        var rendered: [String] = []
        var decoded: [Finding] = []
        try tally.findings.forEachRendered(at: 2) { element in
            switch element {
            case .rendering(let bytes): rendered.append(String(decoding: bytes, as: UTF8.self))
            case .finding(let finding): decoded.append(finding)
            }
        }
        #expect(rendered.contains("CES-A1 bob"))
        #expect(rendered.count + decoded.count == tally.listed.count)
        // Findings about the CA, its endpoints and templates are added without one.
        #expect(decoded.contains { $0.subject.kind == .ca } && !decoded.contains { $0.subject.name == "bob" })
        let plain = try await ScanJob().run(
            source: SnapshotDirectorySource(snapshot: snapshot), evaluator: Self.evaluator(snapshot))
        #expect(plain.listed == tally.listed)
    }

    /// `statusForEveryRequester` promises the status `evaluate` gives any requester; checked over every name flag
    /// the rules read, alone and in pairs, for requesters with and without each attribute.
    @Test func aTemplateDecidesOnlyWhatEveryRequesterGets() throws {
        let snapshot = try Self.snapshot()
        let context = RuleContext.offline(snapshot)
        let bits: [UInt32] = [
            0, 0x1, 0x0040_0000, 0x0080_0000, 0x0100_0000, 0x0200_0000, 0x0400_0000, 0x0800_0000,
            0x1000_0000, 0x2000_0000,
        ]
        var bare = Self.account("bare", rid: 1111, mail: nil)
        bare.userPrincipalName = nil
        let requesters = [
            Self.account("alice", rid: 1105), bare,
            Self.account(
                "PC", rid: 1112, spns: ["HOST/pc"],
                computerHost: "pc.corp.example.test"),
        ]
        let ca = try #require(snapshot.enrollmentServices.value?.first)
        var decided = 0
        for first in bits {
            for second in bits {
                var template = try Self.template("T", sddl: "D:(OA;;CR;\(Self.enroll);;\(domainSID)-513)")
                template.nameFlags = first | second
                for rule in RuleRegistry.requesterTemplateRules {
                    let status = rule.statusForEveryRequester(
                        TemplatePath(requester: nil, ca: ca, template: template), in: context)
                    guard let status else { continue }
                    decided += 1
                    for requester in requesters {
                        let path = TemplatePath(requester: requester, ca: ca, template: template)
                        #expect(
                            rule.evaluate(path, in: context).status == status, "\(type(of: rule).id) \(first | second)")
                    }
                }
            }
        }
        #expect(decided > 0)
    }

    /// corp-CA01 has no evidence folder (B1, B4) and its descriptor was not read (B5): facts about the CA, listed
    /// once for all its requesters by `scan`, and about the one requester by `user`.
    @Test func verdictsTheCADecidesAreListedOncePerCAForAllItsRequesters() async throws {
        let snapshot = try Self.snapshot()
        let source = SnapshotDirectorySource(snapshot: snapshot)
        let scan = try await ScanJob().run(source: source, evaluator: Self.evaluator(snapshot))
        let everything = try await ScanJob(includePassed: true).run(source: source, evaluator: Self.evaluator(snapshot))
        let requesters = Set(everything.listed.filter { $0.ruleId == "CES-A3" }.map(\.subject.name))
        #expect(requesters.count >= 3, "\(requesters)")
        let once = scan.listed.filter { $0.evidence["requesterCount"] != nil }
        #expect(once.map(\.ruleId).sorted() == ["CES-B1", "CES-B4", "CES-B5"])
        for finding in once {
            #expect(finding.subject == Subject(kind: .ca, name: "corp-CA01", dn: "CN=corp-CA01,CN=Enrollment Services"))
            #expect(finding.status == .unknown && finding.endpoint == nil)
            #expect(finding.evidence["endpointCount"] == .integer(2))
            #expect(finding.evidence["requesterCount"] == .integer(Int64(requesters.count)))
            #expect(
                finding.message.hasSuffix(
                    "(the same for all \(requesters.count) accounts that may enroll through corp-CA01)"))
        }
        #expect(!scan.listed.contains { ["CES-B1", "CES-B4", "CES-B5"].contains($0.ruleId) && $0.subject.kind != .ca })
        #expect(everything.summary == scan.summary)

        let user = try await Self.run(UserJob(account: "bob"), snapshot)
        let b1 = user.listed.filter { $0.ruleId == "CES-B1" }
        #expect(b1.count == 2 && b1.allSatisfy { $0.status == .unknown && $0.subject.name == "bob" })
        #expect(
            b1.allSatisfy {
                $0.message.hasPrefix("no ca-config.reg or ca-security.bin/.sddl/.txt for host ca01.corp.example.test")
            })
    }

    @Test func theSameVerdictOnSeveralEndpointsIsListedOnce() {
        func finding(_ rule: String, _ endpoint: String, _ message: String = "no evidence for ca01") -> Finding {
            Finding(
                ruleId: rule, status: .unknown, title: "t", subject: Subject(kind: .user, name: "bob"),
                endpoint: endpoint, message: message)
        }
        let a1 = ["https://a", "https://b", "https://c"].map { finding("CES-A1", $0) }
        let b1 = [
            finding("CES-B1", "https://a"), finding("CES-B1", "garbage", "malformed endpoint"),
            finding("CES-B1", "https://c"),
        ]
        let listed = ScanJob.collapsingEndpoints(a1) + ScanJob.collapsingEndpoints(b1)
        #expect(listed.map(\.ruleId) == ["CES-A1", "CES-B1", "CES-B1"])
        #expect(listed[0].endpoint == nil && listed[0].evidence["endpointCount"] == .integer(3))
        #expect(listed[1].endpoint == nil && listed[1].evidence["endpointCount"] == .integer(2))
        #expect(listed[2].endpoint == "garbage" && listed[2].evidence["endpointCount"] == nil)
        // Passes and skipped ones are counted per endpoint, listed or not.
        var passes = a1
        for index in passes.indices { passes[index].status = .pass }
        #expect(ScanJob.collapsingEndpoints(passes) == passes)
        // One endpoint passes through as it is.
        #expect(ScanJob.collapsingEndpoints([b1[1]]) == [b1[1]])
    }

    @Test func offlineScanNeedsTheAccountList() async throws {
        var snapshot = try Self.snapshot()
        snapshot.allEnabledAccounts = false
        do {
            _ = try await ScanJob().run(
                source: SnapshotDirectorySource(snapshot: snapshot), evaluator: Self.evaluator(snapshot))
            Issue.record("expected a usage error")
        } catch {
            guard case .usage(let message) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(message.contains("--all-accounts"))
        }
    }

    @Test func snapshotFilesRoundTripAndForeignFilesAreOneLineErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ces-snap-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let file = directory.appendingPathComponent("snap.json")
        let snapshot = try Self.snapshot()
        try encoder.encode(snapshot).write(to: file)
        let loaded = try SnapshotDirectorySource(file: file.path)
        #expect(loaded.snapshot.accounts == snapshot.accounts)
        let foreign = directory.appendingPathComponent("other.json")
        try Data("{\"hello\": 1}".utf8).write(to: foreign)
        for path in [foreign.path, directory.appendingPathComponent("missing.json").path] {
            do {
                _ = try SnapshotDirectorySource(file: path)
                Issue.record("expected an error for \(path)")
            } catch {
                #expect(!error.description.contains("\n"))
                #expect(error.description.contains(path))
            }
        }
    }

    @Test func exitStatusPrecedenceIsFailUnknownWarn() {
        func status(_ counts: [Status: Int]) -> Int32 {
            var summary = AuditReport.Summary()
            for (status, count) in counts { summary[status] = count }
            return AuditReport(
                tool: .init(version: "t"), command: "scan", startedAt: Date(), durationMs: 0, summary: summary,
                findings: []
            ).exitStatus
        }
        #expect(status([.pass: 3, .skipped: 2]) == 0)
        #expect(status([.pass: 3, .warn: 1]) == 1)
        #expect(status([.warn: 1, .unknown: 1]) == 3)
        #expect(status([.warn: 1, .unknown: 1, .fail: 1]) == 2)
        #expect(status([:]) == 0)
    }
}

/// Unknown is never pass: with every datum a rule could need left unread, no rule passes — except the few
/// whose inputs are the endpoint value, the CA's name and template list, SPN or delegation-target lists, which
/// were read.
@Suite struct NothingReadNothingPassesTests {
    /// Rules decided only by data this snapshot still has.
    static let decidedByWhatWasRead: Set<String> = ["CES-B3", "CES-C1", "CES-C2", "CES-C8", "CES-E4", "CES-G4"]

    @Test func noRulePassesOnUnreadData() async throws {
        var snapshot = try EngineOfflineTests.snapshot(endpoints: [
            EngineOfflineTests.kerberos,
            "3\n8\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n0",
            "4\n8\n1\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate_KBR/service.svc/CES\n1",
        ])
        snapshot.oids = .missing(reason: "test: not readable")
        snapshot.templates = .value(
            (snapshot.templates.value ?? []).map { template in
                var template = template
                template.securityDescriptor = .missing(reason: "test: no READ_CONTROL")
                template.unreadAttributes = TemplateRecord.flagAttributes
                template.minimalKeySize = nil
                return template
            })
        snapshot.accounts = snapshot.accounts?.map { account in
            var account = account
            account.userAccountControl = .missing(reason: "test: not readable")
            account.userAccountControlComputed = .missing(reason: "test: not readable")
            account.tokenGroups = .missing(reason: "test: not readable")
            return account
        }
        let source = SnapshotDirectorySource(snapshot: snapshot)
        let evaluator = EngineOfflineTests.evaluator(snapshot)
        var findings = try await UserJob(account: "alice").run(source: source, evaluator: evaluator).listed
        findings += try await ServerJob(host: "ces01.corp.example.test", serviceAccount: "svc-ces").run(
            source: source, evaluator: evaluator
        ).listed
        let judged = Set(findings.map(\.ruleId))
        #expect(
            judged.isSuperset(of: RuleRegistry.implementedIDs),
            "\(Set(RuleRegistry.implementedIDs).subtracting(judged))")
        for finding in findings where finding.status == .pass {
            #expect(
                Self.decidedByWhatWasRead.contains(finding.ruleId),
                "\(finding.ruleId) passed on unread data: \(finding.message)")
        }
        for rule in RuleRegistry.implementedIDs where !Self.decidedByWhatWasRead.contains(rule) {
            let statuses = Set(findings.filter { $0.ruleId == rule }.map(\.status))
            #expect(!statuses.contains(.pass), "\(rule): \(statuses)")
        }
        #expect(findings.contains { $0.status == .unknown })
    }
}
