/// CA security descriptor rights (registry `Security`, MS-CSRA 3.1.1.7, docs/rules.md §2.4).
public struct CAAccessMask: NamedFlagSet, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Manage CA ("CA Administrator"), 0x1; implies Read.
    public static let manageCA = Self(rawValue: 0x0000_0001)
    /// Issue and Manage Certificates ("Certificate Manager", Officer), 0x2; implies Read.
    public static let manageCertificates = Self(rawValue: 0x0000_0002)
    /// Auditor, 0x4 (needs Read + SeSecurityPrivilege).
    public static let auditor = Self(rawValue: 0x0000_0004)
    /// Operator, 0x8 (needs Read + SeBackupPrivilege).
    public static let caOperator = Self(rawValue: 0x0000_0008)
    /// Read, 0x100.
    public static let read = Self(rawValue: 0x0000_0100)
    /// Request Certificates ("Enroll"), 0x200; implies Read.
    public static let enroll = Self(rawValue: 0x0000_0200)

    public static let namedFlags: [NamedFlag] = [
        NamedFlag(name: "CA_ACCESS_ADMIN", value: 0x1),
        NamedFlag(name: "CA_ACCESS_OFFICER", value: 0x2),
        NamedFlag(name: "CA_ACCESS_AUDITOR", value: 0x4),
        NamedFlag(name: "CA_ACCESS_OPERATOR", value: 0x8),
        NamedFlag(name: "CA_ACCESS_READ", value: 0x100),
        NamedFlag(name: "CA_ACCESS_ENROLL", value: 0x200),
    ]

    /// "If a principal has Enroll, Officer, or Administrator permission, Read permission is implied."
    public var withImpliedRead: CAAccessMask {
        intersection([.enroll, .manageCertificates, .manageCA]).isEmpty ? self : union(.read)
    }

    /// Whether Read is held explicitly or implied (CES-E1).
    public var canRead: Bool { withImpliedRead.contains(.read) }

    /// The access mask bits as used in ACEs.
    public var accessMask: AccessMask { AccessMask(rawValue: rawValue) }
}

/// A principal's rights on a CA, evaluated against the CA `Security` descriptor (CES-B1, CES-E1).
public struct CAPermissions: Sendable, Hashable {
    /// Effective rights after deny ACEs and ACE order, with Read implied where MS-CSRA says so.
    public var effective: CAAccessMask
    /// The decision for Request Certificates (Enroll), naming the responsible ACE.
    public var enroll: AccessDecision
    /// The decision for explicit Read (see ``effective`` for implied Read).
    public var read: AccessDecision

    /// Evaluates the CA `Security` descriptor for `token`.
    public init(descriptor: SecurityDescriptor, token: AccessToken) {
        let rights = AccessCheck.effectiveRights(dacl: descriptor.dacl, token: token)
        let known = CAAccessMask.namedFlags.reduce(UInt32(0)) { $0 | $1.value }
        effective = CAAccessMask(rawValue: rights.rawValue & known).withImpliedRead
        enroll = descriptor.check(token, desired: CAAccessMask.enroll.accessMask)
        read = descriptor.check(token, desired: CAAccessMask.read.accessMask)
    }

    /// Read held explicitly or implied by Enroll/Officer/Admin, and not denied by a deny-Read ACE (CES-E1).
    public var canRead: Bool {
        if case .denied = read { return false }
        return effective.canRead
    }
}
