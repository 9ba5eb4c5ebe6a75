import ADModel
import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// `scan` works groups out from memberOf instead of reading tokenGroups per account: on the test bed (nested
/// groups, Protected Users through a group, BUILTIN groups, primary groups) both must agree for every account.
@Suite(.requiresTestBed)
struct GroupGraphAgainstTestBedTests {
    @Test func graphGroupsEqualTokenGroupsForEveryEnabledAccount() async throws {
        let bed = try await TestBedSnapshot.collect()
        let source = LiveDirectorySource(collector: bed.collector, snapshot: bed.context.snapshot)
        func groups(exact: Bool) async throws -> [String: Set<String>] {
            var result: [String: Set<String>] = [:]
            try await source.enabledAccounts(exactGroups: exact) { batch throws(JobError) in
                for account in batch { result[account.dn] = Set(account.tokenGroups.value ?? ["<missing>"]) }
            }
            return result
        }
        let fromGraph = try await groups(exact: false)
        let fromDC = try await groups(exact: true)
        #expect(fromGraph.count == fromDC.count)
        #expect(fromGraph.count > 2_100)
        var differing: [String] = []
        for (dn, expected) in fromDC where fromGraph[dn] != expected {
            differing.append(
                "\(dn): graph lacks \(expected.subtracting(fromGraph[dn] ?? [])), has extra \((fromGraph[dn] ?? []).subtracting(expected))"
            )
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        // nested Protected Users membership (erin via tier0-admins) is there
        let erin = try #require(fromGraph.first { $0.key.hasPrefix("CN=erin,") }?.value)
        #expect(erin.contains { $0.hasSuffix("-525") })
    }
}

@Suite struct GroupGraphTests {
    @Test func nestedGroupsPrimaryGroupAndCyclesAreHandled() {
        let graph = GroupGraph(
            groups: [
                "cn=a,dc=x": .init(sid: "S-1-5-21-1-2-3-1001", memberOf: ["CN=B,DC=X"]),
                "cn=b,dc=x": .init(sid: "S-1-5-21-1-2-3-1002", memberOf: ["CN=A,DC=X", "CN=Users,CN=Builtin,DC=X"]),
                "cn=users,cn=builtin,dc=x": .init(sid: "S-1-5-32-545", memberOf: []),
                "cn=domain users,dc=x": .init(sid: "S-1-5-21-1-2-3-513", memberOf: ["CN=Users,CN=Builtin,DC=X"]),
            ], domainSID: "S-1-5-21-1-2-3")
        let sids = graph.tokenGroups(memberOf: ["CN=A,DC=X", "CN=Unknown,DC=X"], primaryGroupID: 513)
        #expect(
            Set(sids) == ["S-1-5-21-1-2-3-513", "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-1002", "S-1-5-32-545"])
        #expect(sids.count == Set(sids).count, "no duplicates")
        #expect(graph.tokenGroups(memberOf: [], primaryGroupID: nil).isEmpty)
    }

    /// A scan's accounts get their token from a membership worked out once for all accounts with the same groups; the
    /// record must be the one its SIDs' text gives, whoever asked first.
    @Test func accountsWithTheSameGroupsShareOneMembershipAndGetTheirOwnTokens() throws {
        let graph = GroupGraph(
            groups: [
                "cn=a,dc=x": .init(sid: "S-1-5-21-1-2-3-1001", memberOf: ["CN=B,DC=X"]),
                "cn=b,dc=x": .init(sid: "S-1-5-21-1-2-3-1002", memberOf: []),
            ], domainSID: "S-1-5-21-1-2-3")
        func entry(_ name: String, rid: UInt32, memberOf: [String]) throws -> LDAPEntry {
            let sid = try SID(string: "S-1-5-21-1-2-3-\(rid)")
            return LDAPEntry(
                dn: "CN=\(name),DC=X",
                attributes: [
                    ("sAMAccountName", [Data(name.utf8)]), ("objectSid", [Data(sid.bytes)]),
                    ("primaryGroupID", [Data("513".utf8)]), ("memberOf", memberOf.map { Data($0.utf8) }),
                ])
        }
        var cache = GroupGraph.MembershipCache(graph)
        let entries = [
            try entry("u1", rid: 1101, memberOf: ["CN=A,DC=X"]), try entry("u2", rid: 1102, memberOf: ["CN=A,DC=X"]),
            try entry("u3", rid: 1103, memberOf: ["CN=B,DC=X"]), try entry("u4", rid: 1104, memberOf: []),
        ]
        for entry in entries {
            let shared = SnapshotCollector.account(from: entry, membership: cache.membership(of: entry))
            let groups = graph.tokenGroups(memberOf: entry.strings("memberOf"), primaryGroupID: 513)
            let alone = SnapshotCollector.account(from: entry, tokenGroups: .value(groups))
            #expect(shared == alone)
            #expect(shared.token == alone.token)
            let token = try #require(shared.token)
            #expect(token.contains(try SID(string: shared.sid ?? "")))
            #expect(token.contains(.everyone) && token.contains(.authenticatedUsers))
            #expect(token.sids.count == groups.count + 3)
        }
        // u1's SID is in its token only, not in the set it shares with u2.
        let u2 = SnapshotCollector.account(from: entries[1], membership: cache.membership(of: entries[1]))
        #expect(u2.token?.contains(try SID(string: "S-1-5-21-1-2-3-1101")) == false)
    }
}
