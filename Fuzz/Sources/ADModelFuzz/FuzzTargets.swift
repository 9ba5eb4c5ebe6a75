import ADModel
import Foundation

/// One fuzz target per parser. Each must return normally for every input; the round-trip oracles
/// call `fatalError` so that libFuzzer records a model inconsistency as a crash.
enum FuzzTarget: String, CaseIterable {
    case sid
    case sdBinary = "sd-binary"
    case sddl
    case certutilSecurity = "certutil-security"
    case caSecurity = "ca-security"
    case editflags
    case secedit
    case x509
    case errorCode = "error-code"
    case enrollmentServer = "enrollment-server"
    case spn
    case templatePeriod = "template-period"
    case kdcReg = "kdc-reg"
    case registryExport = "registry-export"
    case regQuery = "reg-query"
    case localGroups = "local-groups"
    case iisConfig = "iis-config"
    case negotiateToken = "negotiate-token"
    case dnsRecord = "dns-record"

    func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .sid:
            if let sid = try? SID(string: text) { requireEqual(try? SID(string: sid.description), sid, "SID string") }
            if let sid = try? SID(bytes: bytes) { requireEqual(try? SID(bytes: sid.bytes), sid, "SID binary") }
        case .sdBinary:
            guard let descriptor = try? SecurityDescriptor(selfRelative: bytes) else { return }
            guard let encoded = try? descriptor.selfRelativeBytes() else { return }
            requireEqual(try? SecurityDescriptor(selfRelative: encoded), descriptor.normalizedForEncoding, "SD binary")
            if let sddl = try? descriptor.sddl() {
                guard let reparsed = try? SecurityDescriptor(sddl: sddl) else {
                    fatalError("own SDDL rejected: \(sddl)")
                }
                requireEqual(reparsed.comparable, descriptor.comparable, "SD → SDDL → SD")
            }
            exerciseAccessCheck(descriptor)
        case .sddl:
            guard let descriptor = try? SecurityDescriptor(sddl: text) else { return }
            guard let sddl = try? descriptor.sddl() else { return }
            guard let reparsed = try? SecurityDescriptor(sddl: sddl) else { fatalError("own SDDL rejected: \(sddl)") }
            requireEqual(reparsed, descriptor, "SDDL → SD → SDDL")
            if let binary = try? descriptor.selfRelativeBytes() {
                requireEqual(
                    (try? SecurityDescriptor(selfRelative: binary))?.comparable, descriptor.comparable, "SDDL binary")
            }
            exerciseAccessCheck(descriptor)
        case .certutilSecurity:
            if let report = try? CertutilSecurityParser.parse(bytes: bytes) {
                _ = report.decide(.enroll, forNames: Set(report.entries.prefix(3).map(\.principal)))
            }
        case .caSecurity:
            _ = try? CASecurityEvidence.parse(bytes)
        case .editflags:
            _ = try? EditFlagsParser.parse(bytes: bytes)
        case .secedit:
            if let rights = try? SeceditParser.parse(bytes) {
                _ = rights.decide("SeImpersonatePrivilege", for: AccessToken(sids: [.iisIUSRS]))
            }
        case .x509:
            if let certificate = try? CACertificate(bytes: bytes) {
                _ = certificate.disallowedIssuancePolicies(["1.2.3"])
                _ = certificate.disallowedApplicationPolicies(["1.3.6.1.5.5.7.3.2"])
                _ = CACertificateChain(issuing: certificate, candidates: [certificate])
            }
            // The endpoint probe's reading of a TLS server certificate.
            if let certificate = try? ServerCertificate(bytes: bytes) {
                _ = certificate.names(host: "ces01.corp.example.test")
                _ = certificate.names(host: "127.0.9.1")
            }
        case .errorCode:
            _ = try? ErrorCatalogue.explain(text)
            _ = try? ErrorCatalogue.explain(text, hint: .kerberos)
        case .enrollmentServer:
            if let entry = try? EnrollmentServerEntry(value: text) {
                requireEqual(try? EnrollmentServerEntry(value: entry.value), entry, "enrollment server value")
                _ = entry.consistencyProblems
            }
        case .spn:
            if let spn = try? ServicePrincipalName(text) {
                requireEqual(try? ServicePrincipalName(spn.description), spn, "SPN")
                _ = spn.matches(serviceClass: "HOST", host: "ca01.corp.example", acceptShortOrFQDN: true)
            }
        case .templatePeriod:
            runTemplatePeriod(bytes)
        case .kdcReg:
            _ = try? KDCRegistryParser.parse(bytes)
        case .registryExport:
            if let view = try? RegistryExportParser.parse(bytes: bytes) { exerciseRegistry(view) }
        case .regQuery:
            if let view = try? RegQueryParser.parse(bytes: bytes) { exerciseRegistry(view) }
            _ = try? EditFlagsParser.parse(bytes: bytes)
        case .localGroups:
            if let members = try? LocalGroupsParser.parse(bytes: bytes) {
                _ = members.members(of: .iisIUSRS)
            }
        case .iisConfig:
            if let elements = try? ConfigXML.elements(bytes: bytes) {
                _ = IISConfiguration.sites(elements)
                _ = IISConfiguration.multipleSiteBindingsEnabled(elements)
                _ = IISConfiguration.windowsAuthentication(elements)
            }
        case .negotiateToken:
            // A server's WWW-Authenticate: Negotiate token, raw or base64.
            _ = NegotiateErrorToken(base64: Data(bytes).base64EncodedString())
            _ = NegotiateErrorToken(base64: text)
        case .dnsRecord:
            // CES-C1's CNAME aliases: a name that decodes is a host name the collector may look up.
            if let name = (try? DNSRecord(bytes: bytes))?.canonicalName {
                let labels = name.split(separator: ".", omittingEmptySubsequences: false)
                let hostLabels = labels.allSatisfy { (1...63).contains($0.utf8.count) }
                guard !labels.isEmpty, hostLabels, name == name.lowercased() else {
                    fatalError("CNAME target is no host name: \(name)")
                }
            }
        }
    }

    /// What the evidence loader takes from a registry view; a merge with itself must change nothing.
    private func exerciseRegistry(_ view: RegistryView) {
        if let configuration = try? CARegistryConfiguration(view), case .value(let security) = configuration.security {
            _ = try? SecurityDescriptor(selfRelative: security)
        }
        _ = try? CredentialGuardConfiguration(view)?.configuredOn
        _ = try? DCOMConfiguration.enableDCOM(view)
        var merged = view
        merged.merge(view)
        requireEqual(merged, view, "registry view merged with itself")
    }

    private func runTemplatePeriod(_ bytes: [UInt8]) {
        guard let period = try? TemplatePeriod(attributeValue: bytes) else { return }
        requireEqual(try? TemplatePeriod(attributeValue: period.attributeValue), period, "template period")
        _ = TemplatePeriod.autoenrollmentProblems(validity: period, renewal: period)
        _ = period.description
    }

    private func exerciseAccessCheck(_ descriptor: SecurityDescriptor) {
        let sids = Set(descriptor.dacl?.aces.prefix(4).map(\.sid) ?? [])
        let token = AccessToken(sids: sids)
        _ = descriptor.check(token, desired: .controlAccess, objectType: ExtendedRight.certificateEnrollment)
        _ = CAPermissions(descriptor: descriptor, token: token)
        _ = TemplateEnrollmentRights(descriptor: descriptor, token: token)
    }
}

