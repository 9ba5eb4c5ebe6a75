import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// Families A rules against the test bed's users, and the `unknown` cases on snapshots with missing data.
@Suite(.requiresTestBed)
struct RequesterRulesAgainstTestBedTests {
    struct Fixture {
        let bed: TestBedSnapshot
        var context: RuleContext { bed.context }
        var ca: EnrollmentServiceRecord { bed.ca }
        var collector: SnapshotCollector { bed.collector }

        func path(_ account: String, authFlag: UInt32) async throws -> EnrollmentPath {
            EnrollmentPath(
                requester: try await bed.account(account), ca: ca, endpoint: try bed.endpoint(authFlag: authFlag))
        }
    }

    static func fixture() async throws -> Fixture { Fixture(bed: try await TestBedSnapshot.collect()) }

    @Test func snapshotHoldsTheCAEndpointsTemplatesAndDomain() async throws {
        let fixture = try await Self.fixture()
        let snapshot = fixture.context.snapshot
        #expect(snapshot.domain.sid?.hasPrefix("S-1-5-21-") == true)
        #expect(snapshot.domain.dnsName == "corp.example.test")
        #expect(fixture.ca.dnsHostName == "ca01.corp.example.test")
        #expect(Set(fixture.ca.certificateTemplates).isSuperset(of: ["User", "WebServer", "KBR-User"]))
        #expect(!fixture.ca.certificateTemplates.contains("Unpublished"))
        #expect(fixture.ca.endpoints.count == 10)
        // every value parses; the seed's deliberately inconsistent one (flag 16, http) is CES-E4's business
        #expect(fixture.ca.endpoints.allSatisfy { $0.malformed == nil })
        #expect(fixture.ca.securityDescriptor.value != nil, "SD flags control lets a non-admin read the CA object's SD")
        let templates = try #require(snapshot.templates.value)
        let user = try #require(templates.first { $0.name == "User" })
        #expect(user.nameFlags == 0xA600_0000)
        #expect(user.securityDescriptor.value != nil)
        #expect(snapshot.oids.value?.isEmpty == false)
    }

    @Test func notDelegatedRequesterFailsA1AndNormalUserPasses() async throws {
        let fixture = try await Self.fixture()
        let bob = A1RequesterNotDelegated().evaluate(try await fixture.path("bob", authFlag: 2), in: fixture.context)
        #expect(bob.status == .fail)
        #expect(bob.message == "userAccountControl 0x00100200 has NOT_DELEGATED (0x100000)")
        #expect(bob.evidence["userAccountControl"] == .integer(0x100200))
        #expect(bob.remediation?.contains("Set-ADAccountControl -Identity 'bob'") == true)
        #expect(bob.endpoint?.contains("_CES_Kerberos") == true)
        let alice = A1RequesterNotDelegated().evaluate(
            try await fixture.path("alice", authFlag: 2), in: fixture.context)
        #expect(alice.status == .pass)
        #expect(alice.remediation == nil)
    }

    @Test func usernamePasswordEndpointNeedsNoDelegation() async throws {
        let fixture = try await Self.fixture()
        let finding = A1RequesterNotDelegated().evaluate(
            try await fixture.path("bob", authFlag: 4), in: fixture.context)
        #expect(finding.status == .skipped)
    }

    /// MS-KILE 3.3.5.1 keys on each DC's domainControllerFunctionality, not on the domain's level: the test bed's
    /// domain is at level 4, its seeded NTDS Settings of DC02 at 7.
    @Test func protectedUsersMemberFailsWhenAnyDCIsAtLevel6() async throws {
        let fixture = try await Self.fixture()
        let carolPath = try await fixture.path("carol", authFlag: 2)
        #expect(fixture.context.snapshot.domain.functionalLevel == 4)
        #expect(fixture.context.snapshot.domain.domainControllerLevels == .value(["DC01": 4, "DC02": 7]))
        let seeded = A2RequesterInProtectedUsers().evaluate(carolPath, in: fixture.context)
        #expect(seeded.status == .fail)
        #expect(seeded.message.contains("-525") && seeded.message.contains("DC02"))
        var allBelow = fixture.context
        allBelow.snapshot.domain.domainControllerLevels = .value(["DC01": 4, "DC02": 5])
        let below = A2RequesterInProtectedUsers().evaluate(carolPath, in: allBelow)
        #expect(below.status == .warn)
        // the domain level is context only: raising it with every DC below 6 still warns
        allBelow.snapshot.domain.functionalLevel = 6
        #expect(A2RequesterInProtectedUsers().evaluate(carolPath, in: allBelow).status == .warn)
        // not read: the bound DC's RootDSE level decides only when it enforces
        var unread = fixture.context
        unread.snapshot.domain.domainControllerLevels = .missing(reason: "test")
        unread.snapshot.domain.boundDomainControllerLevel = 4
        #expect(A2RequesterInProtectedUsers().evaluate(carolPath, in: unread).status == .unknown)
        unread.snapshot.domain.boundDomainControllerLevel = 7
        #expect(A2RequesterInProtectedUsers().evaluate(carolPath, in: unread).status == .fail)
        let alice = A2RequesterInProtectedUsers().evaluate(
            try await fixture.path("alice", authFlag: 2), in: fixture.context)
        #expect(alice.status == .pass)
    }

