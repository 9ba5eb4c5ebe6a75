import ADModel
import DirectoryAccess
import Foundation
import Testing

@testable import CESAuditCore

/// Issue 9 (RELIABILITY.md), below LDAP: faults and malformed data a Samba test bed cannot produce.
@Suite struct ReliabilityUnitTests {
    /// Delivers one batch of accounts, then fails as a DC does when the connection breaks mid-search.
    struct BreakingSource: DirectorySource {
        let inner: SnapshotDirectorySource
        let error: LDAPError
        var snapshot: DirectorySnapshot { inner.snapshot }
        func account(named name: String) async throws(JobError) -> AccountRecord? {
            try await inner.account(named: name)
        }
        func principal(endpointHost: String, configured: String?) async throws(JobError) -> PrincipalResolution {
            try await inner.principal(endpointHost: endpointHost, configured: configured)
        }
        func caComputer(host: String) async throws(JobError) -> AccountRecord? {
            try await inner.caComputer(host: host)
        }
        func enabledAccounts(
            exactGroups: Bool, _ body: ([AccountRecord]) async throws(JobError) -> Void
        ) async throws(JobError) {
            try await inner.enabledAccounts(exactGroups: exactGroups) { batch throws(JobError) in
                try await body(Array(batch.prefix(2)))
            }
            throw .directory(error)
        }
        func replacingSnapshot(_ snapshot: DirectorySnapshot) -> any DirectorySource { self }
    }

    @Test(arguments: [
        LDAPError(kind: .serverDown, code: -1, operation: "search", message: "Can't contact LDAP server"),
        LDAPError(kind: .timeout, code: -5, operation: "search", message: "Timed out"),
        LDAPError(kind: .sizeLimitExceeded, code: 4, operation: "search", message: "Size limit exceeded"),
        LDAPError(kind: .timeLimitExceeded, code: 3, operation: "search", message: "Time limit exceeded"),
        LDAPError(kind: .adminLimitExceeded, code: 11, operation: "search", message: "Administrative limit exceeded"),
        LDAPError(kind: .busy, code: 51, operation: "search", message: "Server is busy"),
        LDAPError(kind: .decodingError, code: -4, operation: "read member;range=1500-*", message: "incomplete"),
    ])
    func scanThatLosesTheDirectoryMidStreamReturnsNoTally(error injected: LDAPError) async throws {
        let snapshot = try EngineOfflineTests.snapshot()
        let source = BreakingSource(inner: SnapshotDirectorySource(snapshot: snapshot), error: injected)
        do {
            let tally = try await ScanJob().run(source: source, evaluator: EngineOfflineTests.evaluator(snapshot))
            Issue.record("a scan with accounts unread returned a tally: \(tally.summary)")
        } catch {
            guard case .directory(let thrown) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(thrown == injected)
        }
    }

    /// A truncated nTSecurityDescriptor (Samba cannot serve one: RELIABILITY.md) turns B2 `unknown` with
    /// "malformed", never a pass or a crash, at every truncation point.
    @Test func truncatedTemplateSecurityDescriptorIsMalformedUnknown() throws {
        let whole = try SecurityDescriptor(
            sddl:
                "O:BAG:BAD:PAI(OA;;CR;\(EngineOfflineTests.enroll);;\(domainSID)-513)(A;;RPLC;;;AU)"
        ).selfRelativeBytes()
        let snapshot = try EngineOfflineTests.snapshot()
        let ca = try #require(snapshot.enrollmentServices.value?.first)
        let requester = EngineOfflineTests.account("alice", rid: 1105)
        let context = RuleContext.offline(snapshot)
        for length in [0, 1, 4, 19, 20, 21, whole.count / 2, whole.count - 1] {
            var template = try EngineOfflineTests.template("User", sddl: "D:")
            template.securityDescriptor = .value(Data(whole.prefix(length)))
            let finding = B2TemplateEnrollPermission().evaluate(
                TemplatePath(requester: requester, ca: ca, template: template), in: context)
            #expect(finding.status == .unknown, "\(length) bytes: \(finding.status) \(finding.message)")
            #expect(finding.message.contains("malformed"), "\(length) bytes: \(finding.message)")
            #expect(template.grantsEnroll(to: requester) == nil)
        }
    }

