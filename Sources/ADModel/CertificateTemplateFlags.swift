/// `msPKI-Certificate-Name-Flag` (MS-CRTD 2.28, docs/rules.md §2.6). Stored signed; mask to 32 bits.
public struct CertificateNameFlags: NamedFlagSet, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let enrolleeSuppliesSubject = Self(rawValue: 0x0000_0001)
    public static let addEmail = Self(rawValue: 0x0000_0002)
    public static let addObjectGUID = Self(rawValue: 0x0000_0004)
    public static let oldCertSuppliesSubjectAndAltName = Self(rawValue: 0x0000_0008)
    public static let addDirectoryPath = Self(rawValue: 0x0000_0100)
    public static let enrolleeSuppliesSubjectAltName = Self(rawValue: 0x0001_0000)
    public static let subjectAltRequireDomainDNS = Self(rawValue: 0x0040_0000)
    public static let subjectAltRequireSPN = Self(rawValue: 0x0080_0000)
    public static let subjectAltRequireDirectoryGUID = Self(rawValue: 0x0100_0000)
    public static let subjectAltRequireUPN = Self(rawValue: 0x0200_0000)
    public static let subjectAltRequireEmail = Self(rawValue: 0x0400_0000)
    public static let subjectAltRequireDNS = Self(rawValue: 0x0800_0000)
    public static let subjectRequireDNSAsCN = Self(rawValue: 0x1000_0000)
    public static let subjectRequireEmail = Self(rawValue: 0x2000_0000)
    public static let subjectRequireCommonName = Self(rawValue: 0x4000_0000)
    public static let subjectRequireDirectoryPath = Self(rawValue: 0x8000_0000)

    public static let namedFlags: [NamedFlag] = [
        NamedFlag(name: "CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT", value: 0x1),
        NamedFlag(name: "CT_FLAG_ADD_EMAIL", value: 0x2),
        NamedFlag(name: "CT_FLAG_ADD_OBJ_GUID", value: 0x4),
        NamedFlag(name: "CT_FLAG_OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME", value: 0x8),
        NamedFlag(name: "CT_FLAG_ADD_DIRECTORY_PATH", value: 0x100),
        NamedFlag(name: "CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME", value: 0x1_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS", value: 0x40_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_ALT_REQUIRE_SPN", value: 0x80_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID", value: 0x100_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_ALT_REQUIRE_UPN", value: 0x200_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL", value: 0x400_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_ALT_REQUIRE_DNS", value: 0x800_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN", value: 0x1000_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_REQUIRE_EMAIL", value: 0x2000_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME", value: 0x4000_0000),
        NamedFlag(name: "CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH", value: 0x8000_0000),
    ]

    /// The requester attributes the CA must find in AD (CES-F1…F4). Empty when the enrollee supplies the
    /// subject, because the directory-derived rules then do not apply (MS-WCCE 3.2.2.6.2.1.4.5.9).
    public var requiredRequesterAttributes: Set<RequesterAttribute> {
        guard !contains(.enrolleeSuppliesSubject) else { return [] }
        var out: Set<RequesterAttribute> = []
        if !intersection([.subjectRequireEmail, .subjectAltRequireEmail]).isEmpty { out.insert(.mail) }
        if contains(.subjectAltRequireUPN) { out.insert(.userPrincipalName) }
        if !intersection([.subjectAltRequireDNS, .subjectRequireDNSAsCN]).isEmpty { out.insert(.dNSHostName) }
        if contains(.subjectAltRequireDirectoryGUID) { out.insert(.objectGUID) }
        if contains(.subjectAltRequireSPN) { out.insert(.servicePrincipalName) }
        if contains(.subjectAltRequireDomainDNS) { out.insert(.domainDNS) }
        if contains(.subjectRequireCommonName) { out.insert(.cn) }
        if contains(.subjectRequireDirectoryPath) { out.insert(.distinguishedName) }
        return out
    }
}

/// Requester data a template's name flags make the CA read from AD.
public enum RequesterAttribute: String, Sendable, Hashable, CaseIterable {
    case mail, userPrincipalName, dNSHostName, objectGUID, servicePrincipalName, domainDNS, cn, distinguishedName

    /// The CA error when the attribute is missing, where one is documented (docs/rules.md §7).
    public var missingErrorCode: UInt32? {
        switch self {
        case .mail: 0x8009_4812
        case .userPrincipalName: 0x8009_480D
        case .dNSHostName: 0x8009_480F
        case .objectGUID: 0x8009_480E
        default: nil
        }
    }
}

