import ADModel
import Foundation
import Testing

@testable import CESAuditCore
@testable import DirectoryAccess

/// CES-K1's decision (static prediction × KDC answer) and the probe stage of the jobs, on hand-made data.
@Suite struct ProbeDecisionTests {
    typealias E = EngineOfflineTests
    static let caHost = "ca01.corp.example.test"
    static let host = "HOST/ca01.corp.example.test"
    static let rpcss = "RPCSS/ca01.corp.example.test"
    static let certificate = "3\n8\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n"
    static let badOption = KDCError(number: 13)

    static func principal(
        control: UInt32 = 0x0101_0200, delegateTo: [String] = [host, rpcss], spns: [String] = ["HTTP/ces01"]
    ) -> AccountRecord {
        E.account("svc-ces", rid: 1107, control: control, spns: spns, delegateTo: delegateTo)
    }

    static func path(
        endpoint: String = certificate, principal: AccountRecord = principal(), rbcdFor sid: String? = nil
    ) throws -> EndpointPath {
        var ca = E.account("CA01", rid: 1200, control: 0x1000, computerHost: caHost)
        if let sid {
            ca.allowedToActOnBehalfOf = try selfRelative("O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;\(sid))")
        }
        let service = EnrollmentServiceRecord.fixture(endpoints: [])
        return EndpointPath(
            ca: service, endpoint: .init(raw: endpoint),
            principal: PrincipalResolution(account: principal, source: .configured, httpSPNHolders: [], problem: nil),
            caComputer: ca)
    }

    static func context(samba: Bool = true, level: Int = 4) throws -> RuleContext {
        var snapshot = try E.snapshot()
        snapshot.domain.domainControllerLevels = .value(["DC01": level])
        snapshot.domain.vendorName = samba ? "Samba Team (https://www.samba.org)" : nil
        return .offline(snapshot)
    }

    static func report(
        host hostOutcome: KerberosStepOutcome = .granted([.forwardable]),
        rpcss rpcssOutcome: KerberosStepOutcome = .granted([.forwardable]),
        s4u2self: KerberosStepOutcome? = .granted([.forwardable]),
        initial: KerberosStepOutcome = .granted([.forwardable, .initial])
    ) -> DelegationProbeReport {
        DelegationProbeReport(
            servicePrincipal: "svc-ces@CORP.EXAMPLE.TEST", user: "alice@corp.example.test", initial: initial,
            s4u2self: s4u2self,
            targets: [.init(spn: host, outcome: hostOutcome), .init(spn: rpcss, outcome: rpcssOutcome)])
    }

    static var alice: AccountRecord { E.account("alice", rid: 1105) }
    static let refused = KerberosStepOutcome.refused(badOption, message: "KDC can't fulfill requested option")

    func k1(
        _ path: EndpointPath, _ probe: ProbeState, requester: AccountRecord = alice, samba: Bool = true,
        level: Int = 4
    ) throws -> Finding {
        K1KDCOutcomeAgreement().evaluate(
            path, requester: requester, probe: probe, in: try Self.context(samba: samba, level: level))
    }

