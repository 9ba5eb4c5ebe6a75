import ADModel
import Foundation

/// A user, computer or service account as the rules need it (requester, CES principal, CA computer).
public struct AccountRecord: Sendable, Codable, Equatable {
    public var dn: String
    public var samAccountName: String
    public var objectClasses: [String]
    /// String form, `S-1-5-21-…`.
    public var sid: String?
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
    public var tokenGroups: Collected<[String]>
    /// msDS-SupportedEncryptionTypes; nil when the attribute is absent (the domain default applies, CES-C9).
    public var supportedEncryptionTypes: UInt32? = nil

    public var isComputer: Bool { objectClasses.contains { $0.lowercased() == "computer" } }

    public var flags: UserAccountControl? { userAccountControl.value.map(UserAccountControl.init(rawValue:)) }

    /// The account's SID plus its groups and the SIDs every authenticated logon carries.
    public var token: AccessToken? {
        guard let sid, let user = try? SID(string: sid), let groups = tokenGroups.value else { return nil }
        return AccessToken.authenticated(user: user, groups: groups.compactMap { try? SID(string: $0) })
    }

    /// Attributes read for every account.
    static let attributes = [
        "sAMAccountName", "objectClass", "objectSid", "userAccountControl", "msDS-User-Account-Control-Computed",
        "mail", "userPrincipalName", "dNSHostName", "servicePrincipalName", "msDS-AllowedToDelegateTo",
        "msDS-AllowedToActOnBehalfOfOtherIdentity", "msDS-SupportedEncryptionTypes",
    ]
}
