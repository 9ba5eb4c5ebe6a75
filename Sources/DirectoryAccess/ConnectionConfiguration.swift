/// Everything needed to reach and bind to a directory server. No secret is kept longer than the bind needs.
public struct ConnectionConfiguration: Sendable {
    public enum Credentials: Sendable {
        /// Simple bind. The password comes from a file or the environment, never from argv.
        case simple(bindDN: String, password: Secret)
        /// SASL/GSSAPI with the caller's credential cache (`KRB5CCNAME` or the default).
        case kerberosCache
        /// SASL/GSSAPI with a key from a keytab, through a process-private in-memory credential cache.
        case kerberosKeytab(path: String, principal: String)
        /// No bind: what the server shows anonymously (the RootDSE).
        case anonymous
    }

    public enum TLSVerification: Sendable, Equatable {
        /// Verify the server certificate and host name against these PEM anchors (or the system's when nil).
        case verify(caFile: String?)
        /// Accept any certificate. Callers must warn on every run.
        case insecure
    }

    /// Tried in order until one binds (failover).
    public var uris: [LDAPURI]
    public var startTLS: Bool
    public var tls: TLSVerification
    public var credentials: Credentials
    /// Network and per-operation timeout.
    public var timeoutSeconds: Double
    /// Page size for paged searches (RFC 2696). AD's MaxPageSize default is 1000.
    public var pageSize: Int

    public init(
        uris: [LDAPURI], startTLS: Bool = false, tls: TLSVerification = .verify(caFile: nil),
        credentials: Credentials, timeoutSeconds: Double = 30, pageSize: Int = 1000
    ) {
        self.uris = uris
        self.startTLS = startTLS
        self.tls = tls
        self.credentials = credentials
        self.timeoutSeconds = timeoutSeconds
        self.pageSize = pageSize
    }
}

/// A password held only in memory; its description never shows the value.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}

/// An `ldap://` or `ldaps://` URI with a host and optional port. Parsed strictly so a typo fails early.
public struct LDAPURI: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable { case ldap, ldaps }
    public let scheme: Scheme
    public let host: String
    public let port: Int?

    public init(scheme: Scheme, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(LDAPURIError) {
        let lowered = text.lowercased()
        let scheme: Scheme
        let rest: Substring
        if lowered.hasPrefix("ldaps://") {
            scheme = .ldaps
            rest = text.dropFirst("ldaps://".count)
        } else if lowered.hasPrefix("ldap://") {
            scheme = .ldap
            rest = text.dropFirst("ldap://".count)
        } else {
            throw LDAPURIError(text: text, reason: "must start with ldap:// or ldaps://")
        }
        var hostPort = rest
        if hostPort.hasSuffix("/") { hostPort = hostPort.dropLast() }
        guard !hostPort.isEmpty else { throw LDAPURIError(text: text, reason: "no host") }
        guard !hostPort.contains("/"), !hostPort.contains("?"), !hostPort.contains("@") else {
            throw LDAPURIError(text: text, reason: "only scheme://host[:port] is accepted")
        }
        var host = String(hostPort)
        var port: Int?
        if hostPort.hasPrefix("[") {  // [IPv6]:port
            guard let close = hostPort.firstIndex(of: "]") else {
                throw LDAPURIError(text: text, reason: "unclosed IPv6 bracket")
            }
            host = String(hostPort[...close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else {
                    throw LDAPURIError(text: text, reason: "bad port")
                }
                port = value
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let value = Int(hostPort[hostPort.index(after: colon)...]) else {
                throw LDAPURIError(text: text, reason: "bad port")
            }
            port = value
        }
        if let port, !(1...65535).contains(port) { throw LDAPURIError(text: text, reason: "port out of range") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_[]:")
        guard !host.isEmpty, host.allSatisfy({ allowed.contains($0) }) else {
            throw LDAPURIError(text: text, reason: "bad host name")
        }
        self.init(scheme: scheme, host: host, port: port)
    }

    public var description: String {
        if let port { return "\(scheme.rawValue)://\(host):\(port)" }
        return "\(scheme.rawValue)://\(host)"
    }
}

public struct LDAPURIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "invalid LDAP URI '\(text)': \(reason)" }
}

extension LDAPURI {
    /// The global catalog of the same server: port 3268, or 3269 over LDAPS, where a DC that is a global
    /// catalog answers for the whole forest. A DC that is not a GC refuses these ports, and the search says so.
    public var globalCatalog: LDAPURI { LDAPURI(scheme: scheme, host: host, port: scheme == .ldaps ? 3269 : 3268) }
}
