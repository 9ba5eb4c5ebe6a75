import ADModel
import DirectoryAccess

/// What the static rules (A1, A2, C2, C3, C4, C5) predict the KDC answers to the probe: S4U2Self for the
/// requester, then S4U2Proxy with that evidence ticket to one target SPN on the CA. Pure. It asks the rules' own
/// predicates (`A1RequesterNotDelegated.refusesDelegation`, …), so CES-K1 compares the KDC with the rules as they are.
///
/// The probe is protocol transition (there is no user ticket to present), which is exactly the certificate
/// endpoint's path. On a Kerberos endpoint CES presents the user's own forwardable service ticket instead; the
/// probe reproduces that path only when protocol transition cannot change the answer (the principal has
/// TRUSTED_TO_AUTH_FOR_DELEGATION, or no msDS-AllowedToDelegateTo at all).
public struct DelegationPrediction: Sendable, Equatable {
    public enum Expectation: String, Sendable, Equatable {
        case granted, refused
    }

    /// nil when the static side cannot tell (data not read); see `reasons`.
    public var expectation: Expectation?
    /// The rule verdicts behind the expectation, e.g. `CES-A1: bob has NOT_DELEGATED (0x100000)`.
    public var reasons: [String]
    /// Set when the KDC that answers cannot judge the case (Samba's KDC and Protected Users or RBCD).
    public var notJudgeable: String?
    /// Set when the probe's path differs from the endpoint's (Kerberos endpoint without protocol transition); the
    /// expectation is then the endpoint's own path (the user's forwardable ticket as evidence).
    public var notReproducible: String?

    public init(
        expectation: Expectation?, reasons: [String], notJudgeable: String? = nil, notReproducible: String? = nil
    ) {
        self.expectation = expectation
        self.reasons = reasons
        self.notJudgeable = notJudgeable
        self.notReproducible = notReproducible
    }

