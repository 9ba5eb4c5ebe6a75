import ArgumentParser
import DirectoryAccess
import Foundation

/// The contract's connection flags, shared by every command that reads AD.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("uri"), help: "ldap://host[:port] or ldaps://host[:port]; repeat for failover.")
    var uris: [String] = []

    @Option(help: "The AD DNS domain (for DC discovery through _ldap._tcp SRV records).")
    var domain: String?

    @Flag(help: "Upgrade ldap:// with StartTLS.")
    var starttls = false

    @Option(help: "PEM trust anchors for TLS (verification is on by default).")
    var caFile: String?

    @Flag(help: "Skip TLS certificate verification (insecure; warns on every run).")
    var tlsInsecure = false

    @Option(help: "Bind DN for a simple bind; the password comes from --password-file or CES_AUDIT_PASSWORD.")
    var bindDN: String?

    @Option(help: "File holding the simple-bind password.")
    var passwordFile: String?

    @Option(help: "Keytab for a SASL/GSSAPI bind (with --principal); the ticket stays in memory.")
    var keytab: String?

    @Option(help: "Kerberos principal to take from --keytab.")
    var principal: String?

    @Option(help: "Search base (default: defaultNamingContext of the RootDSE).")
    var base: String?

    @Option(help: "Network and per-operation timeout in seconds.")
    var timeout: Double = 30

    @Option(help: "Page size for paged searches.")
    var pageSize: Int = 1000

    func validate() throws {
        if bindDN != nil && keytab != nil { throw ValidationError("--bind-dn and --keytab exclude each other") }
        if (keytab == nil) != (principal == nil) { throw ValidationError("--keytab and --principal go together") }
        if passwordFile != nil && bindDN == nil { throw ValidationError("--password-file needs --bind-dn") }
        if tlsInsecure && caFile != nil { throw ValidationError("--tls-insecure and --ca-file exclude each other") }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be between 0 and 3600 seconds")
        }
        guard (1...100_000).contains(pageSize) else {
            throw ValidationError("--page-size must be between 1 and 100000")
        }
        for uri in uris {
            do { _ = try LDAPURI(parsing: uri) } catch { throw ValidationError(error.description) }
        }
    }

    /// Builds the connection configuration, reading secrets from files or the environment — never argv.
    func configuration() throws -> ConnectionConfiguration {
        if tlsInsecure { Console.warning("TLS certificate verification is OFF (--tls-insecure)") }
        let credentials: ConnectionConfiguration.Credentials
        if let bindDN {
            credentials = .simple(bindDN: bindDN, password: try readPassword())
        } else if let keytab, let principal {
            try checkReadable(keytab, what: "keytab")
            credentials = .kerberosKeytab(path: keytab, principal: principal)
        } else {
            credentials = .kerberosCache
        }
        if let caFile { try checkReadable(caFile, what: "CA file", secret: false) }
        return ConnectionConfiguration(
            uris: try resolveURIs(), startTLS: starttls,
            tls: tlsInsecure ? .insecure : .verify(caFile: caFile), credentials: credentials,
            timeoutSeconds: timeout, pageSize: pageSize)
    }

    private func resolveURIs() throws -> [LDAPURI] {
        if !uris.isEmpty { return try uris.map { try LDAPURI(parsing: $0) } }
        guard let domain = domain ?? KerberosConfiguration.defaultRealm()?.lowercased() else {
            throw UsageError("no --uri, no --domain and no default realm in krb5.conf: say which DC to use")
        }
        let found = DomainControllerLocator.ldapURIs(domain: domain)
        return found.isEmpty ? [LDAPURI(scheme: .ldap, host: domain)] : found
    }

    private func readPassword() throws -> Secret {
        if let passwordFile {
            try checkReadable(passwordFile, what: "password file")
            guard let data = FileManager.default.contents(atPath: passwordFile),
                var text = String(data: data, encoding: .utf8)
            else { throw UsageError("cannot read password file \(passwordFile)") }
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw UsageError("password file \(passwordFile) is empty") }
            return Secret(text)
        }
        if let value = ProcessInfo.processInfo.environment["CES_AUDIT_PASSWORD"], !value.isEmpty {
            return Secret(value)
        }
        throw UsageError("--bind-dn needs a password: --password-file PATH or CES_AUDIT_PASSWORD")
    }

    /// Fails on a missing file; warns when a secret is readable by group or others.
    private func checkReadable(_ path: String, what: String, secret: Bool = true) throws {
        guard FileManager.default.isReadableFile(atPath: path) else { throw UsageError("cannot read \(what) \(path)") }
        guard secret, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attributes[.posixPermissions] as? Int
        else { return }
        if mode & 0o077 != 0 {
            Console.warning("\(what) \(path) is readable by others (mode \(String(mode, radix: 8))); use chmod 600")
        }
    }
}

/// Bad input detected after parsing: one line, exit 64.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
