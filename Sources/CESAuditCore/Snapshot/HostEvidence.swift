import ADModel
import Foundation

/// What an operator collected on one host (`--evidence DIR/<host>/`, docs/contract.md): the CA's `Security`
/// DACL, the policy module's EditFlags, and the user-rights assignment. None of it is in LDAP, so each
/// datum says whether it was supplied and parsed; the rules that need a missing one report `unknown`.
public struct HostEvidence: Sendable, Codable, Equatable {
    /// The evidence folder's name as found (FQDN or short name).
    public var host: String
    /// `ca-security.bin` > `ca-security.sddl` > `ca-security.txt`.
    public var caSecurity: Collected<CASecurityRecord>
    /// `editflags.txt`: the EditFlags value in force.
    public var editFlags: Collected<UInt32>
    /// `secedit.inf`: `[Privilege Rights]`.
    public var userRights: Collected<UserRightsRecord>
    /// `kdc.reg` (a domain controller's `reg export HKLM\SYSTEM\CurrentControlSet\Services\Kdc`): the KDC's
    /// DefaultDomainSupportedEncTypes and RC4DefaultDisablementPhase for CES-C9. nil when the folder has none.
    public var kdcEncryption: Collected<KDCEncryptionSettings>? = nil

    public init(
        host: String, caSecurity: Collected<CASecurityRecord>, editFlags: Collected<UInt32>,
        userRights: Collected<UserRightsRecord>, kdcEncryption: Collected<KDCEncryptionSettings>? = nil
    ) {
        self.host = host
        self.caSecurity = caSecurity
        self.editFlags = editFlags
        self.userRights = userRights
        self.kdcEncryption = kdcEncryption
    }
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
