import ADModel
import Foundation

/// What was collected on one host (`--evidence DIR/<host>/`, docs/contract.md and docs/host-evidence.md): the CA's
/// `Security` DACL, the policy module's EditFlags, the user-rights assignment, and since layout v2 the CA's
/// InterfaceFlags, local group members, EnableDCOM, Credential Guard and IIS configuration, and a DC's KDC
/// encryption settings. None of it is in LDAP, so each datum says whether it was supplied and parsed; the rules that
/// need a missing one report `unknown`.
public struct HostEvidence: Sendable, Codable, Equatable {
    /// The evidence folder's name as found (FQDN or short name).
    public var host: String
    /// The registry `Security` value (`*.reg`, `ca-config.txt`) > `ca-security.bin` > `.sddl` > `.txt`.
    public var caSecurity: Collected<CASecurityRecord>
    /// The active policy module's EditFlags: registry (`*.reg`, `ca-config.txt`) > `editflags.txt`.
    public var editFlags: Collected<UInt32>
    /// `secedit.inf`: `[Privilege Rights]`.
    public var userRights: Collected<UserRightsRecord>
    /// `kdc.reg` (a domain controller's `reg export HKLM\SYSTEM\CurrentControlSet\Services\Kdc`): the KDC's
    /// DefaultDomainSupportedEncTypes and RC4DefaultDisablementPhase for CES-C9. nil when the folder has none.
    public var kdcEncryption: Collected<KDCEncryptionSettings>? = nil
    /// The CA key's InterfaceFlags (recorded with the findings).
    public var interfaceFlags: Collected<UInt32>
    /// `local-groups.txt`: group SID → member SIDs, for the groups that were read.
    public var localGroups: Collected<LocalGroupsRecord>
    /// `HKLM\SOFTWARE\Microsoft\Ole` EnableDCOM ("Y" → true).
    public var enableDCOM: Collected<Bool>
    /// Credential Guard configuration. `.value(nil)`: nothing was supplied and no collector tried (the rule keeps
    /// its default); `.missing`: a source was there and could not be used (access denied, malformed).
    public var credentialGuard: Collected<CredentialGuardRecord?>
    /// The IIS sites of `applicationHost.config`.
    public var iisSites: Collected<[IISSiteRecord]>
    /// The `windowsAuthentication` sections of `applicationHost.config` (CES-C8).
    public var windowsAuthentication: Collected<[WindowsAuthenticationRecord]>
    /// The CES instances' `web.config` files.
    public var webConfigs: Collected<[WebConfigRecord]>
    /// certutil principal names (`CORP\CES Users`, lower-cased) resolved to SIDs through AD for this host's
    /// `ca-security.txt`; names the directory did not know are absent.
    public var certutilPrincipals: [String: String]?
    /// The data (manifest names, lower-cased) a collector was asked for and could not give, whose files failed the
    /// manifest's SHA-256 check, or (applicationHost.config) whose file is there but unreadable or malformed: a rule
    /// that says "not checked" for a file nobody supplied is unknown for these.
    public var uncollected: Set<String>?

    public init(
        host: String, caSecurity: Collected<CASecurityRecord>, editFlags: Collected<UInt32>,
        userRights: Collected<UserRightsRecord>, interfaceFlags: Collected<UInt32>? = nil,
        localGroups: Collected<LocalGroupsRecord>? = nil, enableDCOM: Collected<Bool>? = nil,
        credentialGuard: Collected<CredentialGuardRecord?> = .value(nil),
        iisSites: Collected<[IISSiteRecord]>? = nil,
        windowsAuthentication: Collected<[WindowsAuthenticationRecord]>? = nil,
        webConfigs: Collected<[WebConfigRecord]>? = nil, certutilPrincipals: [String: String]? = nil,
        kdcEncryption: Collected<KDCEncryptionSettings>? = nil
    ) {
        self.host = host
        self.caSecurity = caSecurity
        self.editFlags = editFlags
        self.userRights = userRights
        self.interfaceFlags = interfaceFlags ?? Self.notSupplied("InterfaceFlags", host)
        self.localGroups = localGroups ?? Self.notSupplied("local-groups.txt", host)
        self.enableDCOM = enableDCOM ?? Self.notSupplied("EnableDCOM (ole.reg)", host)
        self.credentialGuard = credentialGuard
        self.iisSites = iisSites ?? Self.notSupplied("applicationHost.config", host)
        self.windowsAuthentication = windowsAuthentication ?? Self.notSupplied("applicationHost.config", host)
        self.webConfigs = webConfigs ?? Self.notSupplied("web.config", host)
        self.certutilPrincipals = certutilPrincipals
        self.kdcEncryption = kdcEncryption
    }

