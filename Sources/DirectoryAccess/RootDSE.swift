/// What a directory server says about itself before any bind (RFC 4512 §5.1, MS-ADTS 3.1.1.3.2).
public struct RootDSE: Sendable, Equatable, Codable {
    public var dnsHostName: String?
    public var serverName: String?
    public var defaultNamingContext: String?
    public var configurationNamingContext: String?
    public var schemaNamingContext: String?
    public var rootDomainNamingContext: String?
    public var namingContexts: [String]
    public var domainFunctionality: Int?
    public var forestFunctionality: Int?
    public var domainControllerFunctionality: Int?
    public var supportedSASLMechanisms: [String]
    public var supportedControls: [String]
    public var supportedExtensions: [String]
    public var supportedLDAPVersions: [String]
    /// The server's clock (generalized time), for a Kerberos clock-skew hint.
    public var currentTime: String?
    /// `vendorName` (Samba: "Samba Team (https://www.samba.org)"; Windows AD has none).
    public var vendorName: String?

    static let attributes = [
        "dnsHostName", "serverName", "defaultNamingContext", "configurationNamingContext", "schemaNamingContext",
        "rootDomainNamingContext", "namingContexts", "domainFunctionality", "forestFunctionality",
        "domainControllerFunctionality", "supportedSASLMechanisms", "supportedControl", "supportedExtension",
        "supportedLDAPVersion", "currentTime", "vendorName",
    ]

    public init(entry: LDAPEntry) {
        dnsHostName = entry.string("dnsHostName")
        serverName = entry.string("serverName")
        defaultNamingContext = entry.string("defaultNamingContext")
        configurationNamingContext = entry.string("configurationNamingContext")
        schemaNamingContext = entry.string("schemaNamingContext")
        rootDomainNamingContext = entry.string("rootDomainNamingContext")
        namingContexts = entry.strings("namingContexts")
        domainFunctionality = entry.string("domainFunctionality").flatMap { Int($0) }
        forestFunctionality = entry.string("forestFunctionality").flatMap { Int($0) }
        domainControllerFunctionality = entry.string("domainControllerFunctionality").flatMap { Int($0) }
        supportedSASLMechanisms = entry.strings("supportedSASLMechanisms")
        supportedControls = entry.strings("supportedControl")
        supportedExtensions = entry.strings("supportedExtension")
        supportedLDAPVersions = entry.strings("supportedLDAPVersion")
        currentTime = entry.string("currentTime")
        vendorName = entry.string("vendorName")
    }

    /// RFC 4532 "Who am I?" extended operation.
    public var supportsWhoAmI: Bool { supportedExtensions.contains("1.3.6.1.4.1.4203.1.11.3") }

    /// Windows Server version name of an AD functional level (MS-ADTS 6.1.4.4).
    public static func functionalLevelName(_ level: Int) -> String {
        switch level {
        case 0: return "Windows 2000"
        case 1: return "Windows Server 2003 interim"
        case 2: return "Windows Server 2003"
        case 3: return "Windows Server 2008"
        case 4: return "Windows Server 2008 R2"
        case 5: return "Windows Server 2012"
        case 6: return "Windows Server 2012 R2"
        case 7: return "Windows Server 2016"
        case 10: return "Windows Server 2025"
        default: return "unknown level"
        }
    }
}
