/// The ACE type byte (MS-DTYP 2.4.4.1).
public struct ACEType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let accessAllowed = ACEType(rawValue: 0x00)
    public static let accessDenied = ACEType(rawValue: 0x01)
    public static let systemAudit = ACEType(rawValue: 0x02)
    public static let systemAlarm = ACEType(rawValue: 0x03)
    public static let accessAllowedObject = ACEType(rawValue: 0x05)
    public static let accessDeniedObject = ACEType(rawValue: 0x06)
    public static let systemAuditObject = ACEType(rawValue: 0x07)
    public static let systemAlarmObject = ACEType(rawValue: 0x08)
    public static let systemMandatoryLabel = ACEType(rawValue: 0x11)

    /// Types whose body is mask + SID (+ application data).
    var hasBasicLayout: Bool { [0x00, 0x01, 0x02, 0x03, 0x11].contains(rawValue) }
    /// Types whose body is mask + flags + optional GUIDs + SID.
    var hasObjectLayout: Bool { (0x05...0x08).contains(rawValue) }

    /// True for allow ACEs (plain or object).
    public var isAllow: Bool { self == .accessAllowed || self == .accessAllowedObject }
    /// True for deny ACEs (plain or object).
    public var isDeny: Bool { self == .accessDenied || self == .accessDeniedObject }
    /// True for object ACEs, which may carry object-type GUIDs.
    public var isObjectACE: Bool { hasObjectLayout }

    public var description: String {
        switch rawValue {
        case 0x00: "ACCESS_ALLOWED"
        case 0x01: "ACCESS_DENIED"
        case 0x02: "SYSTEM_AUDIT"
        case 0x03: "SYSTEM_ALARM"
        case 0x05: "ACCESS_ALLOWED_OBJECT"
        case 0x06: "ACCESS_DENIED_OBJECT"
        case 0x07: "SYSTEM_AUDIT_OBJECT"
        case 0x08: "SYSTEM_ALARM_OBJECT"
        case 0x11: "SYSTEM_MANDATORY_LABEL"
        default: "ACE type 0x" + String(rawValue, radix: 16)
        }
    }
}

/// ACE header flags (MS-DTYP 2.4.4.1).
public struct ACEFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `OI` OBJECT_INHERIT_ACE.
    public static let objectInherit = ACEFlags(rawValue: 0x01)
    /// `CI` CONTAINER_INHERIT_ACE.
    public static let containerInherit = ACEFlags(rawValue: 0x02)
    /// `NP` NO_PROPAGATE_INHERIT_ACE.
    public static let noPropagateInherit = ACEFlags(rawValue: 0x04)
    /// `IO` INHERIT_ONLY_ACE: the ACE does not apply to this object (ignored by the access check).
    public static let inheritOnly = ACEFlags(rawValue: 0x08)
    /// `ID` INHERITED_ACE.
    public static let inherited = ACEFlags(rawValue: 0x10)
    /// `CR` CRITICAL_ACE_FLAG: the ACE cannot be removed (Windows 8 / Server 2012 and later).
    public static let critical = ACEFlags(rawValue: 0x20)
    /// `SA` SUCCESSFUL_ACCESS_ACE_FLAG (audit ACEs).
    public static let successfulAccess = ACEFlags(rawValue: 0x40)
    /// `FA` FAILED_ACCESS_ACE_FLAG (audit ACEs).
    public static let failedAccess = ACEFlags(rawValue: 0x80)
}

/// An access control entry.
///
/// Allow/deny/audit/label ACEs carry a mask and SID; object ACEs may add an object type
/// (extended right, property or property set GUID) and an inherited object type. ACE types
/// this library does not interpret keep their body in ``opaqueBody`` so they survive a
/// binary round trip.
public struct ACE: Sendable, Hashable {
    /// The ACE type.
    public var type: ACEType
    /// Inheritance and audit flags.
    public var flags: ACEFlags
    /// The access mask.
    public var mask: AccessMask
    /// The trustee.
    public var sid: SID
    /// Object ACEs only: the object type the ACE applies to (nil = all).
    public var objectType: GUID?
    /// Object ACEs only: the object class that may inherit the ACE (nil = all).
    public var inheritedObjectType: GUID?
    /// Bytes after the SID inside the ACE (application data of callback ACEs, or padding).
    public var trailingBytes: [UInt8]
    /// The whole body of an ACE type this library does not interpret (then mask and SID are placeholders).
    public var opaqueBody: [UInt8]?

