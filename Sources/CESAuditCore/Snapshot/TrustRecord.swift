/// A trustedDomain object (MS-ADTS 6.1.6.7) under `CN=System` of the domain or the forest root: whom this forest
/// trusts, in which direction, and whether with selective authentication (CES-C11).
public struct TrustRecord: Sendable, Codable, Equatable {
    /// trustPartner: the other domain's or forest's DNS name.
    public var partner: String
    /// trustDirection (MS-ADTS 6.1.6.7.12): 0x1 inbound, 0x2 outbound.
    public var direction: UInt32
    /// trustAttributes (MS-ADTS 6.1.6.7.9).
    public var attributes: UInt32

    public init(partner: String, direction: UInt32, attributes: UInt32) {
        self.partner = partner
        self.direction = direction
        self.attributes = attributes
    }

    static let ldapAttributes = ["trustPartner", "trustDirection", "trustAttributes"]

    /// TRUST_DIRECTION_OUTBOUND: this domain trusts the partner, whose users may then authenticate here.
    static let outbound: UInt32 = 0x2
    /// TRUST_ATTRIBUTE_CROSS_ORGANIZATION: selective authentication ("Allowed to authenticate" needed per computer).
    static let crossOrganization: UInt32 = 0x10

    /// Whether the partner's users reach this forest's computers only where granted "Allowed to authenticate".
    public var isSelectiveInbound: Bool { direction & Self.outbound != 0 && attributes & Self.crossOrganization != 0 }
}
