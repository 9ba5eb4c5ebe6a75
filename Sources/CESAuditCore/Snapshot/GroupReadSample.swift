import ADModel
import Foundation

/// What CES-C10 needs to run the KDC's S4U2self access check itself: users' security descriptors and the builtin
/// groups every logon token holds. KB2009157: the KDC reads the user's tokenGroupsGlobalAndUniversal with the CES
/// principal's token; by default Windows Authorization Access Group and Pre-Windows 2000 Compatible Access (which
/// holds Authenticated Users in a compatible domain) are granted it on every user object.
public struct GroupReadSample: Sendable, Codable, Equatable {
    /// One user's nTSecurityDescriptor (DACL part).
    public struct UserDescriptor: Sendable, Codable, Equatable {
        public var dn: String
        public var samAccountName: String
        public var descriptor: Data

        public init(dn: String, samAccountName: String, descriptor: Data) {
            self.dn = dn
            self.samAccountName = samAccountName
            self.descriptor = descriptor
        }
    }

    /// Builtin groups (S-1-5-32-…) with Authenticated Users or Everyone as a member: the DC puts them in every
    /// logon token, though tokenGroups does not list them.
    public var everyoneAliases: Collected<[String]>
    /// A few enabled users (the first page of a search); the user job checks the requester's own instead.
    public var users: Collected<[UserDescriptor]>
    /// The descriptors of the accounts a saved snapshot names (`--account`): the offline user job checks them.
    public var named: [UserDescriptor]? = nil

    public init(everyoneAliases: Collected<[String]>, users: Collected<[UserDescriptor]>) {
        self.everyoneAliases = everyoneAliases
        self.users = users
    }

    /// How many users the sample reads.
    public static let size = 5

    /// The attribute the KDC reads (schemaIDGUID of tokenGroupsGlobalAndUniversal, MS-ADA3).
    public static let tokenGroupsGlobalAndUniversal =
        (try? GUID(string: "46a9b11d-60ae-405a-b7e8-ff8a58d456d2")) ?? GUID.zero
}
