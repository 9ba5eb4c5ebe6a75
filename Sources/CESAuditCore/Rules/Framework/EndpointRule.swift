import ADModel
import Foundation

/// One CES endpoint and who stands behind it: the CES principal and the CA's computer account.
public struct EndpointPath: Sendable {
    public var ca: EnrollmentServiceRecord
    public var endpoint: EnrollmentServiceRecord.Endpoint
    public var principal: PrincipalResolution
    public var caComputer: AccountRecord?
    /// The users whose descriptors CES-C10 checks: the requester's own in the user job; nil: the snapshot's sample.
    public var groupReadTargets: Collected<[GroupReadSample.UserDescriptor]>? = nil

    public init(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint, principal: PrincipalResolution,
        caComputer: AccountRecord?
    ) {
        self.ca = ca
        self.endpoint = endpoint
        self.principal = principal
        self.caComputer = caComputer
    }

    /// Host name → computer account DN (`DirectorySnapshot.hostComputers`): C1 compares computers, not names.
    public var hostComputers: [String: String]? = nil
    /// AD DNS alias → the name its CNAME chain ends at (`DirectorySnapshot.dnsAliases`).
    public var dnsAliases: [String: String]? = nil

    /// C1: whether the principal must delegate on this endpoint; nil when that cannot be decided.
    public var delegationRequired: Bool? { delegationDecision?.required }

    /// C1's decision with its basis (same or different computer account, or host names).
    public var delegationDecision: DelegationDecision? {
        endpoint.delegationDecision(toCAHost: ca.dnsHostName, computers: hostComputers, aliases: dnsAliases)
    }

    /// The SPNs the CES principal must be allowed to delegate to (docs/rules.md CES-C2: HOST and RPCSS, FQDN form).
    public var requiredTargets: [String] {
        guard let host = ca.dnsHostName else { return [] }
        return ["HOST/\(host)", "RPCSS/\(host)"]
    }

    /// Required targets missing from the principal's msDS-AllowedToDelegateTo (case-insensitive).
    public var missingTargets: [String]? {
        guard let account = principal.account else { return nil }
        return requiredTargets.filter { !C2ConstrainedDelegationToCA.delegates(account, to: $0) }
    }

    /// C5's access check of the CA computer's msDS-AllowedToActOnBehalfOfOtherIdentity for the principal.
    public enum ResourceBasedDelegation: Sendable, Equatable {
        case allows
        case doesNotAllow
        /// It cannot be told (why): the alternative to C2/C3 can be neither counted nor ruled out.
        case unknown(String)
    }

    /// MS-SFU 3.2.5.2.3: the KDC runs an access check of that descriptor with the token from the principal's PAC,
    /// so groups and deny ACEs count; the right it asks for is CONTROL_ACCESS (Windows creates the descriptor with
    /// GENERIC_ALL but checks only 0x100, as Samba's KDC notes).
    public var resourceBasedDelegation: ResourceBasedDelegation {
        guard let caComputer else { return .unknown("no computer account with dNSHostName \(ca.dnsHostName ?? "?")") }
        guard let account = principal.account else { return .unknown("the principal is unknown") }
        guard let bytes = caComputer.allowedToActOnBehalfOf else { return .doesNotAllow }
        let attribute = "msDS-AllowedToActOnBehalfOfOtherIdentity of \(caComputer.samAccountName)"
        guard let descriptor = try? SecurityDescriptor(selfRelative: Array(bytes)) else {
            return .unknown("\(attribute) is malformed")
        }
        if let token = account.token {
            return descriptor.check(token, desired: Self.rbcdRight, mapping: .directoryService).isGranted
                ? .allows : .doesNotAllow
        }
        // Groups unread: a grant to the SID alone is certain only when no deny ACE could take it back.
        guard let sidText = account.sid, let sid = try? SID(string: sidText) else {
            return .unknown("the principal's SID was not read, so \(attribute) cannot be checked")
        }
        let alone = AccessToken.authenticated(user: sid, groups: [])
        let hasDeny = descriptor.dacl?.aces.contains { $0.type.isDeny } ?? false
        return descriptor.check(alone, desired: Self.rbcdRight, mapping: .directoryService).isGranted && !hasDeny
            ? .allows : .unknown("the principal's groups were not read and its SID alone does not decide \(attribute)")
    }

