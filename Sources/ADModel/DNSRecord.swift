/// One `dnsRecord` value of a node in an Active Directory-integrated DNS zone (MS-DNSP §2.3.2.2): CES-C1 reads
/// CNAME records to see that an alias of the CA host names the same computer. Only CNAME data is decoded;
/// other record types keep their type number.
public struct DNSRecord: Sendable, Hashable {
    /// The record type (`DNS_TYPE_CNAME` = 5, `A` = 1, …; 0 marks a tombstoned node).
    public let type: UInt16
    /// For a CNAME: the name it points to, lower-cased, without a trailing dot. nil for every other type.
    public let canonicalName: String?

    public static let cnameType: UInt16 = 5
    /// MS-DNSP §2.3.2.2: Version MUST be 0x05.
    static let version: UInt8 = 5
    /// DataLength, Type, Version, Rank, Flags, Serial, TtlSeconds, Reserved, TimeStamp.
    static let headerSize = 24

    /// Decodes one value. Truncated or inconsistent bytes throw with the reason; a caller skips that value.
    public init(bytes: [UInt8]) throws(BinaryFormatError) {
        var reader = ByteReader(bytes)
        let dataLength = Int(try reader.readUInt16("dnsRecord DataLength"))
        type = try reader.readUInt16("dnsRecord Type")
        let version = try reader.readUInt8("dnsRecord Version")
        guard version == Self.version else {
            throw .unsupportedRevision(what: "dnsRecord", offset: 4, value: version)
        }
        _ = try reader.readBytes(Self.headerSize - 5, "dnsRecord header")
        let data = try reader.readBytes(dataLength, "dnsRecord Data")
        guard reader.remaining == 0 else {
            throw .trailingBytes(what: "dnsRecord Data", offset: reader.offset, count: reader.remaining)
        }
        if type == Self.cnameType {
            canonicalName = try Self.countName(data)
        } else {
            canonicalName = nil
        }
    }

    /// DNS_COUNT_NAME (MS-DNSP §2.2.2.2.2): Length, LabelCount, then LabelCount length-prefixed labels and a
    /// terminating zero. A name that is not a host name (empty, over-long, odd characters) is refused.
    static func countName(_ data: [UInt8]) throws(BinaryFormatError) -> String {
        var reader = ByteReader(data)
        let length = Int(try reader.readUInt8("DNS_COUNT_NAME Length"))
        let labelCount = Int(try reader.readUInt8("DNS_COUNT_NAME LabelCount"))
        guard length <= reader.remaining, labelCount > 0 else {
            throw .invalidSize(what: "DNS_COUNT_NAME", offset: 0, size: length)
        }
        var name = ByteReader(try reader.readBytes(length, "DNS_COUNT_NAME RawName"))
        var labels: [String] = []
        for _ in 0..<labelCount {
            let labelOffset = name.offset + 2
            let size = Int(try name.readUInt8("DNS label length"))
            let label = try name.readBytes(size, "DNS label")
            guard (1...63).contains(size), label.allSatisfy(Self.isHostNameByte) else {
                throw .invalidSize(what: "DNS label", offset: labelOffset, size: size)
            }
            labels.append(String(decoding: label, as: UTF8.self).lowercased())
        }
        // The terminating zero (Samba writes it; the count already says where the name ends).
        if name.remaining > 0, try name.readUInt8("DNS_COUNT_NAME terminator") != 0 || name.remaining > 0 {
            throw .trailingBytes(what: "DNS_COUNT_NAME", offset: name.offset + 2, count: name.remaining + 1)
        }
        let fqdn = labels.joined(separator: ".")
        guard fqdn.utf8.count <= 253 else { throw .invalidSize(what: "DNS name", offset: 2, size: fqdn.utf8.count) }
        return fqdn
    }

    private static func isHostNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
