import CCurl
import CLDAP
import Foundation

/// One GET of an endpoint URL through libcurl, as Swift values: the transport stage it failed at, or the response
/// heads (every one: an authenticated GET gets a 401 first), the peer's certificate chain and the timings.
/// Every libcurl pointer of the package lives and dies in this file.
public enum HTTPTransfer {
    /// How the TLS peer is checked.
    public enum Trust: Sendable, Equatable {
        /// No verification: only to read the certificate, which the caller then judges itself.
        case readOnly
        /// The chain (signatures, validity, trust) verified against these PEM anchors (nil: the system's); the
        /// host name is not checked here, the caller judges it from the certificate with its own reason.
        case verifyChain(caFile: String?)
    }

    public struct Request: Sendable {
        public var url: String
        public var trust: Trust
        public var timeoutSeconds: Double
        /// `HOST:ADDRESS` pairs: connect to ADDRESS for HOST instead of asking DNS (one node of a farm).
        public var resolve: [String]
        /// SPNEGO with the Kerberos tickets of this credential cache (`MEMORY:…`); nil: no authentication at all.
        public var negotiateCache: String?

        public init(
            url: String, trust: Trust, timeoutSeconds: Double, resolve: [String] = [], negotiateCache: String? = nil
        ) {
            self.url = url
            self.trust = trust
            self.timeoutSeconds = timeoutSeconds
            self.resolve = resolve
            self.negotiateCache = negotiateCache
        }
    }

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct ResponseHead: Sendable, Equatable {
        public var status: Int
        public var headers: [Header]

        public init(status: Int, headers: [Header]) {
            self.status = status
            self.headers = headers
        }

        public func values(_ name: String) -> [String] {
            headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
        }
    }

    /// Where a transfer stopped before a complete HTTP answer.
    public enum Stage: String, Sendable, Equatable {
        case nameResolution = "name resolution"
        case connect = "TCP connect"
        case tlsHandshake = "TLS handshake"
        /// A new handshake the server started after the request (TLS 1.2 renegotiation) failed.
        case renegotiation = "TLS renegotiation"
        case response = "HTTP response"
    }

    /// Whether the server asked for a client certificate (a TLS CertificateRequest), as GnuTLS recorded it for the
    /// connection: read when the handshake completed (before the request is sent) and again when the answer
    /// arrives, which also sees a request made by renegotiating after the request (TLS 1.2).
    public enum ClientCertificateRequest: Sendable, Equatable {
        case notAsked
        /// In the handshake, before the request was sent.
        case inHandshake
        /// Only after the request, by a new handshake (TLS 1.2 renegotiation).
        case afterRequest
        /// The TLS session is not GnuTLS's (another libcurl flavour): not readable.
        case unreadable
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var stage: Stage
        public var timedOut: Bool
        /// libcurl's CURLcode and its message (with the TLS library's detail).
        public var code: Int
        public var message: String

        public init(stage: Stage, timedOut: Bool, code: Int, message: String) {
            self.stage = stage
            self.timedOut = timedOut
            self.code = code
            self.message = message
        }

        public var description: String {
            "\(stage.rawValue) \(timedOut ? "timed out" : "failed"): \(message) (curl \(code))"
        }
    }

