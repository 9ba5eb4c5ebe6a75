import ADModel
import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// Family C against the test bed: svc-ces (constrained to HOST+RPCSS, protocol transition), CES01$ (no
/// delegation), WEB01$ (unconstrained only); the principal resolution order of the contract.
@Suite(.requiresTestBed)
struct DelegationRulesAgainstTestBedTests {
    struct Fixture {
        let bed: TestBedSnapshot
        let caComputer: AccountRecord?
        var context: RuleContext { bed.context }

        func path(authFlag: UInt32, renewalOnly: Bool = false, serviceAccount: String? = nil) async throws
            -> EndpointPath
        {
            let endpoint = try bed.endpoint(authFlag: authFlag, renewalOnly: renewalOnly)
            let principal = try await bed.collector.resolvePrincipal(
                endpointHost: try #require(endpoint.host), configured: serviceAccount, base: bed.base)
            return EndpointPath(ca: bed.ca, endpoint: endpoint, principal: principal, caComputer: caComputer)
        }
    }

    static func fixture() async throws -> Fixture {
        let bed = try await TestBedSnapshot.collect()
        return Fixture(
            bed: bed,
            caComputer: try await bed.collector.caComputer(host: try #require(bed.ca.dnsHostName), base: bed.base))
    }

    @Test func principalIsTheSingleHTTPSPNHolder() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path(authFlag: 2)
        #expect(path.principal.source == .httpSPN)
        #expect(path.principal.account?.samAccountName == "svc-ces")
        #expect(path.principal.httpSPNHolders == ["svc-ces"])
        #expect(fixture.caComputer?.samAccountName == "CA01$")
    }

    @Test func configuredServiceAccountWinsAndUnknownOneIsUnknown() async throws {
        let fixture = try await Self.fixture()
        let configured = try await fixture.path(authFlag: 2, serviceAccount: "CES01$")
        #expect(configured.principal.source == .configured)
        #expect(configured.principal.account?.samAccountName == "CES01$")
        let missing = try await fixture.path(authFlag: 2, serviceAccount: "no-such-account")
        #expect(missing.principal.account == nil)
        #expect(C2ConstrainedDelegationToCA().evaluate(missing, in: fixture.context).status == .unknown)
    }

    @Test func kerberosEndpointNeedsDelegationAndSvcCesHasIt() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path(authFlag: 2)
        #expect(C1DelegationRequired().evaluate(path, in: fixture.context).status == .pass)
        let c2 = C2ConstrainedDelegationToCA().evaluate(path, in: fixture.context)
        #expect(c2.status == .pass, "\(c2.message)")
        #expect(C3ProtocolTransition().evaluate(path, in: fixture.context).status == .skipped)
        #expect(C4UnconstrainedDelegationOnly().evaluate(path, in: fixture.context).status == .pass)
        #expect(C5ResourceBasedDelegation().evaluate(path, in: fixture.context).status == .skipped)
        #expect(C6PrincipalNotDelegable().evaluate(path, in: fixture.context).status == .pass)
        #expect(C7PrincipalUsable().evaluate(path, in: fixture.context).status == .pass)
    }

    @Test func certificateEndpointNeedsProtocolTransition() async throws {
        let fixture = try await Self.fixture()
        let good = try await fixture.path(authFlag: 8)
        #expect(C3ProtocolTransition().evaluate(good, in: fixture.context).status == .pass)
        let bad = try await fixture.path(authFlag: 8, serviceAccount: "CES01$")
        let finding = C3ProtocolTransition().evaluate(bad, in: fixture.context)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("lacks TRUSTED_TO_AUTH_FOR_DELEGATION"))
    }

