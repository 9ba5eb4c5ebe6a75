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
    public init(bytes: [UInt8]) throws(CACertificateError) {
        let certificate: Certificate
        do {
            if bytes.first == 0x30 {
                certificate = try Certificate(derEncoded: bytes)
            } else if let text = TextDecoding.decode(bytes), text.contains("-----BEGIN") {
                certificate = try Certificate(pemEncoded: text)
            } else {
                throw CACertificateError.notACertificate("neither DER (starts with 0x30) nor PEM")
            }
        } catch let error as CACertificateError {
            throw error
        } catch {
            throw .notACertificate(String(describing: error))
        }
        try self.init(certificate: certificate)
    }

    /// Reads the policy extensions of a parsed certificate.
    public init(certificate: Certificate) throws(CACertificateError) {
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        var isCA: Bool?
        var policies: [String]?
        var ekus: [String]?
        var applicationPolicies: [String]?
        for ext in certificate.extensions {
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
