import ADModel

/// CES-B4: with delegation it is the requester who logs on to the CA over the network (DCOM), so on the CA host
/// the requester's token needs SeNetworkLogonRight and must not hit SeDenyNetworkLogonRight (`secedit.inf`), must be
/// in the local group Certificate Service DCOM Access, S-1-5-32-574 (`local-groups.txt`), and DCOM must be on
/// (`EnableDCOM` = Y, `ole.reg`). Any part that fails fails the rule; a part without evidence makes it unknown.
public struct B4RequesterDCOMOnCA: RequesterRule {
    public static let id = "CES-B4"
    public init() {}

    public func pathVerdict(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext
    ) -> PathVerdict? {
        let caHost = ca.dnsHostName?.lowercased()
        if let endpoint {
            guard endpoint.malformed == nil, let renewalOnly = endpoint.renewalOnly else {
                return PathVerdict(
                    .unknown,
                    "malformed endpoint (\(endpoint.malformed ?? "no renewal-only flag")): cannot tell who logs on to the CA"
                )
            }
            if renewalOnly {
                return PathVerdict(
                    .skipped, "renewal-only endpoint: the CES principal, not the requester, logs on to the CA (CES-D4)")
            }
            if let caHost, let cesHost = endpoint.host, caHost == cesHost {
                return PathVerdict(.skipped, "CA and CES run on the same host (\(caHost))")
            }
        }
        let data = CAHostData(context, caHost: caHost)
        if data.enableDCOM.value == false { return PathVerdict(.fail, Self.dcomOff(caHost)) }
        if data.userRights.value == nil, data.localGroups.value == nil, data.enableDCOM.value == nil {
            return PathVerdict(.unknown, data.missingReasons.joined(separator: "; "))
        }
        return nil
    }

    public func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        let caHost = path.ca.dnsHostName?.lowercased()
        let host = caHost ?? "?"
        let data = CAHostData(context, caHost: caHost)
        guard let token = path.requester.token else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "the requester's groups were not read: \(path.requester.tokenGroups.missingReason ?? "no SID")"
            )
        }
        var failures: [String] = []
        var unknowns: [String] = []
        var passes: [String] = []
        var evidence: [String: EvidenceValue] = [:]

        if let rights = data.userRights.value {
            let assignment = rights.assignment
            for right in ["SeNetworkLogonRight", "SeDenyNetworkLogonRight"] {
                evidence[right] = .list((assignment.holders(of: right) ?? []).map { .string($0.description) })
            }
            switch UserRightCheck.evaluate(
                rights, right: "SeNetworkLogonRight", denyRight: "SeDenyNetworkLogonRight", token: token,
                account: path.requester, host: host)
            {
            case .granted(let message): passes.append(message)
            case .notGranted(let message), .denied(let message): failures.append(message)
            case .unknown(let message): unknowns.append(message)
            }
        } else {
            unknowns.append(data.userRights.missingReason ?? "secedit.inf not supplied")
        }

        let group = SID.certificateServiceDCOMAccess
        let groupName = "Certificate Service DCOM Access (\(group))"
        if let groups = data.localGroups.value {
            if let members = groups.members(of: group) {
                evidence["CertificateServiceDCOMAccess"] = .list(members.map { .string($0.description) })
                if let member = members.first(where: { token.contains($0) }) {
                    passes.append("\(groupName) on \(host) has \(member), which \(path.requester.samAccountName) holds")
                } else {
                    failures.append(
                        "\(groupName) on \(host) has \(members.isEmpty ? "no members" : members.map(\.description).joined(separator: ", ")): none is \(path.requester.samAccountName) or one of its groups (Authenticated Users is the default)"
                    )
                }
            } else {
                unknowns.append("local-groups.txt of \(host) does not list \(groupName)")
            }
        } else {
            unknowns.append(data.localGroups.missingReason ?? "local-groups.txt not supplied")
        }

        switch data.enableDCOM {
        case .value(true):
            evidence["EnableDCOM"] = .string("Y")
            passes.append("EnableDCOM is Y on \(host)")
        case .value(false):
            evidence["EnableDCOM"] = .string("N")
            failures.append(Self.dcomOff(caHost))
        case .missing(let reason): unknowns.append(reason)
        }

        if !failures.isEmpty {
            return context.finding(
                Self.id, .fail, path: path, message: failures.joined(separator: "; "), evidence: evidence)
        }
        if !unknowns.isEmpty {
            return context.finding(
                Self.id, .unknown, path: path, message: (unknowns + passes).joined(separator: "; "), evidence: evidence)
        }
        return context.finding(Self.id, .pass, path: path, message: passes.joined(separator: "; "), evidence: evidence)
    }

    static func dcomOff(_ caHost: String?) -> String {
        "HKLM\\SOFTWARE\\Microsoft\\Ole\\EnableDCOM is N on \(caHost ?? "the CA host"): no DCOM call reaches the CA"
    }

    /// The CA host's three data: user rights, local groups, EnableDCOM.
    struct CAHostData {
        var userRights: Collected<UserRightsRecord>
        var localGroups: Collected<LocalGroupsRecord>
        var enableDCOM: Collected<Bool>

        init(_ context: RuleContext, caHost: String?) {
            userRights = context.hostDatum(\.userRights, host: caHost, file: "secedit.inf")
            localGroups = context.hostDatum(\.localGroups, host: caHost, file: "local-groups.txt")
            enableDCOM = context.hostDatum(\.enableDCOM, host: caHost, file: "ole.reg")
        }

        var missingReasons: [String] {
            [userRights.missingReason, localGroups.missingReason, enableDCOM.missingReason].compactMap { $0 }
        }
    }
}
