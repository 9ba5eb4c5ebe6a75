/// `userAccountControl` / `msDS-User-Account-Control-Computed` flags (ADS_UF_*, docs/rules.md §2.1).
///
/// These are the LDAP values. SAMR `USER_*` constants differ (e.g. SAMR
/// USER_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION is 0x40000) and must not be used here.
public struct UserAccountControl: NamedFlagSet, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let script = Self(rawValue: 0x0000_0001)
    public static let accountDisable = Self(rawValue: 0x0000_0002)
    public static let homeDirRequired = Self(rawValue: 0x0000_0008)
    /// Not reliably stored in `userAccountControl`; read `msDS-User-Account-Control-Computed`.
    public static let lockout = Self(rawValue: 0x0000_0010)
    public static let passwordNotRequired = Self(rawValue: 0x0000_0020)
    public static let passwordCantChange = Self(rawValue: 0x0000_0040)
    public static let encryptedTextPasswordAllowed = Self(rawValue: 0x0000_0080)
    public static let tempDuplicateAccount = Self(rawValue: 0x0000_0100)
    public static let normalAccount = Self(rawValue: 0x0000_0200)
    public static let interdomainTrustAccount = Self(rawValue: 0x0000_0800)
    public static let workstationTrustAccount = Self(rawValue: 0x0000_1000)
    public static let serverTrustAccount = Self(rawValue: 0x0000_2000)
    public static let dontExpirePassword = Self(rawValue: 0x0001_0000)
    public static let mnsLogonAccount = Self(rawValue: 0x0002_0000)
    public static let smartcardRequired = Self(rawValue: 0x0004_0000)
    /// Unconstrained delegation ("Trust this user for delegation to any service (Kerberos only)").
    public static let trustedForDelegation = Self(rawValue: 0x0008_0000)
    /// "Account is sensitive and cannot be delegated" (CES-A1).
    public static let notDelegated = Self(rawValue: 0x0010_0000)
    public static let useDESKeyOnly = Self(rawValue: 0x0020_0000)
    public static let dontRequirePreauth = Self(rawValue: 0x0040_0000)
    /// System-computed; read from `msDS-User-Account-Control-Computed`.
    public static let passwordExpired = Self(rawValue: 0x0080_0000)
    /// Protocol transition ("Use any authentication protocol"), 0x1000000 — not 0x100000 (that is NOT_DELEGATED).
    public static let trustedToAuthenticateForDelegation = Self(rawValue: 0x0100_0000)
    public static let partialSecretsAccount = Self(rawValue: 0x0400_0000)

    public static let namedFlags: [NamedFlag] = [
        NamedFlag(name: "ADS_UF_SCRIPT", value: 0x1),
        NamedFlag(name: "ADS_UF_ACCOUNTDISABLE", value: 0x2),
        NamedFlag(name: "ADS_UF_HOMEDIR_REQUIRED", value: 0x8),
        NamedFlag(name: "ADS_UF_LOCKOUT", value: 0x10),
        NamedFlag(name: "ADS_UF_PASSWD_NOTREQD", value: 0x20),
        NamedFlag(name: "ADS_UF_PASSWD_CANT_CHANGE", value: 0x40),
        NamedFlag(name: "ADS_UF_ENCRYPTED_TEXT_PASSWORD_ALLOWED", value: 0x80),
        NamedFlag(name: "ADS_UF_TEMP_DUPLICATE_ACCOUNT", value: 0x100),
        NamedFlag(name: "ADS_UF_NORMAL_ACCOUNT", value: 0x200),
        NamedFlag(name: "ADS_UF_INTERDOMAIN_TRUST_ACCOUNT", value: 0x800),
        NamedFlag(name: "ADS_UF_WORKSTATION_TRUST_ACCOUNT", value: 0x1000),
        NamedFlag(name: "ADS_UF_SERVER_TRUST_ACCOUNT", value: 0x2000),
        NamedFlag(name: "ADS_UF_DONT_EXPIRE_PASSWD", value: 0x10000),
        NamedFlag(name: "ADS_UF_MNS_LOGON_ACCOUNT", value: 0x20000),
        NamedFlag(name: "ADS_UF_SMARTCARD_REQUIRED", value: 0x40000),
        NamedFlag(name: "ADS_UF_TRUSTED_FOR_DELEGATION", value: 0x80000),
        NamedFlag(name: "ADS_UF_NOT_DELEGATED", value: 0x10_0000),
        NamedFlag(name: "ADS_UF_USE_DES_KEY_ONLY", value: 0x20_0000),
        NamedFlag(name: "ADS_UF_DONT_REQUIRE_PREAUTH", value: 0x40_0000),
        NamedFlag(name: "ADS_UF_PASSWORD_EXPIRED", value: 0x80_0000),
        NamedFlag(name: "ADS_UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION", value: 0x100_0000),
        NamedFlag(name: "ADS_UF_PARTIAL_SECRETS_ACCOUNT", value: 0x400_0000),
    ]

    /// True when the account is disabled, locked out or its password expired (CES-A3); pass the union of
    /// `userAccountControl` and `msDS-User-Account-Control-Computed`.
    public var cannotLogOn: Bool { !intersection([.accountDisable, .lockout, .passwordExpired]).isEmpty }
}

/// How an account may delegate (ADUC "Delegation" tab), from UAC and `msDS-AllowedToDelegateTo`.
public enum DelegationMode: String, Sendable, Hashable {
    case none
    case unconstrained
    case constrainedKerberosOnly
    case constrainedAnyProtocol

    /// Derives the mode; unconstrained wins when both are configured, as in the ADUC tab.
    public init(userAccountControl: UserAccountControl, allowedToDelegateTo: [String]) {
        if userAccountControl.contains(.trustedForDelegation) {
            self = .unconstrained
        } else if !allowedToDelegateTo.isEmpty {
            self =
                userAccountControl.contains(.trustedToAuthenticateForDelegation)
                ? .constrainedAnyProtocol : .constrainedKerberosOnly
        } else {
            self = .none
        }
    }
}
