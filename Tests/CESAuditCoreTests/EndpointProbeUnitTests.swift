import ADModel
import DirectoryAccess
import Foundation
import Testing

@testable import CESAuditCore

/// The endpoint probe's pure parts: the certificate checks, the scheme checks against the auth flag, and the
/// decoding of the KRB-ERROR a server sends back in its Negotiate token. The live parts: EndpointProbeCommandTests.
@Suite struct EndpointProbeUnitTests {
    /// openssl req -x509 (P-256): SAN *.farm.corp.example.test, ces-fixture.corp.example.test, IP 127.0.9.1;
    /// keyUsage keyCertSign only; extendedKeyUsage clientAuth only; valid 2026-12-06 08:59:51 to 2027-01-05 08:59:51.
    static let fixture = """
        -----BEGIN CERTIFICATE-----
        MIICNDCCAdqgAwIBAgIUJMVmIkbS7XCe5QBVmJ5ktOXojf4wCgYIKoZIzj0EAwIw
        NzEmMCQGA1UEAwwdY2VzLWZpeHR1cmUuY29ycC5leGFtcGxlLnRlc3QxDTALBgNV
        BAoMBFRlc3QwHhcNMjYxMjA2MDg1OTUxWhcNMjcwMTA1MDg1OTUxWjA3MSYwJAYD
        VQQDDB1jZXMtZml4dHVyZS5jb3JwLmV4YW1wbGUudGVzdDENMAsGA1UECgwEVGVz
        dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBdwUNqQTkYNtb7O9NMMHSDFVGi2
        JiYk2GJyJp4rwYFpMSXTn0H/aTn2QGAzfMi9CIHb9jO+vvWbWs9+7C4J0umjgcMw
        gcAwHQYDVR0OBBYEFNBWlXX2W6suaEI1aJwa/cXgdfMHMB8GA1UdIwQYMBaAFNBW
        lXX2W6suaEI1aJwa/cXgdfMHMA8GA1UdEwEB/wQFMAMBAf8wSAYDVR0RBEEwP4IY
        Ki5mYXJtLmNvcnAuZXhhbXBsZS50ZXN0gh1jZXMtZml4dHVyZS5jb3JwLmV4YW1w
        bGUudGVzdIcEfwAJATAOBgNVHQ8BAf8EBAMCAgQwEwYDVR0lBAwwCgYIKwYBBQUH
        AwIwCgYIKoZIzj0EAwIDSAAwRQIgPU3FJvSjrxuO7nQA47Oj8Wlj5REhbVLRReyr
        3OTjTH8CIQCnoDJeMRLE67PRkSXpsOVbaGoiCfcAWfoq0/jCTQb0cA==
        -----END CERTIFICATE-----
        """

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func certificateFieldsAreRead() throws {
        let certificate = try ServerCertificate(bytes: Array(Self.fixture.utf8))
        #expect(certificate.dnsNames == ["*.farm.corp.example.test", "ces-fixture.corp.example.test"])
        #expect(certificate.ipAddresses == ["127.0.9.1"])
        #expect(certificate.commonNames == ["ces-fixture.corp.example.test"])
        #expect(certificate.notBefore == Self.date("2026-12-06T08:59:51Z"))
        #expect(certificate.notAfter == Self.date("2027-01-05T08:59:51Z"))
        #expect(certificate.keyUsage == ["keyCertSign"])
        #expect(certificate.extendedKeyUsages == ["1.3.6.1.5.5.7.3.2"])
    }

    @Test(arguments: [
        ("ces-fixture.corp.example.test", true), ("CES-FIXTURE.corp.example.test", true),
        ("node1.farm.corp.example.test", true), ("a.node1.farm.corp.example.test", false),
        ("farm.corp.example.test", false), ("ces01.corp.example.test", false), ("127.0.9.1", true),
        ("127.0.9.2", false),
    ])
    func hostNamesFollowRFC6125(host: String, named: Bool) throws {
        let certificate = try ServerCertificate(bytes: Array(Self.fixture.utf8))
        #expect(certificate.names(host: host) == named)
    }

