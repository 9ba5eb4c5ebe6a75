import ArgumentParser
import CESAuditCore
import DirectoryAccess
import Foundation

/// `--probe-endpoints` on `server` and `scan` (config `probeEndpoints: true`): the live endpoint probe (CES-K2),
/// with the connection's trust (--ca-file) and the bind's Kerberos credentials (--keytab/--principal, else the
/// caller's cache).
struct EndpointProbeOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Probe each endpoint URL live (CES-K2): DNS, TCP, TLS and certificate, authentication offered, Kerberos leg.",
            discussion:
                "Read-only: GETs of the service description; a Kerberos endpoint also gets one SPNEGO request with a ticket for HTTP/<host> from the bind's credentials. Never a password, never an NTLM exchange."
        ))
    var probeEndpoints = false

    @Option(help: "Time limit per endpoint probe in seconds (default 15).")
    var probeTimeout: Double = 15

    @Option(help: "HOST:ADDRESS — probe ADDRESS for HOST instead of asking DNS (one node of a farm); repeatable.")
    var probeResolve: [String] = []

    func validate() throws {
        guard probeTimeout > 0 && probeTimeout <= 600 else {
            throw ValidationError("--probe-timeout must be between 0 and 600 seconds")
        }
        for entry in probeResolve {
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--probe-resolve takes HOST:ADDRESS, not '\(entry)'")
            }
        }
    }

    /// The prober when asked for by flag or config file; nil otherwise.
    func prober(connection: ConnectionOptions, file: ConfigFile) -> EndpointProber? {
        guard probeEndpoints || file.probeEndpoints == true else { return nil }
        let merged = connection.merged(with: file)
        let kerberos: Result<HTTPKerberosClient, EndpointProbeSettings.KerberosUnavailable>
        do {
            kerberos = .success(try HTTPKerberosClient(keytab: merged.keytab, principal: merged.principal))
        } catch {
            kerberos = .failure(.init("no Kerberos credentials: \(error)"))
        }
        return EndpointProber(
            settings: .init(
                caFile: merged.caFile, timeoutSeconds: probeTimeout, resolve: probeResolve, kerberos: kerberos))
    }
}
