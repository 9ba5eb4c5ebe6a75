import ADModel
import DirectoryAccess
import Foundation

/// One check of the live endpoint probe (docs/endpoint-probe.md): what was checked, the verdict, why.
public struct EndpointCheck: Sendable, Equatable {
    /// `url`, `name-resolution`, `tcp-connect`, `tls-handshake`, `http-response`, `scheme`, `certificate-trust`,
    /// `certificate-name`, `certificate-validity`, `certificate-key-usage`, `authentication`, `ntlm`, `kerberos`.
    public var check: String
    public var status: Status
    public var message: String

    public init(_ check: String, _ status: Status, _ message: String) {
        self.check = check
        self.status = status
        self.message = message
    }
}

/// The Kerberos leg of the probe: the KDC's answer for `HTTP/<host>` and the server's answer to SPNEGO.
public struct KerberosLegReport: Sendable, Equatable {
    public enum ServerAnswer: Sendable, Equatable {
        /// The server accepted the AP-REQ (HTTP status of the authenticated request).
        case accepted(status: Int)
        /// 401 again; the Kerberos error the server sent back in its Negotiate token, when it sent one.
        case refused(NegotiateErrorToken?)
        /// Not asked (no ticket) or no answer (why).
        case notAnswered(String)
    }

    public var servicePrincipal: String
    public var ticket: ServiceTicketOutcome
    public var server: ServerAnswer
}

/// Everything the probe learned about one endpoint URL.
public struct EndpointProbeReport: Sendable, Equatable {
    public var url: String
    public var authentication: EnrollmentAuthentication?
    public var address: String?
    public var checks: [EndpointCheck]
    public var kerberos: KerberosLegReport?

    /// The worst verdict: fail > unknown > warn > pass.
    public var status: Status {
        let statuses = Set(checks.map(\.status))
        for status in [Status.fail, .unknown, .warn, .pass] where statuses.contains(status) { return status }
        return .skipped
    }
}

/// The probe's settings: the trust the connection uses, the time limit, name overrides and Kerberos credentials.
public struct EndpointProbeSettings: Sendable {
    public var caFile: String?
    public var timeoutSeconds: Double
    /// `HOST:ADDRESS` pairs (curl's --resolve without the port): probe one node of a farm, or a stand-in.
    public var resolve: [String]
    /// The Kerberos leg's credentials; nil: the leg is not run, for this reason.
    public var kerberos: Result<HTTPKerberosClient, KerberosUnavailable>

    public struct KerberosUnavailable: Error, Sendable, Equatable {
        public var reason: String
        /// false when the operator turned the leg off (the check is then `skipped`, not `unknown`).
        public var asked: Bool
        public init(_ reason: String, asked: Bool = true) {
            self.reason = reason
            self.asked = asked
        }
    }

    public init(
        caFile: String?, timeoutSeconds: Double, resolve: [String],
        kerberos: Result<HTTPKerberosClient, KerberosUnavailable>
    ) {
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
        self.resolve = resolve
        self.kerberos = kerberos
    }
}

/// The live endpoint probe: read-only GETs of the published URL (the service description), no password and no
/// NTLM exchange ever; Kerberos only as SPNEGO with a ticket from the given credentials.
public struct EndpointProber: Sendable {
    public var settings: EndpointProbeSettings

    public init(settings: EndpointProbeSettings) { self.settings = settings }

    /// `authentication`: what the endpoint's flag requires (nil: read from the URL's `<CA>_CES_<Auth>` path).
    public func probe(_ url: String, authentication: EnrollmentAuthentication?) async -> EndpointProbeReport {
        let settings = settings
        return await withCheckedContinuation { continuation in
            // libcurl blocks: keep it off the cooperative pool.
            Thread.detachNewThread {
                continuation.resume(returning: Self.run(url, authentication: authentication, settings: settings))
            }
        }
    }

