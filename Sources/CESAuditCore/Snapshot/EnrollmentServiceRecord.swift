import ADModel
import Foundation

/// CES-C1's decision and what it was based on (said in the C1 finding).
public struct DelegationDecision: Sendable, Equatable {
    public var required: Bool
    public var basis: String
}

/// An enterprise CA as published in AD (`pKIEnrollmentService`), with its CES endpoints.
public struct EnrollmentServiceRecord: Sendable, Codable, Equatable {
    /// One `msPKI-Enrollment-Servers` value: parsed, or kept raw with the parse error.
    public struct Endpoint: Sendable, Codable, Equatable {
        public var raw: String
        public var priority: Int?
        public var authenticationFlag: UInt32?
        public var renewalOnly: Bool?
        public var url: String?
        public var keyBasedRenewal: Bool?
        /// Why the value could not be parsed ("malformed"), nil when it could.
        public var malformed: String?
        /// Host of the endpoint URL, lower-cased (worked out once: every finding on the endpoint names it).
        public private(set) var host: String?
        /// What tells this endpoint apart from another value with the same URL (CES publishes one URL for
        /// enrollment and again for renewal-only): `certificate, renewal-only, key-based renewal`. Worked out once,
        /// like `host`. nil for a malformed value.
        public private(set) var mode: String?

        init(raw: String) {
            self.raw = raw
            do {
                let entry = try EnrollmentServerEntry(value: raw)
                priority = entry.priority
                authenticationFlag = entry.authenticationFlag
                renewalOnly = entry.renewalOnly
                url = entry.url
                keyBasedRenewal = entry.keyBasedRenewal
            } catch {
                malformed = error.description
            }
            host = Self.host(of: url)
            mode = Self.mode(authenticationFlag, renewalOnly: renewalOnly, keyBasedRenewal: keyBasedRenewal)
        }

        enum CodingKeys: String, CodingKey {
            case raw, priority, authenticationFlag, renewalOnly, url, keyBasedRenewal, malformed
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            raw = try container.decode(String.self, forKey: .raw)
            priority = try container.decodeIfPresent(Int.self, forKey: .priority)
            authenticationFlag = try container.decodeIfPresent(UInt32.self, forKey: .authenticationFlag)
            renewalOnly = try container.decodeIfPresent(Bool.self, forKey: .renewalOnly)
            url = try container.decodeIfPresent(String.self, forKey: .url)
            keyBasedRenewal = try container.decodeIfPresent(Bool.self, forKey: .keyBasedRenewal)
            malformed = try container.decodeIfPresent(String.self, forKey: .malformed)
            host = Self.host(of: url)
            mode = Self.mode(authenticationFlag, renewalOnly: renewalOnly, keyBasedRenewal: keyBasedRenewal)
        }

        static func mode(_ flag: UInt32?, renewalOnly: Bool?, keyBasedRenewal: Bool?) -> String? {
            guard let flag else { return nil }
            var parts: [String]
            switch EnrollmentAuthentication(rawValue: flag) {
            case .kerberos?: parts = ["kerberos"]
            case .usernamePassword?: parts = ["username"]
            case .certificate?: parts = ["certificate"]
            case .anonymous?: parts = ["anonymous"]
            case EnrollmentAuthentication.none?, nil: parts = ["authentication flag \(flag)"]
            }
            if renewalOnly == true { parts.append("renewal-only") }
            if keyBasedRenewal == true { parts.append("key-based renewal") }
            return parts.joined(separator: ", ")
        }

        static func host(of url: String?) -> String? { url.flatMap { try? EndpointURL($0) }?.host.lowercased() }

        /// docs/rules.md §1 and CES-C1: the CES principal must delegate the requester's identity to the CA when the
        /// endpoint is Kerberos (2) or Certificate (8), not renewal-only, and the CA runs on another computer; nil
        /// when that cannot be decided (malformed value, unknown hosts). Whether delegation is needed and why. "CA on the CES host" is a question of the same computer (issue 21
        /// item 5): when `computers` (host name → DN of the computer holding HOST/<name>) knows both names, their
        /// accounts decide, so an alias or a load-balancer name of the CA host does not count as another host. A
        /// name no computer holds is looked up through `aliases` (AD DNS CNAME → the name its chain ends at).
        /// `renewalByDelegation`: on a renewal-only endpoint the CES principal renews by protocol transition and
        /// constrained delegation (CES-E2's alternative model), so the mapped account is delegated after all.
        public func delegationDecision(
            toCAHost caHost: String?, computers: [String: String]?, aliases: [String: String]? = nil,
            renewalByDelegation: Bool = false
        ) -> DelegationDecision? {
            guard malformed == nil, let flag = authenticationFlag, let renewalOnly else { return nil }
            guard flag == 2 || flag == 8 else {
                return DelegationDecision(required: false, basis: "authentication flag \(flag) needs no delegation")
            }
            guard !renewalOnly || renewalByDelegation else {
                return DelegationDecision(required: false, basis: "renewal-only: the CES principal submits itself")
            }
            guard let host, let caHost = caHost?.lowercased() else { return nil }
            let ces = Self.computer(of: host, role: "CES", computers: computers, aliases: aliases)
            let ca = Self.computer(of: caHost, role: "CA", computers: computers, aliases: aliases)
            if let ces, let ca {
                if ces.dn.lowercased() == ca.dn.lowercased() {
                    return DelegationDecision(
                        required: false,
                        basis: "\(ces.named) and \(ca.named) are the same computer account \(ces.dn)")
                }
                return DelegationDecision(
                    required: true,
                    basis: "\(ces.named) (\(ces.dn)) and \(ca.named) (\(ca.dn)) are different computer accounts")
            }
            // Only AD-integrated DNS is read: an alias known only to other DNS servers (or a load balancer) is a
            // different name here.
            let unresolved =
                "by host name: no computer account holds HOST/ of both names, and neither resolves to one through a"
                + " CNAME in AD-integrated DNS (other DNS servers are not consulted)"
            return host == caHost
                ? DelegationDecision(required: false, basis: "CES host = CA host \(host) (\(unresolved))")
                : DelegationDecision(required: true, basis: "CES host \(host) ≠ CA host \(caHost) (\(unresolved))")
        }

        /// The computer account behind a host name and how it was found: HOST/<name> (or dNSHostName) itself,
        /// else the holder of the name an AD DNS CNAME chain ends at.
        private static func computer(
            of host: String, role: String, computers: [String: String]?, aliases: [String: String]?
        ) -> (dn: String, named: String)? {
            if let dn = computers?[host] { return (dn, "\(role) host \(host)") }
            guard let target = aliases?[host], let dn = computers?[target] else { return nil }
            return (dn, "\(role) host \(host) (a CNAME of \(target) in AD DNS)")
        }
    }

    public var dn: String
    /// The CA's common name (`cn`).
    public var name: String
    public var dnsHostName: String?
    public var certificateTemplates: [String]
    public var endpoints: [Endpoint]
    public var caCertificate: Data?
    public var securityDescriptor: Collected<Data>

    /// `<host>\<name>`, the CA config string certutil takes.
    public var configString: String { "\(dnsHostName ?? "?")\\\(name)" }

    static let attributes = [
        "cn", "dNSHostName", "certificateTemplates", "msPKI-Enrollment-Servers", "cACertificate",
        "nTSecurityDescriptor",
    ]
}
