import ADModel
import DirectoryAccess

/// What a job knows about the live endpoint probe (`--probe-endpoints`) for one endpoint.
public enum EndpointProbeState: Sendable, Equatable {
    case notAsked
    case ran(EndpointProbeReport)
}

extension EndpointProber {
    /// The probe of one published endpoint: its URL and the authentication its flag requires.
    public func state(for endpoint: EnrollmentServiceRecord.Endpoint) async -> EndpointProbeState {
        guard let url = endpoint.url else {
            return .ran(
                EndpointProbeReport(
                    url: endpoint.raw, authentication: nil, address: nil,
                    checks: [.init("url", .unknown, endpoint.malformed ?? "the published value has no URL")],
                    kerberos: nil))
        }
        return .ran(
            await probe(url, authentication: endpoint.authenticationFlag.flatMap(EnrollmentAuthentication.init)))
    }
}

/// A rule about one endpoint and the live endpoint probe's report (CES-K2).
public protocol EndpointProbeRule: AuditRule {
    func evaluate(_ path: EndpointPath, probe: EndpointProbeState, in context: RuleContext) -> Finding
}

/// CES-K2: the published endpoint as it answers (DNS, TCP, TLS, certificate, authentication schemes, and for a
/// Kerberos endpoint the KDC's and the server's answer to a ticket for HTTP/<host>), compared with what CES-C8
/// (who holds the SPN) and CES-C9 (the principal's encryption types) predict.
public struct K2EndpointAnswerAgreement: EndpointProbeRule {
    public static let id = "CES-K2"
    public init() {}

    /// The Kerberos leg's real outcome, reduced to what C8 predicts.
    enum KerberosOutcome: String {
        case accepted
        case refusedByKDC = "refused by the KDC"
        case refusedByServer = "refused by the server"
    }

    public func evaluate(_ path: EndpointPath, probe: EndpointProbeState, in context: RuleContext) -> Finding {
        guard case .ran(let report) = probe else {
            return context.finding(
                Self.id, .skipped, path: path, message: "no live endpoint probe asked for (--probe-endpoints)")
        }
        var evidence: [String: EvidenceValue] = ["url": .string(report.url)]
        if let address = report.address { evidence["address"] = .string(address) }
        for check in report.checks {
            evidence["probe:\(check.check)"] = .string("\(check.status.rawValue): \(check.message)")
        }
        let problems = report.checks.filter { $0.status != .pass && $0.status != .skipped }
        var lines = problems.map { "\($0.check) \($0.status.rawValue): \($0.message)" }
        var status = report.status

        // Kerberos leg against C8 (and the ticket's encryption type against C9).
        if let leg = report.kerberos, let outcome = Self.outcome(leg) {
            evidence["live:kerberos"] = .string(outcome.rawValue)
            let c8 = C8HTTPServicePrincipalName().evaluate(path, in: context)
            evidence["static:CES-C8"] = .string(c8.status.rawValue)
            if let holders = c8.evidence["holders"] { evidence["spnHolders"] = holders }
            switch (c8.status, outcome) {
            case (.pass, .accepted), (.fail, .refusedByKDC), (.fail, .refusedByServer):
                evidence["comparison:CES-C8"] = .string("agree")
                lines.append("CES-C8 \(c8.status.rawValue) and the ticket was \(outcome.rawValue) — agree")
            case (.pass, _), (.fail, _):
                evidence["comparison:CES-C8"] = .string("disagree")
                status = .fail
                lines.append(
                    "DISAGREE: CES-C8 says \(c8.status.rawValue) (\(c8.message)) but the ticket was \(outcome.rawValue)"
                        + (outcome == .refusedByServer
                            ? " — the server does not hold the key of the account with the SPN: CES runs as another account, or its keytab is stale"
                            : ""))
            default:
                evidence["comparison:CES-C8"] = .string("cannot compare")
                lines.append("CES-C8 is \(c8.status.rawValue): \(c8.message)")
            }
            if case .issued(let ticket) = leg.ticket {
                evidence["ticketEncryptionType"] = .string(ticket.encryptionTypeName)
                evidence["ticketKeyVersion"] = .integer(Int64(ticket.keyVersion))
                let c9 = C9PrincipalEncryptionTypes().evaluate(path, in: context)
                evidence["static:CES-C9"] = .string(c9.status.rawValue)
                // The HTTP/ ticket is under the CES principal's key: its own C9 verdict is the prediction.
                let predictsAES =
                    path.principal.account.map {
                        C9PrincipalEncryptionTypes.judge(
                            $0, role: "CES principal", kdc: .init(context.snapshot), domain: context.snapshot.domain
                        ).predictsAES
                    } ?? true
                switch (c9.status, ticket.isLegacyEncryption) {
                // (C9 fails, or is unknown, where it predicts no ticket or cannot tell: nothing to compare.)
                // RC4 (23, or 24 export) is what an RC4-allowing default predicts; DES never is.
                case (.pass, true) where !predictsAES && [23, 24].contains(ticket.encryptionType):
                    evidence["comparison:CES-C9"] = .string("agree")
                    lines.append(
                        "CES-C9 \(c9.status.rawValue), ticket \(ticket.encryptionTypeName) — agree (the KDC's default still allows RC4)"
                    )
                case (.pass, false):
                    evidence["comparison:CES-C9"] = .string("agree")
                    lines.append("CES-C9 \(c9.status.rawValue), ticket \(ticket.encryptionTypeName) — agree")
                case (.pass, true):
                    evidence["comparison:CES-C9"] = .string("disagree")
                    if status == .pass { status = .warn }
                    lines.append(
                        "DISAGREE: CES-C9 passes (AES configured) but the ticket is \(ticket.encryptionTypeName): the account's AES keys are missing (password not reset since AES) or the KDC prefers RC4"
                    )
                default:
                    evidence["comparison:CES-C9"] = .string("cannot compare")
                }
            }
        }
        let message =
            lines.isEmpty
            ? "\(report.url): every live check passed" : "\(report.url): " + lines.joined(separator: "; ")
        return context.finding(Self.id, status, path: path, message: message, evidence: evidence)
    }

    static func outcome(_ leg: KerberosLegReport) -> KerberosOutcome? {
        switch (leg.ticket, leg.server) {
        case (.refused, _): return .refusedByKDC
        case (.issued, .accepted): return .accepted
        case (.issued, .refused): return .refusedByServer
        default: return nil
        }
    }
}