    @Test func grantedAsPredictedPassesWithBothSidesInTheEvidence() throws {
        let finding = try k1(try Self.path(), .ran(Self.report()))
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.evidence["static:\(Self.host)"] == .string("granted"))
        #expect(finding.evidence["kdc:\(Self.rpcss)"] == .string("granted"))
        #expect(finding.evidence["comparison:\(Self.host)"] == .string("agree"))
        #expect(finding.message.contains("forwardable"))
    }

    @Test func kdcRefusalWhereStaticSaysGrantedFailsNamingBothSides() throws {
        let finding = try k1(try Self.path(), .ran(Self.report(rpcss: Self.refused)))
        #expect(finding.status == .fail)
        #expect(finding.message.contains("DISAGREE"))
        #expect(finding.message.contains("KDC_ERR_BADOPTION (13)"))
        #expect(finding.evidence["static:\(Self.rpcss)"] == .string("granted"))
        #expect(finding.evidence["kdc:\(Self.rpcss)"] == .string("refused"))
        #expect(finding.evidence["kdcError:\(Self.rpcss)"] == .string("KDC_ERR_BADOPTION (13)"))
        #expect(finding.evidence["kdcMeaning:\(Self.rpcss)"] == .string(Self.badOption.meaning))
        #expect(finding.errorCodes.contains("KDC_ERR_BADOPTION"))
        #expect(finding.remediation != nil)
    }

    @Test func notDelegatedUserRefusedAgrees() throws {
        let bob = E.account("bob", rid: 1106, control: 0x0010_0200)
        let finding = try k1(
            try Self.path(), .ran(Self.report(host: Self.refused, rpcss: Self.refused)), requester: bob)
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.evidence["static:\(Self.host)"] == .string("refused"))
        // and a grant for bob contradicts CES-A1
        let granted = try k1(try Self.path(), .ran(Self.report()), requester: bob)
        #expect(granted.status == .fail)
        #expect(granted.message.contains("CES-A1"))
    }

    @Test func missingTargetIsPredictedRefusedOnlyForThatTarget() throws {
        let path = try Self.path(principal: Self.principal(delegateTo: [Self.host]))
        let finding = try k1(path, .ran(Self.report(rpcss: Self.refused)))
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.evidence["static:\(Self.host)"] == .string("granted"))
        #expect(finding.evidence["static:\(Self.rpcss)"] == .string("refused"))
    }

    @Test func noProtocolTransitionOnCertificateEndpointIsPredictedRefused() throws {
        let path = try Self.path(principal: Self.principal(control: 0x0001_0200))
        let finding = try k1(path, .ran(Self.report(host: Self.refused, rpcss: Self.refused)))
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(
            (finding.evidence["staticReasons:\(Self.host)"]).map { "\($0)" }?.contains("CES-C3") == true)
    }

    @Test func kerberosEndpointWithoutProtocolTransitionCannotBeReproduced() throws {
        let kerberos = "1\n2\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0"
        let path = try Self.path(endpoint: kerberos, principal: Self.principal(control: 0x0001_0200))
        let finding = try k1(path, .ran(Self.report(host: Self.refused, rpcss: Self.refused)))
        #expect(finding.status == .unknown)
        #expect(finding.message.contains("protocol transition"))
        #expect(finding.evidence["comparison:\(Self.host)"] == .string("unknown"))
    }

    @Test func protectedUsersOnSambaIsNotJudgeableNeverAgreement() throws {
        var carol = Self.alice
        carol.tokenGroups = .value(["\(domainSID)-513", "\(domainSID)-525"])
        let samba = try k1(try Self.path(), .ran(Self.report()), requester: carol, samba: true, level: 7)
        #expect(samba.status == .unknown)
        #expect(samba.message.contains("does not enforce Protected Users"))
        #expect(samba.evidence["comparison:\(Self.host)"] == .string("not-judgeable"))
        // a Windows KDC at level 7 is judged: a grant contradicts CES-A2
        let windows = try k1(try Self.path(), .ran(Self.report()), requester: carol, samba: false, level: 7)
        #expect(windows.status == .fail)
        // below level 6 Protected Users does not block: a grant agrees
        let low = try k1(try Self.path(), .ran(Self.report()), requester: carol, samba: false, level: 4)
        #expect(low.status == .pass, "\(low.message)")
    }

    @Test func resourceBasedDelegationOnSambaIsNotJudgeable() throws {
        let principal = Self.principal(delegateTo: [])
        let path = try Self.path(principal: principal, rbcdFor: principal.sid ?? "")
        let finding = try k1(path, .ran(Self.report(host: Self.refused, rpcss: Self.refused)))
        #expect(finding.status == .unknown)
        #expect(finding.message.contains("resource-based"))
        let windows = try k1(path, .ran(Self.report(host: Self.refused, rpcss: Self.refused)), samba: false)
        #expect(windows.status == .fail, "RBCD allows the principal: a Windows KDC refusal disagrees")
    }

    @Test func unconstrainedOnlyIsPredictedRefused() throws {
        let path = try Self.path(principal: Self.principal(control: 0x0008_1000, delegateTo: []))
        let finding = try k1(path, .ran(Self.report(host: Self.refused, rpcss: Self.refused)))
        #expect(finding.status == .pass, "\(finding.message)")
        #expect("\(finding.evidence)".contains("CES-C4"))
    }

    @Test func principalWithoutSPNIsRefusedAtS4U2Self() throws {
        let path = try Self.path(principal: Self.principal(spns: []))
        let unknownServer = KerberosStepOutcome.refused(KDCError(number: 7), message: "Server not found")
        let finding = try k1(path, .ran(Self.report(s4u2self: unknownServer)))
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(finding.message.contains("refused at S4U2Self: KDC_ERR_S_PRINCIPAL_UNKNOWN (7)"))
    }

    @Test func noProbeIsSkippedAndAProbeThatCouldNotRunIsUnknown() throws {
        #expect(try k1(try Self.path(), .notAsked).status == .skipped)
        let notRun = try k1(try Self.path(), .notRun("no key"))
        #expect(notRun.status == .unknown)
        #expect(notRun.message.contains("no key"))
        let noKey = LocalKerberosFailure(kind: .noKey, code: -1_765_328_203, message: "no suitable keys", step: "AS")
        let failed = try k1(try Self.path(), .ran(Self.report(s4u2self: nil, initial: .failed(noKey))))
        #expect(failed.status == .unknown)
        #expect(failed.message.contains("no suitable keys"))
        // an endpoint that needs no delegation is skipped whatever the probe says
        let username = "2\n4\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_UsernamePassword/service.svc/CES"
        #expect(try k1(try Self.path(endpoint: username), .ran(Self.report())).status == .skipped)
    }

    @Test func kdcVerdictTakesTheFirstStepThatDidNotSucceed() {
        let unreachable = LocalKerberosFailure(kind: .kdcUnreachable, code: -1_765_328_228, message: "x", step: "AS")
        #expect(KDCVerdict(report: Self.report(initial: .failed(unreachable)), target: Self.host).word == "unknown")
        let selfRefused = Self.report(s4u2self: Self.refused)
        guard case .refused(_, let step, _) = KDCVerdict(report: selfRefused, target: Self.host) else {
            Issue.record("S4U2Self refusal is a refusal")
            return
        }
        #expect(step == "S4U2Self")
        #expect(KDCVerdict(report: Self.report(), target: "HOST/other").word == "unknown")
        #expect(KDCVerdict(report: Self.report(rpcss: Self.refused), target: Self.rpcss).word == "refused")
    }

    // MARK: ticket encryption against CES-C9

    static let aes = TicketEncryption(ticket: 18, sessionKey: 18)
    static let rc4 = TicketEncryption(ticket: 23, sessionKey: 23)

    func k1Encryption(
        principalTypes: UInt32?, s4u2self: TicketEncryption?, target: TicketEncryption? = aes,
        rpcss: KerberosStepOutcome = .granted([.forwardable]), samba: Bool = true, kdcDefault: UInt32? = nil
    ) throws -> Finding {
        var principal = Self.principal()
        principal.supportedEncryptionTypes = principalTypes
        principal.passwordLastSet = Date(timeIntervalSince1970: 1_700_000_000)
        var path = try Self.path(principal: principal)
        path.caComputer?.passwordLastSet = Date(timeIntervalSince1970: 1_700_000_000)
        var report = Self.report(rpcss: rpcss)
        report.initialEncryption = Self.aes
        report.s4u2selfEncryption = s4u2self
        report.targets[0].encryption = target
        var context = try Self.context(samba: samba)
        context.snapshot.domain.aesKeysSince = .value(Date(timeIntervalSince1970: 1_200_000_000))
        if let kdcDefault {
            context.snapshot.evidence["dc01.corp"] = .domainController(
                kdc: KDCEncryptionSettings(defaultDomainSupportedEncTypes: kdcDefault, rc4DefaultDisablementPhase: nil))
        }
        return K1KDCOutcomeAgreement().evaluate(path, requester: Self.alice, probe: .ran(report), in: context)
    }

    @Test func ticketEncryptionTypesAreReportedForEveryTicket() throws {
        let finding = try k1Encryption(principalTypes: 0x18, s4u2self: Self.aes)
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(
            finding.evidence["ticketEncryption:S4U2Self"]
                == .string("ticket aes256-cts-hmac-sha1-96 (18), session key aes256-cts-hmac-sha1-96 (18)"))
        #expect(finding.evidence["ticketEncryption:initial"] != nil)
        #expect(finding.evidence["ticketEncryption:\(Self.host)"] != nil)
    }

    @Test func rc4TicketForAnAESCapablePrincipalDisagreesWithC9() throws {
        let finding = try k1Encryption(principalTypes: 0x18, s4u2self: Self.rc4)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("S4U2Self: ticket rc4-hmac (23)"))
        #expect(finding.message.contains("DISAGREE (CES-C9 judged svc-ces AES-capable"))
    }

    @Test func rc4TicketWithoutTheAttributeIsNotJudgeableOnSambaButDisagreesOnWindows() throws {
        let samba = try k1Encryption(principalTypes: nil, s4u2self: Self.rc4)
        #expect(samba.status == .pass, "\(samba.message)")
        #expect(samba.message.contains("Samba's KDC does not apply the 2026 AES-only default"))
        let windows = try k1Encryption(principalTypes: nil, s4u2self: Self.rc4, samba: false)
        #expect(windows.status == .fail)
        // C9 passes because the DCs' default still allows RC4: an RC4 ticket is what it predicts, no disagreement.
        let rc4Allowed = try k1Encryption(principalTypes: nil, s4u2self: Self.rc4, samba: false, kdcDefault: 0x1C)
        #expect(rc4Allowed.status == .pass, "\(rc4Allowed.message)")
        #expect(!rc4Allowed.message.contains("DISAGREE"), "\(rc4Allowed.message)")
    }

    @Test func etypeNotSupportedAtS4U2ProxyDisagreesWithAPassingC9() throws {
        let nosupp = KerberosStepOutcome.refused(
            KDCError(number: 14), message: "KDC has no support for encryption type")
        let finding = try k1Encryption(principalTypes: 0x18, s4u2self: Self.aes, rpcss: nosupp)
        #expect(finding.status == .fail)
        #expect(finding.evidence["ticketEncryption:\(Self.rpcss)"] == .string("refused: KDC_ERR_ETYPE_NOSUPP (14)"))
        #expect(finding.message.contains("KDC found no common encryption type"))
    }
}

