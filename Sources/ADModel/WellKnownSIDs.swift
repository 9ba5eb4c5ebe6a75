/// Well-known SIDs and domain RIDs the CES rules need (docs/rules.md §2.3), with display names.
extension SID {
    /// `S-1-1-0` Everyone (SDDL `WD`).
    public static let everyone = SID(authority: 1, 0)
    /// `S-1-3-0` CREATOR OWNER (SDDL `CO`).
    public static let creatorOwner = SID(authority: 3, 0)
    /// `S-1-3-1` CREATOR GROUP (SDDL `CG`).
    public static let creatorGroup = SID(authority: 3, 1)
    /// `S-1-3-4` OWNER RIGHTS (SDDL `OW`).
    public static let ownerRights = SID(authority: 3, 4)
    /// `S-1-5-2` NETWORK (SDDL `NU`).
    public static let network = SID(authority: 5, 2)
    /// `S-1-5-4` INTERACTIVE (SDDL `IU`).
    public static let interactive = SID(authority: 5, 4)
    /// `S-1-5-6` SERVICE (SDDL `SU`).
    public static let service = SID(authority: 5, 6)
    /// `S-1-5-7` ANONYMOUS LOGON (SDDL `AN`).
    public static let anonymousLogon = SID(authority: 5, 7)
    /// `S-1-5-9` Enterprise Domain Controllers (SDDL `ED`).
    public static let enterpriseDomainControllers = SID(authority: 5, 9)
    /// `S-1-5-10` SELF / PRINCIPAL SELF (SDDL `PS`).
    public static let principalSelf = SID(authority: 5, 10)
    /// `S-1-5-11` Authenticated Users (SDDL `AU`).
    public static let authenticatedUsers = SID(authority: 5, 11)
    /// `S-1-5-12` RESTRICTED (SDDL `RC`).
    public static let restrictedCode = SID(authority: 5, 12)
    /// `S-1-5-18` LOCAL SYSTEM (SDDL `SY`).
    public static let localSystem = SID(authority: 5, 18)
    /// `S-1-5-19` LOCAL SERVICE (SDDL `LS`).
    public static let localService = SID(authority: 5, 19)
    /// `S-1-5-20` NETWORK SERVICE (SDDL `NS`).
    public static let networkService = SID(authority: 5, 20)
    /// `S-1-5-32-544` BUILTIN\Administrators (SDDL `BA`).
    public static let builtinAdministrators = SID(authority: 5, 32, 544)
    /// `S-1-5-32-545` BUILTIN\Users (SDDL `BU`).
    public static let builtinUsers = SID(authority: 5, 32, 545)
    /// `S-1-5-32-546` BUILTIN\Guests (SDDL `BG`).
    public static let builtinGuests = SID(authority: 5, 32, 546)
    /// `S-1-5-32-554` BUILTIN\Pre-Windows 2000 Compatible Access (SDDL `RU`).
    public static let preWindows2000CompatibleAccess = SID(authority: 5, 32, 554)
    /// `S-1-5-32-560` BUILTIN\Windows Authorization Access Group (needed for S4U2self, CES-C10).
    public static let windowsAuthorizationAccessGroup = SID(authority: 5, 32, 560)
    /// `S-1-5-32-568` BUILTIN\IIS_IUSRS (SDDL `IS`).
    public static let iisIUSRS = SID(authority: 5, 32, 568)
    /// `S-1-5-32-574` BUILTIN\Certificate Service DCOM Access (SDDL `CD`). Not "Device Owners" (docs/rules.md §8.7).
    public static let certificateServiceDCOMAccess = SID(authority: 5, 32, 574)

    /// True for an IIS application-pool virtual account (`IIS APPPOOL\<pool>`, `S-1-5-82-…`).
    public var isIISAppPoolIdentity: Bool {
        identifierAuthority == 5 && subAuthorities.first == 82 && subAuthorities.count > 1
    }

    /// A display name for a well-known SID; domain-relative RIDs are named when `domain` matches.
    public func wellKnownName(domain: SID? = nil) -> String? {
        if let name = WellKnownSIDTable.names[self] { return name }
        if isIISAppPoolIdentity { return "IIS APPPOOL\\<application pool>" }
        if let rid, let parent, domain == nil ? parent.isDomainSID : parent == domain,
            let domainRID = DomainRID(rawValue: rid)
        {
            return domainRID.name
        }
        return nil
    }
}