    public struct Result: Sendable {
        public var failure: Failure?
        public var responses: [ResponseHead]
        /// The peer's chain as PEM, leaf first (read with `.readOnly` trust).
        public var certificatesPEM: [String]
        public var connectedAddress: String?
        /// nil: no TLS session was completed (plain http, or the handshake failed).
        public var clientCertificateRequest: ClientCertificateRequest?
    }

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Runs the GET synchronously on the calling thread: MIT's gss_krb5_ccache_name, which points libcurl's
    /// SPNEGO at the in-memory cache, is per thread.
    public static func get(_ request: Request) -> Result {
        var result = Result(failure: nil, responses: [], certificatesPEM: [], connectedAddress: nil)
        guard globalInit, let handle = curl_easy_init() else {
            result.failure = Failure(stage: .connect, timedOut: false, code: -1, message: "libcurl did not initialise")
            return result
        }
        defer { curl_easy_cleanup(handle) }
        let collector = HeaderCollector(handle: handle)
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let resolveList = resolveEntries(request.resolve, ports: [80, 443, URLComponents(string: request.url)?.port])
        defer { curl_slist_free_all(resolveList) }
        let milliseconds = max(1, Int(request.timeoutSeconds * 1000))
        var rc = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            var rc = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
            func set(_ option: CURLoption, _ value: Int) {
                if rc == CURLE_OK { rc = ccurl_setopt_long(handle, option, value) }
            }
            set(CURLOPT_NOSIGNAL, 1)
            set(CURLOPT_HTTPGET, 1)
            set(CURLOPT_FOLLOWLOCATION, 0)
            set(CURLOPT_TIMEOUT_MS, milliseconds)
            set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
            set(CURLOPT_CERTINFO, 1)
            if rc == CURLE_OK { rc = ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https") }
            if rc == CURLE_OK { rc = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress) }
            if rc == CURLE_OK { rc = ccurl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, headerReceived) }
            if rc == CURLE_OK { rc = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context) }
            if rc == CURLE_OK { rc = ccurl_setopt_prereq_function(handle, connectionReady) }
            if rc == CURLE_OK { rc = ccurl_setopt_pointer(handle, CURLOPT_PREREQDATA, context) }
            // The body (the service description) is not needed: read and dropped.
            if rc == CURLE_OK { rc = ccurl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, bodyReceived) }
            if rc == CURLE_OK, let resolveList { rc = ccurl_setopt_pointer(handle, CURLOPT_RESOLVE, resolveList) }
            switch request.trust {
            case .readOnly:
                set(CURLOPT_SSL_VERIFYPEER, 0)
                set(CURLOPT_SSL_VERIFYHOST, 0)
            case .verifyChain(let caFile):
                set(CURLOPT_SSL_VERIFYPEER, 1)
                set(CURLOPT_SSL_VERIFYHOST, 0)
                if rc == CURLE_OK, let caFile { rc = ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
            }
            if request.negotiateCache != nil {
                // Negotiate only: never Basic (a password) and never NTLM. The empty user tells libcurl to use
                // the GSS-API credentials.
                set(CURLOPT_HTTPAUTH, ccurl_auth_negotiate())
                if rc == CURLE_OK { rc = ccurl_setopt_string(handle, CURLOPT_USERPWD, ":") }
            }
            return rc
        }
        if rc == CURLE_OK {
            var previous: UnsafePointer<CChar>?
            var minor: OM_uint32 = 0
            if let cache = request.negotiateCache { _ = gss_krb5_ccache_name(&minor, cache, &previous) }
            rc = curl_easy_perform(handle)
            if request.negotiateCache != nil { _ = gss_krb5_ccache_name(&minor, previous, nil) }
        }
        result.responses = collector.responses
        result.clientCertificateRequest = collector.clientCertificateRequest
        result.certificatesPEM = certificates(handle)
        var address: UnsafeMutablePointer<CChar>?
        if ccurl_getinfo_string(handle, CURLINFO_PRIMARY_IP, &address) == CURLE_OK, let address, address.pointee != 0 {
            result.connectedAddress = String(cString: address)
        }
        if rc != CURLE_OK {
            var stage = stage(of: rc, handle: handle)
            // A handshake failure after the first one completed: the server renegotiated after the request.
            if stage == .tlsHandshake && collector.clientCertificateRequest != nil { stage = .renegotiation }
            // libcurl's connect phase includes the TLS handshake: a timeout there may be either.
            if stage == .connect && rc == CURLE_OPERATION_TIMEDOUT && request.url.lowercased().hasPrefix("https:")
                && tcpConnects(request, seconds: min(request.timeoutSeconds, 3)) == nil
            {
                stage = .tlsHandshake
            }
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
            result.failure = Failure(
                stage: stage, timedOut: rc == CURLE_OPERATION_TIMEDOUT,
                code: Int(rc.rawValue), message: message)
        }
        return result
    }

    /// Whether a TCP connection to the URL's host and port opens within the time limit (libcurl CONNECT_ONLY,
    /// nothing sent): tells "accepts TCP, never answers TLS" from "does not accept TCP" after a connect-phase
    /// timeout, which libcurl reports alike.
    private static func tcpConnects(_ request: Request, seconds: Double) -> Failure? {
        guard globalInit, let handle = curl_easy_init(), var components = URLComponents(string: request.url) else {
            return Failure(stage: .connect, timedOut: false, code: -1, message: "libcurl did not initialise")
        }
        defer { curl_easy_cleanup(handle) }
        if components.port == nil { components.port = components.scheme?.lowercased() == "https" ? 443 : 80 }
        components.scheme = "http"
        let resolveList = resolveEntries(request.resolve, ports: [components.port])
        defer { curl_slist_free_all(resolveList) }
        let milliseconds = max(1, Int(seconds * 1000))
        var rc = ccurl_setopt_string(handle, CURLOPT_URL, components.string ?? request.url)
        if rc == CURLE_OK { rc = ccurl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1) }
        if rc == CURLE_OK { rc = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) }
        if rc == CURLE_OK { rc = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds) }
        if rc == CURLE_OK, let resolveList { rc = ccurl_setopt_pointer(handle, CURLOPT_RESOLVE, resolveList) }
        if rc == CURLE_OK { rc = curl_easy_perform(handle) }
        guard rc != CURLE_OK else { return nil }
        return Failure(
            stage: rc == CURLE_COULDNT_RESOLVE_HOST ? .nameResolution : .connect,
            timedOut: rc == CURLE_OPERATION_TIMEDOUT, code: Int(rc.rawValue),
            message: String(cString: curl_easy_strerror(rc)))
    }

    /// CURLOPT_RESOLVE entries `HOST:PORT:ADDRESS` for `HOST:ADDRESS` pairs on each port (the caller frees the
    /// list with curl_slist_free_all).
    private static func resolveEntries(_ pairs: [String], ports: [Int?]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for pair in pairs {
            let parts = pair.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            for port in Set(ports.compactMap { $0 }) {
                list = curl_slist_append(list, "\(parts[0]):\(port):\(parts[1])")
            }
        }
        return list
    }

    private static func stage(of code: CURLcode, handle: UnsafeMutableRawPointer) -> Stage {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST: return .nameResolution
        case CURLE_COULDNT_CONNECT: return .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CLIENTCERT:
            return .tlsHandshake
        default:
            // A timeout: the first timing still zero tells which stage never finished.
            func seconds(_ info: CURLINFO) -> Double {
                var value = 0.0
                _ = ccurl_getinfo_double(handle, info, &value)
                return value
            }
            if seconds(CURLINFO_NAMELOOKUP_TIME) == 0 { return .nameResolution }
            if seconds(CURLINFO_CONNECT_TIME) == 0 { return .connect }
            var scheme: UnsafeMutablePointer<CChar>?
            let https =
                ccurl_getinfo_string(handle, CURLINFO_SCHEME, &scheme) == CURLE_OK
                && scheme.map { String(cString: $0).lowercased() == "https" } == true
            if https && seconds(CURLINFO_APPCONNECT_TIME) == 0 { return .tlsHandshake }
            return .response
        }
    }

    /// CURLINFO_CERTINFO: per certificate a list of `Field:value` strings; `Cert:` holds the PEM.
    private static func certificates(_ handle: UnsafeMutableRawPointer) -> [String] {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard ccurl_getinfo_certinfo(handle, &info) == CURLE_OK, let info, let chain = info.pointee.certinfo else {
            return []
        }
        var out: [String] = []
        for index in 0..<Int(info.pointee.num_of_certs) {
            var item = chain[index]
            while let node = item {
                if let data = node.pointee.data {
                    let field = String(cString: data)
                    if field.hasPrefix("Cert:") { out.append(String(field.dropFirst(5))) }
                }
                item = node.pointee.next
            }
        }
        return out
    }
}

