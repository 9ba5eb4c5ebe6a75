import ADModel

/// CES-C4: unconstrained delegation without C2/C5 works only until Credential Guard runs on the client or the CES
/// host (default on Windows 11 22H2 and Server 2025). With the CES host's Credential Guard configuration (`lsa.reg`,
/// `deviceguard.reg`) it fails when Credential Guard is on there; otherwise it warns, since clients may run it.
public struct C4UnconstrainedDelegationOnly: EndpointRule {
    public static let id = "CES-C4"
    public init() {}

    /// Whether the account has unconstrained delegation (TRUSTED_FOR_DELEGATION).
    static func hasUnconstrainedDelegation(_ control: UserAccountControl) -> Bool {
        control.contains(.trustedForDelegation)
    }

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let (early, account) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        guard let account, let control = account.userAccountControl.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: account?.userAccountControl.missingReason ?? "not read")
        }
        var evidence: [String: EvidenceValue] = ["userAccountControl": .integer(Int64(control))]
        let unconstrained = Self.hasUnconstrainedDelegation(UserAccountControl(rawValue: control))
        let targetsComplete = path.missingTargets?.isEmpty == true
        let rbcd = unconstrained && !targetsComplete ? path.resourceBasedDelegation : .doesNotAllow
        if case .unknown(let why) = rbcd {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "userAccountControl \(control.hex) has TRUSTED_FOR_DELEGATION (0x80000) without the HOST/RPCSS targets; whether resource-based delegation covers the CA instead (CES-C5) is unknown: \(why)",
                evidence: evidence)
        }
        let constrainedWorks = targetsComplete || rbcd == .allows
        guard unconstrained && !constrainedWorks else {
            return context.finding(
                Self.id, .pass, path: path,
                message: unconstrained
                    ? "unconstrained delegation is set, but constrained or resource-based delegation covers the CA"
                    : "no reliance on unconstrained delegation",
                evidence: evidence)
        }
        let reliance =
            "userAccountControl \(control.hex) has TRUSTED_FOR_DELEGATION (0x80000) and no constrained or resource-based delegation to the CA"
        let host = path.endpoint.host
        // No evidence folder or no Credential Guard data supplied: the state is not known, and the rule warns.
        let datum: Collected<CredentialGuardRecord?> =
            context.snapshot.evidence(for: host)?.credentialGuard ?? .value(nil)
        switch datum {
        case .missing(let reason):
            return context.finding(
                Self.id, .unknown, path: path,
                message: "\(reliance); Credential Guard on \(host ?? "the CES host") not known: \(reason)",
                evidence: evidence)
        case .value(nil):
            return context.finding(
                Self.id, .warn, path: path,
                message:
                    "\(reliance); Credential Guard state is not in AD (supply lsa.reg and deviceguard.reg of \(host ?? "the CES host"))",
                evidence: evidence)
        case .value(let record?):
            let configuration = record.configuration
            if let value = record.lsaCfgFlags { evidence["LsaCfgFlags"] = .integer(Int64(value)) }
            if let value = record.policyLsaCfgFlags { evidence["policyLsaCfgFlags"] = .integer(Int64(value)) }
            let hostName = host ?? "the CES host"
            switch configuration.configuredOn {
            case true?:
                return context.finding(
                    Self.id, .fail, path: path,
                    message:
                        "\(reliance), and Credential Guard is configured on \(hostName) (\(Self.describe(record))), which blocks unconstrained delegation",
                    evidence: evidence)
            case false?:
                return context.finding(
                    Self.id, .warn, path: path,
                    message:
                        "\(reliance); Credential Guard is off on \(hostName) (\(Self.describe(record))), but clients running it (Windows 11 22H2+) cannot delegate",
                    evidence: evidence)
            case nil:
                return context.finding(
                    Self.id, .warn, path: path,
                    message:
                        "\(reliance); LsaCfgFlags is not set on \(hostName): Credential Guard follows the Windows default (on for Server 2025 members, off before)",
                    evidence: evidence)
            }
        }
    }

    static func describe(_ record: CredentialGuardRecord) -> String {
        var parts: [String] = []
        if let value = record.policyLsaCfgFlags { parts.append("policy LsaCfgFlags \(value)") }
        if let value = record.policyVirtualizationBasedSecurity {
            parts.append("EnableVirtualizationBasedSecurity \(value)")
        }
        if let value = record.lsaCfgFlags { parts.append("Lsa LsaCfgFlags \(value)") }
        return parts.joined(separator: ", ")
    }
}
