import ADModel

/// CES-E2: a renewal-only CES renews on behalf of the certificate's subject, which the CA accepts only with
/// EDITF_ENABLERENEWONBEHALFOF (0x04000000; not 0x00010000, which is ENABLEDEFAULTSMIME). Microsoft's KBR
/// guide uses protocol transition plus constrained delegation to the CA instead, so the rule fails only when
/// neither model is complete.
public struct E2RenewOnBehalfOf: EndpointRule {
    public static let id = "CES-E2"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard path.endpoint.malformed == nil, let renewalOnly = path.endpoint.renewalOnly else {
            return context.finding(
                Self.id, .unknown, path: path, message: "malformed endpoint: cannot tell whether it is renewal-only")
        }
        guard renewalOnly else {
            return context.finding(Self.id, .skipped, path: path, message: "not a renewal-only endpoint")
        }
        let flag = EditFlags.enableRenewOnBehalfOf.rawValue
        let alternative = path.protocolTransitionModelComplete
        let name = path.principal.account?.samAccountName ?? "the CES principal"
        let alternativeNote =
            "\(name) has TRUSTED_TO_AUTH_FOR_DELEGATION (0x1000000) and msDS-AllowedToDelegateTo \(path.requiredTargets.joined(separator: " and ")) (alternative model)"
        let datum = context.hostDatum(\.editFlags, host: path.ca.dnsHostName, file: "ca-config.reg or editflags.txt")
        guard let value = datum.value else {
            if alternative == true {
                return context.finding(
                    Self.id, .pass, path: path,
                    message: "EditFlags not known (\(datum.missingReason ?? "not supplied")), but \(alternativeNote)")
            }
            return context.finding(Self.id, .unknown, path: path, message: datum.missingReason ?? "not supplied")
        }
        var evidence: [String: EvidenceValue] = ["EditFlags": .integer(Int64(value))]
        // Recorded for the reader: InterfaceFlags governs the CA's DCOM interfaces, not this rule.
        if let interface = context.snapshot.evidence(for: path.ca.dnsHostName)?.interfaceFlags.value {
            evidence["InterfaceFlags"] = .integer(Int64(interface))
        }
        if value & flag != 0 {
            return context.finding(
                Self.id, .pass, path: path,
                message: "EditFlags \(value.hex) has EDITF_ENABLERENEWONBEHALFOF (0x04000000)",
                evidence: evidence)
        }
        let lacking = "EditFlags \(value.hex) lacks EDITF_ENABLERENEWONBEHALFOF (0x04000000)"
        switch alternative {
        case true?:
            return context.finding(
                Self.id, .pass, path: path, message: "\(lacking), but \(alternativeNote)", evidence: evidence)
        case false?:
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "\(lacking), and \(name) lacks the alternative (TRUSTED_TO_AUTH_FOR_DELEGATION with HOST/RPCSS targets)",
                evidence: evidence)
        case nil:
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "\(lacking); whether the alternative model is complete is unknown (\(path.principal.problem ?? "CES principal's userAccountControl or the CA host not read"))",
                evidence: evidence)
        }
    }
}