/// A prober that answers from a table and counts its calls.
actor FakeProber: DelegationProber {
    var calls: [String] = []
    let answer: @Sendable (String, String) -> DelegationProbeReport

    init(answer: @escaping @Sendable (String, String) -> DelegationProbeReport) { self.answer = answer }

    func probe(servicePrincipal: String, user: String, targets: [String]) async -> DelegationProbeReport {
        calls.append("\(servicePrincipal) \(user) \(targets.joined(separator: ","))")
        return answer(servicePrincipal, user)
    }
}

@Suite struct ProbeStageTests {
    typealias E = EngineOfflineTests
    static let certificate = ProbeDecisionTests.certificate

    static func snapshot() throws -> DirectorySnapshot {
        var snapshot = try E.snapshot(endpoints: [E.kerberos, E.username, certificate])
        snapshot.domain.vendorName = "Samba Team (https://www.samba.org)"
        // svc-ces with protocol transition, as on the test bed
        if let index = snapshot.accounts?.firstIndex(where: { $0.samAccountName == "svc-ces" }) {
            snapshot.accounts?[index].userAccountControl = .value(0x0101_0200)
        }
        return snapshot
    }

    @Test func kerberosNameIsTheUPNElseSamAccountNameAtRealm() {
        var alice = E.account("alice", rid: 1105)
        #expect(ProbeStage.kerberosName(of: alice, realm: "CORP.EXAMPLE.TEST") == "alice@corp.example.test")
        alice.userPrincipalName = nil
        #expect(ProbeStage.kerberosName(of: alice, realm: "CORP.EXAMPLE.TEST") == "alice@CORP.EXAMPLE.TEST")
        #expect(ProbeStage.kerberosName(of: alice, realm: nil) == nil)
    }

