import CLDAP
import Foundation
import Synchronization

/// The one owner of a libldap `LDAP*`. Every C pointer of the LDAP/SASL side lives and dies in this file.
///
/// Not Sendable on purpose: a handle carries per-handle state (result code, diagnostic, outstanding
/// message ids), so exactly one owner — the `DirectoryConnection` actor — may use it. Every method
/// blocks; the actor runs them on its own serial queue, never on the cooperative pool.
final class LDAPHandle {
    private let ld: OpaquePointer
    let uri: LDAPURI
    private let timeout: timeval
    /// Outlives the handle: libldap calls it on every (re)connect and once more while unbinding.
    private let connectCallback: UnsafeMutablePointer<ldap_conncb>
    private let watchdog = SocketWatchdog()
    /// Set after a successful bind: a connection lost later is a broken connection, not a failed TLS handshake.
    private var bound = false

    /// Serialises libldap's global initialisation, which is not thread-safe, across handles; true once a handle
    /// has been initialised (libldap has initialised SASL by then).
    private static let initialisation = Mutex(false)

    init(uri: LDAPURI, configuration: ConnectionConfiguration) throws(LDAPError) {
        BrokenPipeSignal.ignore()
        self.uri = uri
        let seconds = max(configuration.timeoutSeconds, 0.001)
        timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        connectCallback = .allocate(capacity: 1)
        connectCallback.initialize(
            to: ldap_conncb(
                lc_add: recordSocket, lc_del: forgetSocket, lc_arg: Unmanaged.passUnretained(watchdog).toOpaque()))
        var handle: OpaquePointer?
        let rc = Self.initialisation.withLock { initialised in
            initialised = true
            return ldap_initialize(&handle, uri.description)
        }
        guard rc == LDAP_SUCCESS, let handle else {
            connectCallback.deallocate()
            throw LDAPError(
                kind: .connectError, code: rc, operation: "initialise \(uri)",
                message: String(cString: ldap_err2string(rc)))
        }
        ld = handle
        try configure(configuration)
    }

    /// See `DirectoryConnection.skipSASLMechanisms()`.
    static func skipSASLMechanisms() {
        initialisation.withLock { initialised in
            guard !initialised else { return }
            // An empty plugin path: Cyrus SASL opens no directory and loads no mechanism.
            var noDirectory: [CChar] = [0]
            _ = noDirectory.withUnsafeMutableBufferPointer { sasl_set_path(SASL_PATH_TYPE_PLUGIN, $0.baseAddress) }
        }
    }

    deinit {
        ldap_unbind_ext_s(ld, nil, nil)
        connectCallback.deallocate()
    }

    // MARK: Options