    static func run(
        _ url: String, authentication given: EnrollmentAuthentication?, settings: EndpointProbeSettings
    ) -> EndpointProbeReport {
        var report = EndpointProbeReport(url: url, authentication: given, address: nil, checks: [], kerberos: nil)
        let endpoint: EndpointURL
        do { endpoint = try EndpointURL(url) } catch {
            report.checks.append(.init("url", .fail, error.description))
            return report
        }
        if report.authentication == nil, let suffix = endpoint.cesInstance?.authenticationSuffix {
            report.authentication = EnrollmentAuthentication.allCases.first { $0.instanceSuffix == suffix }
        }
        let https = endpoint.scheme == "https"
        report.checks.append(
            https
                ? .init("scheme", .pass, "https")
                : .init(
                    "scheme", .fail,
                    "plain http://: requests and credentials travel unprotected; CES endpoints must be https://"))

        // One time limit for the whole endpoint: each request gets what is left of it.
        let deadline = Date().addingTimeInterval(settings.timeoutSeconds)
        let exhausted = "the time limit for this endpoint (\(settings.timeoutSeconds) s) was used up"

        // 1. Unauthenticated GET, certificate read without verification (judged below with precise reasons).
        let open = HTTPTransfer.get(
            .init(url: url, trust: .readOnly, timeoutSeconds: settings.timeoutSeconds, resolve: settings.resolve))
        report.address = open.connectedAddress
        // A server that asked for a client certificate and then refused the request without one (TLS 1.3: an
        // alert after the handshake; TLS 1.2: a failed renegotiation) has answered, at the TLS layer: judged below,
        // not as a transport failure. A timeout after the request is no such answer.
        let refusedWithoutCertificate =
            open.responses.isEmpty && [.inHandshake, .afterRequest].contains(open.clientCertificateRequest)
            && open.failure.map(Self.isRefusalAtTheTLSLayer) == true
        if let failure = open.failure, !refusedWithoutCertificate {
            report.checks += transportChecks(failure, https: https, address: open.connectedAddress)
            if report.authentication == .certificate {
                report.checks.append(
                    clientCertificateCheck(open.clientCertificateRequest, answer: nil, failure: failure, https: https))
            }
            return report
        }
        report.checks.append(.init("name-resolution", .pass, "resolves to \(open.connectedAddress ?? "an address")"))
        report.checks.append(.init("tcp-connect", .pass, "connected to \(open.connectedAddress ?? endpoint.host)"))
        if https {
            report.checks.append(.init("tls-handshake", .pass, "TLS handshake completed"))
            report.checks += certificateChecks(open.certificatesPEM.first, host: endpoint.host)
            let anchors = settings.caFile.map { "the anchors in \($0)" } ?? "the system's trust store"
            let left = deadline.timeIntervalSinceNow
            let verified =
                left > 0.1
                ? HTTPTransfer.get(
                    .init(
                        url: url, trust: .verifyChain(caFile: settings.caFile), timeoutSeconds: left,
                        resolve: settings.resolve)) : nil
            if verified == nil {
                report.checks.append(.init("certificate-trust", .unknown, "not verified: \(exhausted)"))
            } else if let failure = verified?.failure, verified?.clientCertificateRequest == nil {
                // (A failure after the handshake, with the chain verified in it, is not the chain's.)
                let status: Status = failure.stage == .tlsHandshake ? .fail : .unknown
                report.checks.append(
                    .init("certificate-trust", status, "the chain does not verify against \(anchors): \(failure)"))
            } else {
                report.checks.append(.init("certificate-trust", .pass, "the chain verifies against \(anchors)"))
            }
        }
        if report.authentication == .certificate && open.responses.isEmpty {
            report.checks.append(
                clientCertificateCheck(open.clientCertificateRequest, answer: nil, failure: open.failure, https: https))
            report.checks.append(
                .init("ntlm", .skipped, "no HTTP answer without a client certificate, so no schemes to read"))
            return report
        }
        guard let last = open.responses.last else {
            report.checks.append(
                .init("http-response", .fail, "no HTTP response\(open.failure.map { ": \($0)" } ?? "")"))
            return report
        }
        report.checks += authenticationChecks(
            last, authentication: report.authentication, https: https,
            clientCertificate: open.clientCertificateRequest)

        // 2. The Kerberos leg, for Kerberos endpoints over TLS only.
        if report.authentication == .kerberos && !https {
            report.checks.append(.init("kerberos", .skipped, "no Kerberos leg over plain http://"))
        } else if report.authentication == .kerberos && last.status == 401 {
            let leg = kerberosLeg(url: url, host: endpoint.host, settings: settings, deadline: deadline)
            report.kerberos = leg.report
            report.checks.append(leg.check)
        }
        return report
    }