/// Well-known relative identifiers of domain accounts and groups (domain SID + RID).
public enum DomainRID: UInt32, Sendable, CaseIterable {
    case administrator = 500
    case guest = 501
    case krbtgt = 502
    case enterpriseReadOnlyDomainControllers = 498
    case domainAdmins = 512
    case domainUsers = 513
    case domainGuests = 514
    case domainComputers = 515
    case domainControllers = 516
    case certPublishers = 517
    case schemaAdmins = 518
    case enterpriseAdmins = 519
    case groupPolicyCreatorOwners = 520
    case readOnlyDomainControllers = 521
    case cloneableDomainControllers = 522
    /// Protected Users (RID 525): blocks delegation of its members (CES-A2).
    case protectedUsers = 525
    case keyAdmins = 526
    case enterpriseKeyAdmins = 527
    case rasAndIASServers = 553

    /// The English display name.
    public var name: String {
        switch self {
        case .administrator: "Administrator"
        case .guest: "Guest"
        case .krbtgt: "krbtgt"
        case .enterpriseReadOnlyDomainControllers: "Enterprise Read-only Domain Controllers"
        case .domainAdmins: "Domain Admins"
        case .domainUsers: "Domain Users"
        case .domainGuests: "Domain Guests"
        case .domainComputers: "Domain Computers"
        case .domainControllers: "Domain Controllers"
        case .certPublishers: "Cert Publishers"
        case .schemaAdmins: "Schema Admins"
        case .enterpriseAdmins: "Enterprise Admins"
        case .groupPolicyCreatorOwners: "Group Policy Creator Owners"
        case .readOnlyDomainControllers: "Read-only Domain Controllers"
        case .cloneableDomainControllers: "Cloneable Domain Controllers"
        case .protectedUsers: "Protected Users"
        case .keyAdmins: "Key Admins"
        case .enterpriseKeyAdmins: "Enterprise Key Admins"
        case .rasAndIASServers: "RAS and IAS Servers"
        }
    }

    /// The SID of this account or group in `domain`.
    public func sid(in domain: SID) throws(SIDError) -> SID { try SID(domain: domain, rid: rawValue) }
}

enum WellKnownSIDTable {
    static let names: [SID: String] = [
        .everyone: "Everyone",
        .creatorOwner: "CREATOR OWNER",
        .creatorGroup: "CREATOR GROUP",
        .ownerRights: "OWNER RIGHTS",
        .network: "NT AUTHORITY\\NETWORK",
        .interactive: "NT AUTHORITY\\INTERACTIVE",
        .service: "NT AUTHORITY\\SERVICE",
        .anonymousLogon: "NT AUTHORITY\\ANONYMOUS LOGON",
        .enterpriseDomainControllers: "NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS",
        .principalSelf: "NT AUTHORITY\\SELF",
        .authenticatedUsers: "NT AUTHORITY\\Authenticated Users",
        .restrictedCode: "NT AUTHORITY\\RESTRICTED",
        .localSystem: "NT AUTHORITY\\SYSTEM",
        .localService: "NT AUTHORITY\\LOCAL SERVICE",
        .networkService: "NT AUTHORITY\\NETWORK SERVICE",
        .builtinAdministrators: "BUILTIN\\Administrators",
        .builtinUsers: "BUILTIN\\Users",
        .builtinGuests: "BUILTIN\\Guests",
        SID(authority: 5, 32, 548): "BUILTIN\\Account Operators",
        SID(authority: 5, 32, 549): "BUILTIN\\Server Operators",
        SID(authority: 5, 32, 550): "BUILTIN\\Print Operators",
        SID(authority: 5, 32, 551): "BUILTIN\\Backup Operators",
        SID(authority: 5, 32, 552): "BUILTIN\\Replicator",
        .preWindows2000CompatibleAccess: "BUILTIN\\Pre-Windows 2000 Compatible Access",
        SID(authority: 5, 32, 555): "BUILTIN\\Remote Desktop Users",
        SID(authority: 5, 32, 556): "BUILTIN\\Network Configuration Operators",
        SID(authority: 5, 32, 558): "BUILTIN\\Performance Monitor Users",
        SID(authority: 5, 32, 559): "BUILTIN\\Performance Log Users",
        .windowsAuthorizationAccessGroup: "BUILTIN\\Windows Authorization Access Group",
        .iisIUSRS: "BUILTIN\\IIS_IUSRS",
        SID(authority: 5, 32, 569): "BUILTIN\\Cryptographic Operators",
        SID(authority: 5, 32, 573): "BUILTIN\\Event Log Readers",
        .certificateServiceDCOMAccess: "BUILTIN\\Certificate Service DCOM Access",
        SID(authority: 5, 32, 580): "BUILTIN\\Remote Management Users",
    ]
}
