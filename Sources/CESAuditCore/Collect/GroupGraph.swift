import ADModel
import DirectoryAccess
import Foundation

/// The domain's groups and the groups each is a member of, read in one paged search, so that `scan` works out
/// every account's groups locally (from its `memberOf` and `primaryGroupID`) instead of one base search of
/// `tokenGroups` per account — the round trip that would make a domain-wide scan slower than the DC.
///
/// Like tokenGroups it holds security groups only (global, universal, domain local incl. BUILTIN), nested
/// transitively, with the primary group. Unlike tokenGroups it does not see groups of other domains of the
/// forest or SID history; `scan --exact-groups` reads tokenGroups per account for such forests.
public struct GroupGraph: Sendable {
    struct Group: Sendable {
        let sid: String
        let memberOf: [String]
    }

    /// Security groups by lower-cased DN.
    let groups: [String: Group]
    /// Lower-cased DN by SID, for an account's primaryGroupID (`<domain SID>-<RID>`).
    let groupBySID: [String: String]
    let domainSID: String?

    /// Attributes an account entry needs for `MembershipCache.membership(of:)`.
    static let accountAttributes = ["memberOf", "primaryGroupID"]

    init(groups: [String: Group], domainSID: String?) {
        self.groups = groups
        self.domainSID = domainSID
        groupBySID = Dictionary(groups.map { ($0.value.sid, $0.key) }) { first, _ in first }
    }

    public var count: Int { groups.count }

    /// Reads every group under `base` (objectSid, memberOf, groupType).
    static func read(with collector: SnapshotCollector, base: String, domainSID: String?) async throws(LDAPError)
        -> GroupGraph
    {
        let request = SearchRequest(
            base: base, filter: "(objectClass=group)", attributes: ["objectSid", "memberOf", "groupType"])
        var groups: [String: Group] = [:]
        for entry in try await collector.entries(request) {
            // Distribution groups are not in a token.
            guard let type = entry.integer("groupType"),
                GroupType(rawValue: UInt32(truncatingIfNeeded: type)).contains(.securityEnabled),
                let sid = entry.values("objectSid").first.flatMap({ try? SID(bytes: Array($0)) })
            else { continue }
            groups[entry.dn.lowercased()] = Group(sid: sid.description, memberOf: entry.strings("memberOf"))
        }
        return GroupGraph(groups: groups, domainSID: domainSID)
    }

    /// The transitive security-group SIDs of an account with these `memberOf` values and primary group.
    func tokenGroups(memberOf: [String], primaryGroupID: Int64?) -> [String] {
        var sids: [String] = []
        var pending = memberOf.map { $0.lowercased() }
        if let primaryGroupID, let domainSID {
            let primary = "\(domainSID)-\(primaryGroupID)"
            sids.append(primary)
            if let dn = groupBySID[primary] { pending.append(dn) }
        }
        var visited: Set<String> = []
        while let dn = pending.popLast() {
            guard visited.insert(dn).inserted, let group = groups[dn] else { continue }
            if group.sid != sids.first { sids.append(group.sid) }
            pending += group.memberOf.map { $0.lowercased() }
        }
        return sids
    }
}

extension GroupGraph {
    /// An account's groups: as text for its record (tokenGroups), and as the group set of its token.
    struct Membership: Sendable {
        let groups: [String]
        /// `groups` with Everyone and Authenticated Users (`AccessToken.logonGroups`).
        let logonGroups: Set<SID>
    }

    /// Memberships already worked out, by `memberOf` and primary group: most accounts of a domain share theirs with
    /// many others, so a scan walks the graph and parses group SIDs once per distinct membership, not per account.
    struct MembershipCache {
        let graph: GroupGraph
        private var known: [Key: Membership] = [:]

        /// More distinct memberships than this and the cache starts over: memory stays flat whatever the domain.
        static let capacity = 4096

        private struct Key: Hashable {
            let memberOf: [String]
            let primaryGroupID: Int64?
        }

        init(_ graph: GroupGraph) { self.graph = graph }

        /// The membership of an account entry read with `accountAttributes`.
        mutating func membership(of entry: LDAPEntry) -> Membership {
            let key = Key(memberOf: entry.strings("memberOf"), primaryGroupID: entry.integer("primaryGroupID"))
            if let membership = known[key] { return membership }
            let groups = graph.tokenGroups(memberOf: key.memberOf, primaryGroupID: key.primaryGroupID)
            let membership = Membership(
                groups: groups, logonGroups: AccessToken.logonGroups(groups.compactMap { try? SID(string: $0) }))
            if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
            known[key] = membership
            return membership
        }
    }
}
