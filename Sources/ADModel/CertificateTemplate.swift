/// Extended-right GUIDs the CES rules evaluate (docs/rules.md §2.6, CES-C11).
public enum ExtendedRight {
    /// Certificate-Enrollment ("Enroll") `0e10c968-78fb-11d2-90d4-00c04f79dc55`.
    public static let certificateEnrollment = knownGUID("0e10c968-78fb-11d2-90d4-00c04f79dc55")
    /// Certificate-AutoEnrollment ("AutoEnroll") `a05b8cc2-17bc-4802-a710-e7c15ab866a2`.
    public static let certificateAutoEnrollment = knownGUID("a05b8cc2-17bc-4802-a710-e7c15ab866a2")
    /// Allowed-To-Authenticate (selective authentication) `68b1d179-0d15-4d4f-ab71-46152e79a7bc`.
    public static let allowedToAuthenticate = knownGUID("68b1d179-0d15-4d4f-ab71-46152e79a7bc")

    private static func knownGUID(_ text: String) -> GUID {
        // The literals above are valid; the fallback only exists to avoid a trap path.
        (try? GUID(string: text)) ?? GUID.zero
    }
}

extension GUID {
    /// The all-zero GUID.
    public static let zero = GUID(unchecked: [UInt8](repeating: 0, count: 16))
}

/// Template enrollment rights for one token, with the ACE responsible (CES-B2).
public struct TemplateEnrollmentRights: Sendable, Hashable {
    /// Enroll per MS-CRTD 2.5.1, honouring deny ACEs and ACE order.
    public var enroll: AccessDecision
    /// AutoEnroll per MS-CRTD 2.5.2 (autoenrollment also needs ``enroll``).
    public var autoEnroll: AccessDecision

    /// Evaluates a template `nTSecurityDescriptor`.
    ///
    /// Enroll is granted by an ACCESS_ALLOWED_OBJECT_ACE with CONTROL_ACCESS and the Enroll GUID (or no
    /// object type = all extended rights), by an ACCESS_ALLOWED_ACE carrying CONTROL_ACCESS (0x100), or by
    /// GENERIC_ALL / Full Control (which include 0x100 after directory mapping). Deny ACEs of the same
    /// shapes deny, in DACL order.
    public init(descriptor: SecurityDescriptor, token: AccessToken) {
        self.enroll = Self.enroll(descriptor: descriptor, token: token)
        self.autoEnroll = descriptor.check(
            token, desired: .controlAccess, objectType: ExtendedRight.certificateAutoEnrollment,
            mapping: .directoryService)
    }

    /// Enroll alone, for the many callers that do not ask about AutoEnroll (a scan asks for every account).
    public static func enroll(descriptor: SecurityDescriptor, token: AccessToken) -> AccessDecision {
        descriptor.check(
            token, desired: .controlAccess, objectType: ExtendedRight.certificateEnrollment, mapping: .directoryService)
    }
}

/// The template attributes the CES rules read (`pKICertificateTemplate`).
public struct CertificateTemplate: Sendable, Hashable {
    /// `cn`: the name listed in the CA's `certificateTemplates`.
    public var name: String
    /// `msPKI-Template-Schema-Version` (1–4).
    public var schemaVersion: Int?
    /// `msPKI-Certificate-Name-Flag`.
    public var nameFlags: CertificateNameFlags
    /// `msPKI-Enrollment-Flag`.
    public var enrollmentFlags: EnrollmentFlags
    /// `msPKI-Private-Key-Flag`.
    public var privateKeyFlags: PrivateKeyFlags
    /// `msPKI-RA-Signature`: number of enrollment-agent signatures required (CES-F5).
    public var raSignatures: Int
    /// `msPKI-RA-Policies`.
    public var raIssuancePolicies: [String]
    /// `msPKI-RA-Application-Policies`.
    public var raApplicationPolicies: [String]
    /// `msPKI-Certificate-Policy`: issuance policy OIDs (CES-F6).
    public var issuancePolicies: [String]
    /// `msPKI-Certificate-Application-Policy`.
    public var applicationPolicies: [String]
    /// `pKIExtendedKeyUsage`.
    public var extendedKeyUsages: [String]
    /// `nTSecurityDescriptor`, when it could be read.
    public var securityDescriptor: SecurityDescriptor?
    /// `pKIExpirationPeriod`.
    public var validityPeriod: TemplatePeriod?
    /// `pKIOverlapPeriod`.
    public var renewalPeriod: TemplatePeriod?

    /// Creates a template model; omitted attributes take their empty values.
    public init(
        name: String, schemaVersion: Int? = nil, nameFlags: CertificateNameFlags = [],
        enrollmentFlags: EnrollmentFlags = [], privateKeyFlags: PrivateKeyFlags = PrivateKeyFlags(rawValue: 0),
        raSignatures: Int = 0, raIssuancePolicies: [String] = [], raApplicationPolicies: [String] = [],
        issuancePolicies: [String] = [], applicationPolicies: [String] = [], extendedKeyUsages: [String] = [],
        securityDescriptor: SecurityDescriptor? = nil, validityPeriod: TemplatePeriod? = nil,
        renewalPeriod: TemplatePeriod? = nil
    ) {
        self.name = name
        self.schemaVersion = schemaVersion
        self.nameFlags = nameFlags
        self.enrollmentFlags = enrollmentFlags
        self.privateKeyFlags = privateKeyFlags
        self.raSignatures = raSignatures
        self.raIssuancePolicies = raIssuancePolicies
        self.raApplicationPolicies = raApplicationPolicies
        self.issuancePolicies = issuancePolicies
        self.applicationPolicies = applicationPolicies
        self.extendedKeyUsages = extendedKeyUsages
        self.securityDescriptor = securityDescriptor
        self.validityPeriod = validityPeriod
        self.renewalPeriod = renewalPeriod
    }

    /// True when requests need enrollment-agent co-signatures (0x80094809 / 0x8009480A otherwise).
    public var requiresRASignatures: Bool { raSignatures > 0 }

    /// The application policies the issued certificate carries: `msPKI-Certificate-Application-Policy`
    /// when set (schema ≥ 2), else `pKIExtendedKeyUsage`.
    public var effectiveApplicationPolicies: [String] {
        applicationPolicies.isEmpty ? extendedKeyUsages : applicationPolicies
    }

    /// Whether key-based renewal is allowed (CES-E3).
    public var allowsKeyBasedRenewal: Bool {
        enrollmentFlags.contains(.allowPreviousApprovalKeyBasedRenewalValidateReenrollment)
    }

    /// Enroll/AutoEnroll for `token`, or nil when the descriptor was not read (→ unknown, never pass).
    public func enrollmentRights(for token: AccessToken) -> TemplateEnrollmentRights? {
        securityDescriptor.map { TemplateEnrollmentRights(descriptor: $0, token: token) }
    }
}
