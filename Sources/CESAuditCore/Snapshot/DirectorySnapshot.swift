import Foundation

/// Everything the rules read from AD (and, later, from host evidence), typed and Codable so a run can be
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
    }

    public var schemaVersion = 1
    public var collectedAt: Date
    public var domain: Domain
    public var enrollmentServices: Collected<[EnrollmentServiceRecord]>
    public var templates: Collected<[TemplateRecord]>
    public var oids: Collected<[OIDRecord]>
    /// Accounts read so far, keyed by lower-cased DN (requesters, CES principals, CA computers).
    public var accounts: [String: AccountRecord]

    public func account(dn: String) -> AccountRecord? { accounts[dn.lowercased()] }
}