    @Test func certificateChecksGiveEachReason() {
        func statuses(_ host: String, _ now: String) -> [String: Status] {
            Dictionary(
                uniqueKeysWithValues: EndpointProber.certificateChecks(Self.fixture, host: host, now: Self.date(now))
                    .map { ($0.check, $0.status) })
        }
        let inside = statuses("ces-fixture.corp.example.test", "2026-12-20T00:00:00Z")
        #expect(inside["certificate-name"] == .pass)
        #expect(inside["certificate-validity"] == .pass)
        // keyCertSign only and clientAuth only: not a TLS server certificate.
        #expect(inside["certificate-key-usage"] == .fail)
        #expect(statuses("ces01.corp.example.test", "2026-12-20T00:00:00Z")["certificate-name"] == .fail)
        #expect(statuses("ces-fixture.corp.example.test", "2027-02-01T00:00:00Z")["certificate-validity"] == .fail)
        #expect(statuses("ces-fixture.corp.example.test", "2026-12-01T00:00:00Z")["certificate-validity"] == .fail)
        #expect(
            EndpointProber.certificateChecks(nil, host: "x", now: Date()).map(\.status) == [.unknown],
            "no certificate is unknown, never pass")
    }

    static func head(_ status: Int, _ schemes: [String]) -> HTTPTransfer.ResponseHead {
        .init(status: status, headers: schemes.map { .init(name: "WWW-Authenticate", value: $0) })
    }

    static func verdicts(_ checks: [EndpointCheck]) -> [String: Status] {
        Dictionary(uniqueKeysWithValues: checks.map { ($0.check, $0.status) })
    }

    @Test func schemesAreJudgedAgainstTheAuthFlag() {
        let kerberos = Self.verdicts(
            EndpointProber.authenticationChecks(Self.head(401, ["Negotiate"]), authentication: .kerberos, https: true))
        #expect(kerberos == ["authentication": .pass, "ntlm": .pass])
        let ntlmOnly = Self.verdicts(
            EndpointProber.authenticationChecks(Self.head(401, ["NTLM"]), authentication: .kerberos, https: true))
        #expect(ntlmOnly == ["authentication": .fail, "ntlm": .warn])
        let both = Self.verdicts(
            EndpointProber.authenticationChecks(
                Self.head(401, ["Negotiate", "NTLM"]), authentication: .kerberos, https: true))
        #expect(both == ["authentication": .pass, "ntlm": .warn])
        let open = Self.verdicts(
            EndpointProber.authenticationChecks(Self.head(200, []), authentication: .kerberos, https: true))
        #expect(open["authentication"] == .fail)
        let basic = Self.verdicts(
            EndpointProber.authenticationChecks(
                Self.head(401, ["Basic realm=\"CES\""]), authentication: .usernamePassword, https: true))
        #expect(basic["authentication"] == .pass)
        let basicInClear = Self.verdicts(
            EndpointProber.authenticationChecks(
                Self.head(401, ["Basic realm=\"CES\""]), authentication: .usernamePassword, https: false))
        #expect(basicInClear["authentication"] == .fail)
        let certificate = Self.verdicts(
            EndpointProber.authenticationChecks(
                Self.head(200, []), authentication: .certificate, https: true, clientCertificate: .inHandshake))
        #expect(certificate == ["authentication": .pass, "ntlm": .pass])
        let unknownFlag = Self.verdicts(
            EndpointProber.authenticationChecks(Self.head(401, ["Negotiate"]), authentication: nil, https: true))
        #expect(unknownFlag["authentication"] == .unknown)
    }

    @Test func aCertificateEndpointIsJudgedByTheClientCertificateRequest() {
        func check(
            _ request: HTTPTransfer.ClientCertificateRequest?, _ status: Int?,
            _ stage: HTTPTransfer.Stage = .response, https: Bool = true,
            failing message: String = "GnuTLS recv error (-110): A TLS fatal alert has been received.",
            timedOut: Bool = false
        ) -> EndpointCheck {
            let failure =
                status == nil
                ? HTTPTransfer.Failure(stage: stage, timedOut: timedOut, code: timedOut ? 28 : 56, message: message)
                : nil
            return EndpointProber.clientCertificateCheck(
                request, answer: status.map { Self.head($0, []) }, failure: failure, https: https)
        }
        // Asked in the handshake: optional (answered) or required (403, or refused at the TLS layer).
        #expect(check(.inHandshake, 200).status == .pass)
        #expect(check(.inHandshake, 200).message.contains("optional"))
        #expect(check(.inHandshake, 403).message.contains("requires a client certificate"))
        #expect(check(.inHandshake, nil).status == .pass)
        #expect(check(.inHandshake, nil).message.contains("requires a client certificate"))
        // ... but a timeout after asking is no refusal: it asked, and whether it requires one is not known
        let silent = check(.inHandshake, nil, failing: "Operation timed out after 5000 milliseconds", timedOut: true)
        #expect(silent.status == .pass)
        #expect(silent.message.contains("gave no answer"), "\(silent.message)")
        #expect(!silent.message.contains("requires a client certificate"))
        // Only a refusal at the TLS layer spares the transport checks (a silent endpoint must not look answered)
        func failure(_ stage: HTTPTransfer.Stage, _ message: String, timedOut: Bool = false) -> HTTPTransfer.Failure {
            HTTPTransfer.Failure(stage: stage, timedOut: timedOut, code: timedOut ? 28 : 56, message: message)
        }
        #expect(EndpointProber.isRefusalAtTheTLSLayer(failure(.response, "A TLS fatal alert has been received.")))
        #expect(EndpointProber.isRefusalAtTheTLSLayer(failure(.renegotiation, "handshake failed")))
        // a slow client sees the close or reset that follows the alert instead of the alert (valgrind showed it)
        #expect(EndpointProber.isRefusalAtTheTLSLayer(failure(.response, "getpeername() failed with errno 107")))
        #expect(EndpointProber.isRefusalAtTheTLSLayer(failure(.response, "Connection reset by peer")))
        #expect(!EndpointProber.isRefusalAtTheTLSLayer(failure(.response, "timed out", timedOut: true)))
        #expect(!EndpointProber.isRefusalAtTheTLSLayer(failure(.tlsHandshake, "A TLS fatal alert has been received.")))
        #expect(check(.afterRequest, 200).status == .pass)
        #expect(check(.afterRequest, 200).message.contains("renegotiating"))
        // Not asked and answered: the endpoint cannot authenticate by certificate.
        #expect(check(.notAsked, 200).status == .fail)
        #expect(check(.notAsked, 403).status == .fail)
        #expect(check(.notAsked, 403).message.contains("post-handshake"))
        #expect(check(.inHandshake, 200, https: false).status == .fail)
        // Not seen: unknown, never pass.
        #expect(check(.notAsked, nil, .renegotiation).status == .unknown)
        #expect(check(.notAsked, nil, .renegotiation).message.contains("new TLS handshake"))
        #expect(check(.notAsked, nil).status == .unknown)
        #expect(check(nil, nil, .tlsHandshake).status == .unknown)
        #expect(check(.unreadable, 200).status == .unknown)
    }

    /// What Apache mod_auth_gssapi (MIT acceptor) sent back to a ticket it could not decrypt (captured from the
    /// stand-in of scripts/endpoint-standins): negTokenResp(reject) → KRB-ERROR 31, sname HTTP/ces01….
    static let apacheRefusal =
        "oYGJMIGGoAMKAQKifwR9YHsGCSqGSIb3EgECAgMAfmwwaqADAgEFoQMCAR6kERgPMjAyNjEyMDYwODUxMTZapQUCAwTnaqYDAgEfqRMbEUNPUlAuRVhBTVBMRS5URVNUqiowKKADAgEDoSEwHxsESFRUUBsXY2VzMDEuY29ycC5leGFtcGxlLnRlc3Q="

    @Test func theServersKerberosErrorIsDecoded() throws {
        let token = try #require(NegotiateErrorToken(base64: Self.apacheRefusal))
        #expect(token.errorCode == 31)
        #expect(token.realm == "CORP.EXAMPLE.TEST")
        #expect(token.serverName == "HTTP/ces01.corp.example.test")
        // The same token with error-code 41, as a Windows acceptor sends KRB_AP_ERR_MODIFIED.
        var bytes = [UInt8](Data(base64Encoded: Self.apacheRefusal)!)
        let codeField: [UInt8] = [0xA6, 0x03, 0x02, 0x01, 0x1F]
        let at = try #require(bytes.indices.first { bytes[$0...].starts(with: codeField) })
        bytes[at + 4] = 41
        #expect(NegotiateErrorToken(base64: Data(bytes).base64EncodedString())?.errorCode == 41)
        // An AP-REP (accepted) or garbage is no error token.
        #expect(NegotiateErrorToken(base64: "oRQwEqADCgEAoQsGCSqGSIb3EgECAg==") == nil)
        #expect(NegotiateErrorToken(base64: "not base64!") == nil)
        #expect(NegotiateErrorToken(base64: Data(bytes.prefix(20)).base64EncodedString()) == nil)
    }
}
