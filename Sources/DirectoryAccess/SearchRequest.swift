/// A search, as RFC 4511 defines it, plus the controls this tool uses.
public struct SearchRequest: Sendable, Equatable {
    public enum Scope: Int32, Sendable {
        case base = 0
        case oneLevel = 1
        case subtree = 2
    }

    public var base: String
    public var scope: Scope
    /// Build with `LDAPFilter` so values are escaped (RFC 4515).
    public var filter: String
    /// Requested attributes; empty means all user attributes.
    public var attributes: [String]
    /// LDAP_SERVER_SD_FLAGS (1.2.840.113556.1.4.801): which parts of nTSecurityDescriptor to return.
    /// Without it a non-admin gets no nTSecurityDescriptor at all.
    public var securityDescriptorParts: SecurityDescriptorParts?
    /// Page size override; nil uses the connection's.
    public var pageSize: Int?
    /// Fetch the remaining values of attributes the server returned with `;range=low-high`.
    public var completeRangedAttributes: Bool

    public init(
        base: String, scope: Scope = .subtree, filter: String = "(objectClass=*)", attributes: [String] = [],
        securityDescriptorParts: SecurityDescriptorParts? = nil, pageSize: Int? = nil,
        completeRangedAttributes: Bool = true
    ) {
        self.base = base
        self.scope = scope
        self.filter = filter
        self.attributes = attributes
        self.securityDescriptorParts = securityDescriptorParts
        self.pageSize = pageSize
        self.completeRangedAttributes = completeRangedAttributes
    }
}

/// The SECURITY_INFORMATION bits of the SD flags control (MS-ADTS 3.1.1.3.4.1.11).
public struct SecurityDescriptorParts: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let owner = SecurityDescriptorParts(rawValue: 0x1)
    public static let group = SecurityDescriptorParts(rawValue: 0x2)
    public static let dacl = SecurityDescriptorParts(rawValue: 0x4)
    public static let sacl = SecurityDescriptorParts(rawValue: 0x8)
    /// Owner, group and DACL: everything readable without SeSecurityPrivilege.
    public static let withoutSACL: SecurityDescriptorParts = [.owner, .group, .dacl]

    /// The control value: BER `SEQUENCE { INTEGER flags }`.
    public var controlValue: [UInt8] { [0x30, 0x03, 0x02, 0x01, rawValue] }
}
