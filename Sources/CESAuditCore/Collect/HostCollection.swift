import ADModel
import Foundation

/// One host `ces-audit collect` reads, and what it asks that host for.
public struct HostCollectionTarget: Sendable, Equatable {
    /// The host's DNS name, lower case (the evidence folder's name; Kerberos asks for `cifs/<host>`).
    public var host: String
    /// The CAs on this host: their common names, which name their `CertSvc\Configuration\<CA>` keys.
    public var caNames: [String]
    /// The CES instances on this host (`<CA>_CES_<Auth>`, the IIS application of each endpoint URL).
    public var cesInstances: [String]

    public init(host: String, caNames: [String] = [], cesInstances: [String] = []) {
        self.host = host
        self.caNames = caNames
        self.cesInstances = cesInstances
    }
}

/// Works out the hosts to read from what the directory names: every CA host (`dNSHostName` of the enrollment
/// services) and every CES host (the host of each `msPKI-Enrollment-Servers` URL).
public enum HostCollectionPlan {
    /// The hosts of `snapshot`, or only `requested` ones (which need not be in the directory: they are then read
    /// for the data every host has, without CA keys or CES instances). Sorted by host name.
    public static func targets(snapshot: DirectorySnapshot, requested: [String] = []) -> [HostCollectionTarget] {
        var byHost: [String: HostCollectionTarget] = [:]
        func add(_ host: String, ca: String? = nil, instance: String? = nil) {
            let host = normalized(host)
            // a value no DNS name can have (hostile or broken directory data) is not a host to connect to
            guard HostAddressOverride.isHostName(host) else { return }
            var target = byHost[host] ?? HostCollectionTarget(host: host)
            if let ca, !target.caNames.contains(ca) { target.caNames.append(ca) }
            if let instance, !target.cesInstances.contains(instance) { target.cesInstances.append(instance) }
            byHost[host] = target
        }
        for service in snapshot.enrollmentServices.value ?? [] {
            if let host = service.dnsHostName { add(host, ca: service.name) }
            for endpoint in service.endpoints {
                guard let url = endpoint.url, let parsed = try? EndpointURL(url) else { continue }
                let instance = parsed.cesInstance.map { "\($0.caName)_CES_\($0.authenticationSuffix)" }
                add(parsed.host, instance: instance)
            }
        }
        if !requested.isEmpty {
            let wanted = requested.map(normalized).filter(HostAddressOverride.isHostName)
            for host in wanted where byHost[host] == nil { byHost[host] = HostCollectionTarget(host: host) }
            byHost = byHost.filter { wanted.contains($0.key) }
        }
        return byHost.values.sorted { $0.host < $1.host }
    }

    /// The hosts a job needs: `user --endpoint` the endpoint's CES host and the hosts of the CAs publishing it,
    /// `server HOST` that host and the hosts of its CAs (`--ca`, else those publishing an endpoint on it, else
    /// every CA host); everything else every host. A job reads no host it has no rule for.
    public static func targets(snapshot: DirectorySnapshot, scope: CollectionScope) -> [HostCollectionTarget] {
        let services = snapshot.enrollmentServices.value ?? []
        var wanted: [String]
        switch scope {
        case .everyHost:
            return targets(snapshot: snapshot)
        case .endpoint(let url):
            guard let endpoint = try? EndpointURL(url) else { return targets(snapshot: snapshot) }
            let publishing = services.filter { service in
                service.endpoints.contains { $0.url?.lowercased() == url.lowercased() }
            }
            wanted = [endpoint.host] + publishing.compactMap(\.dnsHostName)
        case .cesHost(let host, let ca, let authentications):
            let host = normalized(host)
            var cas = services.filter { service in
                if let ca { return service.name.lowercased() == ca.lowercased() }
                return service.endpoints.contains { $0.host.map(normalized) == host }
            }
            if cas.isEmpty && ca == nil { cas = services }
            wanted = [host] + cas.compactMap(\.dnsHostName)
            var result = targets(snapshot: snapshot, requested: wanted)
            // `server --auth …` checks these instances on the CA it chooses (`--ca`, or the only one) whether or not
            // AD publishes them: read their files.
            if let named = try? ServerJob.choose(ca, from: services),
                let index = result.firstIndex(where: { $0.host == host })
            {
                for authentication in authentications {
                    let url = ServerJob.instanceURL(host: host, caName: named.name, authentication: authentication)
                    guard let instance = (try? EndpointURL(url))?.cesInstance else { continue }
                    let name = "\(instance.caName)_CES_\(instance.authenticationSuffix)"
                    if !result[index].cesInstances.contains(name) { result[index].cesInstances.append(name) }
                }
            }
            return result
        }
        return targets(snapshot: snapshot, requested: wanted)
    }