    private func configure(_ configuration: ConnectionConfiguration) throws(LDAPError) {
        var version: Int32 = 3
        try setOption(LDAP_OPT_PROTOCOL_VERSION, &version, "protocol version")
        // Referrals off: AD returns continuation references from the domain root; chasing them would
        // bind to other servers with our credentials.
        try setOptionPointer(LDAP_OPT_REFERRALS, nil, "referrals")
        var limit = timeout
        try setOption(LDAP_OPT_NETWORK_TIMEOUT, &limit, "network timeout")
        try setOption(LDAP_OPT_TIMEOUT, &limit, "operation timeout")
        try setOptionPointer(LDAP_OPT_CONNECT_CB, connectCallback, "connect callback")

        var requireCertificate: Int32
        switch configuration.tls {
        case .insecure:
            requireCertificate = LDAP_OPT_X_TLS_NEVER
        case .verify(let caFile):
            requireCertificate = LDAP_OPT_X_TLS_DEMAND
            if let caFile {
                let rc = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, caFile)
                guard rc == LDAP_OPT_SUCCESS else { throw optionError("TLS CA file \(caFile)", rc) }
            }
        }
        try setOption(LDAP_OPT_X_TLS_REQUIRE_CERT, &requireCertificate, "TLS certificate verification")
        var minimum: Int32 = 0x0303  // LDAP_OPT_X_TLS_PROTOCOL_TLS1_2, a function-like macro
        try setOption(LDAP_OPT_X_TLS_PROTOCOL_MIN, &minimum, "TLS minimum version")
        // Per-handle TLS settings take effect only in a new TLS context.
        var isServer: Int32 = 0
        try setOption(LDAP_OPT_X_TLS_NEWCTX, &isServer, "TLS context")
    }

    private func setOption<T>(_ option: Int32, _ value: inout T, _ what: String) throws(LDAPError) {
        let rc = withUnsafeMutablePointer(to: &value) { ldap_set_option(ld, option, $0) }
        guard rc == LDAP_OPT_SUCCESS else { throw optionError(what, rc) }
    }

    private func setOptionPointer(_ option: Int32, _ value: UnsafeRawPointer?, _ what: String) throws(LDAPError) {
        let rc = ldap_set_option(ld, option, value)
        guard rc == LDAP_OPT_SUCCESS else { throw optionError(what, rc) }
    }

    private func optionError(_ what: String, _ rc: Int32) -> LDAPError {
        LDAPError(
            kind: .other, code: rc, operation: "set \(what) on \(uri)", message: String(cString: ldap_err2string(rc)))
    }

    // MARK: Errors

    /// The handle's last result code and diagnostic, as a typed error.
    /// Runs a blocking libldap call under the watchdog. libldap's timeouts do not cover every wait (a TLS
    /// handshake with a server that accepts but never answers blocks in read()), so after `timeout` the
    /// watchdog shuts the socket down, which ends the wait with an error we then report as a timeout.
    private func guarded(_ call: () -> Int32) -> Int32 {
        watchdog.arm(after: Double(timeout.tv_sec) + Double(timeout.tv_usec) / 1_000_000)
        let rc = call()
        if watchdog.disarm() && rc != LDAP_SUCCESS { return -5 }  // LDAP_TIMEOUT
        return rc
    }

    private func lastError(_ operation: String, code explicitCode: Int32? = nil) -> LDAPError {
        var code: Int32 = explicitCode ?? 0
        if explicitCode == nil { ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code) }
        var diagnosticPointer: UnsafeMutablePointer<CChar>?
        ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnosticPointer)
        var diagnostic: String?
        if let diagnosticPointer {
            diagnostic = String(cString: diagnosticPointer)
            ldap_memfree(diagnosticPointer)
        }
        return makeError(operation, code: code, diagnostic: diagnostic, matchedDN: nil)
    }

    private func makeError(_ operation: String, code: Int32, diagnostic: String?, matchedDN: String?) -> LDAPError {
        var kind = LDAPError.kind(forResultCode: code)
        var diagnostic = diagnostic
        var brokenTransport = false
        if kind == .timeout {
            diagnostic = "no answer within \(Self.seconds(timeout))s"
        } else if kind == .connectError || kind == .serverDown, watchdog.hasConnected, !bound,
            uri.scheme == .ldaps || operation.hasPrefix("StartTLS")
        {
            // TCP worked, so the TLS handshake failed; libldap's own text is often "(unknown error code)".
            // GnuTLS's pull/push errors and a premature end mean the transport broke, not the certificate.
            kind = .tlsFailure
            let transportBroke = ["pull function", "push function", "non-properly terminated"].contains {
                diagnostic?.contains($0) == true
            }
            let reason =
                transportBroke
                ? "the connection was closed or reset during the handshake"
                : "server certificate not trusted by the CA file, or issued for another host name than '\(uri.host)'"
            diagnostic = "TLS handshake failed (\(reason))" + (diagnostic.map { "; libldap: \($0)" } ?? "")
            brokenTransport = transportBroke
        }
        var error = LDAPError(
            kind: kind, code: code, operation: operation, message: String(cString: ldap_err2string(code)),
            diagnostic: diagnostic, matchedDN: matchedDN)
        error.transportBroke = brokenTransport
        return error
    }

    // MARK: TLS and binds

    func startTLS() throws(LDAPError) {
        let rc = guarded { ldap_start_tls_s(ld, nil, nil) }
        guard rc == LDAP_SUCCESS else { throw lastError("StartTLS on \(uri)", code: rc) }
    }

    /// Whether the session runs inside TLS (ldaps:// or after StartTLS).
    var tlsActive: Bool { ldap_tls_inplace(ld) != 0 }

    func bindSimple(dn: String, password: Secret) throws(LDAPError) {
        var bytes = Array(password.value.utf8)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        let rc = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var credential = berval(
                bv_len: ber_len_t(buffer.count),
                bv_val: UnsafeMutableRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self))
            // mechanism nil = LDAP_SASL_SIMPLE
            return guarded { ldap_sasl_bind_s(ld, dn, nil, &credential, nil, nil, nil) }
        }
        guard rc == LDAP_SUCCESS else { throw lastError("simple bind as \(dn) to \(uri)", code: rc) }
        bound = true
    }

    /// SASL/GSSAPI bind. `credentialCache` names the ccache for this thread only (gss_krb5_ccache_name is
    /// per thread in MIT krb5 and the whole interactive bind runs synchronously on this thread), so no
    /// process-global `KRB5CCNAME` is touched. nil uses the caller's default cache.
    func bindGSSAPI(credentialCache: String?) throws(LDAPError) {
        // The URI host is the SPN host: no reverse-DNS canonicalisation (127.0.0.1 would become localhost).
        try setOptionPointer(LDAP_OPT_X_SASL_NOCANON, cldap_opt_on(), "SASL no-canonicalisation")
        if uri.scheme == .ldaps || tlsActive {
            // AD refuses a SASL security layer inside TLS ("Sign or Seal are not allowed if TLS is used").
            let rc = ldap_set_option(ld, LDAP_OPT_X_SASL_SECPROPS, "maxssf=0")
            guard rc == LDAP_OPT_SUCCESS else { throw optionError("SASL security properties", rc) }
        } else {
            // On plain LDAP insist on integrity and confidentiality.
            let rc = ldap_set_option(ld, LDAP_OPT_X_SASL_SECPROPS, "minssf=56")
            guard rc == LDAP_OPT_SUCCESS else { throw optionError("SASL security properties", rc) }
        }

        var previousCache: UnsafePointer<CChar>?
        var minor: OM_uint32 = 0
        if let credentialCache {
            let major = gss_krb5_ccache_name(&minor, credentialCache, &previousCache)
            guard major == GSS_S_COMPLETE else {
                throw LDAPError(
                    kind: .authenticationFailure, code: -2, operation: "select credential cache",
                    message: "gss_krb5_ccache_name failed (major \(major), minor \(minor))")
            }
        }
        // Restore the thread's previous cache name: the serial queue's thread is reused by other jobs.
        defer {
            if credentialCache != nil {
                let restore = previousCache.map { String(cString: $0) }
                _ = gss_krb5_ccache_name(&minor, restore, nil)
            }
        }

        // The authorization identity: empty = act as the authenticated principal.
        let emptyAuthzid = strdup("")
        defer { free(emptyAuthzid) }
        let rc = guarded {
            ldap_sasl_interactive_bind_s(
                ld, nil, "GSSAPI", nil, nil, UInt32(LDAP_SASL_QUIET), saslInteract,
                UnsafeMutableRawPointer(emptyAuthzid))
        }
        guard rc == LDAP_SUCCESS else { throw lastError("SASL/GSSAPI bind to \(uri)", code: rc) }
        bound = true
    }

    /// Negotiated SASL security strength factor: 0 = none, 1 = integrity, > 1 = confidentiality.
    var saslSecurityStrength: Int {
        var ssf: sasl_ssf_t = 0
        guard ldap_get_option(ld, LDAP_OPT_X_SASL_SSF, &ssf) == LDAP_OPT_SUCCESS else { return 0 }
        return Int(ssf)
    }

    /// The authentication identity of the SASL bind (the Kerberos principal), if any.
    var saslUsername: String? {
        var name: UnsafeMutablePointer<CChar>?
        guard ldap_get_option(ld, LDAP_OPT_X_SASL_USERNAME, &name) == LDAP_OPT_SUCCESS, let name else { return nil }
        defer { ldap_memfree(name) }
        return String(cString: name)
    }

    /// RFC 4532 "Who am I?". Callers check the server advertises it first (Samba 4.17 does not).
    func whoAmI() throws(LDAPError) -> String {
        var authzid: UnsafeMutablePointer<berval>?
        let rc = guarded { ldap_whoami_s(ld, &authzid, nil, nil) }
        guard rc == LDAP_SUCCESS else { throw lastError("WhoAmI on \(uri)", code: rc) }
        defer { ber_bvfree(authzid) }
        guard let value = authzid?.pointee, let bytes = value.bv_val else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(value.bv_len)), as: UTF8.self)
    }

    // MARK: Search

    /// One page of a (paged) search: sends the request, decodes entries as they arrive, and returns the
    /// server's cookie for the next page (empty when done). `pageSize` nil sends no paging control.
    func searchPage(
        _ request: SearchRequest, pageSize: Int?, cookie: [UInt8]
    ) throws(LDAPError) -> (entries: [LDAPEntry], cookie: [UInt8]) {
        let messageID = try sendSearch(request, pageSize: pageSize, cookie: cookie)
        return try receivePage(messageID, request, pageSize: pageSize)
    }

    /// Sends a search (one page of it when `pageSize` is set) and returns its message ID without waiting: several
    /// searches can be in flight on the connection, each collected by `receivePage`.
    func sendSearch(_ request: SearchRequest, pageSize: Int?, cookie: [UInt8]) throws(LDAPError) -> Int32 {
        let operation = Self.operation(request, uri)
        var controls: [UnsafeMutablePointer<LDAPControl>?] = []
        defer { for control in controls { ldap_control_free(control) } }

        if let pageSize {
            var control: UnsafeMutablePointer<LDAPControl>?
            var cookieCopy = cookie
            let rc = cookieCopy.withUnsafeMutableBytes { buffer -> Int32 in
                var value = berval(
                    bv_len: ber_len_t(buffer.count), bv_val: buffer.baseAddress?.assumingMemoryBound(to: CChar.self))
                return ldap_create_page_control(ld, ber_int_t(pageSize), &value, 1, &control)
            }
            guard rc == LDAP_SUCCESS else {
                throw makeError(operation, code: rc, diagnostic: "paged results control", matchedDN: nil)
            }
            controls.append(control)
        }
        if let parts = request.securityDescriptorParts {
            var control: UnsafeMutablePointer<LDAPControl>?
            var bytes = parts.controlValue
            let rc = bytes.withUnsafeMutableBytes { buffer -> Int32 in
                var value = berval(
                    bv_len: ber_len_t(buffer.count), bv_val: buffer.baseAddress?.assumingMemoryBound(to: CChar.self))
                return ldap_control_create("1.2.840.113556.1.4.801", 1, &value, 1, &control)
            }
            guard rc == LDAP_SUCCESS else {
                throw makeError(operation, code: rc, diagnostic: "SD flags control", matchedDN: nil)
            }
            controls.append(control)
        }
        controls.append(nil)

        var messageID: Int32 = 0
        let sendRC = withCStringArray(request.attributes) { attributes in
            controls.withUnsafeMutableBufferPointer { controlArray in
                ldap_search_ext(
                    ld, request.base, request.scope.rawValue, request.filter, attributes, 0,
                    controlArray.count > 1 ? controlArray.baseAddress : nil, nil, nil, 0, &messageID)
            }
        }
        guard sendRC == LDAP_SUCCESS else { throw lastError(operation, code: sendRC) }
        return messageID
    }

    /// The entries and the next-page cookie of a search `sendSearch` sent. libldap keeps the answers to other
    /// message IDs that arrive meanwhile until they are asked for.
    func receivePage(
        _ messageID: Int32, _ request: SearchRequest, pageSize: Int?
    ) throws(LDAPError) -> (entries: [LDAPEntry], cookie: [UInt8]) {
        let operation = Self.operation(request, uri)
        var entries: [LDAPEntry] = []
        while true {
            var message: OpaquePointer?
            var wait = timeout
            let type = ldap_result(ld, messageID, LDAP_MSG_ONE, &wait, &message)
            if type == 0 {
                ldap_abandon_ext(ld, messageID, nil, nil)
                throw makeError(
                    operation, code: -5,
                    diagnostic: "no answer within \(Self.seconds(timeout))s; operation abandoned", matchedDN: nil)
            }
            guard type > 0, let message else {
                // -1: the connection broke (libldap may leave the result code at 0: report the broken connection,
                // not "Success").
                var code: Int32 = 0
                ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code)
                throw lastError(operation, code: code == LDAP_SUCCESS ? -1 : code)
            }
            defer { ldap_msgfree(message) }
            switch type {
            case Int32(LDAP_RES_SEARCH_ENTRY):
                entries.append(try decodeEntry(message, operation))
            case Int32(LDAP_RES_SEARCH_REFERENCE):
                continue  // continuation references (other partitions): not followed
            case Int32(LDAP_RES_SEARCH_RESULT):
                let nextCookie = try parseFinalResult(message, operation, expectsPaging: pageSize != nil)
                return (entries, nextCookie)
            default:
                continue
            }
        }
    }

    private static func operation(_ request: SearchRequest, _ uri: LDAPURI) -> String {
        "search \(request.base.isEmpty ? "RootDSE" : request.base) on \(uri)"
    }

    private func parseFinalResult(_ message: OpaquePointer, _ operation: String, expectsPaging: Bool) throws(LDAPError)
        -> [UInt8]
    {
        var resultCode: Int32 = 0
        var matched: UnsafeMutablePointer<CChar>?
        var diagnostic: UnsafeMutablePointer<CChar>?
        var serverControls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
        let rc = ldap_parse_result(ld, message, &resultCode, &matched, &diagnostic, nil, &serverControls, 0)
        defer {
            ldap_memfree(matched)
            ldap_memfree(diagnostic)
            ldap_controls_free(serverControls)
        }
        guard rc == LDAP_SUCCESS else { throw lastError(operation, code: rc) }
        guard resultCode == LDAP_SUCCESS else {
            throw makeError(
                operation, code: resultCode, diagnostic: diagnostic.map { String(cString: $0) },
                matchedDN: matched.map { String(cString: $0) })
        }
        guard expectsPaging, let pageControl = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, serverControls, nil) else {
            return []
        }
        var estimate: ber_int_t = 0
        var cookie = berval(bv_len: 0, bv_val: nil)
        let parseRC = ldap_parse_pageresponse_control(ld, pageControl, &estimate, &cookie)
        guard parseRC == LDAP_SUCCESS else {
            throw makeError(operation, code: parseRC, diagnostic: "malformed paged results response", matchedDN: nil)
        }
        defer { ber_memfree(cookie.bv_val) }
        guard let bytes = cookie.bv_val, cookie.bv_len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: Int(cookie.bv_len)))
    }

    /// Decodes an entry in place from the message's BER buffer (ldap_get_dn_ber / ldap_get_attribute_ber):
    /// only the value arrays are allocated by libldap.
    private func decodeEntry(_ message: OpaquePointer, _ operation: String) throws(LDAPError) -> LDAPEntry {
        var ber: OpaquePointer?
        var dnValue = berval(bv_len: 0, bv_val: nil)
        let rc = ldap_get_dn_ber(ld, message, &ber, &dnValue)
        guard rc == LDAP_SUCCESS else { throw lastError("decode entry in \(operation)", code: rc) }
        defer { ber_free(ber, 0) }
        var entry = LDAPEntry(dn: Self.string(dnValue))
        while true {
            var name = berval(bv_len: 0, bv_val: nil)
            var values: UnsafeMutablePointer<berval>?
            let attributeRC = ldap_get_attribute_ber(ld, message, ber, &name, &values)
            guard attributeRC == LDAP_SUCCESS else {
                throw makeError(
                    "decode entry \(entry.dn) in \(operation)", code: attributeRC, diagnostic: nil, matchedDN: nil)
            }
            guard name.bv_val != nil else { break }
            var decoded: [Data] = []
            if let values {
                var index = 0
                while let bytes = values[index].bv_val {
                    decoded.append(Data(bytes: bytes, count: Int(values[index].bv_len)))
                    index += 1
                }
                ber_memfree(values)
            }
            entry.append(decoded, to: Self.string(name))
        }
        return entry
    }

    private static func seconds(_ value: timeval) -> String {
        let seconds = Double(value.tv_sec) + Double(value.tv_usec) / 1_000_000
        return seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    private static func string(_ value: berval) -> String {
        guard let bytes = value.bv_val else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(value.bv_len)), as: UTF8.self)
    }
}

