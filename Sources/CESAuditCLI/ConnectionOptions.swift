import ArgumentParser
import CESAuditCore
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

    @Option(
        help:
            "Search base for requesters and the accounts a scan enumerates (default: defaultNamingContext of the RootDSE)."
    )
    var base: String?

    @Option(help: "Network and per-operation timeout in seconds (default 30).")
    var timeout: Double?

    @Option(help: "Page size for paged searches (default 1000).")
    var pageSize: Int?

    @Option(help: "YAML file with the same settings (flags win).")
    var config: String?

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout <= 3600) {
            throw ValidationError("--timeout must be between 0 and 3600 seconds")
        }
        if let pageSize, !(1...100_000).contains(pageSize) {
            throw ValidationError("--page-size must be between 1 and 100000")
        }
        for uri in uris {
            do { _ = try LDAPURI(parsing: uri) } catch { throw ValidationError(error.description) }
        }
    }

    /// The `--config` file, or an empty one.
    func configFile() throws -> ConfigFile {
        guard let config else { return ConfigFile() }
        do { return try ConfigFile(contentsOf: config) } catch { throw UsageError(error.description) }
    }

    /// `--base` (or `connection.base`), which must lie in the domain partition: outside it, every lookup would come
    /// back empty, so it is a usage error.
    func accountBase(file: ConfigFile, domainNC: String) throws(UsageError) -> String? {
        guard let base = merged(with: file).base else { return nil }
        func normal(_ text: String) -> String { text.lowercased().replacingOccurrences(of: ", ", with: ",") }
        let (dn, partition) = (normal(base), normal(domainNC))
        guard dn == partition || dn.hasSuffix("," + partition) else {
            throw UsageError("--base \(base) is not inside the domain partition \(domainNC)")
        }
        return base
    }

    /// These flags with the config file's connection settings filled in where a flag was not given.
    func merged(with file: ConfigFile) -> ConnectionOptions {
        var merged = self
        let settings = file.connection
        if merged.uris.isEmpty { merged.uris = settings.uris }
        merged.domain = domain ?? settings.domain
        merged.starttls = starttls || settings.starttls == true
        merged.caFile = caFile ?? settings.caFile
        merged.tlsInsecure = tlsInsecure || settings.tlsInsecure == true
        // A bind chosen on the command line (any of its flags) replaces the config file's bind as a whole.
        if bindDN == nil && keytab == nil && principal == nil && passwordFile == nil {
            merged.bindDN = settings.bindDN
            merged.passwordFile = settings.passwordFile
            merged.keytab = settings.keytab
            merged.principal = settings.principal
        }
        merged.base = base ?? settings.base
        merged.timeout = timeout ?? settings.timeout
        merged.pageSize = pageSize ?? settings.pageSize
        return merged
    }

    /// Builds the connection configuration (config file merged in), reading secrets from files or the
    /// environment — never argv.
    func configuration(file: ConfigFile? = nil) throws -> ConnectionConfiguration {
        let options = merged(with: try file ?? configFile())
        try options.checkCombinations()
        if options.tlsInsecure { Console.warning("TLS certificate verification is OFF (--tls-insecure)") }
        let credentials: ConnectionConfiguration.Credentials
        if let bindDN = options.bindDN {
            credentials = .simple(bindDN: bindDN, password: try options.readPassword())
            // One run, one bind: a simple one needs none of the SASL mechanisms libldap would load first.
            DirectoryConnection.skipSASLMechanisms()
        } else if let keytab = options.keytab, let principal = options.principal {
            try checkReadable(keytab, what: "keytab")
            credentials = .kerberosKeytab(path: keytab, principal: principal)
        } else {
            credentials = .kerberosCache
        }
        if let caFile = options.caFile { try checkReadable(caFile, what: "CA file", secret: false) }
        return ConnectionConfiguration(
            uris: try options.resolveURIs(), startTLS: options.starttls,
            tls: options.tlsInsecure ? .insecure : .verify(caFile: options.caFile), credentials: credentials,
            timeoutSeconds: options.timeout ?? 30, pageSize: options.pageSize ?? 1000)
    }

    /// Combinations that exclude each other, checked after the config file is merged in.
    private func checkCombinations() throws {
        if bindDN != nil && keytab != nil { throw UsageError("--bind-dn and --keytab exclude each other") }
        if keytab != nil && principal == nil { throw UsageError("--keytab needs --principal NAME") }
        if principal != nil && keytab == nil { throw UsageError("--principal needs --keytab PATH") }
        // A password nobody binds with is a mistake, not something to ignore.
        if bindDN == nil, let password = ProcessInfo.processInfo.environment["CES_AUDIT_PASSWORD"], !password.isEmpty {
            throw UsageError("CES_AUDIT_PASSWORD is set but there is no --bind-dn to use it with")
        }
        if passwordFile != nil && bindDN == nil { throw UsageError("--password-file needs --bind-dn") }
        if tlsInsecure && caFile != nil { throw UsageError("--tls-insecure and --ca-file exclude each other") }
        if let pageSize, !(1...100_000).contains(pageSize) {
            throw UsageError("page size must be between 1 and 100000")
        }
        for uri in uris {
            do { _ = try LDAPURI(parsing: uri) } catch { throw UsageError(error.description) }
        }
    }

    private func resolveURIs() throws -> [LDAPURI] {
        if !uris.isEmpty { return try uris.map { try LDAPURI(parsing: $0) } }
        guard let domain = domain ?? KerberosConfiguration.defaultRealm()?.lowercased() else {
            throw UsageError("no --uri, no --domain and no default realm in krb5.conf: say which DC to use")
        }
        let found = DomainControllerLocator.ldapURIs(domain: domain)
        guard found.isEmpty else { return found }
        Console.warning(
            "no domain controller found through the DNS SRV record _ldap._tcp.\(domain); trying ldap://\(domain) (give --uri to choose a DC)"
        )
        return [LDAPURI(scheme: .ldap, host: domain)]
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
        // stat(2), not FileManager.attributesOfItem: that also looks the owner and group up in the user database.
        var status = stat()
        guard secret, stat(path, &status) == 0 else { return }
        let mode = Int(status.st_mode) & 0o7777
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