    @Test func enabledRequesterPassesA3() async throws {
        let fixture = try await Self.fixture()
        let alice = A3RequesterCannotLogOn().evaluate(try await fixture.path("alice", authFlag: 2), in: fixture.context)
        #expect(alice.status == .pass, "\(alice.message)")
    }

    @Test func accountNamesAreEscapedInFilters() async throws {
        let fixture = try await Self.fixture()
        let base = fixture.context.snapshot.domain.defaultNamingContext
        #expect(try await fixture.collector.findAccount("*", base: base) == nil)
        #expect(try await fixture.collector.findAccount("alice)(sAMAccountName=bob", base: base) == nil)
        #expect(try await fixture.collector.findAccount("ALICE", base: base)?.samAccountName == "alice")
    }
}

/// Missing data makes a rule `unknown`, never `pass`.
@Suite struct RequesterRulesWithMissingDataTests {
    static func path(
        userAccountControl: Collected<UInt32> = .value(0x200), tokenGroups: Collected<[String]> = .value([]),
        endpoint: String = EnrollmentServiceRecord.kerberosEndpoint
    ) -> EnrollmentPath {
        let ca = EnrollmentServiceRecord.fixture(endpoints: [endpoint])
        return EnrollmentPath(
            requester: .fixture("x", control: userAccountControl, groups: tokenGroups), ca: ca,
            endpoint: ca.endpoints.first)
    }

    static let context = RuleContext.offline()

    @Test func unreadableUserAccountControlIsUnknown() {
        let finding = A1RequesterNotDelegated().evaluate(
            Self.path(userAccountControl: .missing(reason: "userAccountControl not returned (no read access)")),
            in: Self.context)
        #expect(finding.status == .unknown)
        #expect(finding.message.contains("no read access"))
        #expect(
            A3RequesterCannotLogOn().evaluate(Self.path(userAccountControl: .missing(reason: "x")), in: Self.context)
                .status == .unknown)
    }

    @Test func unreadableTokenGroupsIsUnknown() {
        let finding = A2RequesterInProtectedUsers().evaluate(
            Self.path(tokenGroups: .missing(reason: "tokenGroups not returned")), in: Self.context)
        #expect(finding.status == .unknown)
    }

    @Test func malformedEndpointIsUnknownNotPass() {
        let finding = A1RequesterNotDelegated().evaluate(Self.path(endpoint: "garbage"), in: Self.context)
        #expect(finding.status == .unknown)
        #expect(Self.path(endpoint: "garbage").endpoint?.malformed != nil)
    }

    @Test func protectedUsersAtLevel7Fails() {
        let finding = A2RequesterInProtectedUsers().evaluate(
            Self.path(tokenGroups: .value(["S-1-5-21-1-2-3-525", "S-1-5-21-1-2-3-513"])), in: Self.context)
        #expect(finding.status == .fail)
    }

    @Test func disabledLockedAndExpiredAreNamed() {
        var path = Self.path(userAccountControl: .value(0x202))
        path.requester.userAccountControlComputed = .value(0x80_0010)
        let finding = A3RequesterCannotLogOn().evaluate(path, in: Self.context)
        #expect(finding.status == .fail)
        #expect(
            finding.message
                == "account is disabled (ACCOUNTDISABLE 0x2), locked out (LOCKOUT 0x10), password expired (PASSWORD_EXPIRED 0x800000)"
        )
    }
}
