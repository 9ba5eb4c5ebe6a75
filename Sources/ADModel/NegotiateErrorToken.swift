import Foundation

/// The KRB-ERROR a server may send back in `WWW-Authenticate: Negotiate <token>` when it refuses a Kerberos
/// AP-REQ (RFC 4121 §4.1 error token inside an RFC 4178 negTokenResp; Windows and MIT acceptors send one when
/// the client asked for mutual authentication). Pure decoding: nothing here trusts the token beyond its shape.
public struct NegotiateErrorToken: Sendable, Hashable {
    /// KRB-ERROR `error-code` (RFC 4120 §7.5.9), e.g. 41 KRB_AP_ERR_MODIFIED, 31 KRB_AP_ERR_BAD_INTEGRITY.
    public var errorCode: Int
    /// KRB-ERROR `sname` as `a/b`, and `realm`.
    public var serverName: String?
    public var realm: String?

    /// Decodes a base64 Negotiate token; nil when it is not a negTokenResp (or a bare Kerberos token) carrying
    /// a KRB-ERROR.
    public init?(base64 text: String) {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)) else { return nil }
        let bytes = [UInt8](data)
        guard let found = Self.findKerberosError(bytes[...]) else { return nil }
        self = found
    }

    private init(errorCode: Int, serverName: String?, realm: String?) {
        self.errorCode = errorCode
        self.serverName = serverName
        self.realm = realm
    }

    /// One BER/DER TLV: tag byte, content.
    private struct TLV {
        var tag: UInt8
        var content: ArraySlice<UInt8>
        var end: Int
    }

    private static func tlv(_ bytes: ArraySlice<UInt8>) -> TLV? {
        var index = bytes.startIndex
        guard index < bytes.endIndex else { return nil }
        let tag = bytes[index]
        guard tag & 0x1F != 0x1F else { return nil }  // multi-byte tags do not occur here
        index += 1
        guard index < bytes.endIndex else { return nil }
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), index + count <= bytes.endIndex else { return nil }
            length = 0
            for byte in bytes[index..<index + count] { length = length << 8 | Int(byte) }
            index += count
        }
        guard length >= 0, index + length <= bytes.endIndex else { return nil }
        return TLV(tag: tag, content: bytes[index..<index + length], end: index + length)
    }

    private static func children(_ bytes: ArraySlice<UInt8>) -> [TLV] {
        var out: [TLV] = []
        var rest = bytes
        while !rest.isEmpty, let item = tlv(rest) {
            out.append(item)
            rest = rest[item.end...]
        }
        return out
    }

    private static let kerberosMechanism: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x12, 0x01, 0x02, 0x02]

    private static func findKerberosError(_ bytes: ArraySlice<UInt8>) -> NegotiateErrorToken? {
        guard let outer = tlv(bytes) else { return nil }
        switch outer.tag {
        case 0xA1:  // negTokenResp ::= [1] SEQUENCE { negState [0], supportedMech [1], responseToken [2], mechListMIC [3] }
            guard let sequence = tlv(outer.content), sequence.tag == 0x30 else { return nil }
            for field in children(sequence.content) where field.tag == 0xA2 {
                guard let octets = tlv(field.content), octets.tag == 0x04 else { return nil }
                return findKerberosError(octets.content)
            }
            return nil
        case 0x60:  // [APPLICATION 0] { thisMech OID, TOK_ID (2 bytes), KRB-ERROR }
            let content = outer.content
            guard content.starts(with: kerberosMechanism) else { return nil }
            let afterMechanism = content.startIndex + kerberosMechanism.count
            guard afterMechanism + 2 <= content.endIndex, content[afterMechanism] == 0x03,
                content[afterMechanism + 1] == 0x00
            else { return nil }
            return kerberosError(content[(afterMechanism + 2)...])
        case 0x7E:
            return kerberosError(bytes)
        default:
            return nil
        }
    }

    /// KRB-ERROR ::= [APPLICATION 30] SEQUENCE { …, error-code [6] Int32, …, realm [9], sname [10], … }
    private static func kerberosError(_ bytes: ArraySlice<UInt8>) -> NegotiateErrorToken? {
        guard let application = tlv(bytes), application.tag == 0x7E, let sequence = tlv(application.content),
            sequence.tag == 0x30
        else { return nil }
        var code: Int?
        var realm: String?
        var serverName: String?
        for field in children(sequence.content) {
            guard let inner = tlv(field.content) else { continue }
            switch field.tag {
            case 0xA6 where inner.tag == 0x02 && !inner.content.isEmpty && inner.content.count <= 4:
                var value = Int(Int8(bitPattern: inner.content.first!))
                for byte in inner.content.dropFirst() { value = value << 8 | Int(byte) }
                code = value
            case 0xA9 where inner.tag == 0x1B:
                realm = String(decoding: inner.content, as: UTF8.self)
            case 0xAA where inner.tag == 0x30:
                // PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
                for part in children(inner.content) where part.tag == 0xA1 {
                    guard let strings = tlv(part.content) else { continue }
                    serverName = children(strings.content).map { String(decoding: $0.content, as: UTF8.self) }
                        .joined(separator: "/")
                }
            default: continue
            }
        }
        guard let code else { return nil }
        return NegotiateErrorToken(errorCode: code, serverName: serverName, realm: realm)
    }
}
