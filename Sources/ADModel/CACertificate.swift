import SwiftASN1
import X509

/// OIDs used by the chain policy checks (CES-F6, CES-F6b).
public enum PolicyOID {
    /// certificatePolicies extension 2.5.29.32.
    public static let certificatePoliciesExtension = "2.5.29.32"
    /// anyPolicy 2.5.29.32.0.
    public static let anyPolicy = "2.5.29.32.0"
    /// extendedKeyUsage extension 2.5.29.37.
    public static let extendedKeyUsageExtension = "2.5.29.37"
    /// anyExtendedKeyUsage 2.5.29.37.0.
    public static let anyExtendedKeyUsage = "2.5.29.37.0"
    /// Microsoft application policies extension (szOID_APPLICATION_CERT_POLICIES) 1.3.6.1.4.1.311.21.10.
    public static let applicationPoliciesExtension = "1.3.6.1.4.1.311.21.10"
}

/// A CA certificate (`cACertificate`) reduced to what the policy rules need.
public struct CACertificate: Sendable, Hashable {
    /// The subject distinguished name as text.
    public var subject: String
    /// The issuer distinguished name as text.
    public var issuer: String
    /// From basicConstraints; nil when the extension is absent.
    public var isCA: Bool?
    /// certificatePolicies OIDs; nil when the extension is absent (no restriction).
    public var certificatePolicies: [String]?
    /// extendedKeyUsage OIDs; nil when absent.
    public var extendedKeyUsages: [String]?
    /// Microsoft application policies OIDs; nil when absent.
    public var applicationPolicies: [String]?

    /// Parses a DER certificate, or PEM text (`-----BEGIN CERTIFICATE-----`).
    ///
    /// Only the names and extensions are read (RFC 5280 §4.1 layout): decoding the public key as well, as
    /// `X509.Certificate` does, cost a `user` check 4 ms of its 80 and says nothing the policy rules need.
    public init(bytes: [UInt8]) throws(CACertificateError) {
        let der: [UInt8]
        if bytes.first == 0x30 {
            der = bytes
        } else if let text = TextDecoding.decode(bytes), text.contains("-----BEGIN") {
            do {
                let document = try PEMDocument(pemString: text)
                guard document.discriminator == "CERTIFICATE" else {
                    throw CACertificateError.notACertificate("PEM block is \(document.discriminator), not CERTIFICATE")
                }
                der = document.derBytes
            } catch let error as CACertificateError {
                throw error
            } catch {
                throw .notACertificate(String(describing: error))
            }
        } else {
            throw .notACertificate("neither DER (starts with 0x30) nor PEM")
        }
        let parts: (issuer: DistinguishedName, subject: DistinguishedName, extensions: [Certificate.Extension])
        do {
            parts = try Self.namesAndExtensions(der)
        } catch {
            throw .notACertificate(String(describing: error))
        }
        try self.init(subject: parts.subject, issuer: parts.issuer, extensions: parts.extensions)
    }

    /// Reads the policy extensions of a parsed certificate.
    public init(certificate: Certificate) throws(CACertificateError) {
        try self.init(
            subject: certificate.subject, issuer: certificate.issuer, extensions: Array(certificate.extensions))
    }

    private init(
        subject: DistinguishedName, issuer: DistinguishedName, extensions: [Certificate.Extension]
    ) throws(CACertificateError) {
        self.subject = subject.description
        self.issuer = issuer.description
        var isCA: Bool?
        var policies: [String]?
        var ekus: [String]?
        var applicationPolicies: [String]?
        for ext in extensions {
            let oid = ext.oid.description
            do {
                switch oid {
                case PolicyOID.certificatePoliciesExtension: policies = try Self.policyOIDs(ext.value)
                case PolicyOID.applicationPoliciesExtension: applicationPolicies = try Self.policyOIDs(ext.value)
                case PolicyOID.extendedKeyUsageExtension:
                    let node = try DER.parse(ext.value)
                    ekus = try DER.sequence(of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: node)
                        .map(\.description)
                case "2.5.29.19":
                    switch try BasicConstraints(ext) {
                    case .isCertificateAuthority: isCA = true
                    case .notCertificateAuthority: isCA = false
                    }
                default: continue
                }
            } catch {
                throw .malformedExtension(oid: oid, reason: String(describing: error))
            }
        }
        self.isCA = isCA
        self.certificatePolicies = policies
        self.extendedKeyUsages = ekus
        self.applicationPolicies = applicationPolicies
    }

