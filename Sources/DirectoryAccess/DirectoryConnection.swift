import Foundation

/// An authenticated session with one directory server, chosen from the configured URIs by failover.
///
/// The actor owns the non-Sendable `LDAPHandle` and runs every blocking libldap call on its own serial
/// queue. Results cross the actor boundary only as Sendable values (`LDAPEntry`, `SessionInfo`).
/// There is no add, modify or delete API: the tool is read-only by construction.
public actor DirectoryConnection {
    private let executor = SerialQueueExecutor(label: "ces-audit.ldap")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public nonisolated let configuration: ConnectionConfiguration
    private var handle: LDAPHandle?
    private var kerberosCache: KerberosCredentialCache?
    public private(set) var session: SessionInfo?
    public private(set) var rootDSE: RootDSE?

    private init(configuration: ConnectionConfiguration) { self.configuration = configuration }

    /// For a process that binds only simply or anonymously: libldap then initialises Cyrus SASL without loading
    /// its mechanism plugins (and their libcrypto, Berkeley DB and Kerberos), ≈ 5 ms of a one-shot run. A SASL
    /// bind in the same process then fails for want of a mechanism. Process-wide, and only before the first
    /// connection: once libldap has initialised, it has no effect.
    public static func skipSASLMechanisms() { LDAPHandle.skipSASLMechanisms() }

    /// Connects and binds, trying each URI in order. A URI that cannot be reached (down, timeout, TLS
    /// failure) is noted and the next one tried; an authentication failure stops at once.
    public static func connect(_ configuration: ConnectionConfiguration) async throws(LDAPError) -> DirectoryConnection
    {
        let connection = DirectoryConnection(configuration: configuration)
        try await connection.establish()
        return connection
    }

    private func establish() throws(LDAPError) {
        guard !configuration.uris.isEmpty else {
            throw LDAPError(kind: .connectError, code: -11, operation: "connect", message: "no LDAP URI to try")
        }
        if case .kerberosKeytab(let path, let principal) = configuration.credentials {
            kerberosCache = try KerberosCredentialCache(keytab: path, principal: principal)
        }
        var skipped: [SessionInfo.FailedURI] = []
        var lastError: LDAPError?
        for uri in configuration.uris {
            do {
                do {
                    try open(uri)
                } catch where error.transportBroke {
                    try open(uri)  // once: a handshake reset by a busy DC is usually gone on the next try
                }
                session?.failedURIs = skipped
                return
            } catch where error.isConnectivityFailure {
                skipped.append(.init(uri: uri.description, error: error.description))
                lastError = error
            }
        }
        if let lastError, skipped.count > 1 {
            throw LDAPError(
                kind: lastError.kind, code: lastError.code, operation: "connect",
                message: "no URI answered", diagnostic: skipped.map { "\($0.uri): \($0.error)" }.joined(separator: "; ")
            )
        }
        throw lastError ?? LDAPError(kind: .connectError, code: -11, operation: "connect", message: "no URI answered")
    }

    private func open(_ uri: LDAPURI) throws(LDAPError) {
        let candidate = try LDAPHandle(uri: uri, configuration: configuration)
        if configuration.startTLS {
            guard uri.scheme == .ldap else {
                throw LDAPError(
                    kind: .other, code: -9, operation: "StartTLS on \(uri)", message: "StartTLS needs an ldap:// URI")
            }
            try candidate.startTLS()
        }
        let mechanism: String
        var identity: String?
        var identitySource: SessionInfo.IdentitySource
        switch configuration.credentials {
        case .simple(let bindDN, let password):
            try candidate.bindSimple(dn: bindDN, password: password)
            mechanism = "simple"
            identity = bindDN
            identitySource = .bindDN
        case .kerberosCache:
            try candidate.bindGSSAPI(credentialCache: nil)
            mechanism = "GSSAPI"
            identity = candidate.saslUsername
            identitySource = .saslPrincipal
        case .kerberosKeytab:
            try candidate.bindGSSAPI(credentialCache: kerberosCache?.name)
            mechanism = "GSSAPI"
            identity = candidate.saslUsername
            identitySource = .saslPrincipal
        case .anonymous:
            mechanism = "anonymous"
            identitySource = .anonymous
        }
        // The RootDSE is read after the bind: it proves the session works and tells us about WhoAmI.
        let (entries, _) = try candidate.searchPage(
            SearchRequest(base: "", scope: .base, attributes: RootDSE.attributes), pageSize: nil, cookie: [])
        let root = entries.first.map(RootDSE.init(entry:))
        if root?.supportsWhoAmI == true, identitySource != .anonymous, let authzid = try? candidate.whoAmI(),
            !authzid.isEmpty
        {
            identity = authzid
            identitySource = .whoAmI
        }
        let tlsMode: SessionInfo.TLSMode = uri.scheme == .ldaps ? .ldaps : (configuration.startTLS ? .startTLS : .none)
        session = SessionInfo(
            uri: uri.description, tls: tlsMode,
            tlsVerified: tlsMode != .none && configuration.tls != .insecure,
            mechanism: mechanism, saslSecurityStrength: candidate.saslSecurityStrength,
            boundIdentity: identity, identitySource: identitySource, failedURIs: [])
        rootDSE = root
        handle = candidate
    }

    private func connectedHandle() throws(LDAPError) -> LDAPHandle {
        guard let handle else {
            throw LDAPError(kind: .serverDown, code: -1, operation: "search", message: "not connected")
        }
        return handle
    }

    /// One page of a search, with ranged attributes completed. `cookie` empty = first page.
    func page(_ request: SearchRequest, cookie: [UInt8]) throws(LDAPError) -> (entries: [LDAPEntry], cookie: [UInt8]) {
        let handle = try connectedHandle()
        let pageSize = pageSize(of: request)
        return try completed(try handle.searchPage(request, pageSize: pageSize, cookie: cookie), request, handle)
    }

    /// Several small searches at once, each answered in full: every first page is sent before any answer is
    /// read, so the DC works through them back to back — one round trip instead of one per search (`user` and
    /// `server` make a dozen). Further pages, if any, follow one by one. A base search of a DN that does not
    /// exist answers no entries. Each search succeeds or fails on its own.
    public func searchAll(_ requests: [SearchRequest]) -> [Result<[LDAPEntry], LDAPError>] {
        let handle: LDAPHandle
        do {
            handle = try connectedHandle()
        } catch {
            return requests.map { _ in .failure(error) }
        }
        let sent = requests.map { request in
            Result { () throws(LDAPError) in try handle.sendSearch(request, pageSize: pageSize(of: request), cookie: [])
            }
        }
        return zip(requests, sent).map { request, sent in
            Result { () throws(LDAPError) in
                let pageSize = pageSize(of: request)
                do throws(LDAPError) {
                    var page = try completed(
                        try handle.receivePage(try sent.get(), request, pageSize: pageSize), request, handle)
                    var entries = page.entries
                    while !page.cookie.isEmpty {
                        page = try self.page(request, cookie: page.cookie)
                        entries += page.entries
                    }
                    return entries
                } catch  where error.kind == .noSuchObject && request.scope == .base {
                    return []
                }
            }
        }
    }

    private func pageSize(of request: SearchRequest) -> Int? {
        request.scope == .base ? nil : (request.pageSize ?? configuration.pageSize)
    }

    private func completed(
        _ page: (entries: [LDAPEntry], cookie: [UInt8]), _ request: SearchRequest, _ handle: LDAPHandle
    ) throws(LDAPError) -> (entries: [LDAPEntry], cookie: [UInt8]) {
        guard request.completeRangedAttributes else { return page }
        var page = page
        for index in page.entries.indices {
            try completeRanges(&page.entries[index], handle: handle)
        }
        return page
    }

    /// AD returns large multi-valued attributes in chunks (`member;range=0-1499`); fetch the rest with
    /// base searches until the server marks the last chunk (`;range=n-*`).
    private func completeRanges(_ entry: inout LDAPEntry, handle: LDAPHandle) throws(LDAPError) {
        for key in entry.attributes.keys where key.contains(";range=") {
            guard var range = AttributeRange(parsing: key) else { continue }
            let name = entry.attributeNames[key].flatMap { AttributeRange(parsing: $0)?.attribute } ?? range.attribute
            entry.append(entry.removeValues(key), to: name)
            while let next = range.nextRequest {
                let (chunk, _) = try handle.searchPage(
                    SearchRequest(base: entry.dn, scope: .base, filter: "(objectClass=*)", attributes: [next]),
                    pageSize: nil, cookie: [])
                // The server announced more values (`;range=low-high`, not `-*`): a chunk that does not come, or
                // does not go on where the last one ended, would leave the attribute silently incomplete (a group
                // with members missing). That is an error, never the end of the values.
                guard let chunkEntry = chunk.first,
                    let chunkKey = chunkEntry.attributes.keys.first(where: {
                        AttributeRange(parsing: $0)?.attribute.lowercased() == range.attribute.lowercased()
                    }),
                    let chunkRange = AttributeRange(parsing: chunkKey), chunkRange.low == (range.high ?? 0) + 1
                else {
                    throw LDAPError(
                        kind: .decodingError, code: -4, operation: "read \(next) of \(entry.dn) on \(handle.uri)",
                        message: "ranged attribute incomplete",
                        diagnostic: "the server sent values up to \(range.high.map(String.init) ?? "*") of "
                            + "\(range.attribute) but not the next chunk")
                }
                entry.append(chunkEntry.values(chunkKey), to: name)
                range = chunkRange
            }
        }
    }

    /// Streams a search page by page: the next page is requested while the caller still works on the
    /// current one, and at most one page is held ahead, so memory stays flat however large the result.
    public nonisolated func search(_ request: SearchRequest) -> AsyncThrowingStream<[LDAPEntry], Error> {
        let cursor = PagedSearchCursor(connection: self, request: request)
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }

    /// Reads one entry by DN, or nil when it does not exist.
    public func read(_ dn: String, attributes: [String], securityDescriptorParts: SecurityDescriptorParts? = nil)
        throws(LDAPError) -> LDAPEntry?
    {
        let request = SearchRequest(
            base: dn, scope: .base, attributes: attributes, securityDescriptorParts: securityDescriptorParts)
        do {
            return try page(request, cookie: []).entries.first
        } catch  where error.kind == .noSuchObject {
            return nil
        }
    }
}

