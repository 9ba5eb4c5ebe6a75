import ArgumentParser
import CESAuditReport
import DirectoryAccess
import Foundation

/// `ces-audit doctor`: can we reach and bind to AD, and how? Exit 0 when bound, 3 when not.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the connection to Active Directory: URI, TLS, bound identity, naming contexts.",
        discussion: HelpText.discussion(
            examples: [
                "ces-audit doctor --domain corp.example.com",
                "ces-audit doctor --uri ldaps://dc01.corp.example.com --ca-file corp-root.pem",
            ],
            exitStatus: """
                  0   bound
                  3   not bound (unreachable, TLS or bind failure)
                  64  usage error
                """))

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Output format: text or json.")
    var format: ListingFormat = .text

    func run() async throws {
        let file = try connection.configFile()
        let configuration = try connection.configuration(file: file)
        let base = connection.merged(with: file).base
        let report: DoctorReport
        do {
            let directory = try await DirectoryConnection.connect(configuration)
            guard let session = await directory.session, let root = await directory.rootDSE else {
                throw LDAPError(kind: .other, code: 1, operation: "read RootDSE", message: "no RootDSE returned")
            }
            let visibility = await PKIVisibility.probe(directory, configurationNC: root.configurationNamingContext)
            report = DoctorReport(
                bound: true, session: session, rootDSE: root, base: base, pki: visibility, error: nil)
        } catch let error as LDAPError {
            report = DoctorReport(
                bound: false, session: nil, rootDSE: nil, base: base, pki: nil, error: error.description)
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
    let pki: PKIVisibility?
    let error: String?

    func json() throws -> String { try JSONOutput.encode(self) }

    var text: String {
        guard let session, let rootDSE else { return "" }
        var rows: [(String, String)] = []
        rows.append(("URI", session.uri))
        for failed in session.failedURIs { rows.append(("skipped", "\(failed.uri): \(failed.error)")) }
        let tls: String
        switch session.tls {
        case .none: tls = "none"
        case .ldaps: tls = session.tlsVerified ? "LDAPS, certificate verified" : "LDAPS, certificate NOT verified"
        case .startTLS:
            tls = session.tlsVerified ? "StartTLS, certificate verified" : "StartTLS, certificate NOT verified"
        }
        rows.append(("TLS", tls))
        let ssf = session.saslSecurityStrength
        let layer = ssf > 1 ? "sealed" : ssf == 1 ? "signed" : "none"
        rows.append(
            (
                "bind",
                session.mechanism == "GSSAPI" ? "SASL/GSSAPI (security layer: \(layer), SSF \(ssf))" : session.mechanism
            ))
        let identity = session.boundIdentity ?? "(anonymous)"
        switch session.identitySource {
        case .whoAmI: rows.append(("identity", "\(identity) (WhoAmI)"))
        case .bindDN: rows.append(("identity", "\(identity) (the bind DN; the server does not support WhoAmI)"))
        case .saslPrincipal:
            rows.append(
                ("identity", "\(identity) (the Kerberos principal of the bind; the server does not support WhoAmI)"))
        case .anonymous: rows.append(("identity", "anonymous"))
        }
        rows.append(("DC", rootDSE.dnsHostName ?? "?"))
        rows.append(("default NC", rootDSE.defaultNamingContext ?? "?"))
        if let base { rows.append(("account search base", base)) }
        rows.append(("configuration NC", rootDSE.configurationNamingContext ?? "?"))
        rows.append(("schema NC", rootDSE.schemaNamingContext ?? "?"))
        rows.append(("root domain NC", rootDSE.rootDomainNamingContext ?? "?"))
        func level(_ value: Int?) -> String { value.map { "\($0) (\(RootDSE.functionalLevelName($0)))" } ?? "?" }
        rows.append(("domain level", level(rootDSE.domainFunctionality)))
        rows.append(("forest level", level(rootDSE.forestFunctionality)))
        rows.append(("DC level", level(rootDSE.domainControllerFunctionality)))
        rows.append(("SASL mechanisms", rootDSE.supportedSASLMechanisms.joined(separator: ", ")))
        if let pki { rows.append(("AD CS objects", pki.summary)) }
        let width = rows.map(\.0.count).max() ?? 0
        // Values come from the DC: one line each, whatever they hold.
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1.printableLine }
            .joined(separator: "\n")
    }
}

/// What the bound identity can see of AD CS: enough to tell "nothing published" from "not allowed to read".
struct PKIVisibility: Encodable {
    var enrollmentServices: Int?
    var certificateTemplates: Int?
    var securityDescriptorsReadable: Bool?
    var error: String?

    var summary: String {
        if let error { return "not readable: \(error)" }
        let descriptors: String
        switch securityDescriptorsReadable {
        case true?: descriptors = "security descriptors readable"
        case false?: descriptors = "security descriptors NOT readable (rules that need them will be unknown)"
        case nil: descriptors = "no objects to read security descriptors from"
        }
        return
            "\(enrollmentServices ?? 0) enrollment service(s), \(certificateTemplates ?? 0) certificate template(s); \(descriptors)"
    }

    static func probe(_ directory: DirectoryConnection, configurationNC: String?) async -> PKIVisibility {
        guard let configurationNC else { return PKIVisibility(error: "no configurationNamingContext in the RootDSE") }
        let services = "CN=Public Key Services,CN=Services," + configurationNC
        var result = PKIVisibility()
        do {
            var withDescriptor = 0
            var count = 0
            let request = SearchRequest(
                base: "CN=Enrollment Services," + services, scope: .oneLevel,
                filter: "(objectClass=pKIEnrollmentService)",
                attributes: ["cn", "nTSecurityDescriptor"], securityDescriptorParts: .withoutSACL)
            for try await batch in directory.search(request) {
                count += batch.count
                withDescriptor += batch.filter { $0.contains("nTSecurityDescriptor") }.count
            }
            result.enrollmentServices = count
            var templates = 0
            let templateRequest = SearchRequest(
                base: "CN=Certificate Templates," + services, scope: .oneLevel,
                filter: "(objectClass=pKICertificateTemplate)", attributes: ["cn", "nTSecurityDescriptor"],
                securityDescriptorParts: .withoutSACL)
            for try await batch in directory.search(templateRequest) {
                templates += batch.count
                withDescriptor += batch.filter { $0.contains("nTSecurityDescriptor") }.count
                count += batch.count
            }
            result.certificateTemplates = templates
            result.securityDescriptorsReadable = count > 0 ? withDescriptor == count : nil
        } catch {
            result.error = "\(error)"
        }
        return result
    }
}
