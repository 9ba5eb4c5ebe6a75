/// `groupType` of a group object (MS-ADTS 2.2.12); only the bit the auditor reads is named.
public struct GroupType: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// GROUP_TYPE_SECURITY_ENABLED: a security group, which tokens carry; without it a distribution group.
    public static let securityEnabled = Self(rawValue: 0x8000_0000)
}