    static func transportChecks(_ failure: HTTPTransfer.Failure, https: Bool, address: String?) -> [EndpointCheck] {
        let limit = failure.timedOut ? " (time limit reached)" : ""
        switch failure.stage {
        case .nameResolution:
            return [.init("name-resolution", .fail, "the host name does not resolve\(limit): \(failure.message)")]
        case .connect:
            return [
                .init("name-resolution", .pass, "resolves to \(address ?? "an address")"),
                .init("tcp-connect", .fail, "TCP connect failed\(limit): \(failure.message)"),
            ]
        case .tlsHandshake:
            return [
                .init("name-resolution", .pass, "resolves to \(address ?? "an address")"),
                .init("tcp-connect", .pass, "connected to \(address ?? "the host")"),
                .init(
                    "tls-handshake", .fail,
                    failure.timedOut
                        ? "the server accepted TCP but never completed the TLS handshake: \(failure.message)"
                        : "TLS handshake failed: \(failure.message)"),
            ]
        case .response:
            var checks: [EndpointCheck] = [
                .init("name-resolution", .pass, "resolves to \(address ?? "an address")"),
                .init("tcp-connect", .pass, "connected to \(address ?? "the host")"),
            ]
            if https { checks.append(.init("tls-handshake", .pass, "TLS handshake completed")) }
            checks.append(
                .init(
                    "http-response", .fail,
                    failure.timedOut
                        ? "no HTTP answer within the time limit: \(failure.message)"
                        : "the HTTP exchange failed: \(failure.message)"))
            return checks
        case .renegotiation:
            return [
                .init("name-resolution", .pass, "resolves to \(address ?? "an address")"),
                .init("tcp-connect", .pass, "connected to \(address ?? "the host")"),
                .init("tls-handshake", .pass, "TLS handshake completed"),
                .init(
                    "http-response", .unknown,
                    "the server started a new TLS handshake after the request (renegotiation) and it failed, which a per-path client certificate requirement does to a client without one: \(failure.message)"
                ),
            ]
        }
    }