    @Test func computerWithoutDelegationFailsC2WithPasteableFix() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path(authFlag: 2, serviceAccount: "CES01$")
        let finding = C2ConstrainedDelegationToCA().evaluate(path, in: fixture.context)
        #expect(finding.status == .fail)
        #expect(
            finding.message
                == "msDS-AllowedToDelegateTo of CES01$ lacks HOST/ca01.corp.example.test and RPCSS/ca01.corp.example.test"
        )
        #expect(finding.subject.kind == .servicePrincipal)
        #expect(finding.remediation?.contains("RPCSS/ca01.corp.example.test") == true)
        let remediation = try #require(finding.remediation)
        #expect(RuleCatalogue.placeholderNames(in: remediation).isEmpty, "placeholders filled: \(remediation)")
        #expect(
            remediation.contains("CN=CES01,CN=Computers,DC=corp,DC=example,DC=test") || remediation.contains("CES01$"))
    }

    @Test func unconstrainedOnlyWarns() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path(authFlag: 2, serviceAccount: "WEB01$")
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: fixture.context).status == .warn)
        #expect(C4UnconstrainedDelegationOnly().evaluate(path, in: fixture.context).status == .warn)
    }

    /// MS-SFU 3.2.5.2.1: certificate authentication has no user TGT to forward, so CES needs S4U2proxy, which an
    /// empty msDS-AllowedToDelegateTo refuses (KRB-ERR-BADOPTION, STATUS_NOT_SUPPORTED).
    @Test func unconstrainedOnlyFailsOnACertificateEndpoint() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path(authFlag: 8, serviceAccount: "WEB01$")
        let finding = C2ConstrainedDelegationToCA().evaluate(path, in: fixture.context)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("STATUS_NOT_SUPPORTED"), "\(finding.message)")
    }

    @Test func renewalOnlyEndpointNeedsNoDelegation() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path(authFlag: 8, renewalOnly: true)
        #expect(C1DelegationRequired().evaluate(path, in: fixture.context).status == .skipped)
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: fixture.context).status == .skipped)
    }
}

/// Resource-based delegation and missing data, on hand-made paths.
@Suite struct DelegationRulesOfflineTests {
    static let principalSID = "S-1-5-21-1-2-3-1105"

    static func path(
        rbcd sddl: String?, allowedToDelegateTo: [String] = [], control: UInt32 = 0x200,
        groups: Collected<[String]> = .value([])
    ) throws -> EndpointPath {
        let principal = AccountRecord.fixture(
            "svc", control: .value(control), delegateTo: allowedToDelegateTo, groups: groups)
        var caComputer = principal
        caComputer.samAccountName = "CA01$"
        caComputer.allowedToActOnBehalfOf = try sddl.map(selfRelative)
        let ca = EnrollmentServiceRecord.fixture(endpoints: [
            "1\n8\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n0"
        ])
        return EndpointPath(
            ca: ca, endpoint: ca.endpoints[0],
            principal: PrincipalResolution(account: principal, source: .configured, httpSPNHolders: [], problem: nil),
            caComputer: caComputer)
    }

    static let context = RuleContext.offline()