    /// The prediction for `target` on `path` for `requester`. `domain` gives the Protected Users SID, the
    /// DCs' functional levels and whether the KDC is Samba's.
    public static func predict(
        requester: AccountRecord, path: EndpointPath, target: String, domain: DirectorySnapshot.Domain
    ) -> DelegationPrediction {
        guard let principal = path.principal.account else {
            return .init(expectation: nil, reasons: [path.principal.problem ?? "CES principal not resolved"])
        }
        guard let principalControl = principal.flags else {
            return .init(
                expectation: nil,
                reasons: [
                    "userAccountControl of \(principal.samAccountName) not read: \(principal.userAccountControl.missingReason ?? "")"
                ])
        }
        guard let requesterControl = requester.flags else {
            return .init(
                expectation: nil,
                reasons: [
                    "userAccountControl of \(requester.samAccountName) not read: \(requester.userAccountControl.missingReason ?? "")"
                ])
        }
        let isSamba = domain.kdcIsSamba
        var reasons: [String] = []
        var notJudgeable: [String] = []

        // A1 / A2: may the requester be delegated at all?
        let sensitive = A1RequesterNotDelegated.refusesDelegation(requesterControl)
        if sensitive { reasons.append("CES-A1: \(requester.samAccountName) has NOT_DELEGATED (0x100000)") }
        var protectedBlocks = false
        if let groups = requester.tokenGroups.value,
            let protectedUsers = A2RequesterInProtectedUsers.protectedUsers(in: domain)
        {
            if A2RequesterInProtectedUsers.isMember(requester, groups: groups, of: protectedUsers) {
                let enforcement = domain.protectedUsersEnforcement
                let state: String
                switch enforcement {
                case .enforced(let dc, let level):
                    protectedBlocks = true
                    state = "enforced by \(dc) at domain controller functional level \(level)"
                case .notYet(let highest): state = "not enforced: every DC below level 6 (highest \(highest))"
                case .unknown(let reason): state = reason
                }
                reasons.append("CES-A2: \(requester.samAccountName) is in Protected Users (\(state))")
                if isSamba {
                    notJudgeable.append("Samba's KDC does not enforce Protected Users")
                } else if case .unknown = enforcement {
                    return .init(expectation: nil, reasons: reasons)
                }
            }
        } else if !sensitive {
            return .init(
                expectation: nil,
                reasons: [
                    "the groups of \(requester.samAccountName) were not read (Protected Users, CES-A2): \(requester.tokenGroups.missingReason ?? "")"
                ])
        }

        // S4U2Self is a service ticket to the principal itself: the KDC issues none to an account without an SPN.
        if principal.servicePrincipalNames.isEmpty {
            reasons.append(
                "CES-C8: \(principal.samAccountName) has no servicePrincipalName, so the KDC issues it no S4U2Self ticket"
            )
            return .init(expectation: .refused, reasons: reasons, notJudgeable: nil)
        }

        // C2 / C3: the principal's constrained delegation and protocol transition.
        let listed = C2ConstrainedDelegationToCA.delegates(principal, to: target)
        let selfTicketsForwardable = C3ProtocolTransition.selfTicketsForwardable(principal, control: principalControl)
        let evidenceForwardable = !sensitive && !protectedBlocks && selfTicketsForwardable
        var notReproducible: String?
        if path.endpoint.authenticationFlag == EnrollmentAuthentication.kerberos.rawValue && !selfTicketsForwardable {
            notReproducible =
                "Kerberos endpoint: CES presents the user's own forwardable ticket, the probe can only use protocol transition, which \(principal.samAccountName) lacks (no TRUSTED_TO_AUTH_FOR_DELEGATION)"
        }
        let expectation: Expectation
        if listed {
            reasons.append("CES-C2: \(target) is in msDS-AllowedToDelegateTo of \(principal.samAccountName)")
            if notReproducible != nil {
                // The endpoint's own path: the user's forwardable ticket is the evidence (Kerberos-only KCD).
                expectation = sensitive || protectedBlocks ? .refused : .granted
                return .init(
                    expectation: expectation, reasons: reasons,
                    notJudgeable: notJudgeable.isEmpty ? nil : notJudgeable.joined(separator: "; "),
                    notReproducible: notReproducible)
            }
            if !selfTicketsForwardable {
                reasons.append(
                    "CES-C3: \(principal.samAccountName) lacks TRUSTED_TO_AUTH_FOR_DELEGATION: S4U2Self tickets are not forwardable"
                )
            }
            expectation = evidenceForwardable ? .granted : .refused
        } else {
            reasons.append("CES-C2: \(target) is not in msDS-AllowedToDelegateTo of \(principal.samAccountName)")
            switch path.resourceBasedDelegationAllowsPrincipal {
            case true?:
                reasons.append(
                    "CES-C5: msDS-AllowedToActOnBehalfOfOtherIdentity of the CA computer allows \(principal.samAccountName)"
                )
                // RBCD allows protocol transition; only a requester who may not be delegated is refused.
                expectation = sensitive || protectedBlocks ? .refused : .granted
                if isSamba {
                    notJudgeable.append("Samba's KDC does not evaluate resource-based constrained delegation")
                }
            case false?:
                if C4UnconstrainedDelegationOnly.hasUnconstrainedDelegation(principalControl) {
                    reasons.append(
                        "CES-C4: \(principal.samAccountName) has only unconstrained delegation (a forwarded TGT, which no probe can test)"
                    )
                }
                expectation = .refused
            case nil:
                return .init(
                    expectation: nil,
                    reasons: reasons + ["resource-based delegation on the CA computer could not be read (CES-C5)"])
            }
        }
        return .init(
            expectation: expectation, reasons: reasons,
            notJudgeable: notJudgeable.isEmpty ? nil : notJudgeable.joined(separator: "; "),
            notReproducible: notReproducible)
    }
}

extension DirectorySnapshot.Domain {
    /// Whether the domain controller is Samba (RootDSE vendorName), whose KDC enforces neither Protected Users
    /// nor resource-based constrained delegation (docs/testbed.md §9).
    public var kdcIsSamba: Bool { vendorName?.localizedCaseInsensitiveContains("samba") == true }
}