    static func certificateChecks(_ pem: String?, host: String, now: Date = Date()) -> [EndpointCheck] {
        guard let pem else {
            return [.init("certificate-name", .unknown, "the TLS library reported no server certificate")]
        }
        let certificate: ServerCertificate
        do { certificate = try ServerCertificate(bytes: Array(pem.utf8)) } catch {
            return [.init("certificate-name", .unknown, "the server certificate could not be read: \(error)")]
        }
        var checks: [EndpointCheck] = []
        let names = (certificate.dnsNames + certificate.ipAddresses)
        let listed =
            names.isEmpty
            ? "no subjectAltName, CN \(certificate.commonNames.joined(separator: ", "))" : names.joined(separator: ", ")
        checks.append(
            certificate.names(host: host)
                ? .init("certificate-name", .pass, "the certificate names \(host) (\(listed))")
                : .init("certificate-name", .fail, "the certificate does not name \(host): it is for \(listed)"))
        let period = "\(certificate.notBefore.iso8601UTC) to \(certificate.notAfter.iso8601UTC)"
        if now > certificate.notAfter {
            checks.append(.init("certificate-validity", .fail, "the certificate expired: valid \(period)"))
        } else if now < certificate.notBefore {
            checks.append(.init("certificate-validity", .fail, "the certificate is not yet valid: valid \(period)"))
        } else {
            checks.append(.init("certificate-validity", .pass, "valid \(period)"))
        }
        var usageProblems: [String] = []
        if let ekus = certificate.extendedKeyUsages, !ekus.contains(ServerCertificate.serverAuthentication),
            !ekus.contains("2.5.29.37.0")
        {
            usageProblems.append("extendedKeyUsage lacks serverAuth (\(ekus.joined(separator: ", ")))")
        }
        if let usages = certificate.keyUsage, !usages.contains("digitalSignature"), !usages.contains("keyEncipherment")
        {
            usageProblems.append(
                "keyUsage has neither digitalSignature nor keyEncipherment (\(usages.joined(separator: ", ")))")
        }
        checks.append(
            usageProblems.isEmpty
                ? .init(
                    "certificate-key-usage", .pass,
                    "usable for TLS server authentication (keyUsage \(certificate.keyUsage?.joined(separator: ", ") ?? "absent"), extendedKeyUsage \(certificate.extendedKeyUsages?.joined(separator: ", ") ?? "absent"))"
                )
                : .init("certificate-key-usage", .fail, usageProblems.joined(separator: "; ")))
        return checks
    }

