import ADModel
import Foundation

/// A user, computer or service account as the rules need it (requester, CES principal, CA computer).
public struct AccountRecord: Sendable, Codable, Equatable {
    public var dn: String
    public var samAccountName: String
    public var objectClasses: [String]
    /// String form, `S-1-5-21-…`.
    public var sid: String? { didSet { token = Self.token(sid: sid, groups: tokenGroups) } }
    public var userAccountControl: Collected<UInt32>
    /// msDS-User-Account-Control-Computed: lockout and password expiry as the DC computes them.
    public var userAccountControlComputed: Collected<UInt32>
    public var mail: String?
    public var userPrincipalName: String?
    public var dnsHostName: String?
    public var servicePrincipalNames: [String]
    public var allowedToDelegateTo: [String]
    /// msDS-AllowedToActOnBehalfOfOtherIdentity (RBCD), raw self-relative SD, when present.
    public var allowedToActOnBehalfOf: Data?
    /// Transitive group SIDs (tokenGroups, BASE search only).
    public var tokenGroups: Collected<[String]> { didSet { token = Self.token(sid: sid, groups: tokenGroups) } }
    /// msDS-SupportedEncryptionTypes; nil when the attribute is absent (the domain default applies, CES-C9).
    public var supportedEncryptionTypes: UInt32? = nil
    /// accountExpires (FILETIME, 100 ns since 1601); nil when absent. 0 and Int64.max mean never.
    public var accountExpires: Int64? = nil
    /// msDS-GroupMSAMembership of a gMSA (PrincipalsAllowedToRetrieveManagedPassword), raw self-relative SD.
    public var groupMSAMembership: Data? = nil
    /// pwdLastSet; nil when not read or 0 (must change at next logon). CES-C9 compares it with the date the domain
    /// could make AES keys.
    public var passwordLastSet: Date? = nil
    /// The account's SID plus its groups and the SIDs every authenticated logon carries; nil when the SID or the
    /// groups were not read. Parsed once (every rule on every path asks for it).
    public private(set) var token: AccessToken?

    public init(
        dn: String, samAccountName: String, objectClasses: [String], sid: String?,
        userAccountControl: Collected<UInt32>, userAccountControlComputed: Collected<UInt32>, mail: String?,
        userPrincipalName: String?, dnsHostName: String?, servicePrincipalNames: [String],
        allowedToDelegateTo: [String], allowedToActOnBehalfOf: Data?, tokenGroups: Collected<[String]>,
        supportedEncryptionTypes: UInt32? = nil, passwordLastSet: Date? = nil
    ) {
        self.init(
            dn: dn, samAccountName: samAccountName, objectClasses: objectClasses, sid: sid,
            userAccountControl: userAccountControl, userAccountControlComputed: userAccountControlComputed, mail: mail,
            userPrincipalName: userPrincipalName, dnsHostName: dnsHostName,
            servicePrincipalNames: servicePrincipalNames, allowedToDelegateTo: allowedToDelegateTo,
            allowedToActOnBehalfOf: allowedToActOnBehalfOf, tokenGroups: tokenGroups,
            supportedEncryptionTypes: supportedEncryptionTypes, passwordLastSet: passwordLastSet,
            token: Self.token(sid: sid, groups: tokenGroups))
    }