    static func notSupplied<Value>(_ what: String, _ host: String) -> Collected<Value> {
        .missing(reason: "no \(what) for host \(host)")
    }

    /// Snapshots saved before layout v2 lack the newer data: they decode as not supplied.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let host = try container.decode(String.self, forKey: .host)
        self.init(
            host: host, caSecurity: try container.decode(Collected<CASecurityRecord>.self, forKey: .caSecurity),
            editFlags: try container.decode(Collected<UInt32>.self, forKey: .editFlags),
            userRights: try container.decode(Collected<UserRightsRecord>.self, forKey: .userRights),
            interfaceFlags: try container.decodeIfPresent(Collected<UInt32>.self, forKey: .interfaceFlags),
            localGroups: try container.decodeIfPresent(Collected<LocalGroupsRecord>.self, forKey: .localGroups),
            enableDCOM: try container.decodeIfPresent(Collected<Bool>.self, forKey: .enableDCOM),
            credentialGuard: try container.decodeIfPresent(
                Collected<CredentialGuardRecord?>.self, forKey: .credentialGuard) ?? .value(nil),
            iisSites: try container.decodeIfPresent(Collected<[IISSiteRecord]>.self, forKey: .iisSites),
            windowsAuthentication: try container.decodeIfPresent(
                Collected<[WindowsAuthenticationRecord]>.self, forKey: .windowsAuthentication),
            webConfigs: try container.decodeIfPresent(Collected<[WebConfigRecord]>.self, forKey: .webConfigs),
            certutilPrincipals: try container.decodeIfPresent([String: String].self, forKey: .certutilPrincipals),
            kdcEncryption: try container.decodeIfPresent(
                Collected<KDCEncryptionSettings>.self, forKey: .kdcEncryption))
        uncollected = try container.decodeIfPresent(Set<String>.self, forKey: .uncollected)
    }
}

/// Members of a host's local groups: group SID → member SIDs (strings), only for the groups that were read.
public struct LocalGroupsRecord: Sendable, Codable, Equatable {
    public var groups: [String: [String]]

    public init(groups: [String: [String]]) { self.groups = groups }

    init(_ members: LocalGroupMembers) {
        groups = Dictionary(
            uniqueKeysWithValues: members.groups.map { ($0.key.description, $0.value.map(\.description)) })
    }

    /// The members of `group`, nil when the group was not collected.
    public func members(of group: SID) -> [SID]? {
        groups[group.description].map { $0.compactMap { try? SID(string: $0) } }
    }
}

/// `LsaCfgFlags` (Lsa and DeviceGuard policy) and the policy's EnableVirtualizationBasedSecurity.
public struct CredentialGuardRecord: Sendable, Codable, Equatable {
    public var lsaCfgFlags: UInt32?
    public var policyLsaCfgFlags: UInt32?
    public var policyVirtualizationBasedSecurity: UInt32?

    public init(_ configuration: CredentialGuardConfiguration) {
        lsaCfgFlags = configuration.lsaCfgFlags
        policyLsaCfgFlags = configuration.policyLsaCfgFlags
        policyVirtualizationBasedSecurity = configuration.policyVirtualizationBasedSecurity
    }

    public var configuration: CredentialGuardConfiguration {
        CredentialGuardConfiguration(
            lsaCfgFlags: lsaCfgFlags, policyLsaCfgFlags: policyLsaCfgFlags,
            policyVirtualizationBasedSecurity: policyVirtualizationBasedSecurity)
    }
}

/// One IIS site: name, bindings (`https *:443:`) and application paths.
public struct IISSiteRecord: Sendable, Codable, Equatable {
    public var name: String
    public var bindings: [String]
    public var applications: [String]

    public init(name: String, bindings: [String], applications: [String]) {
        self.name = name
        self.bindings = bindings
        self.applications = applications
    }

    init(_ site: IISSite) {
        name = site.name
        bindings = site.bindings
        applications = site.applications
    }
}