    @Test func rbcdOnTheCASatisfiesC2C3AndC5() throws {
        let path = try Self.path(rbcd: "O:BAD:(A;;0xf01ff;;;\(Self.principalSID))")
        #expect(path.resourceBasedDelegationAllowsPrincipal == true)
        #expect(C5ResourceBasedDelegation().evaluate(path, in: Self.context).status == .pass)
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: Self.context).status == .pass)
        #expect(C3ProtocolTransition().evaluate(path, in: Self.context).status == .pass)
    }

    @Test func rbcdForSomeoneElseDoesNot() throws {
        let path = try Self.path(rbcd: "O:BAD:(A;;0xf01ff;;;S-1-5-21-1-2-3-9999)")
        #expect(path.resourceBasedDelegationAllowsPrincipal == false)
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: Self.context).status == .fail)
    }

    @Test func deniedRBCDEntryIsNoGrant() throws {
        let path = try Self.path(rbcd: "O:BAD:(D;;0xf01ff;;;\(Self.principalSID))")
        #expect(path.resourceBasedDelegationAllowsPrincipal == false)
    }

    static let groupSID = "S-1-5-21-1-2-3-2001"

    /// MS-SFU 3.2.5.2.3: the KDC's RBCD decision is an access check with the principal's token.
    @Test func rbcdGrantedThroughAGroupSatisfiesC2C3AndC5() throws {
        let path = try Self.path(rbcd: "O:BAD:(A;;0xf01ff;;;\(Self.groupSID))", groups: .value([Self.groupSID]))
        #expect(path.resourceBasedDelegationAllowsPrincipal == true)
        #expect(C5ResourceBasedDelegation().evaluate(path, in: Self.context).status == .pass)
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: Self.context).status == .pass)
        #expect(C3ProtocolTransition().evaluate(path, in: Self.context).status == .pass)
    }

    @Test func rbcdDeniedThroughAGroupBeatsTheOwnAllowACE() throws {
        let path = try Self.path(
            rbcd: "O:BAD:(D;;CR;;;\(Self.groupSID))(A;;0xf01ff;;;\(Self.principalSID))", groups: .value([Self.groupSID])
        )
        #expect(path.resourceBasedDelegationAllowsPrincipal == false)
        #expect(C5ResourceBasedDelegation().evaluate(path, in: Self.context).status == .skipped)
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: Self.context).status == .fail)
        #expect(C3ProtocolTransition().evaluate(path, in: Self.context).status == .fail)
    }

    @Test func rbcdAllowWithoutControlAccessIsNoGrant() throws {
        let path = try Self.path(rbcd: "O:BAD:(A;;RP;;;\(Self.principalSID))")
        #expect(path.resourceBasedDelegationAllowsPrincipal == false)
    }

    @Test func rbcdWithUnreadGroupsIsUnknownUnlessTheSIDAloneDecides() throws {
        let unread: Collected<[String]> = .missing(reason: "test")
        let viaGroup = try Self.path(rbcd: "O:BAD:(A;;0xf01ff;;;\(Self.groupSID))", groups: unread)
        #expect(viaGroup.resourceBasedDelegationAllowsPrincipal == nil)
        #expect(C5ResourceBasedDelegation().evaluate(viaGroup, in: Self.context).status == .unknown)
        let direct = try Self.path(rbcd: "O:BAD:(A;;0xf01ff;;;\(Self.principalSID))", groups: unread)
        #expect(direct.resourceBasedDelegationAllowsPrincipal == true)
        let withDeny = try Self.path(
            rbcd: "O:BAD:(D;;CR;;;\(Self.groupSID))(A;;0xf01ff;;;\(Self.principalSID))", groups: unread)
        #expect(withDeny.resourceBasedDelegationAllowsPrincipal == nil)
    }

    /// Reference C2/C3: missing targets fail only when no alternative (C5's RBCD) is configured; an RBCD that
    /// cannot be read is no proof of absence, so C2, C3 and C4 are unknown, as C5 is — never a fail or a pass.
    @Test func missingTargetsWithUndecidableRBCDAreUnknown() throws {
        let unread: Collected<[String]> = .missing(reason: "test")
        var viaGroup = try Self.path(rbcd: "O:BAD:(A;;0xf01ff;;;\(Self.groupSID))", groups: unread)
        for rule in [C2ConstrainedDelegationToCA().evaluate, C3ProtocolTransition().evaluate] {
            let finding = rule(viaGroup, Self.context)
            #expect(finding.status == .unknown, "\(finding.ruleId): \(finding.message)")
            #expect(finding.message.contains("groups were not read"), "\(finding.message)")
        }
        viaGroup.principal.account?.userAccountControl = .value(0x80200)  // TRUSTED_FOR_DELEGATION only
        #expect(C4UnconstrainedDelegationOnly().evaluate(viaGroup, in: Self.context).status == .unknown)

        var noComputer = try Self.path(rbcd: nil)
        noComputer.caComputer = nil
        let c2 = C2ConstrainedDelegationToCA().evaluate(noComputer, in: Self.context)
        #expect(c2.status == .unknown)
        #expect(c2.message.contains("lacks HOST/") && c2.message.contains("no computer account"), "\(c2.message)")
        #expect(C5ResourceBasedDelegation().evaluate(noComputer, in: Self.context).status == .unknown)
        // Without RBCD on a found CA computer the verdict stays a failure.
        #expect(C2ConstrainedDelegationToCA().evaluate(try Self.path(rbcd: nil), in: Self.context).status == .fail)
    }

    /// Unknown is never pass: without the domain SID, Protected Users membership (RID 525) cannot be told.
    @Test func c6WithoutTheDomainSIDIsUnknownUnlessNotDelegatedDecides() throws {
        let noSID = RuleContext.offline { $0.domain.sid = nil }
        let plain = C6PrincipalNotDelegable().evaluate(try Self.path(rbcd: nil), in: noSID)
        #expect(plain.status == .unknown, "\(plain.message)")
        #expect(plain.message.contains("domain SID was not read"))
        #expect(C6PrincipalNotDelegable().evaluate(try Self.path(rbcd: nil), in: Self.context).status == .pass)
        let sensitive = try Self.path(rbcd: nil, control: 0x10_0200)
        #expect(C6PrincipalNotDelegable().evaluate(sensitive, in: noSID).status == .warn)
    }

    /// AD refuses an LDAP add of a value already present, whole: the pasted command adds only what is missing,
    /// and its revert removes only that.
    @Test func c2RemediationAddsOnlyTheMissingTargets() throws {
        let path = try Self.path(rbcd: nil, allowedToDelegateTo: ["HOST/ca01.corp.example.test"])
        let finding = C2ConstrainedDelegationToCA().evaluate(path, in: Self.context)
        #expect(finding.status == .fail)
        let remediation = try #require(finding.remediation)
        #expect(
            remediation.contains("-Add @{'msDS-AllowedToDelegateTo'=@('RPCSS/ca01.corp.example.test')}"),
            "\(remediation)")
        #expect(!remediation.contains("'HOST/"), "\(remediation)")
        let none = C2ConstrainedDelegationToCA().evaluate(try Self.path(rbcd: nil), in: Self.context)
        #expect(
            none.remediation?.contains(
                "=@('HOST/ca01.corp.example.test','RPCSS/ca01.corp.example.test')}") == true,
            "\(none.remediation ?? "")")
    }

    @Test func targetsMatchCaseInsensitively() throws {
        let path = try Self.path(
            rbcd: nil, allowedToDelegateTo: ["host/CA01.corp.example.test", "rpcss/ca01.CORP.example.test"],
            control: 0x0100_0200)
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: Self.context).status == .pass)
        #expect(C3ProtocolTransition().evaluate(path, in: Self.context).status == .pass)
    }

    @Test func malformedEndpointIsUnknown() throws {
        var path = try Self.path(rbcd: nil)
        path.endpoint = .init(raw: "1\nX\n0\nhttps://x")
        #expect(C1DelegationRequired().evaluate(path, in: Self.context).status == .unknown)
        #expect(C2ConstrainedDelegationToCA().evaluate(path, in: Self.context).status == .unknown)
    }

    @Test func unreadableControlIsUnknown() throws {
        var path = try Self.path(rbcd: nil)
        path.principal.account?.userAccountControl = .missing(reason: "no read access")
        #expect(C3ProtocolTransition().evaluate(path, in: Self.context).status == .unknown)
        #expect(C7PrincipalUsable().evaluate(path, in: Self.context).status == .unknown)
    }
}

