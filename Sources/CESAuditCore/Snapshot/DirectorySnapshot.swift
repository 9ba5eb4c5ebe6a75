import Foundation

/// Everything the rules read from AD and from host evidence (`--evidence DIR`), typed and Codable so a run can be
/// saved and evaluated offline. Each datum says whether it was collected.
public struct DirectorySnapshot: Sendable, Codable, Equatable {
    public struct Domain: Sendable, Codable, Equatable {
        public var defaultNamingContext: String
        public var configurationNamingContext: String
        public var dnsName: String?
        public var sid: String?
        /// RootDSE domainFunctionality (Protected Users needs ≥ 6, Windows Server 2012 R2).
        public var functionalLevel: Int?
        public var domainController: String?
        /// RootDSE vendorName: tells a Samba DC (whose KDC is judged differently by CES-K1) from Windows AD.
        public var vendorName: String? = nil
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
    }
}