    /// `resourceBasedDelegation` as true, false, or nil when it cannot be told.
    public var resourceBasedDelegationAllowsPrincipal: Bool? {
        switch resourceBasedDelegation {
        case .allows: true
        case .doesNotAllow: false
        case .unknown: nil
        }
    }

    /// The right the KDC's RBCD access check asks for.
    static let rbcdRight: AccessMask = .controlAccess
}

/// A rule about one CES endpoint: its principal, its CA, their hosts (families C, D, E).
public protocol EndpointRule: AuditRule {
    func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding
}

extension RuleContext {
    func finding(
        _ ruleID: String, _ status: Status, path: EndpointPath, message: @autoclosure () -> String,
        evidence: @autoclosure () -> [String: EvidenceValue] = [:]
    ) -> Finding {
        let account = path.principal.account
        let subject = Subject(
            kind: .servicePrincipal, name: account?.samAccountName ?? "(unresolved CES principal)", dn: account?.dn,
            sid: account?.sid)
        return makeFinding(
            ruleID, status, subject: subject, endpoint: path.endpoint, message: message(), evidence: evidence()
        ) {
            var values = placeholderValues(ca: path.ca, endpoint: path.endpoint)
            if let account {
                values["principal"] = account.samAccountName
                values["principalDN"] = account.dn
            }
            // Only the targets that are missing: AD refuses a modify that adds a value already there, whole.
            if let missing = path.missingTargets, !missing.isEmpty {
                values["missingTargets"] = missing.map { "'\($0)'" }.joined(separator: ",")
            }
            return values
        }
    }

    /// The common preamble of C2–C7: delegation must be required and the principal known.
    func delegationPreconditions(_ ruleID: String, _ path: EndpointPath) -> (Finding?, AccountRecord?) {
        guard let required = path.delegationRequired else {
            return (
                finding(
                    ruleID, .unknown, path: path,
                    message:
                        "cannot tell whether this endpoint needs delegation (malformed endpoint or CA host unknown)"),
                nil
            )
        }
        guard required else {
            return (finding(ruleID, .skipped, path: path, message: "no delegation on this endpoint (CES-C1)"), nil)
        }
        guard let account = path.principal.account else {
            return (
                finding(ruleID, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved"),
                nil
            )
        }
        return (nil, account)
    }
}

extension EndpointPath {
    /// The CES principal with its access token; nil when either was not read (see `principalTokenProblem`).
    var principalToken: (account: AccountRecord, token: AccessToken)? {
        guard let account = principal.account, let token = account.token else { return nil }
        return (account, token)
    }
}

extension RuleContext {
    /// The `unknown` finding for a path whose principal or principal groups were not read.
    func principalTokenProblem(_ ruleID: String, _ path: EndpointPath) -> Finding {
        guard let account = path.principal.account else {
            return finding(
                ruleID, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved")
        }
        return finding(
            ruleID, .unknown, path: path,
            message:
                "the groups of \(account.samAccountName) were not read: \(account.tokenGroups.missingReason ?? "no SID")"
        )
    }

    /// `unknown` for a malformed endpoint, `skipped` when it does not use `authentication`; nil when it does.
    func authenticationGate(
        _ ruleID: String, _ path: EndpointPath, requires authentication: EnrollmentAuthentication
    ) -> Finding? {
        let name = authentication.instanceSuffix ?? "\(authentication)"
        guard path.endpoint.malformed == nil, let flag = path.endpoint.authenticationFlag else {
            let problem = path.endpoint.malformed ?? "no authentication flag"
            return finding(
                ruleID, .unknown, path: path,
                message: "malformed endpoint (\(problem)): cannot tell whether it uses \(name) authentication")
        }
        guard flag == authentication.rawValue else {
            return finding(
                ruleID, .skipped, path: path,
                message: "authentication flag \(flag) is not \(name) (\(authentication.rawValue))")
        }
        return nil
    }
}
