import SwiftASN1

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
    /// subjectKeyIdentifier (2.5.29.14); nil when absent.
    public var subjectKeyIdentifier: [UInt8]?
    /// The keyIdentifier of authorityKeyIdentifier (2.5.29.35); nil when absent.
    public var authorityKeyIdentifier: [UInt8]?

    /// Parses a DER certificate, or PEM text (`-----BEGIN CERTIFICATE-----`).
    ///
    /// Only the names and extensions are read, with SwiftASN1 (RFC 5280 §4.1): a full X.509 library decoded the
    /// public key as well and, linked in, made every run of the tool slower to start — for nothing the policy
    /// rules need. The names read as swift-certificates writes them (a test compares the two).
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
        let parts: (issuer: String, subject: String, extensions: [(oid: String, value: ArraySlice<UInt8>)])
        do {
            parts = try Self.namesAndExtensions(der)
        } catch {
            throw .notACertificate(String(describing: error))
        }
        subject = parts.subject
        issuer = parts.issuer
        for (oid, value) in parts.extensions {
            do {
                switch oid {
                case PolicyOID.certificatePoliciesExtension: certificatePolicies = try Self.policyOIDs(value)
                case PolicyOID.applicationPoliciesExtension: applicationPolicies = try Self.policyOIDs(value)
                case PolicyOID.extendedKeyUsageExtension:
                    extendedKeyUsages = try DER.sequence(
                        of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: try DER.parse(value)
                    ).map(\.description)
                case "2.5.29.19": isCA = try Self.basicConstraintsCA(value)
                case "2.5.29.14": subjectKeyIdentifier = Array(try ASN1OctetString(derEncoded: value).bytes)
                case "2.5.29.35": authorityKeyIdentifier = try Self.authorityKeyIdentifier(value)
                default: continue
                }
            } catch {
                throw .malformedExtension(oid: oid, reason: String(describing: error))
            }
        }
    }

    /// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }` with
    /// `TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
    /// subjectPublicKeyInfo, [1] issuerUniqueID OPTIONAL, [2] subjectUniqueID OPTIONAL, [3] extensions OPTIONAL }`:
    /// the names as text and the extensions, every other field checked for its type only.
    static func namesAndExtensions(_ der: [UInt8]) throws -> (
        issuer: String, subject: String, extensions: [(oid: String, value: ArraySlice<UInt8>)]
    ) {
        try DER.sequence(try DER.parse(der), identifier: .sequence) { certificate in
            let parts = try DER.sequence(try next(&certificate), identifier: .sequence) { tbs in
                var field = try next(&tbs)
                if field.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    field = try next(&tbs)
                }
                try expect(field, .integer)  // serialNumber
                try expect(try next(&tbs), .sequence)  // signature
                let issuer = try distinguishedName(try next(&tbs))
                try expect(try next(&tbs), .sequence)  // validity
                let subject = try distinguishedName(try next(&tbs))
                try expect(try next(&tbs), .sequence)  // subjectPublicKeyInfo
                var extensions: [(oid: String, value: ArraySlice<UInt8>)] = []
                while let optional = tbs.next() {
                    guard optional.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) else {
                        continue  // issuerUniqueID, subjectUniqueID
                    }
                    extensions = try DER.explicitlyTagged(optional, tagNumber: 3, tagClass: .contextSpecific) { list in
                        try children(list, .sequence).map(extensionField)
                    }
                }
                return (issuer, subject, extensions)
            }
            try expect(try next(&certificate), .sequence)  // signatureAlgorithm
            try expect(try next(&certificate), .bitString)  // signatureValue
            return parts
        }
    }

    /// `Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
    private static func extensionField(_ node: ASN1Node) throws -> (oid: String, value: ArraySlice<UInt8>) {
        try DER.sequence(node, identifier: .sequence) { fields in
            let oid = try ASN1ObjectIdentifier(derEncoded: &fields)
            var value = try next(&fields)
            if value.identifier == .boolean {
                _ = try Bool(derEncoded: value)
                value = try next(&fields)
            }
            return (oid.description, try ASN1OctetString(derEncoded: value).bytes)
        }
    }

    /// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, … }`.
    private static func authorityKeyIdentifier(_ value: ArraySlice<UInt8>) throws -> [UInt8]? {
        try DER.sequence(try DER.parse(value), identifier: .sequence) { fields in
            let keyIdentifier = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
            while let field = fields.next() {
                if field.identifier == keyIdentifier {
                    return Array(try ASN1OctetString(derEncoded: field, withIdentifier: keyIdentifier).bytes)
                }
            }
            return nil
        }
    }

    /// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`: cA.
    private static func basicConstraintsCA(_ value: ArraySlice<UInt8>) throws -> Bool {
        try DER.sequence(try DER.parse(value), identifier: .sequence) { fields in
            var field = fields.next()
            var isCA = false
            if let flag = field, flag.identifier == .boolean {
                isCA = try Bool(derEncoded: flag)
                field = fields.next()
            }
            if let pathLength = field { _ = try Int(derEncoded: pathLength) }
            return isCA
        }
    }

    /// `Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }` as swift-certificates prints it: the RDNs
    /// last to first, joined by `,`; the attributes of one RDN in DER order, joined by `+`; `CN=`, `O=`, … for
    /// the common types, the dotted OID otherwise; string values with `,+"\<>;` and leading `#`/space and
    /// trailing spaces escaped, other values as `ASN1Any([bytes])`.
    static func distinguishedName(_ node: ASN1Node) throws -> String {
        var names: [String] = []
        for rdn in try children(node, .sequence) {
            var attributes: [(encoded: ArraySlice<UInt8>, text: String)] = []
            for attribute in try children(rdn, .set) {
                let text = try DER.sequence(attribute, identifier: .sequence) { fields in
                    let type = try ASN1ObjectIdentifier(derEncoded: &fields)
                    return "\(attributeKey(type))=\(escaped(attributeText(try next(&fields))))"
                }
                attributes.append((attribute.encodedBytes, text))
            }
            attributes.sort { $0.encoded.lexicographicallyPrecedes($1.encoded) }
            names.append(attributes.map(\.text).joined(separator: "+"))
        }
        return names.reversed().joined(separator: ",")
    }

    private static let attributeKeys: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
        "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC", "1.2.840.113549.1.9.1": "E",
    ]

    private static func attributeKey(_ type: ASN1ObjectIdentifier) -> String {
        let dotted = type.description
        return attributeKeys[dotted] ?? dotted
    }

    private static func attributeText(_ value: ASN1Node) -> String {
        switch value.identifier {
        case .utf8String: if let text = try? ASN1UTF8String(derEncoded: value) { return String(text) }
        case .printableString: if let text = try? ASN1PrintableString(derEncoded: value) { return String(text) }
        case .ia5String: if let text = try? ASN1IA5String(derEncoded: value) { return String(text) }
        default: break
        }
        return "ASN1Any(\(value.encodedBytes))"
    }

    private static func escaped(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let leading = bytes.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "#") }.count
        var trailing = 0
        while trailing < bytes.count - leading, bytes[bytes.count - 1 - trailing] == UInt8(ascii: " ") { trailing += 1 }
        let special = Array(",+\"\\<>;".utf8)
        var out: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if index < leading || index >= bytes.count - trailing || special.contains(byte) {
                out.append(UInt8(ascii: "\\"))
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func children(_ node: ASN1Node, _ identifier: ASN1Identifier) throws -> [ASN1Node] {
        guard node.identifier == identifier, case .constructed(let nodes) = node.content else {
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
        return Array(nodes)
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

/// The CA certificates from the issuing CA up to a self-signed root, as far as the candidates reach.
public struct CACertificateChain: Sendable, Hashable {
    /// Issuing CA first.
    public var certificates: [CACertificate]
    /// Why the chain stops short of a self-signed root; nil when it reaches one.
    public var incomplete: String?

    /// Links each certificate to the candidate whose subject is its issuer — and, when both carry key
    /// identifiers, whose subjectKeyIdentifier is its authorityKeyIdentifier (a renewed CA keeps its name) —
    /// until a self-signed certificate (subject = issuer). Signatures are not verified: the candidates are what
    /// the directory publishes as CA certificates.
    public init(issuing: CACertificate, candidates: [CACertificate]) {
        certificates = [issuing]
        incomplete = nil
        var current = issuing
        while !Self.isSelfSigned(current) {
            let issuers = candidates.filter { candidate in
                guard candidate.subject.lowercased() == current.issuer.lowercased() else { return false }
                guard let authority = current.authorityKeyIdentifier, let key = candidate.subjectKeyIdentifier else {
                    return true
                }
                return authority == key
            }
            guard let issuer = issuers.first else {
                incomplete = "the issuer of \(current.subject) (\(current.issuer)) is not among the CA certificates in AD"
                return
            }
            guard !certificates.contains(issuer) else {
                incomplete = "the issuers of \(current.subject) form a loop"
                return
            }
            certificates.append(issuer)
            current = issuer
        }
    }

    static func isSelfSigned(_ certificate: CACertificate) -> Bool {
        guard certificate.subject.lowercased() == certificate.issuer.lowercased() else { return false }
        guard let authority = certificate.authorityKeyIdentifier, let key = certificate.subjectKeyIdentifier else {
            return true
        }
        return authority == key
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
