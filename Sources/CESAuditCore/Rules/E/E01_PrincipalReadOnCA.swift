import ADModel

/// CES-E1: a renewal-only CES submits renewals under its own identity, so its principal needs Read on the CA
/// (explicit, or implied by Enroll/Officer/Administrator) and no deny of Read. When the protocol-transition
/// model of CES-E2 is complete the CA sees the requester instead, so missing Read is reported as a pass with
/// that note (catalogue).
public struct E1PrincipalReadOnCA: EndpointRule {
    public static let id = "CES-E1"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard path.endpoint.malformed == nil, let renewalOnly = path.endpoint.renewalOnly else {
            return context.finding(
                Self.id, .unknown, path: path, message: "malformed endpoint: cannot tell whether it is renewal-only")
        }
        guard renewalOnly else {
            return context.finding(
                Self.id, .skipped, path: path,
                message: "not a renewal-only endpoint: the CA sees the requester (CES-B1)")
        }
        let host = path.ca.dnsHostName
        let security = context.hostDatum(\.caSecurity, host: host, file: B1CAEnrollPermission.evidenceFile)
        guard let record = security.value else {
            return context.finding(Self.id, .unknown, path: path, message: security.missingReason ?? "not supplied")
        }
        guard let principal = path.principalToken else { return context.principalTokenProblem(Self.id, path) }
        let (account, token) = principal
        let evidence: [String: EvidenceValue] = ["file": .string(record.file), "caHost": .string(host ?? "?")]
        let outcome = CARightCheck.evaluate(
            record, right: .read, token: token, account: account, domain: context.domainSID,
            netbios: context.snapshot.domain.netbiosName, resolved: context.certutilPrincipals(host: host))
        switch outcome {
        case .granted(let message):
            return context.finding(Self.id, .pass, path: path, message: message, evidence: evidence)
        case .unknown(let message):
            return context.finding(Self.id, .unknown, path: path, message: message, evidence: evidence)
        case .denied(let message), .notGranted(let message):
            if path.protocolTransitionModelComplete == true {
                return context.finding(
                    Self.id, .pass, path: path,
                    message:
                        "\(message); not needed: \(account.samAccountName) has TRUSTED_TO_AUTH_FOR_DELEGATION with HOST/RPCSS targets on the CA (CES-E2 alternative model)",
                    evidence: evidence)
            }
            return context.finding(Self.id, .fail, path: path, message: message, evidence: evidence)
        }
    }
}

extension EndpointPath {
    /// The alternative renewal model of CES-E2 (Microsoft's KBR-on-a-custom-port guide): the principal has
    /// protocol transition (0x1000000) and constrained delegation to HOST/ and RPCSS/ of the CA. nil when
    /// the principal or its userAccountControl is unknown.
    var protocolTransitionModelComplete: Bool? {
        guard let account = principal.account, let control = account.userAccountControl.value,
            let missing = missingTargets, !requiredTargets.isEmpty
        else { return nil }
        return UserAccountControl(rawValue: control).contains(.trustedToAuthenticateForDelegation) && missing.isEmpty
    }
}