    /// Creates an interpreted ACE.
    public init(
        type: ACEType, flags: ACEFlags = [], mask: AccessMask, sid: SID, objectType: GUID? = nil,
        inheritedObjectType: GUID? = nil, trailingBytes: [UInt8] = []
    ) {
        self.type = type
        self.flags = flags
        self.mask = mask
        self.sid = sid
        self.objectType = objectType
        self.inheritedObjectType = inheritedObjectType
        self.trailingBytes = trailingBytes
        self.opaqueBody = nil
    }

    /// Creates an ACE of a type that is kept as raw bytes.
    public init(opaqueType type: ACEType, flags: ACEFlags, body: [UInt8]) {
        self.type = type
        self.flags = flags
        self.mask = []
        self.sid = .everyone
        self.objectType = nil
        self.inheritedObjectType = nil
        self.trailingBytes = []
        self.opaqueBody = body
    }

    /// Allow ACE shorthand.
    public static func allow(_ sid: SID, _ mask: AccessMask, flags: ACEFlags = [], objectType: GUID? = nil) -> ACE {
        ACE(
            type: objectType == nil ? .accessAllowed : .accessAllowedObject, flags: flags, mask: mask, sid: sid,
            objectType: objectType)
    }

    /// Deny ACE shorthand.
    public static func deny(_ sid: SID, _ mask: AccessMask, flags: ACEFlags = [], objectType: GUID? = nil) -> ACE {
        ACE(
            type: objectType == nil ? .accessDenied : .accessDeniedObject, flags: flags, mask: mask, sid: sid,
            objectType: objectType)
    }
}

/// An access control list (MS-DTYP 2.4.5): ACEs in the order written.
public struct ACL: Sendable, Hashable {
    /// 2 (ACL_REVISION) or 4 (ACL_REVISION_DS, needed for object ACEs).
    public var revision: UInt8
    /// The ACEs in the order written (the order the access check walks).
    public var aces: [ACE]

    /// Creates an ACL; the revision defaults to 4 when an object ACE is present, else 2.
    public init(revision: UInt8? = nil, aces: [ACE]) {
        self.aces = aces
        self.revision = revision ?? (aces.contains { $0.type.hasObjectLayout } ? 4 : 2)
    }
}

/// Security descriptor control flags (MS-DTYP 2.4.6).
public struct SecurityDescriptorControl: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ownerDefaulted = Self(rawValue: 0x0001)
    public static let groupDefaulted = Self(rawValue: 0x0002)
    public static let daclPresent = Self(rawValue: 0x0004)
    public static let daclDefaulted = Self(rawValue: 0x0008)
    public static let saclPresent = Self(rawValue: 0x0010)
    public static let saclDefaulted = Self(rawValue: 0x0020)
    public static let daclTrusted = Self(rawValue: 0x0040)
    public static let serverSecurity = Self(rawValue: 0x0080)
    public static let daclComputedInheritanceRequired = Self(rawValue: 0x0100)
    public static let saclComputedInheritanceRequired = Self(rawValue: 0x0200)
    public static let daclAutoInherited = Self(rawValue: 0x0400)
    public static let saclAutoInherited = Self(rawValue: 0x0800)
    public static let daclProtected = Self(rawValue: 0x1000)
    public static let saclProtected = Self(rawValue: 0x2000)
    public static let rmControlValid = Self(rawValue: 0x4000)
    public static let selfRelative = Self(rawValue: 0x8000)
}

/// A security descriptor: owner, group, optional SACL and DACL.
///
/// `dacl == nil` means a NULL DACL (or none present): Windows grants every access. An ACL with no
/// ACEs grants nothing. The ``control`` flags are kept as found, except that the present flags and
/// `selfRelative` are derived from the ACLs when encoding.
public struct SecurityDescriptor: Sendable, Hashable {
    /// Control flags as found.
    public var control: SecurityDescriptorControl
    /// The owner SID.
    public var owner: SID?
    /// The primary group SID.
    public var group: SID?
    /// The system ACL (audit), if present.
    public var sacl: ACL?
    /// The discretionary ACL; nil = NULL or absent DACL (grants everything).
    public var dacl: ACL?

    /// Creates a descriptor.
    public init(
        control: SecurityDescriptorControl = [], owner: SID? = nil, group: SID? = nil, sacl: ACL? = nil, dacl: ACL?
    ) {
        self.control = control
        self.owner = owner
        self.group = group
        self.sacl = sacl
        self.dacl = dacl
    }
}
