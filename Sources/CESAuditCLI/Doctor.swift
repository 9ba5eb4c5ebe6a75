import ArgumentParser
import DirectoryAccess
import Foundation

/// `ces-audit doctor`: can we reach and bind to AD, and how? Exit 0 when bound, 3 when not.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the connection to Active Directory: URI, TLS, bound identity, naming contexts.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() async throws {
        let configuration: ConnectionConfiguration
        do {
            configuration = try connection.configuration()
        } catch let error as UsageError {
            Console.error("ces-audit: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let report: DoctorReport
        do {
            let directory = try await DirectoryConnection.connect(configuration)
            guard let session = await directory.session, let root = await directory.rootDSE else {
                throw LDAPError(kind: .other, code: 1, operation: "read RootDSE", message: "no RootDSE returned")
            }
            report = DoctorReport(bound: true, session: session, rootDSE: root, base: connection.base, error: nil)
        } catch let error as LDAPError {
            report = DoctorReport(bound: false, session: nil, rootDSE: nil, base: connection.base, error: error.description)
            if format == .text { Console.error("ces-audit: cannot bind: \(error)") }
        }
        switch format {
        case .text: if report.bound { Console.out(report.text) }
        case .json: Console.out(try report.json())
        }
        if !report.bound { throw ExitCode(ExitStatus.unknown) }
    }
}

struct DoctorReport: Encodable {
    let schemaVersion = 1
    let tool = ToolInfo()
    let command = "doctor"
    let bound: Bool
    let session: SessionInfo?
    let rootDSE: RootDSE?
    let base: String?
    let error: String?

    struct ToolInfo: Encodable {
        let name = "ces-audit"
        let version = CESAudit.version
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var text: String {
        guard let session, let rootDSE else { return "" }
        var rows: [(String, String)] = []
        rows.append(("URI", session.uri))
        for failed in session.failedURIs { rows.append(("skipped", "\(failed.uri): \(failed.error)")) }
        let tls: String
        switch session.tls {
        case .none: tls = "none"
        case .ldaps: tls = session.tlsVerified ? "LDAPS, certificate verified" : "LDAPS, certificate NOT verified"
        case .startTLS: tls = session.tlsVerified ? "StartTLS, certificate verified" : "StartTLS, certificate NOT verified"
        }
        rows.append(("TLS", tls))
        let ssf = session.saslSecurityStrength
        let layer = ssf > 1 ? "sealed" : ssf == 1 ? "signed" : "none"
        rows.append(("bind", session.mechanism == "GSSAPI" ? "SASL/GSSAPI (security layer: \(layer), SSF \(ssf))" : session.mechanism))
        let identity = session.boundIdentity ?? "(anonymous)"
        switch session.identitySource {
        case .whoAmI: rows.append(("identity", "\(identity) (WhoAmI)"))
        case .bindDN: rows.append(("identity", "\(identity) (the bind DN; the server does not support WhoAmI)"))
        case .saslPrincipal:
            rows.append(("identity", "\(identity) (the Kerberos principal of the bind; the server does not support WhoAmI)"))
        case .anonymous: rows.append(("identity", "anonymous"))
        }
        rows.append(("DC", rootDSE.dnsHostName ?? "?"))
        rows.append(("default NC", base ?? rootDSE.defaultNamingContext ?? "?"))
        rows.append(("configuration NC", rootDSE.configurationNamingContext ?? "?"))
        rows.append(("schema NC", rootDSE.schemaNamingContext ?? "?"))
        rows.append(("root domain NC", rootDSE.rootDomainNamingContext ?? "?"))
        func level(_ value: Int?) -> String { value.map { "\($0) (\(RootDSE.functionalLevelName($0)))" } ?? "?" }
        rows.append(("domain level", level(rootDSE.domainFunctionality)))
        rows.append(("forest level", level(rootDSE.forestFunctionality)))
        rows.append(("DC level", level(rootDSE.domainControllerFunctionality)))
        rows.append(("SASL mechanisms", rootDSE.supportedSASLMechanisms.joined(separator: ", ")))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