func requireEqual<T: Equatable>(_ actual: T?, _ expected: T, _ what: String) {
    guard actual == expected else { fatalError("\(what) round trip changed the value") }
}

extension SecurityDescriptor {
    /// What a decode of our own encoding must give: present flags and selfRelative set.
    var normalizedForEncoding: SecurityDescriptor {
        var copy = self
        copy.control.insert(.selfRelative)
        if sacl != nil { copy.control.insert(.saclPresent) }
        if dacl != nil { copy.control.insert(.daclPresent) }
        return copy
    }

    /// The parts SDDL preserves: owner, group, ACEs and the ACL flags SDDL can express.
    var comparable: [String] {
        let kept: SecurityDescriptorControl = [
            .daclPresent, .saclPresent, .daclProtected, .saclProtected, .daclAutoInherited, .saclAutoInherited,
            .daclComputedInheritanceRequired, .saclComputedInheritanceRequired,
        ]
        var presence = control.intersection(kept)
        if dacl != nil { presence.insert(.daclPresent) }
        if sacl != nil { presence.insert(.saclPresent) }
        // SDDL has no place for ACL flags when the ACL itself is absent (documented limitation).
        if !presence.contains(.daclPresent) {
            presence.subtract([.daclProtected, .daclAutoInherited, .daclComputedInheritanceRequired])
        }
        if !presence.contains(.saclPresent) {
            presence.subtract([.saclProtected, .saclAutoInherited, .saclComputedInheritanceRequired])
        }
        return [
            owner?.description ?? "-", group?.description ?? "-", String(presence.rawValue),
            String(describing: dacl?.aces), String(describing: sacl?.aces),
        ]
    }
}