    /// A record whose token the caller made from the same SIDs (`GroupGraph.MembershipCache` shares the group set
    /// of a token between accounts with the same groups).
    init(
        dn: String, samAccountName: String, objectClasses: [String], sid: String?,
        userAccountControl: Collected<UInt32>, userAccountControlComputed: Collected<UInt32>, mail: String?,
        userPrincipalName: String?, dnsHostName: String?, servicePrincipalNames: [String],
        allowedToDelegateTo: [String], allowedToActOnBehalfOf: Data?, tokenGroups: Collected<[String]>,
        supportedEncryptionTypes: UInt32?, passwordLastSet: Date? = nil, token: AccessToken?
    ) {
        self.dn = dn
        self.samAccountName = samAccountName
        self.objectClasses = objectClasses
        self.sid = sid
        self.userAccountControl = userAccountControl
        self.userAccountControlComputed = userAccountControlComputed
        self.mail = mail
        self.userPrincipalName = userPrincipalName
        self.dnsHostName = dnsHostName
        self.servicePrincipalNames = servicePrincipalNames
        self.allowedToDelegateTo = allowedToDelegateTo
        self.allowedToActOnBehalfOf = allowedToActOnBehalfOf
        self.tokenGroups = tokenGroups
        self.supportedEncryptionTypes = supportedEncryptionTypes
        self.passwordLastSet = passwordLastSet
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case dn, samAccountName, objectClasses, sid, userAccountControl, userAccountControlComputed, mail
        case userPrincipalName, dnsHostName, servicePrincipalNames, allowedToDelegateTo, allowedToActOnBehalfOf
        case tokenGroups, supportedEncryptionTypes, accountExpires, groupMSAMembership, passwordLastSet
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            dn: try container.decode(String.self, forKey: .dn),
            samAccountName: try container.decode(String.self, forKey: .samAccountName),
            objectClasses: try container.decode([String].self, forKey: .objectClasses),
            sid: try container.decodeIfPresent(String.self, forKey: .sid),
            userAccountControl: try container.decode(Collected<UInt32>.self, forKey: .userAccountControl),
            userAccountControlComputed: try container.decode(
                Collected<UInt32>.self, forKey: .userAccountControlComputed),
            mail: try container.decodeIfPresent(String.self, forKey: .mail),
            userPrincipalName: try container.decodeIfPresent(String.self, forKey: .userPrincipalName),
            dnsHostName: try container.decodeIfPresent(String.self, forKey: .dnsHostName),
            servicePrincipalNames: try container.decode([String].self, forKey: .servicePrincipalNames),
            allowedToDelegateTo: try container.decode([String].self, forKey: .allowedToDelegateTo),
            allowedToActOnBehalfOf: try container.decodeIfPresent(Data.self, forKey: .allowedToActOnBehalfOf),
            tokenGroups: try container.decode(Collected<[String]>.self, forKey: .tokenGroups),
            supportedEncryptionTypes: try container.decodeIfPresent(UInt32.self, forKey: .supportedEncryptionTypes),
            passwordLastSet: try container.decodeIfPresent(Date.self, forKey: .passwordLastSet))
        accountExpires = try container.decodeIfPresent(Int64.self, forKey: .accountExpires)
        groupMSAMembership = try container.decodeIfPresent(Data.self, forKey: .groupMSAMembership)
    }

    /// When the account expires (accountExpires); nil when it never does or the attribute is absent.
    public var expiry: Date? {
        accountExpires.flatMap(Self.date(fileTime:))
    }

    /// "expired on <date> (accountExpires)" when the account had expired at `now` (A3, C7); nil otherwise.
    func expiredNote(at now: Date) -> String? {
        guard let expiry, expiry <= now else { return nil }
        return "expired on \(expiry.formatted(.iso8601)) (accountExpires)"
    }

    public var isComputer: Bool { objectClasses.contains { $0.utf8.count == 8 && $0.lowercased() == "computer" } }

    public var flags: UserAccountControl? { userAccountControl.value.map(UserAccountControl.init(rawValue:)) }

    static func token(sid: String?, groups: Collected<[String]>) -> AccessToken? {
        guard let sid, let user = try? SID(string: sid), let groups = groups.value else { return nil }
        return AccessToken.authenticated(user: user, groups: groups.compactMap { try? SID(string: $0) })
    }

    /// Attributes read for every account.
    static let attributes = [
        "sAMAccountName", "objectClass", "objectSid", "userAccountControl", "msDS-User-Account-Control-Computed",
        "mail", "userPrincipalName", "dNSHostName", "servicePrincipalName", "msDS-AllowedToDelegateTo",
        "msDS-AllowedToActOnBehalfOfOtherIdentity", "msDS-SupportedEncryptionTypes", "accountExpires",
        "msDS-GroupMSAMembership", "pwdLastSet",
    ]

    /// Attributes `scan` reads for every account: msDS-User-Account-Control-Computed costs the DC a password-policy
    /// lookup per account, so it is worked out from lockoutTime and pwdLastSet where they settle it
    /// (`ComputedAccountControl`) and read afterwards only for the accounts they leave open.
    static let scanAttributes = attributes.filter { $0 != "msDS-User-Account-Control-Computed" } + ["lockoutTime"]

    /// A Windows FILETIME (100 ns since 1601-01-01 UTC, as pwdLastSet holds it); nil for 0 and the "never" values.
    public static func date(fileTime: Int64) -> Date? {
        guard fileTime > 0, fileTime < Int64.max else { return nil }
        return Date(timeIntervalSince1970: Double(fileTime) / 10_000_000 - secondsFrom1601To1970)
    }

    /// `date` as a FILETIME.
    static func fileTime(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 + secondsFrom1601To1970) * 10_000_000)
    }

    static let secondsFrom1601To1970: Double = 11_644_473_600
}

extension AccountRecord {
    /// objectClass msDS-GroupManagedServiceAccount (a gMSA is also a `computer`).
    var isGroupManagedServiceAccount: Bool { Self.isGroupManagedServiceAccount(objectClasses: objectClasses) }

    /// For an entry not yet read into a record (choosing a host's principal).
    static func isGroupManagedServiceAccount(objectClasses: [String]) -> Bool {
        objectClasses.contains { $0.caseInsensitiveCompare("msDS-GroupManagedServiceAccount") == .orderedSame }
    }
}