/// CES-C7 beyond "disabled": expiry, lockout and password expiry of user service accounts, gMSA password retrieval.
@Suite struct PrincipalUsableTests {
    static let context = RuleContext.offline()

    static func path(_ change: (inout AccountRecord) throws -> Void, hostComputer: AccountRecord? = nil) throws
        -> EndpointPath
    {
        var path = try DelegationRulesOfflineTests.path(rbcd: nil, control: 0x200)
        var account = try #require(path.principal.account)
        try change(&account)
        path.principal.account = account
        path.principal.hostComputer = hostComputer
        return path
    }

    static func status(_ path: EndpointPath) -> Status { C7PrincipalUsable().evaluate(path, in: context).status }

    @Test func expiredLockedOutOrPasswordExpiredUserAccountsFail() throws {
        #expect(Self.status(try Self.path { _ in }) == .pass)
        let expired = C7PrincipalUsable().evaluate(
            try Self.path { $0.accountExpires = 132_223_104_000_000_000 }, in: Self.context)
        #expect(expired.status == .fail)
        #expect(expired.message.contains("2020-01-01"), "\(expired.message)")
        #expect(Self.status(try Self.path { $0.accountExpires = Int64.max }) == .pass)
        #expect(Self.status(try Self.path { $0.accountExpires = 0 }) == .pass)
        #expect(Self.status(try Self.path { $0.userAccountControlComputed = .value(0x10) }) == .fail)
        #expect(Self.status(try Self.path { $0.userAccountControlComputed = .value(0x80_0000) }) == .fail)
        #expect(Self.status(try Self.path { $0.userAccountControlComputed = .missing(reason: "x") }) == .unknown)
    }

    @Test func gMSAPasswordMustBeRetrievableByTheCESHost() throws {
        let hostSID = "S-1-5-21-1-2-3-3001"
        let groupSID = "S-1-5-21-1-2-3-3002"
        let host = AccountRecord.fixture("CES01$", classes: ["computer"], sid: hostSID, groups: .value([groupSID]))
        func gmsa(_ sddl: String?) throws -> (inout AccountRecord) throws -> Void {
            { account in
                account.objectClasses = ["computer", "msDS-GroupManagedServiceAccount"]
                account.groupMSAMembership = try sddl.map(selfRelative)
            }
        }
        let viaGroup = try Self.path(gmsa("O:BAD:(A;;0xf01ff;;;\(groupSID))"), hostComputer: host)
        #expect(Self.status(viaGroup) == .pass)
        #expect(
            Self.status(try Self.path(gmsa("O:BAD:(A;;0xf01ff;;;S-1-5-21-1-2-3-9999)"), hostComputer: host)) == .fail)
        #expect(Self.status(try Self.path(gmsa("O:BAD:(A;;0xf01ff;;;\(groupSID))"), hostComputer: nil)) == .unknown)
        #expect(Self.status(try Self.path(gmsa(nil), hostComputer: host)) == .unknown)
    }
}
