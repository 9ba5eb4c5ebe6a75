/// Policy-module `EditFlags` (docs/rules.md §2.5).
///
/// EDITF_ENABLERENEWONBEHALFOF is 0x04000000; 0x00010000 (used by a public audit script) is
/// EDITF_ENABLEDEFAULTSMIME (docs/rules.md §8.2).
public struct EditFlags: NamedFlagSet, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let enableRequestExtensions = Self(rawValue: 0x0000_0001)
    public static let requestExtensionList = Self(rawValue: 0x0000_0002)
    public static let disableExtensionList = Self(rawValue: 0x0000_0004)
    public static let addOldKeyUsage = Self(rawValue: 0x0000_0008)
    public static let addOldCertType = Self(rawValue: 0x0000_0010)
    public static let attributeEndDate = Self(rawValue: 0x0000_0020)
    public static let basicConstraintsCritical = Self(rawValue: 0x0000_0040)
    public static let basicConstraintsCA = Self(rawValue: 0x0000_0080)
    public static let enableAKIKeyID = Self(rawValue: 0x0000_0100)
    public static let attributeCA = Self(rawValue: 0x0000_0200)
    public static let ignoreRequesterGroup = Self(rawValue: 0x0000_0400)
    public static let enableAKIIssuerName = Self(rawValue: 0x0000_0800)
    public static let enableAKIIssuerSerial = Self(rawValue: 0x0000_1000)
    public static let enableAKICritical = Self(rawValue: 0x0000_2000)
    public static let serverUpgraded = Self(rawValue: 0x0000_4000)
    public static let attributeEKU = Self(rawValue: 0x0000_8000)
    public static let enableDefaultSMIME = Self(rawValue: 0x0001_0000)
    public static let emailOptional = Self(rawValue: 0x0002_0000)
    public static let attributeSubjectAltName2 = Self(rawValue: 0x0004_0000)
    public static let enableLDAPReferrals = Self(rawValue: 0x0008_0000)
    public static let enableChaseClientDC = Self(rawValue: 0x0010_0000)
    public static let auditCertTemplateLoad = Self(rawValue: 0x0020_0000)
    public static let disableOldOSCNUPN = Self(rawValue: 0x0040_0000)
    public static let disableLDAPPackageList = Self(rawValue: 0x0080_0000)
    public static let enableUPNMap = Self(rawValue: 0x0100_0000)
    public static let enableOCSPRevNoCheck = Self(rawValue: 0x0200_0000)
    /// Needed by renewal-only / key-based-renewal CES (CES-E2).
    public static let enableRenewOnBehalfOf = Self(rawValue: 0x0400_0000)
    public static let enableKeyEnciphermentCACert = Self(rawValue: 0x0800_0000)

    /// The value observed on fresh enterprise CAs (0x0011014E); not a Microsoft-documented default.
    public static let observedEnterpriseDefault = Self(rawValue: 0x0011_014E)

    public static let namedFlags: [NamedFlag] = [
        NamedFlag(name: "EDITF_ENABLEREQUESTEXTENSIONS", value: 0x1),
        NamedFlag(name: "EDITF_REQUESTEXTENSIONLIST", value: 0x2),
        NamedFlag(name: "EDITF_DISABLEEXTENSIONLIST", value: 0x4),
        NamedFlag(name: "EDITF_ADDOLDKEYUSAGE", value: 0x8),
        NamedFlag(name: "EDITF_ADDOLDCERTTYPE", value: 0x10),
        NamedFlag(name: "EDITF_ATTRIBUTEENDDATE", value: 0x20),
        NamedFlag(name: "EDITF_BASICCONSTRAINTSCRITICAL", value: 0x40),
        NamedFlag(name: "EDITF_BASICCONSTRAINTSCA", value: 0x80),
        NamedFlag(name: "EDITF_ENABLEAKIKEYID", value: 0x100),
        NamedFlag(name: "EDITF_ATTRIBUTECA", value: 0x200),
        NamedFlag(name: "EDITF_IGNOREREQUESTERGROUP", value: 0x400),
        NamedFlag(name: "EDITF_ENABLEAKIISSUERNAME", value: 0x800),
        NamedFlag(name: "EDITF_ENABLEAKIISSUERSERIAL", value: 0x1000),
        NamedFlag(name: "EDITF_ENABLEAKICRITICAL", value: 0x2000),
        NamedFlag(name: "EDITF_SERVERUPGRADED", value: 0x4000),
        NamedFlag(name: "EDITF_ATTRIBUTEEKU", value: 0x8000),
        NamedFlag(name: "EDITF_ENABLEDEFAULTSMIME", value: 0x1_0000),
        NamedFlag(name: "EDITF_EMAILOPTIONAL", value: 0x2_0000),
        NamedFlag(name: "EDITF_ATTRIBUTESUBJECTALTNAME2", value: 0x4_0000),
        NamedFlag(name: "EDITF_ENABLELDAPREFERRALS", value: 0x8_0000),
        NamedFlag(name: "EDITF_ENABLECHASECLIENTDC", value: 0x10_0000),
        NamedFlag(name: "EDITF_AUDITCERTTEMPLATELOAD", value: 0x20_0000),
        NamedFlag(name: "EDITF_DISABLEOLDOSCNUPN", value: 0x40_0000),
        NamedFlag(name: "EDITF_DISABLELDAPPACKAGELIST", value: 0x80_0000),
        NamedFlag(name: "EDITF_ENABLEUPNMAP", value: 0x100_0000),
        NamedFlag(name: "EDITF_ENABLEOCSPREVNOCHECK", value: 0x200_0000),
        NamedFlag(name: "EDITF_ENABLERENEWONBEHALFOF", value: 0x400_0000),
        NamedFlag(name: "EDITF_ENABLEKEYENCIPHERMENTCACERT", value: 0x800_0000),
    ]
}