/// Holds the next page in flight while the consumer processes the current one.
private actor PagedSearchCursor {
    private let connection: DirectoryConnection
    private let request: SearchRequest
    private var inFlight: Task<(entries: [LDAPEntry], cookie: [UInt8]), Error>?
    private var started = false

    init(connection: DirectoryConnection, request: SearchRequest) {
        self.connection = connection
        self.request = request
    }

    private func fetch(_ cookie: [UInt8]) -> Task<(entries: [LDAPEntry], cookie: [UInt8]), Error> {
        let connection = connection
        let request = request
        return Task { try await connection.page(request, cookie: cookie) }
    }

    func next() async throws -> [LDAPEntry]? {
        if !started {
            started = true
            inFlight = fetch([])
        }
        guard let task = inFlight else { return nil }
        inFlight = nil
        let page = try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
        if !page.cookie.isEmpty && request.scope != .base { inFlight = fetch(page.cookie) }
        return page.entries
    }
}

/// How the session was established, for `doctor` and for the run context of every report.
public struct SessionInfo: Sendable, Codable, Equatable {
    public enum TLSMode: String, Sendable, Codable { case none, ldaps, startTLS }
    public enum IdentitySource: String, Sendable, Codable {
        /// RFC 4532 WhoAmI answered by the server.
        case whoAmI
        /// The DN given to the simple bind (the server has no WhoAmI).
        case bindDN
        /// The Kerberos principal the SASL/GSSAPI bind authenticated (the server has no WhoAmI).
        case saslPrincipal
        case anonymous
    }
    public struct FailedURI: Sendable, Codable, Equatable {
        public var uri: String
        public var error: String
    }

    public var uri: String
    public var tls: TLSMode
    public var tlsVerified: Bool
    public var mechanism: String
    /// SASL security strength factor: > 1 means the LDAP traffic is sealed.
    public var saslSecurityStrength: Int
    public var boundIdentity: String?
    public var identitySource: IdentitySource
    /// URIs tried before this one and why they failed.
    public var failedURIs: [FailedURI]
}
