import ArgumentParser
import CESAuditCore
import DirectoryAccess
import Foundation

/// `ces-audit probe-endpoint URL…`: knock on the door of CES endpoints (docs/endpoint-probe.md).
struct ProbeEndpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-endpoint",
        abstract: "Probe CES endpoint URLs live: DNS, TCP, TLS and certificate, authentication offered, Kerberos leg.",
        discussion: """
            Read-only: per URL one unauthenticated GET of the service description, one more to verify the \
            certificate chain, and for a Kerberos endpoint a GET with SPNEGO (a ticket for HTTP/<host> from \
            --keytab/--principal or the caller's credential cache). Never sends a password, never does an NTLM \
            exchange, writes nothing. Exit 2 on a fail, 3 on an unknown, 1 on a warn, 0 when every check passed.
            """)

    @Argument(help: "Endpoint URLs as published (https://host/<CA>_CES_<Auth>/service.svc/CES).")
    var urls: [String]

    @Option(
        help:
            "What the endpoint's authentication flag requires: kerberos, username or certificate (default: from the URL path)."
    )
    var auth: AuthenticationArgument?

    @Option(help: "PEM trust anchors the certificate chain is verified against (default: the system's).")
    var caFile: String?

    @Option(help: "Keytab for the Kerberos leg (with --principal); the ticket stays in memory.")
    var keytab: String?

    @Option(help: "Kerberos principal to take from --keytab.")
    var principal: String?

    @Flag(help: "Skip the Kerberos leg.")
    var noKerberos = false

    @Option(
        name: .customLong("resolve"),
        help: "HOST:ADDRESS — connect to ADDRESS for HOST instead of asking DNS (one node of a farm); repeatable.")
    var resolve: [String] = []

    @Option(help: "Time limit per endpoint in seconds (default 15).")
    var timeout: Double = 15

    @Option(help: "Output format: text or json.")
    var format: ListingFormat = .text

    func validate() throws {
        guard timeout > 0 && timeout <= 600 else {
            throw ValidationError("--timeout must be between 0 and 600 seconds")
        }
        if (keytab == nil) != (principal == nil) { throw ValidationError("--keytab and --principal go together") }
        if noKerberos && keytab != nil { throw ValidationError("--no-kerberos and --keytab exclude each other") }
        for entry in resolve {
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--resolve takes HOST:ADDRESS, not '\(entry)'")
            }
        }
    }

    func run() async throws {
        if let keytab, !FileManager.default.isReadableFile(atPath: keytab) {
            throw UsageError("cannot read keytab \(keytab)")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw UsageError("cannot read CA file \(caFile)")
        }
        let kerberos: Result<HTTPKerberosClient, EndpointProbeSettings.KerberosUnavailable>
        if noKerberos {
            kerberos = .failure(.init("--no-kerberos", asked: false))
        } else {
            do {
                kerberos = .success(try HTTPKerberosClient(keytab: keytab, principal: principal))
            } catch {
                kerberos = .failure(.init("no Kerberos credentials: \(error)"))
            }
        }
        let prober = EndpointProber(
            settings: .init(caFile: caFile, timeoutSeconds: timeout, resolve: resolve, kerberos: kerberos))
        var reports: [EndpointProbeReport] = []
        for url in urls {
            reports.append(await prober.probe(url, authentication: auth?.authentication))
        }
        switch format {
        case .text: Console.out(reports.map(\.text).joined(separator: "\n"))
        case .json: Console.out(try JSONOutput.encode(ProbeEndpointDocument(reports: reports)))
        }
        let statuses = Set(reports.map(\.status))
        if statuses.contains(.fail) { throw ExitCode(ExitStatus.critical) }
        if statuses.contains(.unknown) { throw ExitCode(ExitStatus.unknown) }
        if statuses.contains(.warn) { throw ExitCode(ExitStatus.warning) }
    }
}

extension EndpointProbeReport {
    var text: String {
        var lines = ["\(url): \(status.rawValue.uppercased())"]
        for check in checks { lines.append("  [\(check.status.rawValue)] \(check.check): \(check.message)") }
        return lines.joined(separator: "\n")
    }
}

/// `probe-endpoint --format json`.
struct ProbeEndpointDocument: Encodable {
    let schemaVersion = 1
    let tool = ToolInfo()
    let command = "probe-endpoint"
    let endpoints: [Endpoint]

    struct Endpoint: Encodable {
        let url: String
        let status: String
        let authentication: String?
        let address: String?
        let checks: [Check]
        let kerberos: Kerberos?
    }

    struct Check: Encodable {
        let check: String
        let status: String
        let message: String
    }

    struct Kerberos: Encodable {
        let servicePrincipal: String
        let ticket: String
        let encryptionType: String?
        let keyVersion: Int?
        let kdcError: String?
        let server: String
        let serverError: String?
    }

    init(reports: [EndpointProbeReport]) {
        endpoints = reports.map { report in
            Endpoint(
                url: report.url, status: report.status.rawValue,
                authentication: report.authentication?.instanceSuffix, address: report.address,
                checks: report.checks.map { Check(check: $0.check, status: $0.status.rawValue, message: $0.message) },
                kerberos: report.kerberos.map(Kerberos.init))
        }
    }
}

extension ProbeEndpointDocument.Kerberos {
    init(_ leg: KerberosLegReport) {
        servicePrincipal = leg.servicePrincipal
        ticket = "\(leg.ticket)"
        switch leg.ticket {
        case .issued(let info):
            encryptionType = info.encryptionTypeName
            keyVersion = info.keyVersion
            kdcError = nil
        case .refused(let error, _):
            encryptionType = nil
            keyVersion = nil
            kdcError = error.description
        case .failed:
            encryptionType = nil
            keyVersion = nil
            kdcError = nil
        }
        switch leg.server {
        case .accepted(let status):
            server = "accepted (HTTP \(status))"
            serverError = nil
        case .refused(let token):
            server = "refused"
            serverError = token.map { KDCError(number: $0.errorCode).description }
        case .notAnswered(let why):
            server = "not answered: \(why)"
            serverError = nil
        }
    }
}
