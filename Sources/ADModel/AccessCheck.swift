/// The outcome of an access check, naming the ACEs responsible.
public enum AccessDecision: Sendable, Hashable, CustomStringConvertible {
    /// Every requested bit was granted; `aceIndices` are the allow ACEs that contributed (empty for a NULL DACL).
    case granted(aceIndices: [Int])
    /// A deny ACE hit a requested bit that no earlier ACE had granted.
    case denied(aceIndex: Int, deniedBits: AccessMask)
    /// The DACL ended before every requested bit was granted.
    case notGranted(missing: AccessMask, partiallyGrantedBy: [Int])

    /// True only for ``granted(aceIndices:)``.
    public var isGranted: Bool {
        if case .granted = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .granted(let indices):
            indices.isEmpty
                ? "granted (NULL DACL)" : "granted by ACE " + indices.map(String.init).joined(separator: ", ")
        case .denied(let index, let bits): "denied by ACE \(index) (\(bits))"
        case .notGranted(let missing, _): "not granted (\(missing) missing)"
        }
    }
}

/// A security context: the SIDs of a user or computer and all its groups.
///
/// Build it from the account SID, `tokenGroups`, and the implicit SIDs every network logon has
/// (Everyone, Authenticated Users). Owner-implied rights (READ_CONTROL/WRITE_DAC for the owner) and
/// privileges are not modelled.
public struct AccessToken: Sendable, Hashable {
    /// SIDs that accounts with the same groups share: one set for all of them (a scan builds a token per account).
    private var shared: Set<SID>
    /// The account's own SIDs, on top of `shared`.
    private var own: [SID] = []

    /// The user or computer SID and every group SID, including implicit ones.
    public var sids: Set<SID> { shared.union(own) }

    /// Creates a token from an explicit SID set.
    public init(sids: Set<SID>) { shared = sids }

    /// A token of `user` whose groups are `groups`, a set made with ``logonGroups(_:)`` and shared between tokens.
    public init(user: SID, sharedGroups groups: Set<SID>) {
        shared = groups
        if !groups.contains(user) { own = [user] }
    }

    /// An authenticated network logon: `user` + `groups` + Everyone + Authenticated Users.
    public static func authenticated(user: SID, groups: some Sequence<SID>) -> AccessToken {
        AccessToken(user: user, sharedGroups: logonGroups(groups))
    }

    /// `groups` with the SIDs every authenticated network logon carries (Everyone, Authenticated Users).
    public static func logonGroups(_ groups: some Sequence<SID>) -> Set<SID> {
        Set(groups).union([.everyone, .authenticatedUsers])
    }

    /// Whether the token holds `sid`.
    public func contains(_ sid: SID) -> Bool { own.contains(sid) || shared.contains(sid) }

    /// Adds `sid` to this token alone.
    public mutating func insert(_ sid: SID) {
        if !contains(sid) { own.append(sid) }
    }

    public static func == (lhs: AccessToken, rhs: AccessToken) -> Bool { lhs.sids == rhs.sids }

    public func hash(into hasher: inout Hasher) { hasher.combine(sids) }
}

/// A Windows-like discretionary access check.
///
/// Walks the DACL in the order written: inherit-only ACEs and ACEs for SIDs not in the token are
/// skipped; an allow ACE grants its bits; a deny ACE that hits a requested bit not yet granted ends the
/// check with "denied". Object ACEs apply when they have no object type or their object type equals
/// the one requested; with no object type requested, object ACEs that carry one are ignored.
public enum AccessCheck {
    /// Checks whether `token` gets all of `desired` from `dacl` (`nil` = NULL DACL, which grants everything).
    public static func check(
        dacl: ACL?, token: AccessToken, desired: AccessMask, objectType: GUID? = nil,
        mapping: GenericMapping = .none
    ) -> AccessDecision {
        guard let dacl else { return .granted(aceIndices: []) }
        let wanted = mapping.map(desired)
        var granted: AccessMask = []
        var contributors: [Int] = []
        if wanted.isEmpty { return .granted(aceIndices: []) }
        for (index, ace) in dacl.aces.enumerated() where applies(ace, token: token, objectType: objectType) {
            let bits = mapping.map(ace.mask).intersection(wanted)
            if ace.type.isAllow {
                let newBits = bits.subtracting(granted)
                guard !newBits.isEmpty else { continue }
                granted.formUnion(newBits)
                contributors.append(index)
                if granted.isSuperset(of: wanted) { return .granted(aceIndices: contributors) }
            } else {
                let hit = bits.subtracting(granted)
                if !hit.isEmpty { return .denied(aceIndex: index, deniedBits: hit) }
            }
        }
        return .notGranted(missing: wanted.subtracting(granted), partiallyGrantedBy: contributors)
    }

    /// The rights `token` effectively holds (MAXIMUM_ALLOWED semantics): each bit is decided by the first
    /// applicable ACE that mentions it.
    public static func effectiveRights(
        dacl: ACL?, token: AccessToken, objectType: GUID? = nil, mapping: GenericMapping = .none
    ) -> AccessMask {
        guard let dacl else { return AccessMask(rawValue: .max) }
        var granted: AccessMask = []
        var denied: AccessMask = []
        for ace in dacl.aces where applies(ace, token: token, objectType: objectType) {
            let bits = mapping.map(ace.mask)
            if ace.type.isAllow {
                granted.formUnion(bits.subtracting(denied))
            } else {
                denied.formUnion(bits.subtracting(granted))
            }
        }
        return granted
    }

    /// Whether `ace` takes part in a check for `token` and `objectType`.
    static func applies(_ ace: ACE, token: AccessToken, objectType: GUID?) -> Bool {
        guard ace.opaqueBody == nil, ace.type.isAllow || ace.type.isDeny else { return false }
        guard !ace.flags.contains(.inheritOnly), token.contains(ace.sid) else { return false }
        if ace.type.isObjectACE, let aceObject = ace.objectType { return aceObject == objectType }
        return true
    }
}

extension SecurityDescriptor {
    /// ``AccessCheck/check(dacl:token:desired:objectType:mapping:)`` on this descriptor's DACL.
    public func check(
        _ token: AccessToken, desired: AccessMask, objectType: GUID? = nil, mapping: GenericMapping = .none
    ) -> AccessDecision {
        AccessCheck.check(dacl: dacl, token: token, desired: desired, objectType: objectType, mapping: mapping)
    }
}