    /// The scheme names offered in `WWW-Authenticate` (first word of each value).
    static func offeredSchemes(_ response: HTTPTransfer.ResponseHead) -> [String] {
        response.values("WWW-Authenticate").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// `clientCertificate`: what the TLS session said about a client certificate request (Certificate endpoints).
    static func authenticationChecks(
        _ response: HTTPTransfer.ResponseHead, authentication: EnrollmentAuthentication?, https: Bool,
        clientCertificate: HTTPTransfer.ClientCertificateRequest? = nil
    ) -> [EndpointCheck] {
        let schemes = offeredSchemes(response)
        let offered = schemes.isEmpty ? "none" : schemes.joined(separator: ", ")
        func has(_ name: String) -> Bool { schemes.contains { $0.caseInsensitiveCompare(name) == .orderedSame } }
        var checks: [EndpointCheck] = []
        switch authentication {
        case .kerberos?:
            if response.status != 401 {
                checks.append(
                    .init(
                        "authentication", .fail,
                        "HTTP \(response.status) without asking for authentication; a Kerberos endpoint answers 401 with Negotiate"
                    ))
            } else {
                checks.append(
                    has("Negotiate")
                        ? .init("authentication", .pass, "401 offers Negotiate (offered: \(offered))")
                        : .init(
                            "authentication", .fail,
                            "the Kerberos endpoint does not offer Negotiate (offered: \(offered)): clients cannot use Kerberos, so no delegation"
                        ))
            }
        case .usernamePassword?:
            if response.status == 401 && has("Basic") {
                checks.append(
                    https
                        ? .init("authentication", .pass, "401 offers Basic over TLS (offered: \(offered))")
                        : .init("authentication", .fail, "Basic offered over plain HTTP: passwords travel in clear"))
            } else {
                checks.append(
                    .init(
                        "authentication", .fail,
                        "HTTP \(response.status), offered: \(offered); a UsernamePassword endpoint answers 401 with Basic"
                    ))
            }
        case .certificate?:
            checks.append(clientCertificateCheck(clientCertificate, answer: response, failure: nil, https: https))
        default:
            checks.append(
                .init(
                    "authentication", .unknown,
                    "the endpoint's authentication type is unknown (no <CA>_CES_<Auth> path, no --auth); offered: \(offered)"
                ))
        }
        if has("NTLM") {
            checks.append(
                .init(
                    "ntlm", .warn,
                    "NTLM is offered: relay exposure (ESC8-style) unless Extended Protection (channel binding) is enforced, which the probe cannot show without an NTLM exchange, and it does none"
                ))
        } else {
            checks.append(.init("ntlm", .pass, "NTLM is not offered"))
        }
        return checks
    }

    /// A Certificate endpoint's `authentication`: did the server ask for a client certificate (a TLS
    /// CertificateRequest), in the handshake or by renegotiating after the request, and what did it do without one.
    /// `answer`: the HTTP answer without a certificate, nil when there was none (`failure`).
    /// A failed renegotiation, or the connection ended by the server after the request without an HTTP answer: a
    /// TLS alert, or (when the client is slow to read it) the close or reset that follows the alert. A timeout is
    /// no refusal: the server went silent.
    static func isRefusalAtTheTLSLayer(_ failure: HTTPTransfer.Failure) -> Bool {
        if failure.stage == .renegotiation { return true }
        return failure.stage == .response && !failure.timedOut
    }

    static func clientCertificateCheck(
        _ request: HTTPTransfer.ClientCertificateRequest?, answer: HTTPTransfer.ResponseHead?,
        failure: HTTPTransfer.Failure?, https: Bool
    ) -> EndpointCheck {
        guard https else {
            return .init(
                "authentication", .fail, "plain http://: no TLS, so no client certificate can be asked for")
        }
        let failed = failure.map { "\($0)" } ?? "no answer"
        let without: String
        if let answer {
            let schemes = offeredSchemes(answer)
            let offered = schemes.isEmpty ? "" : " (offered: \(schemes.joined(separator: ", ")))"
            without =
                [401, 403].contains(answer.status)
                ? "refused the request without one (HTTP \(answer.status)\(offered)): it requires a client certificate"
                : "answered HTTP \(answer.status) without one: a certificate is optional at the TLS layer"
        } else if let failure, !isRefusalAtTheTLSLayer(failure) {
            without = "then gave no answer (\(failed)): whether it requires one is not known"
        } else {
            without = "refused the request without one (\(failed)): it requires a client certificate"
        }
        switch request {
        case .inHandshake?:
            return .init(
                "authentication", .pass,
                "the server asked for a client certificate in the TLS handshake (CertificateRequest) and \(without)")
        case .afterRequest?:
            return .init(
                "authentication", .pass,
                "the server asked for a client certificate by renegotiating TLS after the request (TLS 1.2; IIS without \"Negotiate Client Certificate\" does this) and \(without); a client that negotiates TLS 1.3 cannot be asked this way"
            )
        case .notAsked?:
            if let answer {
                let postHandshake =
                    answer.status == 403
                    ? "; a 403 without asking is also what Apache's per-path SSLVerifyClient answers over TLS 1.3 to a client that offers no post-handshake authentication, which Windows clients do not offer either"
                    : ""
                return .init(
                    "authentication", .fail,
                    "the server did not ask for a client certificate during TLS and answered HTTP \(answer.status): the endpoint cannot authenticate clients by certificate as published\(postHandshake)"
                )
            }
            if failure?.stage == .renegotiation {
                return .init(
                    "authentication", .unknown,
                    "the server started a new TLS handshake after the request and it failed (\(failed)): a per-path client certificate requirement on TLS 1.2 does this, but whether the server asked for one cannot be read after the failure"
                )
            }
            return .init(
                "authentication", .unknown,
                "the server did not ask for a client certificate in the handshake, and the request got no answer: \(failed)"
            )
        case .unreadable?:
            return .init(
                "authentication", .unknown,
                "the TLS library libcurl uses here does not tell whether the server asked for a client certificate (only libcurl's GnuTLS flavour is read)"
            )
        case nil:
            return .init(
                "authentication", .unknown,
                "the TLS handshake did not complete, so whether the server asks for a client certificate was not seen (a server that requires one may refuse a TLS 1.2 handshake without it, alert handshake_failure): \(failed)"
            )
        }
    }

    static func kerberosLeg(url: String, host: String, settings: EndpointProbeSettings, deadline: Date) -> (
        report: KerberosLegReport?, check: EndpointCheck
    ) {
        let client: HTTPKerberosClient
        switch settings.kerberos {
        case .success(let found): client = found
        case .failure(let why):
            return (
                nil, .init("kerberos", why.asked ? .unknown : .skipped, "the Kerberos leg did not run: \(why.reason)")
            )
        }
        let spn = "HTTP/\(host)"
        let ticket = client.serviceTicket(host: host)
        var leg = KerberosLegReport(servicePrincipal: spn, ticket: ticket, server: .notAnswered("no ticket"))
        switch ticket {
        case .refused(let error, let message):
            let meaning: String =
                switch error.number {
                case 7:
                    "the KDC resolves \(spn) to no single account: registered nowhere, or on several accounts (a Windows KDC logs event 11 for duplicates) (CES-C8)"
                case 8: "several accounts hold \(spn) (CES-C8)"
                case 14: "no encryption type in common with the account holding \(spn) (CES-C9)"
                default: error.meaning
                }
            return (
                leg, .init("kerberos", .fail, "the KDC refused a ticket for \(spn): \(error) — \(meaning) (\(message))")
            )
        case .failed(let failure):
            return (leg, .init("kerberos", .unknown, "no ticket for \(spn): \(failure)"))
        case .issued(let info):
            let ticketText = "ticket for \(info.servicePrincipal): \(info.encryptionTypeName), kvno \(info.keyVersion)"
            let left = deadline.timeIntervalSinceNow
            guard left > 0.1 else {
                leg.server = .notAnswered("time limit")
                return (
                    leg,
                    .init(
                        "kerberos", .unknown,
                        "\(ticketText); not presented: the time limit for this endpoint (\(settings.timeoutSeconds) s) was used up"
                    )
                )
            }
            let answer = HTTPTransfer.get(
                .init(
                    url: url, trust: .readOnly, timeoutSeconds: left, resolve: settings.resolve,
                    negotiateCache: client.cacheName))
            if let failure = answer.failure, answer.responses.isEmpty {
                leg.server = .notAnswered("\(failure)")
                return (leg, .init("kerberos", .unknown, "\(ticketText); the authenticated request failed: \(failure)"))
            }
            guard let last = answer.responses.last else {
                leg.server = .notAnswered("no response")
                return (leg, .init("kerberos", .unknown, "\(ticketText); no response to the authenticated request"))
            }
            if last.status != 401 {
                leg.server = .accepted(status: last.status)
                return (
                    leg, .init("kerberos", .pass, "\(ticketText); the server accepted it (HTTP \(last.status))")
                )
            }
            let token = last.values("WWW-Authenticate").lazy.compactMap { value -> NegotiateErrorToken? in
                let parts = value.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, parts[0].caseInsensitiveCompare("Negotiate") == .orderedSame else { return nil }
                return NegotiateErrorToken(base64: String(parts[1]))
            }.first
            leg.server = .refused(token)
            guard let token else {
                return (
                    leg,
                    .init(
                        "kerberos", .fail,
                        "\(ticketText); the server refused it (401 again) without a Kerberos error token, so the reason cannot be decoded client-side"
                    )
                )
            }
            let error = KDCError(number: token.errorCode)
            let reason: String =
                switch token.errorCode {
                case 31, 41:
                    "the server cannot decrypt the ticket: the key it holds for \(spn) is not the key of the account the KDC encrypted the ticket for (the SPN's account and the server's account or keytab differ)"
                case 44, 45:
                    "the server has no key of this version/encryption type for \(spn) (stale keytab or password change)"
                case 35: "the ticket is not for this server (wrong SPN in the server's keytab)"
                case 37: "clock skew between the client and the server"
                default: error.meaning
                }
            return (leg, .init("kerberos", .fail, "\(ticketText); the server refused it with \(error): \(reason)"))
        }
    }
}