    /// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }` with
    /// `TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
    /// subjectPublicKeyInfo, [1] issuerUniqueID OPTIONAL, [2] subjectUniqueID OPTIONAL, [3] extensions OPTIONAL }`:
    /// the names and the extensions, every other field checked for its type only.
    static func namesAndExtensions(_ der: [UInt8]) throws -> (
        issuer: DistinguishedName, subject: DistinguishedName, extensions: [Certificate.Extension]
    ) {
        try DER.sequence(try DER.parse(der), identifier: .sequence) { certificate in
            let parts = try DER.sequence(try next(&certificate), identifier: .sequence) { tbs in
                var field = try next(&tbs)
                if field.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    field = try next(&tbs)
                }
                try expect(field, .integer)  // serialNumber
                try expect(try next(&tbs), .sequence)  // signature
                let issuer = try DistinguishedName(derEncoded: try next(&tbs))
                try expect(try next(&tbs), .sequence)  // validity
                let subject = try DistinguishedName(derEncoded: try next(&tbs))
                try expect(try next(&tbs), .sequence)  // subjectPublicKeyInfo
                var extensions: [Certificate.Extension] = []
                while let optional = tbs.next() {
                    guard optional.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) else {
                        continue  // issuerUniqueID, subjectUniqueID
                    }
                    extensions = try DER.explicitlyTagged(optional, tagNumber: 3, tagClass: .contextSpecific) { list in
                        try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: list)
                    }
                }
                return (issuer, subject, extensions)
            }
            try expect(try next(&certificate), .sequence)  // signatureAlgorithm
            try expect(try next(&certificate), .bitString)  // signatureValue
            return parts
        }
    }

    private static func next(_ nodes: inout ASN1NodeCollection.Iterator) throws -> ASN1Node {
        guard let node = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "certificate field missing") }
        return node
    }

    private static func expect(_ node: ASN1Node, _ identifier: ASN1Identifier) throws {
        guard node.identifier == identifier else { throw ASN1Error.unexpectedFieldType(node.identifier) }
    }

    /// `SEQUENCE OF SEQUENCE { policyIdentifier OID, qualifiers ANY OPTIONAL }` — the shape shared by
    /// certificatePolicies and Microsoft's application policies.
    static func policyOIDs(_ value: ArraySlice<UInt8>) throws -> [String] {
        let root = try DER.parse(value)
        guard root.identifier == .sequence, case .constructed(let nodes) = root.content else {
            throw ASN1Error.unexpectedFieldType(root.identifier)
        }
        var out: [String] = []
        for node in nodes {
            let oid = try DER.sequence(node, identifier: .sequence) { iterator in
                let oid = try ASN1ObjectIdentifier(derEncoded: &iterator)
                while iterator.next() != nil {}
                return oid
            }
            out.append(oid.description)
        }
        return out
    }

    /// Issuance policies from `requested` that this certificate does not permit (CES-F6): empty when the
    /// certificate has no certificatePolicies extension or asserts anyPolicy.
    public func disallowedIssuancePolicies(_ requested: [String]) -> [String] {
        guard let certificatePolicies, !certificatePolicies.contains(PolicyOID.anyPolicy) else { return [] }
        return requested.filter { !certificatePolicies.contains($0) }
    }

    /// Application policies / EKUs from `requested` that this certificate does not permit (CES-F6b):
    /// every present EKU or application-policies extension without anyExtendedKeyUsage restricts.
    public func disallowedApplicationPolicies(_ requested: [String]) -> [String] {
        var disallowed: [String] = []
        for list in [extendedKeyUsages, applicationPolicies] {
            guard let list, !list.contains(PolicyOID.anyExtendedKeyUsage) else { continue }
            for oid in requested where !list.contains(oid) && !disallowed.contains(oid) { disallowed.append(oid) }
        }
        return disallowed
    }
}

/// One CA certificate in a chain that does not permit some of a template's policies (CES-F6 / F6b).
public struct ChainPolicyViolation: Sendable, Hashable {
    /// Position in the chain as given (0 = issuing CA).
    public var index: Int
    /// The restricting certificate's subject.
    public var subject: String
    /// Template issuance policies this certificate does not permit.
    public var disallowedIssuancePolicies: [String]
    /// Template application policies / EKUs this certificate does not permit.
    public var disallowedApplicationPolicies: [String]
}

extension CACertificate {
    /// Checks a template's issuance and application policies against every CA certificate of a chain
    /// (issuing CA first); returns the certificates that restrict them (empty = permitted everywhere).
    public static func policyViolations(
        chain: [CACertificate], issuancePolicies: [String], applicationPolicies: [String]
    ) -> [ChainPolicyViolation] {
        chain.enumerated().compactMap { index, certificate in
            let issuance = certificate.disallowedIssuancePolicies(issuancePolicies)
            let application = certificate.disallowedApplicationPolicies(applicationPolicies)
            guard !issuance.isEmpty || !application.isEmpty else { return nil }
            return ChainPolicyViolation(
                index: index, subject: certificate.subject, disallowedIssuancePolicies: issuance,
                disallowedApplicationPolicies: application)
        }
    }
}

/// Why a CA certificate could not be read.
public enum CACertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    case notACertificate(String)
    case malformedExtension(oid: String, reason: String)

    public var description: String {
        switch self {
        case .notACertificate(let reason): "not an X.509 certificate: \(reason)"
        case .malformedExtension(let oid, let reason): "malformed extension \(oid): \(reason)"
        }
    }
}