    public static func normalized(_ host: String) -> String {
        var host = host.lowercased()
        while host.hasSuffix(".") { host.removeLast() }
        return host
    }
}

/// Which hosts a job's `--collect` reads.
public enum CollectionScope: Sendable, Equatable {
    case everyHost
    /// `user --endpoint URL`.
    case endpoint(String)
    /// `server HOST [--ca NAME]`.
    case cesHost(String, ca: String?, authentications: [EnrollmentAuthentication] = [])
}

/// `--resolve HOST=ADDRESS` (as curl's): connect to ADDRESS, keep HOST for Kerberos and the evidence folder.
public struct HostAddressOverride: Sendable, Equatable {
    public var host: String
    public var address: String

    public init(parsing text: String) throws(HostCollectionError) {
        guard let equals = text.firstIndex(of: "=") else { throw .badResolve(text) }
        let host = HostCollectionPlan.normalized(String(text[..<equals]))
        let address = String(text[text.index(after: equals)...])
        guard Self.isHostName(host), Self.isAddress(address) else { throw .badResolve(text) }
        self.host = host
        self.address = address
    }

    /// A DNS name: ASCII letters, digits and hyphens, labels of 1 to 63, at most 253 in all.
    public static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// An IPv4 or IPv6 literal (no names: the point is to bypass resolution).
    static func isAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

public enum HostCollectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case badResolve(String)
    case badHost(String)

    public var description: String {
        switch self {
        case .badResolve(let text): "--resolve '\(text)': expected HOST=ADDRESS with an IPv4 or IPv6 address"
        case .badHost(let text): "'\(text)' is not a host name"
        }
    }
}

/// `manifest.json` of a host folder (docs/host-evidence-collection.md): what was collected, with SHA-256 per file,
/// and every datum that was not, with the reason.
public struct CollectionManifest: Codable, Sendable, Equatable {
    public struct Datum: Codable, Sendable, Equatable {
        public var datum: String
        public var status: String
        public var reason: String?
        /// The CA of a `ca-config` datum, the right of a `user-rights` datum the host did not answer for, the
        /// instance of a `web.config` datum.
        public var ca: String?
        public var right: String?
        public var instance: String?
        /// The file a collected `web.config` instance was written to.
        public var file: String?

        public init(datum: String, status: String, reason: String? = nil, ca: String? = nil, instance: String? = nil) {
            self.datum = datum
            self.status = status
            self.reason = reason
            self.ca = ca
            self.instance = instance
        }

        /// `datum` with its CA, right or instance, for a summary line.
        public var label: String { [datum, ca, right, instance].compactMap { $0 }.joined(separator: " ") }
    }

    public var schemaVersion = 1
    public var host: String
    public var address: String?
    public var collectedAt: String
    public var method: String
    public var signing: String?
    public var identity: String?
    public var files: [String: String]
    public var data: [Datum]

    /// The reason the collector gives a datum it has not reached yet (see libexec/ces-audit-collect.py).
    public static let notReached = "not reached"

    /// A manifest for a host whose collector never wrote one (it could not start, or was killed first): every
    /// datum the target asks for, unknown with `reason`.
    public init(target: HostCollectionTarget, address: String?, identity: String?, method: String, reason: String) {
        host = target.host
        self.address = address
        collectedAt = Self.timestamp()
        self.method = method
        self.identity = identity
        files = [:]
        var data = target.caNames.map { Datum(datum: "ca-config", status: "unknown", reason: reason, ca: $0) }
        data += ["ole", "lsa", "deviceguard", "user-rights", "local-groups"].map {
            Datum(datum: $0, status: "unknown", reason: reason)
        }
        data += target.cesInstances.map { Datum(datum: "web.config", status: "unknown", reason: reason, instance: $0) }
        if !target.cesInstances.isEmpty {
            data.append(Datum(datum: "applicationHost.config", status: "unknown", reason: reason))
        }
        self.data = data
    }

    /// The data the collector had not reached when it stopped get `reason` (a timeout, a crash).
    public mutating func finishUnreached(reason: String) {
        for index in data.indices where data[index].status != "collected" && data[index].reason == Self.notReached {
            data[index].reason = reason
        }
    }

    public var unknown: [Datum] { data.filter { $0.status != "collected" } }
    public var collectedCount: Int { data.filter { $0.status == "collected" }.count }

    static func timestamp() -> String { Date().iso8601UTC }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
