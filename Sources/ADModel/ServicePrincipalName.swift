/// A service principal name: `serviceClass/host[:port][/serviceName]` (MS-ADTS 2.2.21).
///
/// Comparison is case-insensitive. `HTTP/ces01` and `HTTP/ces01.corp.example` are different SPNs;
/// ``matches(serviceClass:host:)`` lets callers accept either form on purpose (CES-C2, CES-C8).
public struct ServicePrincipalName: Sendable, Hashable, CustomStringConvertible {
    /// `HOST`, `RPCSS`, `HTTP`, …
    public let serviceClass: String
    /// The host part (short name or FQDN), as written.
    public let host: String
    /// The optional port.
    public let port: Int?
    /// The optional service name after a second `/`.
    public let serviceName: String?

    /// Creates an SPN from its parts.
    public init(serviceClass: String, host: String, port: Int? = nil, serviceName: String? = nil) {
        self.serviceClass = serviceClass
        self.host = host
        self.port = port
        self.serviceName = serviceName
    }

    /// Parses an SPN string.
    public init(_ text: String) throws(SPNError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { throw .malformed(text, "expected class/host[:port][/name]") }
        let serviceClass = String(parts[0])
        guard !serviceClass.isEmpty, !serviceClass.contains(where: { $0 == ":" || $0 == " " }) else {
            throw .malformed(text, "empty or invalid service class")
        }
        var hostPart = parts[1]
        var port: Int?
        if let colon = hostPart.lastIndex(of: ":") {
            guard let value = Int(hostPart[hostPart.index(after: colon)...]), (0...65535).contains(value) else {
                throw .malformed(text, "invalid port")
            }
            port = value
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty, !hostPart.contains(" ") else { throw .malformed(text, "empty or invalid host") }
        var serviceName: String?
        if parts.count == 3 {
            guard !parts[2].isEmpty else { throw .malformed(text, "empty service name") }
            serviceName = String(parts[2])
        }
        self.init(serviceClass: serviceClass, host: String(hostPart), port: port, serviceName: serviceName)
    }

    public var description: String {
        var out = serviceClass + "/" + host
        if let port { out += ":\(port)" }
        if let serviceName { out += "/" + serviceName }
        return out
    }

    /// The first DNS label of the host (`ca01` for `ca01.corp.example`).
    public var shortHost: String { String(host.split(separator: ".").first ?? Substring(host)) }

    /// True when the host is a dotted name (FQDN form).
    public var isFullyQualified: Bool { host.contains(".") }

    /// Case-insensitive equality of every part.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.serviceClass.lowercased() == rhs.serviceClass.lowercased() && lhs.host.lowercased() == rhs.host.lowercased()
            && lhs.port == rhs.port && lhs.serviceName?.lowercased() == rhs.serviceName?.lowercased()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(serviceClass.lowercased())
        hasher.combine(host.lowercased())
        hasher.combine(port)
        hasher.combine(serviceName?.lowercased())
    }

    /// Whether this SPN names `serviceClass` on `host` (case-insensitive, no port or service name).
    /// With `acceptShortOrFQDN`, `HOST/ca01` also matches `ca01.corp.example` and vice versa.
    public func matches(serviceClass: String, host: String, acceptShortOrFQDN: Bool = false) -> Bool {
        guard self.serviceClass.lowercased() == serviceClass.lowercased(), port == nil, serviceName == nil else {
            return false
        }
        let mine = self.host.lowercased()
        let theirs = host.lowercased()
        if mine == theirs { return true }
        guard acceptShortOrFQDN else { return false }
        let myShort = mine.split(separator: ".").first.map(String.init) ?? mine
        let theirShort = theirs.split(separator: ".").first.map(String.init) ?? theirs
        // One side short, the other an FQDN with the same first label.
        return myShort == theirShort && (mine.contains(".") != theirs.contains("."))
    }
}

/// Why an SPN could not be parsed.
public enum SPNError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed(String, String)

    public var description: String {
        switch self {
        case .malformed(let text, let reason): "malformed SPN '\(text)': \(reason)"
        }
    }
}
