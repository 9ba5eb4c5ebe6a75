import ADModel
import Foundation

/// CES-C9: since the 2026 Kerberos updates (KB5073381, CVE-2026-20833) domain controllers issue AES-only service
/// tickets for accounts without msDS-SupportedEncryptionTypes. A CES principal (the HTTP/ ticket) or a CA computer
/// (the S4U2Proxy target) that is limited to RC4, or that has no AES keys, then gets no ticket
/// (KDC_ERR_ETYPE_NOSUPP) and enrollment through the Kerberos or Certificate endpoint fails.
///
/// Whether an account has AES keys is not in LDAP. The approximation: a password set before the domain's RID-521
/// group (Read-only Domain Controllers) was created — when the domain reached the 2008 functional level — may
/// have RC4 keys only. The live probe (CES-K1) reports the ticket encryption types the KDC really used.
public struct C9PrincipalEncryptionTypes: EndpointRule {
    public static let id = "CES-C9"
    public init() {}

    static let rc4: UInt32 = 0x4
    static let aes: UInt32 = 0x8 | 0x10
    /// What a DC with the 2026 updates assumes for an account without msDS-SupportedEncryptionTypes when no
    /// DefaultDomainSupportedEncTypes is set (KB5073381: AES-SHA1 only).
    static let defaultSince2026: UInt32 = 0x18

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard path.endpoint.malformed == nil, let flag = path.endpoint.authenticationFlag else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "malformed endpoint (\(path.endpoint.malformed ?? "no authentication flag")): cannot tell whether it uses Kerberos"
            )
        }
        guard
            flag == EnrollmentAuthentication.kerberos.rawValue || flag == EnrollmentAuthentication.certificate.rawValue
        else {
            return context.finding(
                Self.id, .skipped, path: path,
                message: "authentication flag \(flag) is neither Kerberos (2) nor Certificate (8)")
        }
        guard let account = path.principal.account else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved")
        }
        let kdc = KDCDefaults(context.snapshot)
        var verdicts = [Self.judge(account, role: "CES principal", kdc: kdc, domain: context.snapshot.domain)]
        // The CA computer is the S4U2Proxy target only where the principal delegates (CES-C1).
        if path.delegationRequired == true {
            if let computer = path.caComputer {
                verdicts.append(Self.judge(computer, role: "CA computer", kdc: kdc, domain: context.snapshot.domain))
            } else {
                verdicts.append(
                    Verdict(
                        status: .unknown,
                        message:
                            "the computer account of the CA host \(path.ca.dnsHostName ?? "(unknown)") was not found",
                        evidence: [:]))
            }
        }
        let status = Self.worst(verdicts.map(\.status))
        var evidence: [String: EvidenceValue] = kdc.evidence
        for verdict in verdicts { evidence.merge(verdict.evidence) { first, _ in first } }
        return context.finding(
            Self.id, status, path: path, message: verdicts.map(\.message).joined(separator: "; "),
            evidence: evidence)
    }

    struct Verdict {
        var status: Status
        var message: String
        var evidence: [String: EvidenceValue]
        /// Whether the verdict predicts an AES ticket; false for a pass because the KDC's default still allows
        /// RC4, where an RC4 ticket is what the KDC may issue (CES-K1 and K2 compare only AES predictions).
        var predictsAES = true
    }

    /// fail > unknown > warn > pass: one account that cannot get a ticket breaks the path.
    static func worst(_ statuses: [Status]) -> Status {
        for status in [Status.fail, .unknown, .warn] where statuses.contains(status) { return status }
        return .pass
    }

    /// The DCs' DefaultDomainSupportedEncTypes from host evidence (`kdc.reg`), else the 2026 default.
    struct KDCDefaults {
        /// host → settings of every evidence folder with a readable kdc.reg.
        var settings: [(host: String, value: KDCEncryptionSettings)] = []
        var unreadable: [String] = []

        init(_ snapshot: DirectorySnapshot) {
            for (key, host) in snapshot.evidence.sorted(by: { $0.key < $1.key }) {
                switch host.kdcEncryption {
                case .value(let value)?: settings.append((key, value))
                case .missing(let reason)?: unreadable.append(reason)
                case nil: break
                }
            }
        }

        /// The default for accounts without the attribute, and where it comes from. With several DCs the strictest
        /// one decides (a client may reach any of them); the KB5073381 default for DCs that do not set it.
        var effective: (types: UInt32, source: String) {
            let defaults = settings.map { host, value -> (types: UInt32, source: String) in
                guard let types = value.defaultDomainSupportedEncTypes else {
                    return (defaultSince2026, "\(host) (no DefaultDomainSupportedEncTypes: the 2026 default, AES only)")
                }
                return (types, "DefaultDomainSupportedEncTypes \(types.hex) on \(host)")
            }
            return defaults.first { $0.types & rc4 == 0 } ?? defaults.first
                ?? (defaultSince2026, "the 2026 default (KB5073381: AES only; no kdc.reg from a domain controller)")
        }

        var evidence: [String: EvidenceValue] {
            var values: [String: EvidenceValue] = [:]
            for (host, value) in settings {
                if let types = value.defaultDomainSupportedEncTypes {
                    values["DefaultDomainSupportedEncTypes:\(host)"] = .integer(Int64(types))
                }
                if let phase = value.rc4DefaultDisablementPhase {
                    values["RC4DefaultDisablementPhase:\(host)"] = .integer(Int64(phase))
                }
            }
            if !unreadable.isEmpty { values["kdcEvidenceProblems"] = .list(unreadable.map { .string($0) }) }
            return values
        }
    }

    static func judge(
        _ account: AccountRecord, role: String, kdc: KDCDefaults, domain: DirectorySnapshot.Domain
    ) -> Verdict {
        let name = account.samAccountName
        let prefix = role == "CES principal" ? "" : "\(role):"
        // 0 means "not set" to the KDC as well.
        if let types = account.supportedEncryptionTypes, types != 0 {
            let evidence: [String: EvidenceValue] = ["\(prefix)msDS-SupportedEncryptionTypes": .integer(Int64(types))]
            guard types & aes != 0 else {
                return Verdict(
                    status: .fail,
                    message:
                        "\(role) \(name): msDS-SupportedEncryptionTypes is \(types.hex), neither AES128 (0x8) nor AES256 (0x10): no ticket once the KDC refuses RC4 (KDC_ERR_ETYPE_NOSUPP); set 0x18 and reset the password so that AES keys exist",
                    evidence: evidence)
            }
            return keys(
                account, role: role, because: "msDS-SupportedEncryptionTypes is \(types.hex)", domain: domain,
                evidence: evidence)
        }
        var evidence: [String: EvidenceValue] = ["\(prefix)msDS-SupportedEncryptionTypes": .string("absent")]
        let (types, source) = kdc.effective
        evidence["effectiveDefaultEncTypes"] = .integer(Int64(types))
        if types & rc4 != 0 {
            return Verdict(
                status: .pass,
                message:
                    "\(role) \(name): no msDS-SupportedEncryptionTypes, and \(source) still allows RC4 (KB5073381 logs Kdcsvc event 205 for it)",
                evidence: evidence, predictsAES: false)
        }
        guard types & aes != 0 else {
            return Verdict(
                status: .fail,
                message: "\(role) \(name): no msDS-SupportedEncryptionTypes, and \(source) allows neither RC4 nor AES",
                evidence: evidence)
        }
        return keys(
            account, role: role, because: "no msDS-SupportedEncryptionTypes: AES only by \(source)", domain: domain,
            evidence: evidence)
    }

    /// The KDC will use AES: the account needs AES keys (approximated by pwdLastSet against the RID-521 group).
    static func keys(
        _ account: AccountRecord, role: String, because reason: String, domain: DirectorySnapshot.Domain,
        evidence: [String: EvidenceValue]
    ) -> Verdict {
        var evidence = evidence
        let name = account.samAccountName
        let prefix = role == "CES principal" ? "" : "\(role):"
        guard let since = domain.aesKeysSince?.value else {
            let why = domain.aesKeysSince?.missingReason ?? "the date the domain reached the 2008 level was not read"
            return Verdict(
                status: .unknown, message: "\(role) \(name): \(reason); whether it has AES keys is unknown: \(why)",
                evidence: evidence)
        }
        let sinceText = since.iso8601UTC
        evidence["aesKeysSince"] = .string(sinceText)
        guard let set = account.passwordLastSet else {
            return Verdict(
                status: .unknown,
                message:
                    "\(role) \(name): \(reason); whether it has AES keys is unknown: pwdLastSet not read (or 0, must change)",
                evidence: evidence)
        }
        let setText = set.iso8601UTC
        evidence["\(prefix)pwdLastSet"] = .string(setText)
        if set < since {
            return Verdict(
                status: .fail,
                message:
                    "\(role) \(name): \(reason), but its password was last set \(setText), before the domain could make AES keys (\(sinceText), RID-521 group created): its keys may be RC4 only (an approximation; the probe, CES-K1, shows the KDC's answer) — reset the password",
                evidence: evidence)
        }
        return Verdict(
            status: .pass,
            message:
                "\(role) \(name): \(reason); password set \(setText), after the domain could make AES keys (an approximation)",
            evidence: evidence)
    }
}