    @Test func principalNamesMatchBySamAccountNameOrSPN() {
        let svc = ProbeDecisionTests.principal()
        #expect(ProbeStage.names("svc-ces@CORP.EXAMPLE.TEST", svc))
        #expect(ProbeStage.names("SVC-CES", svc))
        #expect(ProbeStage.names("HTTP/ces01@CORP.EXAMPLE.TEST", svc))
        #expect(!ProbeStage.names("svc-ces2@CORP.EXAMPLE.TEST", svc))
    }

    @Test func userJobProbesOncePerPrincipalAndReportsK1PerEndpoint() async throws {
        let snapshot = try Self.snapshot()
        let prober = FakeProber { _, _ in ProbeDecisionTests.report() }
        let job = UserJob(account: "alice", probe: ProbeRequest(prober: prober))
        let tally = try await E.run(job, snapshot)
        let k1 = tally.listed.filter { $0.ruleId == "CES-K1" }
        #expect(k1.count == 3)
        #expect(k1.filter { $0.status == .pass }.count == 2, "\(k1.map(\.message))")
        #expect(k1.filter { $0.status == .skipped }.count == 1)  // username/password
        let calls = await prober.calls
        #expect(
            calls == [
                "svc-ces@CORP.EXAMPLE.TEST alice@corp.example.test HOST/ca01.corp.example.test,RPCSS/ca01.corp.example.test"
            ])
    }

    @Test func withoutProbeK1IsSkippedOnEveryEndpoint() async throws {
        let tally = try await E.run(UserJob(account: "alice"), try Self.snapshot())
        let k1 = tally.listed.filter { $0.ruleId == "CES-K1" }
        #expect(k1.count == 3)
        #expect(k1.allSatisfy { $0.status == .skipped })
    }

    @Test func aKeyForAnotherPrincipalIsUnknownAndNotProbed() async throws {
        let prober = FakeProber { _, _ in ProbeDecisionTests.report() }
        let job = UserJob(
            account: "alice", probe: ProbeRequest(prober: prober, principal: "svc-ces2@CORP.EXAMPLE.TEST"))
        let tally = try await E.run(job, try Self.snapshot())
        let k1 = tally.listed.filter { $0.ruleId == "CES-K1" && $0.status != .skipped }
        #expect(k1.count == 2)
        #expect(k1.allSatisfy { $0.status == .unknown && $0.message.contains("svc-ces2") })
        #expect(await prober.calls.isEmpty)
    }

    @Test func serverJobNeedsAKnownProbeUser() async throws {
        let snapshot = try Self.snapshot()
        let source = SnapshotDirectorySource(snapshot: snapshot)
        let prober = FakeProber { _, _ in ProbeDecisionTests.report() }
        for user in [nil, "nobody"] {
            let job = ServerJob(host: "ces01.corp.example.test", probeUser: user, probe: ProbeRequest(prober: prober))
            await #expect(throws: JobError.self) {
                _ = try await job.run(source: source, evaluator: E.evaluator(snapshot))
            }
        }
        let job = ServerJob(host: "ces01.corp.example.test", probeUser: "bob", probe: ProbeRequest(prober: prober))
        let tally = try await job.run(source: source, evaluator: E.evaluator(snapshot))
        // bob is NOT_DELEGATED, the fake KDC grants: both certificate and Kerberos endpoints disagree
        let k1 = tally.listed.filter { $0.ruleId == "CES-K1" && $0.status != .skipped }
        #expect(k1.count == 2)
        #expect(k1.allSatisfy { $0.status == .fail })
        #expect(await prober.calls.count == 1)
    }

    @Test func sitePolicyCanDisableK1() async throws {
        let snapshot = try Self.snapshot()
        let policy = SitePolicy(waivers: [], severity: [:], disabled: ["CES-K1"])
        let tally = try await E.run(UserJob(account: "alice"), snapshot, policy: policy)
        #expect(!tally.listed.contains { $0.ruleId == "CES-K1" })
    }
}