    @Test(arguments: [
        ("garbage", "one field"),
        ("1\n2\n0\n", "no URL"),
        ("x\ny\nz\nnot a url\n9", "not numeric"),
        ("\n\n\n\n\n\n", "only LFs"),
        ("1\n2\n0\nhttps://" + String(repeating: "h", count: 100_000) + "/CES\n0", "very long"),
        ("1\n2\n0\nhttps://ces01/\u{0}/CES\n0", "NUL"),
    ])
    func malformedEndpointValuesNeverPass(value: String, what: String) throws {
        let snapshot = try EngineOfflineTests.snapshot(endpoints: [value])
        let ca = try #require(snapshot.enrollmentServices.value?.first)
        let endpoint = try #require(ca.endpoints.first)
        let context = RuleContext.offline(snapshot)
        let path = EndpointPath(
            ca: ca, endpoint: endpoint,
            principal: PrincipalResolution(account: nil, source: nil, httpSPNHolders: [], problem: "test"),
            caComputer: nil)
        let findings = Evaluator(context: context, policy: .none).findings(for: path)
        #expect(!findings.isEmpty)
        if endpoint.malformed != nil {
            let e4 = try #require(findings.first { $0.ruleId == "CES-E4" })
            #expect(e4.status != .pass && e4.message.contains("malformed"), "\(what): \(e4.message)")
            #expect(!findings.contains { $0.status == .pass && $0.ruleId == "CES-C1" }, "\(what)")
        }
    }

    /// Evidence that is truncated, in another encoding, or the output of another command: `unknown` with the
    /// reason, never a crash, never "no rights".
    @Test func oddEvidenceFilesAreMissingWithAReason() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rel-evidence-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let host = directory.appendingPathComponent("ca01.corp.example.test")
        try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        let editFlags = """
            HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\corp-CA01\\PolicyModules\\
            CertificateAuthority_MicrosoftDefault.Policy\\EditFlags:

              EditFlags REG_DWORD = 11014e (1114446)
                EDITF_REQUESTEXTENSIONLIST -- 2
            CertUtil: -getreg command completed successfully.

            """
        // ca-security.txt holds the output of `certutil -getreg policy\EditFlags` (another command)
        try Data(editFlags.utf8).write(to: host.appendingPathComponent("ca-security.txt"))
        // editflags.txt truncated before the value
        try Data(editFlags.utf8.prefix(60)).write(to: host.appendingPathComponent("editflags.txt"))
        // secedit.inf in UTF-32 (neither UTF-16LE with BOM nor UTF-8)
        let secedit = "[Unicode]\r\nUnicode=yes\r\n[Privilege Rights]\r\nSeImpersonatePrivilege = *S-1-5-6\r\n"
        try #require(secedit.data(using: .utf32BigEndian)).write(to: host.appendingPathComponent("secedit.inf"))
        let hosts = try EvidenceLoader.load(directory: directory.path)
        let evidence = try #require(hosts["ca01.corp.example.test"])
        for (name, reason) in [
            ("ca-security", evidence.caSecurity.missingReason), ("editflags", evidence.editFlags.missingReason),
            ("secedit", evidence.userRights.missingReason),
        ] {
            let text = try #require(reason, "\(name) was accepted")
            #expect(text.hasPrefix("malformed "), "\(name): \(text)")
        }

        // the same three as random bytes and as empty files
        for content in [Data((0..<3000).map { _ in UInt8.random(in: 0...255) }), Data()] {
            for file in ["ca-security.txt", "editflags.txt", "secedit.inf"] {
                try content.write(to: host.appendingPathComponent(file))
            }
            let again = try #require(try EvidenceLoader.load(directory: directory.path)["ca01.corp.example.test"])
            #expect(again.caSecurity.value == nil && again.editFlags.value == nil && again.userRights.value == nil)
        }
    }
}