/// SASL interaction for GSSAPI: libsasl asks once for the authorization identity (SASL_CB_USER);
/// `defaults` points at the answer (an empty C string). Captures nothing, as a C callback must.
private let saslInteract:
    @convention(c) (OpaquePointer?, UInt32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32 = {
        _, _, defaults, interactions in
        guard let interactions else { return LDAP_SUCCESS }
        var prompt = interactions.assumingMemoryBound(to: sasl_interact_t.self)
        while prompt.pointee.id != UInt(bitPattern: Int(SASL_CB_LIST_END)) {
            let answer = UnsafeRawPointer(defaults) ?? UnsafeRawPointer(prompt.pointee.defresult)
            prompt.pointee.result = answer
            prompt.pointee.len = answer.map { UInt32(strlen($0.assumingMemoryBound(to: CChar.self))) } ?? 0
            prompt = prompt.successor()
        }
        return LDAP_SUCCESS
    }

/// Runs after every TCP connect: tells the watchdog which socket to cut if an operation hangs.
private let recordSocket:
    @convention(c) (
        OpaquePointer?, OpaquePointer?, UnsafeMutablePointer<LDAPURLDesc>?, UnsafeMutablePointer<sockaddr>?,
        UnsafeMutablePointer<ldap_conncb>?
    ) -> Int32 = { _, socketBuffer, _, _, callback in
        var descriptor: Int32 = -1
        guard ber_sockbuf_ctrl(socketBuffer, LBER_SB_OPT_GET_FD, &descriptor) == 1, descriptor >= 0,
            let argument = callback?.pointee.lc_arg
        else { return 0 }
        Unmanaged<SocketWatchdog>.fromOpaque(argument).takeUnretainedValue().socketOpened(descriptor)
        return 0
    }

/// Runs before a connection closes (and once with no socket while the handle is freed).
private let forgetSocket: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafeMutablePointer<ldap_conncb>?) -> Void =
    {
        _, _, callback in
        guard let argument = callback?.pointee.lc_arg else { return }
        Unmanaged<SocketWatchdog>.fromOpaque(argument).takeUnretainedValue().socketClosed()
    }

/// Calls `body` with a NULL-terminated `char **` of the strings (NULL itself for an empty list).
private func withCStringArray<R>(
    _ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> R
) -> R {
    guard !strings.isEmpty else { return body(nil) }
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
