import Foundation

/// A certificate template (`pKICertificateTemplate`), raw values as AD stores them.
public struct TemplateRecord: Sendable, Codable, Equatable {
    public var dn: String
    public var name: String
    public var displayName: String?
    public var schemaVersion: Int?
    /// msPKI-Certificate-Name-Flag, masked to 32 bits (AD stores it signed).
    public var nameFlags: UInt32
    public var enrollmentFlags: UInt32
    public var privateKeyFlags: UInt32
    public var raSignatures: Int
    public var issuancePolicies: [String]
    public var applicationPolicies: [String]
    public var extendedKeyUsages: [String]
    public var minimalKeySize: Int?
    public var validityPeriod: Data?
    public var renewalPeriod: Data?
    public var securityDescriptor: Collected<Data>
    /// Flag attributes the entry did not carry (no read access, or a damaged template): their numeric
    /// fields above read 0, so rules that need them report `unknown` instead of trusting the 0.
    public var unreadAttributes: [String]? = nil
    /// The template's general `flags` (CT_FLAG_MACHINE_TYPE 0x40: a machine template, MS-WCCE 3.2.2.6.2.1.4.4.1);
    /// nil when not read (snapshots saved before it was collected).
    public var templateFlags: UInt32? = nil

    /// Whether requests for this template are machine requests; nil when the flags were not read.
    var isMachineTemplate: Bool? { templateFlags.map { $0 & Self.machineType != 0 } }

    /// CT_FLAG_MACHINE_TYPE in the template's general `flags`.
    static let machineType: UInt32 = 0x40

    static let flagAttributes = [
        "msPKI-Certificate-Name-Flag", "msPKI-Enrollment-Flag", "msPKI-Private-Key-Flag", "msPKI-RA-Signature",
    ]

    static let attributes = [
        "cn", "displayName", "msPKI-Template-Schema-Version", "msPKI-Certificate-Name-Flag", "msPKI-Enrollment-Flag",
        "msPKI-Private-Key-Flag", "msPKI-RA-Signature", "msPKI-Certificate-Policy",
        "msPKI-Certificate-Application-Policy", "pKIExtendedKeyUsage", "msPKI-Minimal-Key-Size", "pKIExpirationPeriod",
        "pKIOverlapPeriod", "nTSecurityDescriptor", "flags",
    ]
}

/// An enterprise OID object (`msPKI-Enterprise-Oid`): issuance policies must be defined here (CES-F7).
public struct OIDRecord: Sendable, Codable, Equatable {
    public var dn: String
    public var oid: String
    public var displayName: String?
    public var flags: Int?
}
