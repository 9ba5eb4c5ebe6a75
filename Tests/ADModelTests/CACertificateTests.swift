import SwiftASN1
import Testing
import X509

@testable import ADModel

@Suite("CA certificates (X.509)")
struct CACertificateTests {
    @Test("restricted CA: certificate policies, EKU and Microsoft application policies")
    func restricted() throws {
        let certificate = try CACertificate(bytes: Array(Fixtures.restrictedCAPEM.utf8))
        #expect(certificate.isCA == true)
        #expect(certificate.subject.contains("Restricted Issuing CA"))
        #expect(certificate.certificatePolicies == ["1.3.6.1.4.1.99999.1.1", "1.3.6.1.4.1.99999.1.2"])
        #expect(certificate.extendedKeyUsages == ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"])
        #expect(certificate.applicationPolicies == ["1.3.6.1.5.5.7.3.2"])
        // CES-F6: a template issuance policy the CA does not list is not permitted.
        #expect(certificate.disallowedIssuancePolicies(["1.3.6.1.4.1.99999.1.1"]).isEmpty)
        #expect(certificate.disallowedIssuancePolicies(["1.3.6.1.4.1.99999.1.3"]) == ["1.3.6.1.4.1.99999.1.3"])
        // CES-F6b: serverAuth is in the EKU but not in the application policies extension.
        #expect(certificate.disallowedApplicationPolicies(["1.3.6.1.5.5.7.3.2"]).isEmpty)
        #expect(certificate.disallowedApplicationPolicies(["1.3.6.1.5.5.7.3.1"]) == ["1.3.6.1.5.5.7.3.1"])
        #expect(certificate.disallowedApplicationPolicies(["1.3.6.1.5.5.7.3.4"]) == ["1.3.6.1.5.5.7.3.4"])
    }

    @Test("anyPolicy CA permits every issuance policy; no EKU permits every application policy")
    func anyPolicy() throws {
        let certificate = try CACertificate(bytes: Array(Fixtures.anyPolicyCAPEM.utf8))
        #expect(certificate.certificatePolicies == [PolicyOID.anyPolicy])
        #expect(certificate.extendedKeyUsages == nil)
        #expect(certificate.applicationPolicies == nil)
        #expect(certificate.disallowedIssuancePolicies(["1.2.3.4"]).isEmpty)
        #expect(certificate.disallowedApplicationPolicies(["1.3.6.1.5.5.7.3.2"]).isEmpty)
    }

    @Test("chain check names the restricting CA (issuing CA first)")
    func chain() throws {
        let issuing = try CACertificate(bytes: Array(Fixtures.restrictedCAPEM.utf8))
        let root = try CACertificate(bytes: Array(Fixtures.anyPolicyCAPEM.utf8))
        let violations = CACertificate.policyViolations(
            chain: [issuing, root], issuancePolicies: ["1.3.6.1.4.1.99999.1.3"],
            applicationPolicies: ["1.3.6.1.5.5.7.3.2"])
        #expect(violations.count == 1)
        #expect(violations.first?.index == 0)
        #expect(violations.first?.disallowedIssuancePolicies == ["1.3.6.1.4.1.99999.1.3"])
        #expect(violations.first?.disallowedApplicationPolicies == [])
        #expect(
            CACertificate.policyViolations(
                chain: [issuing, root], issuancePolicies: ["1.3.6.1.4.1.99999.1.2"], applicationPolicies: []
            ).isEmpty)
    }

    /// The certificate is read field by field with SwiftASN1; the result is what swift-certificates reads.
    @Test("names and extensions read as a full X.509 parse reads them")
    func sameAsAFullParse() throws {
        for pem in [Fixtures.restrictedCAPEM, Fixtures.anyPolicyCAPEM] {
            let full = try Certificate(pemEncoded: pem)
            let light = try CACertificate(bytes: Array(pem.utf8))
            #expect(light.subject == full.subject.description)
            #expect(light.issuer == full.issuer.description)
            #expect(light.subject.contains("CN="), "\(light.subject)")
            let basicConstraints = try full.extensions.basicConstraints
            #expect(light.isCA == basicConstraints.map { $0 != .notCertificateAuthority })
            let oids = full.extensions.map(\.oid.description)
            #expect((light.certificatePolicies != nil) == oids.contains(PolicyOID.certificatePoliciesExtension))
            #expect((light.extendedKeyUsages != nil) == oids.contains(PolicyOID.extendedKeyUsageExtension))
            #expect((light.applicationPolicies != nil) == oids.contains(PolicyOID.applicationPoliciesExtension))
        }
    }

    /// Names as swift-certificates prints them, for the value types and characters it treats specially.
    @Test("distinguished names: escapes, multi-valued RDNs, other string types and OIDs")
    func distinguishedNames() throws {
        let names: [DistinguishedName] = [
            try DistinguishedName {
                DomainComponent("test")
                CommonName(" #lead, and; trail ")
                OrganizationalUnitName("a+b\"c\\d<e>")
            },
            DistinguishedName([
                try RelativeDistinguishedName([
                    .init(type: .RDNAttributeType.commonName, utf8String: "Zürich CA"),
                    .init(type: .RDNAttributeType.organizationName, printableString: "Corp"),
                    .init(type: [1, 2, 3, 4], ia5String: "x@y"),
                ])
            ]),
        ]
        for name in names {
            var serializer = DER.Serializer()
            try serializer.serialize(name)
            let parsed = try CACertificate.distinguishedName(try DER.parse(serializer.serializedBytes))
            #expect(parsed == name.description)
        }
    }

    @Test("DER input is accepted (cACertificate is DER)")
    func der() throws {
        let pem = Fixtures.anyPolicyCAPEM
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = try #require(base64Decode(base64))
        let certificate = try CACertificate(bytes: der)
        #expect(certificate.certificatePolicies == [PolicyOID.anyPolicy])
    }

    @Test("garbage and truncated certificates are typed errors")
    func garbage() throws {
        #expect(throws: CACertificateError.self) { try CACertificate(bytes: []) }
        #expect(throws: CACertificateError.self) { try CACertificate(bytes: Array("hello".utf8)) }
        #expect(throws: CACertificateError.self) { try CACertificate(bytes: [0x30, 0x03, 0x02, 0x01]) }
        #expect(throws: CACertificateError.self) {
            try CACertificate(bytes: Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8))
        }
        let base64 = Fixtures.restrictedCAPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = try #require(base64Decode(base64))
        for length in stride(from: 0, to: der.count, by: 7) {
            #expect(throws: CACertificateError.self) { try CACertificate(bytes: Array(der.prefix(length))) }
        }
    }
}

/// Minimal base64 decoder for fixtures (no Foundation in the library under test).
func base64Decode(_ text: String) -> [UInt8]? {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var lookup = [UInt8: UInt32]()
    for (index, byte) in alphabet.enumerated() { lookup[byte] = UInt32(index) }
    var out: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for byte in text.utf8 where byte != UInt8(ascii: "=") {
        guard let value = lookup[byte] else { return nil }
        buffer = buffer << 6 | value
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
        }
    }
    return out
}
