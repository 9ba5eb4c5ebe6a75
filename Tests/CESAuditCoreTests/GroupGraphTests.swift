import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// `scan` works groups out from memberOf instead of reading tokenGroups per account: on the test bed (nested
/// groups, Protected Users through a group, BUILTIN groups, primary groups) both must agree for every account.
@Suite(
    .enabled(
        if: TestBedEnvironment.shouldRun, "no test bed: run scripts/testbed up and eval \"$(scripts/testbed env)\""))
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
}
