import CLDAP
import Foundation

/// A service ticket for `HTTP/<host>` as the endpoint probe reports it.
public struct ServiceTicketInfo: Sendable, Hashable {
    public var servicePrincipal: String
    /// The ticket's encryption type (the key of the account that holds the SPN, as the KDC knows it).
    public var encryptionType: Int
    public var encryptionTypeName: String
    /// The key version number the KDC encrypted the ticket with.
    public var keyVersion: Int

    /// RFC 3961/3962/4757/8009 names (MIT's spelling).
    public static let encryptionTypeNames: [Int: String] = [
        1: "des-cbc-crc", 3: "des-cbc-md5", 17: "aes128-cts-hmac-sha1-96", 18: "aes256-cts-hmac-sha1-96",
        19: "aes128-cts-hmac-sha256-128", 20: "aes256-cts-hmac-sha384-192", 23: "rc4-hmac", 24: "rc4-hmac-exp",
    ]

    /// RC4 or DES: what CES-C9 warns about.
    public var isLegacyEncryption: Bool { ![17, 18, 19, 20].contains(encryptionType) }
}

/// The answer to a service-ticket request.
public enum ServiceTicketOutcome: Sendable, Hashable, CustomStringConvertible {
    case issued(ServiceTicketInfo)
    case refused(KDCError, message: String)
    case failed(LocalKerberosFailure)

    public var description: String {
        switch self {
        case .issued(let ticket):
            "issued for \(ticket.servicePrincipal) (\(ticket.encryptionTypeName), kvno \(ticket.keyVersion))"
        case .refused(let error, let message): "refused by the KDC: \(error) — \(message)"
        case .failed(let failure): "not obtained: \(failure)"
        }
    }
}

/// The credentials of the endpoint probe's Kerberos leg: the bind's keytab (TGT in a process-private MEMORY:
/// cache) or the caller's credential cache. Service tickets land in that cache, where libcurl's SPNEGO finds them.
public final class HTTPKerberosClient: Sendable {
    /// The cache name for `HTTPTransfer.Request.negotiateCache`.
    public let cacheName: String
    // Keeps the MEMORY: cache (and its TGT) alive as long as this client.
    private let keytabCache: KerberosCredentialCacheBox?

    /// With `keytab` and `principal`: a TGT from the keytab; without: the caller's cache (KRB5CCNAME).
    public init(keytab: String?, principal: String?) throws(LDAPError) {
        if let keytab, let principal {
            let cache = try KerberosCredentialCache(keytab: keytab, principal: principal)
            keytabCache = KerberosCredentialCacheBox(cache)
            cacheName = cache.name
        } else {
            keytabCache = nil
            var context: krb5_context?
            guard krb5_init_context(&context) == 0, let context else {
                throw LDAPError(
                    kind: .authenticationFailure, code: -2, operation: "initialise Kerberos",
                    message: "krb5_init_context failed; check KRB5_CONFIG / krb5.conf")
            }
            defer { krb5_free_context(context) }
            cacheName = krb5_cc_default_name(context).map { String(cString: $0) } ?? "FILE:/tmp/krb5cc_\(getuid())"
        }
    }

    /// Asks the KDC (TGS exchange) for `HTTP/<host>` in the client's realm and keeps the ticket in the cache.
    public func serviceTicket(host: String) -> ServiceTicketOutcome {
        var contextHandle: krb5_context?
        guard krb5_init_context(&contextHandle) == 0, let context = contextHandle else {
            return .failed(.init(kind: .other, code: -1, message: "krb5_init_context failed", step: "initialise"))
        }
        defer { krb5_free_context(context) }
        func message(_ code: krb5_error_code) -> String {
            guard let text = krb5_get_error_message(context, code) else { return "Kerberos error \(code)" }
            defer { krb5_free_error_message(context, text) }
            return String(cString: text)
        }
        func outcome(_ code: krb5_error_code, _ step: String) -> ServiceTicketOutcome {
            if let kdc = KDCError(comErr: code) { return .refused(kdc, message: message(code)) }
            return .failed(
                .init(kind: LocalKerberosFailure.kind(ofComErr: code), code: code, message: message(code), step: step))
        }
        var cacheHandle: krb5_ccache?
        var rc = krb5_cc_resolve(context, cacheName, &cacheHandle)
        guard rc == 0, let cache = cacheHandle else { return outcome(rc, "open the credential cache \(cacheName)") }
        defer { krb5_cc_close(context, cache) }
        var clientHandle: krb5_principal?
        rc = krb5_cc_get_principal(context, cache, &clientHandle)
        guard rc == 0, let client = clientHandle else { return outcome(rc, "read the client of \(cacheName)") }
        defer { krb5_free_principal(context, client) }
        let realm = String(
            decoding: UnsafeRawBufferPointer(start: client.pointee.realm.data, count: Int(client.pointee.realm.length)),
            as: UTF8.self)
        let spn = "HTTP/\(host.lowercased())@\(realm)"
        var serverHandle: krb5_principal?
        rc = krb5_parse_name(context, spn, &serverHandle)
        guard rc == 0, let server = serverHandle else { return outcome(rc, "parse \(spn)") }
        defer { krb5_free_principal(context, server) }

        var request = krb5_creds()
        request.client = client
        request.server = server
        var credentialsHandle: UnsafeMutablePointer<krb5_creds>?
        rc = krb5_get_credentials(context, 0, cache, &request, &credentialsHandle)
        guard rc == 0, let credentials = credentialsHandle else { return outcome(rc, "get a ticket for \(spn)") }
        defer { krb5_free_creds(context, credentials) }
        var ticketHandle: UnsafeMutablePointer<krb5_ticket>?
        rc = krb5_decode_ticket(&credentials.pointee.ticket, &ticketHandle)
        guard rc == 0, let ticket = ticketHandle else { return outcome(rc, "decode the ticket for \(spn)") }
        defer { krb5_free_ticket(context, ticket) }
        let enctype = Int(ticket.pointee.enc_part.enctype)
        return .issued(
            ServiceTicketInfo(
                servicePrincipal: spn, encryptionType: enctype,
                encryptionTypeName: ServiceTicketInfo.encryptionTypeNames[enctype] ?? "enctype \(enctype)",
                keyVersion: Int(ticket.pointee.enc_part.kvno)))
    }
}

/// KerberosCredentialCache is a class confined to its creator; once built it is only read (its name) and
/// destroyed, so sharing it across tasks is safe.
private final class KerberosCredentialCacheBox: @unchecked Sendable {
    let cache: KerberosCredentialCache
    init(_ cache: KerberosCredentialCache) { self.cache = cache }
}
