/// A 32-bit access mask (MS-DTYP 2.4.3) with the directory-service bits AD uses (MS-ADTS 5.1.3.2).
public struct AccessMask: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `CC` ADS_RIGHT_DS_CREATE_CHILD (on a CA: Manage CA).
    public static let createChild = AccessMask(rawValue: 0x0000_0001)
    /// `DC` ADS_RIGHT_DS_DELETE_CHILD.
    public static let deleteChild = AccessMask(rawValue: 0x0000_0002)
    /// `LC` ADS_RIGHT_ACTRL_DS_LIST.
    public static let listChildren = AccessMask(rawValue: 0x0000_0004)
    /// `SW` ADS_RIGHT_DS_SELF.
    public static let selfWrite = AccessMask(rawValue: 0x0000_0008)
    /// `RP` ADS_RIGHT_DS_READ_PROP.
    public static let readProperty = AccessMask(rawValue: 0x0000_0010)
    /// `WP` ADS_RIGHT_DS_WRITE_PROP.
    public static let writeProperty = AccessMask(rawValue: 0x0000_0020)
    /// `DT` ADS_RIGHT_DS_DELETE_TREE.
    public static let deleteTree = AccessMask(rawValue: 0x0000_0040)
    /// `LO` ADS_RIGHT_DS_LIST_OBJECT.
    public static let listObject = AccessMask(rawValue: 0x0000_0080)
    /// `CR` ADS_RIGHT_DS_CONTROL_ACCESS: extended rights such as Enroll.
    public static let controlAccess = AccessMask(rawValue: 0x0000_0100)
    /// `SD` DELETE.
    public static let delete = AccessMask(rawValue: 0x0001_0000)
    /// `RC` READ_CONTROL.
    public static let readControl = AccessMask(rawValue: 0x0002_0000)
    /// `WD` WRITE_DAC.
    public static let writeDAC = AccessMask(rawValue: 0x0004_0000)
    /// `WO` WRITE_OWNER.
    public static let writeOwner = AccessMask(rawValue: 0x0008_0000)
    /// SYNCHRONIZE.
    public static let synchronize = AccessMask(rawValue: 0x0010_0000)
    /// ACCESS_SYSTEM_SECURITY.
    public static let accessSystemSecurity = AccessMask(rawValue: 0x0100_0000)
    /// MAXIMUM_ALLOWED.
    public static let maximumAllowed = AccessMask(rawValue: 0x0200_0000)
    /// `GA` GENERIC_ALL.
    public static let genericAll = AccessMask(rawValue: 0x1000_0000)
    /// `GX` GENERIC_EXECUTE.
    public static let genericExecute = AccessMask(rawValue: 0x2000_0000)
    /// `GW` GENERIC_WRITE.
    public static let genericWrite = AccessMask(rawValue: 0x4000_0000)
    /// `GR` GENERIC_READ.
    public static let genericRead = AccessMask(rawValue: 0x8000_0000)

    /// The directory-service meaning of GENERIC_ALL after mapping (0xF01FF), "Full Control" on an AD object.
    public static let directoryGenericAllMapped = AccessMask(rawValue: 0x000F_01FF)

    public var description: String { "0x" + String(rawValue, radix: 16, uppercase: true) }
}

/// How generic rights map to specific rights before an access check (MS-DTYP 2.4.3).
public struct GenericMapping: Sendable, Hashable {
    /// What GENERIC_READ means.
    public var read: AccessMask
    /// What GENERIC_WRITE means.
    public var write: AccessMask
    /// What GENERIC_EXECUTE means.
    public var execute: AccessMask
    /// What GENERIC_ALL means.
    public var all: AccessMask

    /// Creates a mapping.
    public init(read: AccessMask, write: AccessMask, execute: AccessMask, all: AccessMask) {
        self.read = read
        self.write = write
        self.execute = execute
        self.all = all
    }

    /// No mapping: generic bits are compared as plain bits (CA registry `Security` uses none).
    public static let none = GenericMapping(read: [], write: [], execute: [], all: [])

    /// The Active Directory object mapping (MS-ADTS 5.1.3.3.1 / ADS_RIGHT_GENERIC_*).
    public static let directoryService = GenericMapping(
        read: AccessMask(rawValue: 0x0002_0094),
        write: AccessMask(rawValue: 0x0002_0028),
        execute: AccessMask(rawValue: 0x0002_0004),
        all: .directoryGenericAllMapped
    )

    /// Replaces generic bits in `mask` with their mapped rights (unchanged when the mapping is `none`).
    public func map(_ mask: AccessMask) -> AccessMask {
        if self == .none { return mask }
        var result = mask.subtracting([.genericRead, .genericWrite, .genericExecute, .genericAll])
        if mask.contains(.genericRead) { result.formUnion(read) }
        if mask.contains(.genericWrite) { result.formUnion(write) }
        if mask.contains(.genericExecute) { result.formUnion(execute) }
        if mask.contains(.genericAll) { result.formUnion(all) }
        return result
    }
}
