/// The KDC's encryption-type settings on one domain controller, from a `.reg` export of
/// `HKLM\SYSTEM\CurrentControlSet\Services\Kdc` (`reg export HKLM\SYSTEM\CurrentControlSet\Services\Kdc kdc.reg`).
/// CES-C9 uses them instead of the 2026 default (KB5073381: accounts without msDS-SupportedEncryptionTypes get
/// AES-only service tickets unless DefaultDomainSupportedEncTypes says otherwise).
public struct KDCEncryptionSettings: Sendable, Codable, Hashable {
    /// `DefaultDomainSupportedEncTypes`: the types assumed for accounts without msDS-SupportedEncryptionTypes.
    public var defaultDomainSupportedEncTypes: UInt32?
    /// `RC4DefaultDisablementPhase` (KB5073381; recorded, not used: its support ended with the July 2026 updates).
    public var rc4DefaultDisablementPhase: UInt32?

    public init(defaultDomainSupportedEncTypes: UInt32?, rc4DefaultDisablementPhase: UInt32?) {
        self.defaultDomainSupportedEncTypes = defaultDomainSupportedEncTypes
        self.rc4DefaultDisablementPhase = rc4DefaultDisablementPhase
    }
}

/// Why a KDC `.reg` export could not be read.
public enum KDCRegistryParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case undecodableText
    case notARegistryExport
    case malformedValue(line: Int, name: String)

    public var description: String {
        switch self {
        case .undecodableText: "not UTF-8 or UTF-16 text"
        case .notARegistryExport: "no 'Windows Registry Editor' header or no [HKEY_…\\Services\\Kdc] key"
        case .malformedValue(let line, let name): "line \(line): \(name) is not a dword"
        }
    }
}

public enum KDCRegistryParser {
    /// Parses a `.reg` export (UTF-16LE with BOM as `reg export` writes it, or UTF-8). Values other than the two
    /// settings are ignored; a setting that is absent stays nil (the DC's default applies).
    public static func parse(_ bytes: [UInt8]) throws(KDCRegistryParseError) -> KDCEncryptionSettings {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        let lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines.first.map { String($0).trimmingASCIISpaces() } ?? ""
        guard header.hasPrefix("Windows Registry Editor") || header == "REGEDIT4" else { throw .notARegistryExport }
        var inKDCKey = false
        var sawKey = false
        var settings = KDCEncryptionSettings(defaultDomainSupportedEncTypes: nil, rc4DefaultDisablementPhase: nil)
        for (index, raw) in lines.enumerated() {
            let line = String(raw).trimmingASCIISpaces()
            if line.hasPrefix("[") {
                inKDCKey = line.lowercased().hasSuffix("\\services\\kdc]")
                sawKey = sawKey || inKDCKey
                continue
            }
            guard inKDCKey, line.hasPrefix("\""), let equals = line.firstIndex(of: "=") else { continue }
            let name = line[line.index(after: line.startIndex)..<equals].dropLast().lowercased()
            guard name == "defaultdomainsupportedenctypes" || name == "rc4defaultdisablementphase" else { continue }
            let data = line[line.index(after: equals)...].lowercased()
            guard data.hasPrefix("dword:"), let value = UInt32(data.dropFirst(6), radix: 16) else {
                throw .malformedValue(line: index + 1, name: String(name))
            }
            if name == "defaultdomainsupportedenctypes" {
                settings.defaultDomainSupportedEncTypes = value
            } else {
                settings.rc4DefaultDisablementPhase = value
            }
        }
        guard sawKey else { throw .notARegistryExport }
        return settings
    }
}
