/// SDDL SID string aliases (Sddl.h / MS-DTYP 2.4.2.4), every one the Windows SDK's sddl.h defines but `CU`, whose SID
/// no public source gives.
///
/// Fixed aliases resolve without context; domain-relative aliases (`DA`, `DU`, `DC`, `AP`, …) need the
/// domain SID, and forest-root aliases (`EA`, `SA`, `EK`, `RO`) the forest root domain SID.
public enum SDDLAlias {
    /// Aliases of fixed SIDs.
    public static let fixed: [String: SID] = [
        "AA": SID(authority: 5, 32, 579), "AC": SID(authority: 15, 2, 1), "AN": .anonymousLogon,
        "AO": SID(authority: 5, 32, 548), "AS": SID(authority: 18, 1), "AU": .authenticatedUsers, "BA": .builtinAdministrators,
        "BG": .builtinGuests, "BO": SID(authority: 5, 32, 551), "BU": .builtinUsers,
        "CD": .certificateServiceDCOMAccess, "CG": .creatorGroup, "CO": .creatorOwner,
        "CY": SID(authority: 5, 32, 569), "ED": .enterpriseDomainControllers, "ER": SID(authority: 5, 32, 573),
        "ES": SID(authority: 5, 32, 576), "HA": SID(authority: 5, 32, 578), "HI": SID(authority: 16, 12288),
        "HO": SID(authority: 5, 32, 584), "IS": .iisIUSRS, "IU": .interactive, "LS": .localService, "LU": SID(authority: 5, 32, 559),
        "LW": SID(authority: 16, 4096), "ME": SID(authority: 16, 8192), "MP": SID(authority: 16, 8448),
        "MS": SID(authority: 5, 32, 577),
        "MU": SID(authority: 5, 32, 558), "NO": SID(authority: 5, 32, 556), "NS": .networkService,
        "NU": .network, "OW": .ownerRights, "PO": SID(authority: 5, 32, 550), "PS": .principalSelf,
        "PU": SID(authority: 5, 32, 547), "RA": SID(authority: 5, 32, 575), "RC": .restrictedCode,
        "RD": SID(authority: 5, 32, 555), "RE": SID(authority: 5, 32, 552), "RM": SID(authority: 5, 32, 580),
        "RU": .preWindows2000CompatibleAccess, "SI": SID(authority: 16, 16384), "SO": SID(authority: 5, 32, 549),
        "SH": SID(authority: 5, 32, 585), "SS": SID(authority: 18, 2), "SU": .service, "SY": .localSystem, "UD": SID(authority: 5, 84, 0, 0, 0, 0, 0),
        "WD": .everyone, "WR": SID(authority: 5, 33),
    ]

    /// Aliases relative to the (current) domain SID.
    public static let domainRelative: [String: DomainRID] = [
        "AP": .protectedUsers, "CA": .certPublishers, "CN": .cloneableDomainControllers, "DA": .domainAdmins,
        "DC": .domainComputers, "DD": .domainControllers, "DG": .domainGuests, "DU": .domainUsers,
        "KA": .keyAdmins, "LA": .administrator, "LG": .guest, "PA": .groupPolicyCreatorOwners,
        "RS": .rasAndIASServers,
    ]

    /// Aliases relative to the forest root domain SID.
    public static let forestRootRelative: [String: DomainRID] = [
        "EA": .enterpriseAdmins, "EK": .enterpriseKeyAdmins, "RO": .enterpriseReadOnlyDomainControllers,
        "SA": .schemaAdmins,
    ]

    private static let fixedByValue: [SID: String] = Dictionary(fixed.map { ($0.value, $0.key) }) { first, _ in first }

    /// Resolves a two-letter alias (case-insensitive).
    public static func resolve(_ alias: String, domain: SID?, forestRoot: SID?) throws(SIDError) -> SID {
        let key = alias.uppercased()
        if let sid = fixed[key] { return sid }
        if let rid = domainRelative[key], let domain { return try rid.sid(in: domain) }
        if let rid = forestRootRelative[key], let root = forestRoot ?? domain { return try rid.sid(in: root) }
        throw .unknownAlias(alias)
    }

    /// The alias for `sid`, if it has one in this context.
    public static func alias(for sid: SID, domain: SID?, forestRoot: SID?) -> String? {
        if let alias = fixedByValue[sid] { return alias }
        guard let rid = sid.rid, let parent = sid.parent, let domainRID = DomainRID(rawValue: rid) else { return nil }
        if parent == domain, let alias = domainRelative.first(where: { $0.value == domainRID })?.key { return alias }
        if parent == (forestRoot ?? domain), let alias = forestRootRelative.first(where: { $0.value == domainRID })?.key
        {
            return alias
        }
        return nil
    }
}