/// Collects the response heads libcurl hands over one header line at a time, and what the TLS session says about a
/// client certificate request when the connection is ready and when each answer starts.
private final class HeaderCollector {
    let handle: UnsafeMutableRawPointer
    var responses: [HTTPTransfer.ResponseHead] = []
    var clientCertificateRequest: HTTPTransfer.ClientCertificateRequest?

    init(handle: UnsafeMutableRawPointer) { self.handle = handle }

    /// `answering`: called when an answer starts (after the request), not when the connection is ready.
    func readClientCertificateRequest(answering: Bool) {
        let seen: HTTPTransfer.ClientCertificateRequest?
        switch ccurl_client_certificate_requested(handle) {
        case 1: seen = answering ? .afterRequest : .inHandshake
        case 0: seen = .notAsked
        case -1: seen = .unreadable
        default: seen = nil
        }
        // A request once seen stays (a later handshake does not undo it); one first seen before a later request
        // of the transfer (Negotiate's second round) came after the first request.
        switch (clientCertificateRequest, seen) {
        case (.inHandshake?, _), (.afterRequest?, _), (_, nil): break
        case (.notAsked?, .inHandshake?): clientCertificateRequest = .afterRequest
        default: clientCertificateRequest = seen
        }
    }

    func add(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            readClientCertificateRequest(answering: true)
            let fields = trimmed.split(separator: " ")
            responses.append(.init(status: fields.count > 1 ? Int(fields[1]) ?? 0 : 0, headers: []))
        } else if let colon = trimmed.firstIndex(of: ":"), !responses.isEmpty {
            let name = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            responses[responses.count - 1].headers.append(.init(name: name, value: value))
        }
    }
}

private func headerReceived(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return size * count }
    let collector = Unmanaged<HeaderCollector>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    collector.add(String(decoding: bytes, as: UTF8.self))
    return size * count
}

/// CURLOPT_PREREQFUNCTION: the connection (with its TLS handshake) is ready and the request not yet sent.
private func connectionReady(
    _ context: UnsafeMutableRawPointer?, _ primaryAddress: UnsafeMutablePointer<CChar>?,
    _ localAddress: UnsafeMutablePointer<CChar>?, _ primaryPort: Int32, _ localPort: Int32
) -> Int32 {
    if let context {
        Unmanaged<HeaderCollector>.fromOpaque(context).takeUnretainedValue()
            .readClientCertificateRequest(answering: false)
    }
    return Int32(CURL_PREREQFUNC_OK)
}

private func bodyReceived(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    size * count
}