/// `msPKI-Enrollment-Flag` (MS-CRTD 2.26).
public struct EnrollmentFlags: NamedFlagSet, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let includeSymmetricAlgorithms = Self(rawValue: 0x0000_0001)
    /// "CA certificate manager approval".
    public static let pendAllRequests = Self(rawValue: 0x0000_0002)
    public static let publishToKRAContainer = Self(rawValue: 0x0000_0004)
    public static let publishToDS = Self(rawValue: 0x0000_0008)
    public static let autoEnrollmentCheckUserDSCertificate = Self(rawValue: 0x0000_0010)
    public static let autoEnrollment = Self(rawValue: 0x0000_0020)
    public static let previousApprovalValidateReenrollment = Self(rawValue: 0x0000_0040)
    public static let domainAuthenticationNotRequired = Self(rawValue: 0x0000_0080)
    public static let userInteractionRequired = Self(rawValue: 0x0000_0100)
    public static let addTemplateName = Self(rawValue: 0x0000_0200)
    public static let removeInvalidCertificateFromPersonalStore = Self(rawValue: 0x0000_0400)
    public static let allowEnrollOnBehalfOf = Self(rawValue: 0x0000_0800)
    public static let addOCSPNoCheck = Self(rawValue: 0x0000_1000)
    public static let enableKeyReuseOnNTTokenKeysetStorageFull = Self(rawValue: 0x0000_2000)
    public static let noRevocationInfoInIssuedCerts = Self(rawValue: 0x0000_4000)
    public static let includeBasicConstraintsForEECerts = Self(rawValue: 0x0000_8000)
    /// "Allow key based renewal" (CES-E3).
    public static let allowPreviousApprovalKeyBasedRenewalValidateReenrollment = Self(rawValue: 0x0001_0000)
    public static let issuancePoliciesFromRequest = Self(rawValue: 0x0002_0000)
    public static let skipAutoRenewal = Self(rawValue: 0x0004_0000)
    public static let noSecurityExtension = Self(rawValue: 0x0008_0000)

    public static let namedFlags: [NamedFlag] = [
        NamedFlag(name: "CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS", value: 0x1),
        NamedFlag(name: "CT_FLAG_PEND_ALL_REQUESTS", value: 0x2),
        NamedFlag(name: "CT_FLAG_PUBLISH_TO_KRA_CONTAINER", value: 0x4),
        NamedFlag(name: "CT_FLAG_PUBLISH_TO_DS", value: 0x8),
        NamedFlag(name: "CT_FLAG_AUTO_ENROLLMENT_CHECK_USER_DS_CERTIFICATE", value: 0x10),
        NamedFlag(name: "CT_FLAG_AUTO_ENROLLMENT", value: 0x20),
        NamedFlag(name: "CT_FLAG_PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT", value: 0x40),
        NamedFlag(name: "CT_FLAG_DOMAIN_AUTHENTICATION_NOT_REQUIRED", value: 0x80),
        NamedFlag(name: "CT_FLAG_USER_INTERACTION_REQUIRED", value: 0x100),
        NamedFlag(name: "CT_FLAG_ADD_TEMPLATE_NAME", value: 0x200),
        NamedFlag(name: "CT_FLAG_REMOVE_INVALID_CERTIFICATE_FROM_PERSONAL_STORE", value: 0x400),
        NamedFlag(name: "CT_FLAG_ALLOW_ENROLL_ON_BEHALF_OF", value: 0x800),
        NamedFlag(name: "CT_FLAG_ADD_OCSP_NOCHECK", value: 0x1000),
        NamedFlag(name: "CT_FLAG_ENABLE_KEY_REUSE_ON_NT_TOKEN_KEYSET_STORAGE_FULL", value: 0x2000),
        NamedFlag(name: "CT_FLAG_NOREVOCATIONINFOINISSUEDCERTS", value: 0x4000),
        NamedFlag(name: "CT_FLAG_INCLUDE_BASIC_CONSTRAINTS_FOR_EE_CERTS", value: 0x8000),
        NamedFlag(name: "CT_FLAG_ALLOW_PREVIOUS_APPROVAL_KEYBASEDRENEWAL_VALIDATE_REENROLLMENT", value: 0x1_0000),
        NamedFlag(name: "CT_FLAG_ISSUANCE_POLICIES_FROM_REQUEST", value: 0x2_0000),
        NamedFlag(name: "CT_FLAG_SKIP_AUTO_RENEWAL", value: 0x4_0000),
        NamedFlag(name: "CT_FLAG_NO_SECURITY_EXTENSION", value: 0x8_0000),
    ]
}

/// `msPKI-Private-Key-Flag`, including the template compatibility fields (CES-E5).
public struct PrivateKeyFlags: Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Decodes the LDAP value (signed decimal).
    public init(ldapValue: some StringProtocol) throws(FlagParseError) {
        self.init(rawValue: try LDAPInteger.bits32(ldapValue))
    }

    /// PrivateKeyServerVersionMask 0x000F0000 (983040), shift 16: the minimum CA version.
    public static let serverVersionMask: UInt32 = 0x000F_0000
    /// PrivateKeyClientVersionMask 0x0F000000 (251658240), shift 24: the minimum client version.
    public static let clientVersionMask: UInt32 = 0x0F00_0000

    /// CA compatibility field, `(flag & 0xF0000) >> 16` (5 ≈ Windows Server 2012 R2, 6 ≈ 2016 [I]).
    public var serverVersion: Int { Int((rawValue & Self.serverVersionMask) >> 16) }
    /// Recipient compatibility field, `(flag & 0x0F000000) >> 24`.
    public var clientVersion: Int { Int((rawValue & Self.clientVersionMask) >> 24) }

    /// Whether CEP/CES will offer the template: both fields at most 2012 R2 / Windows 8.1 (threshold 5 [I]).
    public func isVisibleToCEPCES(maximumVersion: Int = 5) -> Bool {
        serverVersion <= maximumVersion && clientVersion <= maximumVersion
    }
}
