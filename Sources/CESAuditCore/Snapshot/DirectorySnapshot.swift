import Foundation

/// Everything the rules read from AD and from host evidence (`--evidence DIR`), typed and Codable so a run can be
/// saved and evaluated offline. Each datum says whether it was collected.
public struct DirectorySnapshot: Sendable, Codable, Equatable {
    public struct Domain: Sendable, Codable, Equatable {
        public var defaultNamingContext: String
        public var configurationNamingContext: String
        public var dnsName: String?
        public var sid: String?
        /// RootDSE domainFunctionality (context only: Protected Users keys on the DCs' levels, see
        /// `protectedUsersEnforcement`).
        public var functionalLevel: Int?
        public var domainController: String?
        /// RootDSE vendorName: tells a Samba DC (whose KDC is judged differently by CES-K1) from Windows AD.
        public var vendorName: String? = nil
        /// The functional level of each DC of the domain (`msDS-Behavior-Version` of its NTDS Settings object) by
        /// server name; nil in snapshots saved before it was collected.
        public var domainControllerLevels: Collected<[String: Int]>? = nil
        /// RootDSE domainControllerFunctionality of the DC read from.
        public var boundDomainControllerLevel: Int? = nil
        /// whenCreated of the domain's group with RID 521 (Read-only Domain Controllers), made when the domain
        /// reached the 2008 functional level, from when on password changes make AES keys (CES-C9's approximation).
        /// nil in snapshots that predate it.
        public var aesKeysSince: Collected<Date>? = nil
        /// The crossRef's nETBIOSName: the `CORP` of the `CORP\alice` names certutil prints.
        public var netbiosName: String? = nil
    }

    public var schemaVersion = 1
    public var collectedAt: Date
    public var domain: Domain
    public var enrollmentServices: Collected<[EnrollmentServiceRecord]>
    public var templates: Collected<[TemplateRecord]>
    public var oids: Collected<[OIDRecord]>
    /// Host-local evidence keyed by lower-cased host folder name (FQDN or short name); see `evidence(for:)`.
    public var evidence: [String: HostEvidence] = [:]
    /// Accounts saved for offline evaluation (`ces-audit snapshot`): CES principals, HTTP/ SPN holders, host
    /// and CA computers, named accounts, and with `allEnabledAccounts` every enabled user and computer.
    public var accounts: [AccountRecord]? = nil
    /// Whether `accounts` holds every enabled account (needed for an offline `scan`).
    public var allEnabledAccounts: Bool? = nil
    /// Users' descriptors and the builtin groups of every logon (CES-C10); nil in snapshots saved before.
    public var groupReadSample: GroupReadSample? = nil
    /// CA and CES host names (lower-cased) → DN of the computer account holding HOST/<name> or with that
    /// dNSHostName (CES-C1 compares computers, not names); nil in snapshots saved before.
    public var hostComputers: Collected<[String: String]>? = nil
    /// CA and CES host names that are CNAMEs in AD-integrated DNS → the name the chain ends at (CES-C1; its
    /// computer is in `hostComputers`); nil in snapshots saved before.
    public var dnsAliases: Collected<[String: String]>? = nil
    /// CES host names → the forest's `HTTP/<host>` holders from the global catalog (CES-C8), saved by
    /// `ces-audit snapshot`; nil in snapshots saved before.
    public var forestHTTPSPNHolders: [String: Collected<[String]>]? = nil
    /// The cACertificate values of `CN=Certification Authorities` and `CN=AIA` (root and intermediate CAs), from
    /// which CES-F6/F6b build each issuing CA's chain; nil in snapshots saved before.
    public var caCertificates: Collected<[Data]>? = nil
    /// The trustedDomain objects of the domain (external trusts; in the forest root, forest trusts too) for
    /// CES-C11; nil in snapshots saved before.
    public var trusts: Collected<[TrustRecord]>? = nil
    /// In a child domain, the forest root's trustedDomain objects (forest trusts), which the child's DCs do not
    /// hold; nil in the forest root domain and in snapshots saved before.
    public var forestRootTrusts: Collected<[TrustRecord]>? = nil
}

extension DirectorySnapshot {
    /// Snapshots saved before host evidence existed have no `evidence` key: they decode with none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        collectedAt = try container.decode(Date.self, forKey: .collectedAt)
        domain = try container.decode(Domain.self, forKey: .domain)
        enrollmentServices = try container.decode(
            Collected<[EnrollmentServiceRecord]>.self, forKey: .enrollmentServices)
        templates = try container.decode(Collected<[TemplateRecord]>.self, forKey: .templates)
        oids = try container.decode(Collected<[OIDRecord]>.self, forKey: .oids)
        evidence = try container.decodeIfPresent([String: HostEvidence].self, forKey: .evidence) ?? [:]
        accounts = try container.decodeIfPresent([AccountRecord].self, forKey: .accounts)
        allEnabledAccounts = try container.decodeIfPresent(Bool.self, forKey: .allEnabledAccounts)
        groupReadSample = try container.decodeIfPresent(GroupReadSample.self, forKey: .groupReadSample)
        hostComputers = try container.decodeIfPresent(Collected<[String: String]>.self, forKey: .hostComputers)
        dnsAliases = try container.decodeIfPresent(Collected<[String: String]>.self, forKey: .dnsAliases)
        forestHTTPSPNHolders = try container.decodeIfPresent(
            [String: Collected<[String]>].self, forKey: .forestHTTPSPNHolders)
        caCertificates = try container.decodeIfPresent(Collected<[Data]>.self, forKey: .caCertificates)
        trusts = try container.decodeIfPresent(Collected<[TrustRecord]>.self, forKey: .trusts)
        forestRootTrusts = try container.decodeIfPresent(Collected<[TrustRecord]>.self, forKey: .forestRootTrusts)
    }
}

extension DirectorySnapshot.Domain {
    /// Whether a KDC of the domain withholds forwardable tickets from Protected Users: MS-KILE 3.3.5.1 keys on
    /// the issuing DC's domainControllerFunctionality (≥ 6, Windows Server 2012 R2), not on the domain's level.
    public enum ProtectedUsersEnforcement: Sendable, Equatable {
        /// `domainController` is at `level` ≥ 6: tickets it issues for Protected Users are not forwardable.
        case enforced(domainController: String, level: Int)
        /// Every DC is below 6; the block starts with the first DC at 6 or above.
        case notYet(highestLevel: Int)
        case unknown(reason: String)
    }

    /// The lowest domainControllerFunctionality that enforces Protected Users (Windows Server 2012 R2).
    public static let protectedUsersMinimumLevel = 6

    public var protectedUsersEnforcement: ProtectedUsersEnforcement {
        let minimum = Self.protectedUsersMinimumLevel
        if let levels = domainControllerLevels?.value, !levels.isEmpty {
            if let (name, level) = levels.filter({ $0.value >= minimum }).min(by: { $0.key < $1.key }) {
                return .enforced(domainController: name, level: level)
            }
            return .notYet(highestLevel: levels.values.max() ?? 0)
        }
        if let level = boundDomainControllerLevel, level >= minimum {
            return .enforced(domainController: domainController ?? "the DC read from", level: level)
        }
        let reason = domainControllerLevels?.missingReason ?? "not collected"
        return .unknown(reason: "the functional levels of the domain controllers were not read (\(reason))")
    }
}