/// One `windowsAuthentication` section: its `<location path>` ("" server-wide) and the flags as set (nil: absent).
public struct WindowsAuthenticationRecord: Sendable, Codable, Equatable {
    public var location: String
    public var useKernelMode: Bool?
    public var useAppPoolCredentials: Bool?

    public init(location: String, useKernelMode: Bool?, useAppPoolCredentials: Bool?) {
        self.location = location
        self.useKernelMode = useKernelMode
        self.useAppPoolCredentials = useAppPoolCredentials
    }

    init(_ section: IISWindowsAuthentication) {
        self.init(
            location: section.location, useKernelMode: section.useKernelMode,
            useAppPoolCredentials: section.useAppPoolCredentials)
    }
}

/// A CES instance's `web.config`: which file, and its serviceHostingEnvironment multipleSiteBindingsEnabled.
public struct WebConfigRecord: Sendable, Codable, Equatable {
    /// `web.config` or `ces-<Auth>.web.config`.
    public var file: String
    /// nil when the attribute is absent (WCF's default: false).
    public var multipleSiteBindingsEnabled: Bool?
}

/// The CA `Security` value in Codable form: an exact descriptor (from binary, hex, `.reg` or SDDL), or the
/// certutil text, which names principals instead of SIDs and so is evaluated best-effort.
public enum CASecurityRecord: Sendable, Codable, Equatable {
    /// Self-relative security descriptor bytes.
    case descriptor(Data, file: String)
    /// `certutil -getreg CA\Security` output as decoded text (it parsed when loaded).
    case certutil(String, file: String)

    /// Which evidence file it came from.
    public var file: String {
        switch self {
        case .descriptor(_, let file), .certutil(_, let file): file
        }
    }

    init(_ evidence: CASecurityEvidence, bytes: [UInt8], file: String) throws(BinaryFormatError) {
        switch evidence {
        case .descriptor(let descriptor):
            self = .descriptor(Data(try descriptor.selfRelativeBytes()), file: file)
        case .certutil:
            self = .certutil(TextDecoding.decode(bytes) ?? "", file: file)
        }
    }

    /// The descriptor, for the exact forms.
    public var securityDescriptor: SecurityDescriptor? {
        guard case .descriptor(let bytes, _) = self else { return nil }
        return try? SecurityDescriptor(selfRelative: Array(bytes))
    }

    /// The certutil report, for the text form.
    public var certutilReport: CertutilSecurityReport? {
        guard case .certutil(let text, _) = self else { return nil }
        return try? CertutilSecurityParser.parse(text)
    }
}

/// `[Privilege Rights]` of a `secedit /export`: right name → entries as written (`*S-1-5-32-568` or a bare
/// account name the exporter did not resolve).
public struct UserRightsRecord: Sendable, Codable, Equatable {
    public var rights: [String: [String]]

    public init(rights: [String: [String]]) { self.rights = rights }

    init(_ assignment: UserRightsAssignment) {
        rights = assignment.rights.mapValues { $0.map(\.description) }
    }

    /// Back to ADModel's form, through the INF syntax its parser reads (entries never hold commas).
    public var assignment: UserRightsAssignment {
        let lines = rights.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value.joined(separator: ","))" }
        let text = (["[Privilege Rights]"] + lines).joined(separator: "\n")
        // Entries came out of SeceditParser, so they parse again; a hand-edited snapshot that does not
        // parses as "no rights defined".
        return (try? SeceditParser.parse(text: text))
            ?? (try? SeceditParser.parse(text: "[Privilege Rights]"))!
    }
}

extension DirectorySnapshot {
    /// The evidence of `host`, matched case-insensitively by FQDN or short name in either direction
    /// (`ca01.corp.example.test` finds a folder `CA01`, and `ca01` finds `ca01.corp.example.test`).
    public func evidence(for host: String?) -> HostEvidence? {
        // Asked for on every path of a scan: no evidence at all is the common case and costs nothing.
        guard !evidence.isEmpty, let host = host?.lowercased(), !host.isEmpty else { return nil }
        if let exact = evidence[host] { return exact }
        let short = host.split(separator: ".").first.map(String.init) ?? host
        if let byShort = evidence[short] { return byShort }
        let candidates = evidence.filter { key, _ in
            key.split(separator: ".").first.map(String.init) == short && (!host.contains(".") || !key.contains("."))
        }
        return candidates.count == 1 ? candidates.first?.value : nil
    }
}
