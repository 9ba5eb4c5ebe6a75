import Foundation
import SwiftASN1

/// What the endpoint probe judges in a TLS server certificate (RFC 5280): the names it is valid for, its validity
/// period and its key usages. Pure: the bytes come from the TLS handshake (libcurl's certificate info).
public struct ServerCertificate: Sendable, Hashable {
    public var subject: String
    public var issuer: String
    /// subjectAltName dNSName entries, as written.
    public var dnsNames: [String]
    /// subjectAltName iPAddress entries, as text.
    public var ipAddresses: [String]
    /// The subject's commonName values (used for the host check only when there is no subjectAltName).
    public var commonNames: [String]
    public var notBefore: Date
    public var notAfter: Date
    /// keyUsage bit names (`digitalSignature`, `keyEncipherment`, …); nil when the extension is absent.
    public var keyUsage: [String]?
    /// extendedKeyUsage OIDs; nil when the extension is absent.
    public var extendedKeyUsages: [String]?

    public static let serverAuthentication = "1.3.6.1.5.5.7.3.1"

    /// Parses PEM text (`-----BEGIN CERTIFICATE-----`) or DER.
    public init(bytes: [UInt8]) throws(CACertificateError) {
        let der: [UInt8]
        if bytes.first == 0x30 {
            der = bytes
        } else if let text = Optional(String(decoding: bytes, as: UTF8.self)), text.contains("-----BEGIN") {
            do { der = try PEMDocument(pemString: text).derBytes } catch {
                throw .notACertificate(String(describing: error))
            }
        } else {
            throw .notACertificate("neither DER (starts with 0x30) nor PEM")
        }
        do {
            self = try Self.parse(der)
        } catch let error as CACertificateError {
            throw error
        } catch {
            throw .notACertificate(String(describing: error))
        }
    }

    private init(subject: String, issuer: String, notBefore: Date, notAfter: Date) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        dnsNames = []
        ipAddresses = []
        commonNames = []
    }

    private static func parse(_ der: [UInt8]) throws -> ServerCertificate {
        try DER.sequence(try DER.parse(der), identifier: .sequence) { certificate in
            guard let tbsNode = certificate.next() else {
                throw ASN1Error.invalidASN1Object(reason: "no TBSCertificate")
            }
            while certificate.next() != nil {}
            return try DER.sequence(tbsNode, identifier: .sequence) { tbs in
                var field = try next(&tbs)
                if field.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    field = try next(&tbs)
                }
                _ = try next(&tbs)  // signature
                let issuerNode = try next(&tbs)
                let (notBefore, notAfter) = try DER.sequence(try next(&tbs), identifier: .sequence) { validity in
                    (try time(try next(&validity)), try time(try next(&validity)))
                }
                let subjectNode = try next(&tbs)
                var result = ServerCertificate(
                    subject: try CACertificate.distinguishedName(subjectNode),
                    issuer: try CACertificate.distinguishedName(issuerNode), notBefore: notBefore, notAfter: notAfter)
                result.commonNames = try commonNames(subjectNode)
                _ = try next(&tbs)  // subjectPublicKeyInfo
                while let optional = tbs.next() {
                    guard optional.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) else {
                        continue
                    }
                    guard case .constructed(let wrapped) = optional.content,
                        let list = wrapped.first(where: { _ in true }),
                        case .constructed(let extensions) = list.content
                    else { continue }
                    for node in extensions {
                        try result.read(extension: node)
                    }
                }
                return result
            }
        }
    }

    private mutating func read(extension node: ASN1Node) throws {
        let (oid, value): (String, ArraySlice<UInt8>) = try DER.sequence(node, identifier: .sequence) { fields in
            let oid = try ASN1ObjectIdentifier(derEncoded: &fields)
            var value = try Self.next(&fields)
            if value.identifier == .boolean { value = try Self.next(&fields) }
            return (oid.description, try ASN1OctetString(derEncoded: value).bytes)
        }
        switch oid {
        case "2.5.29.17":  // subjectAltName: GeneralNames
            guard case .constructed(let names) = try DER.parse(value).content else { return }
            for name in names {
                guard case .primitive(let bytes) = name.content, name.identifier.tagClass == .contextSpecific else {
                    continue
                }
                switch name.identifier.tagNumber {
                case 2: dnsNames.append(String(decoding: bytes, as: UTF8.self))
                case 7 where bytes.count == 4: ipAddresses.append(bytes.map(String.init).joined(separator: "."))
                case 7 where bytes.count == 16:
                    ipAddresses.append(
                        stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map {
                            String(Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]), radix: 16)
                        }.joined(separator: ":"))
                default: continue
                }
            }
        case "2.5.29.15":  // keyUsage BIT STRING
            let bits = try ASN1BitString(derEncoded: try DER.parse(value))
            let names = [
                "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
                "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
            ]
            var usages: [String] = []
            for (index, name) in names.enumerated() {
                let byte = index / 8
                guard byte < bits.bytes.count else { break }
                if bits.bytes[bits.bytes.startIndex + byte] & (0x80 >> UInt8(index % 8)) != 0 { usages.append(name) }
            }
            keyUsage = usages
        case "2.5.29.37":
            extendedKeyUsages = try DER.sequence(
                of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: try DER.parse(value)
            ).map(\.description)
        default: return
        }
    }

    private static func commonNames(_ name: ASN1Node) throws -> [String] {
        guard case .constructed(let rdns) = name.content else { return [] }
        var out: [String] = []
        for rdn in rdns {
            guard case .constructed(let attributes) = rdn.content else { continue }
            for attribute in attributes {
                let cn: String? = try DER.sequence(attribute, identifier: .sequence) { fields in
                    let type = try ASN1ObjectIdentifier(derEncoded: &fields)
                    let value = try next(&fields)
                    guard type.description == "2.5.4.3", case .primitive(let bytes) = value.content else { return nil }
                    return String(decoding: bytes, as: UTF8.self)
                }
                if let cn { out.append(cn) }
            }
        }
        return out
    }

    private static func time(_ node: ASN1Node) throws -> Date {
        let components: (year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int)
        switch node.identifier {
        case .utcTime:
            let time = try UTCTime(derEncoded: node)
            components = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        case .generalizedTime:
            let time = try GeneralizedTime(derEncoded: node)
            components = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        default: throw ASN1Error.unexpectedFieldType(node.identifier)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(
            from: DateComponents(
                year: components.year, month: components.month, day: components.day, hour: components.hours,
                minute: components.minutes, second: components.seconds))
        guard let date else { throw ASN1Error.invalidASN1Object(reason: "invalid time") }
        return date
    }

    private static func next(_ nodes: inout ASN1NodeCollection.Iterator) throws -> ASN1Node {
        guard let node = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "certificate field missing") }
        return node
    }

    /// Whether the certificate names `host` (RFC 6125: subjectAltName dNSName, one leading `*.` label wildcard;
    /// the commonName only when there is no dNSName; an IP address against iPAddress entries).
    public func names(host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host.contains(":") || host.split(separator: ".").allSatisfy({ Int($0) != nil }) {
            return ipAddresses.contains(host)
        }
        let candidates = dnsNames.isEmpty ? commonNames : dnsNames
        return candidates.contains { pattern in
            let pattern = pattern.lowercased()
            if pattern.hasPrefix("*.") {
                guard let dot = host.firstIndex(of: ".") else { return false }
                return host[host.index(after: dot)...] == pattern.dropFirst(2)
            }
            return pattern == host
        }
    }
}