/// CES-K2's ticket comparison with CES-C9: the HTTP/ ticket is under the CES principal's key.
@Suite struct EndpointTicketComparisonTests {
    typealias P = ProbeDecisionTests
    static let kerberos = "1\n2\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0"

    func comparison(ticketType: Int, kdcDefault: UInt32?) throws -> Finding {
        var principal = P.principal()
        principal.supportedEncryptionTypes = nil
        principal.passwordLastSet = Date(timeIntervalSince1970: 1_700_000_000)
        var path = try P.path(endpoint: Self.kerberos, principal: principal)
        path.caComputer?.passwordLastSet = Date(timeIntervalSince1970: 1_700_000_000)
        var context = try P.context(samba: false)
        context.snapshot.domain.aesKeysSince = .value(Date(timeIntervalSince1970: 1_200_000_000))
        if let kdcDefault {
            context.snapshot.evidence["dc01.corp"] = .domainController(
                kdc: KDCEncryptionSettings(defaultDomainSupportedEncTypes: kdcDefault, rc4DefaultDisablementPhase: nil))
        }
        let spn = "HTTP/ces01.corp.example.test"
        let report = EndpointProbeReport(
            url: "https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES", authentication: .kerberos,
            address: "127.0.0.1", checks: [.init("kerberos", .pass, "accepted")],
            kerberos: KerberosLegReport(
                servicePrincipal: spn,
                ticket: .issued(
                    ServiceTicketInfo(
                        servicePrincipal: spn, encryptionType: ticketType,
                        encryptionTypeName: ticketType == 23 ? "rc4-hmac" : "aes256-cts-hmac-sha1-96", keyVersion: 2)),
                server: .accepted(status: 200)))
        return K2EndpointAnswerAgreement().evaluate(path, probe: .ran(report), in: context)
    }

    @Test func rc4TicketDisagreesOnlyWhereCESC9PredictsAES() throws {
        // The 2026 default (AES only): C9 passes on the AES keys, so an RC4 ticket disagrees.
        let aesOnly = try comparison(ticketType: 23, kdcDefault: nil)
        #expect(aesOnly.evidence["comparison:CES-C9"] == .string("disagree"), "\(aesOnly.message)")
        // The DCs' default still allows RC4: C9 passes for that reason, and an RC4 ticket is what it predicts.
        let rc4Allowed = try comparison(ticketType: 23, kdcDefault: 0x1C)
        #expect(rc4Allowed.evidence["comparison:CES-C9"] == .string("agree"), "\(rc4Allowed.message)")
        #expect(rc4Allowed.message.contains("the KDC's default still allows RC4"), "\(rc4Allowed.message)")
        // DES is never what C9 predicts.
        let des = try comparison(ticketType: 3, kdcDefault: 0x1C)
        #expect(des.evidence["comparison:CES-C9"] == .string("disagree"), "\(des.message)")
        let aes = try comparison(ticketType: 18, kdcDefault: nil)
        #expect(aes.evidence["comparison:CES-C9"] == .string("agree"), "\(aes.message)")
    }
}
