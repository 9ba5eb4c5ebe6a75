import CLDAP
import Foundation

/// A TGT obtained from a keytab into a credential cache: by default a process-private `MEMORY:` one.
///
/// Nothing is written to disk unless a `FILE:` name is given (the host collector, a child process, needs one;
/// its caller puts it in a private folder). The cache lives until `deinit` destroys it (a `FILE:` cache is then
/// deleted). The keytab is only read. Every krb5 C pointer of this module lives and dies in this file.
public final class KerberosCredentialCache {
    /// The cache's full name (`MEMORY:ces-audit-…`, `FILE:/…`) for gss_krb5_ccache_name or KRB5CCNAME.
    public let name: String
    public let principal: String

    public init(keytab path: String, principal: String, cacheName: String? = nil) throws(LDAPError) {
        self.principal = principal
        name = cacheName ?? "MEMORY:ces-audit-\(UUID().uuidString)"
        var context: krb5_context?
        let initRC = krb5_init_context(&context)
        guard initRC == 0, let context else {
            throw LDAPError(
                kind: .authenticationFailure, code: -2, operation: "initialise Kerberos",
                message: "krb5_init_context failed (\(initRC)); check KRB5_CONFIG / krb5.conf")
        }
        defer { krb5_free_context(context) }

        func failure(_ step: String, _ code: krb5_error_code) -> LDAPError {
            let text = krb5_get_error_message(context, code)
            defer { krb5_free_error_message(context, text) }
            return LDAPError(
                kind: .authenticationFailure, code: -2, operation: "\(step) for \(principal)",
                message: text.map { String(cString: $0) } ?? "Kerberos error", diagnostic: "krb5 error \(code)")
        }

        var client: krb5_principal?
        var rc = krb5_parse_name(context, principal, &client)
        guard rc == 0, let client else { throw failure("parse principal name", rc) }
        defer { krb5_free_principal(context, client) }

        var keytab: krb5_keytab?
        rc = krb5_kt_resolve(context, path.hasPrefix("FILE:") ? path : "FILE:\(path)", &keytab)
        guard rc == 0, let keytab else { throw failure("open keytab \(path)", rc) }
        defer { krb5_kt_close(context, keytab) }

        var options: UnsafeMutablePointer<krb5_get_init_creds_opt>?
        rc = krb5_get_init_creds_opt_alloc(context, &options)
        guard rc == 0 else { throw failure("allocate options", rc) }
        defer { krb5_get_init_creds_opt_free(context, options) }

        var credentials = krb5_creds()
        rc = krb5_get_init_creds_keytab(context, &credentials, client, keytab, 0, nil, options)
        guard rc == 0 else { throw failure("get initial credentials from keytab \(path)", rc) }
        defer { krb5_free_cred_contents(context, &credentials) }

        var cache: krb5_ccache?
        rc = krb5_cc_resolve(context, name, &cache)
        guard rc == 0, let cache else { throw failure("create in-memory credential cache", rc) }
        defer { krb5_cc_close(context, cache) }
        rc = krb5_cc_initialize(context, cache, client)
        guard rc == 0 else { throw failure("initialise in-memory credential cache", rc) }
        rc = krb5_cc_store_cred(context, cache, &credentials)
        guard rc == 0 else { throw failure("store credentials", rc) }
    }

    /// The credential cache a plain Kerberos client of this process would use (KRB5CCNAME, else krb5.conf's
    /// default_ccache_name, else the library's default), or nil when the library cannot tell.
    public static func defaultCacheName() -> String? {
        var context: krb5_context?
        guard krb5_init_context(&context) == 0, let context else { return nil }
        defer { krb5_free_context(context) }
        return krb5_cc_default_name(context).map { String(cString: $0) }
    }

    deinit {
        // krb5_cc_close leaves a MEMORY: cache alive; only destroy removes the ticket.
        var context: krb5_context?
        guard krb5_init_context(&context) == 0, let context else { return }
        defer { krb5_free_context(context) }
        var cache: krb5_ccache?
        if krb5_cc_resolve(context, name, &cache) == 0, let cache { krb5_cc_destroy(context, cache) }
    }
}
