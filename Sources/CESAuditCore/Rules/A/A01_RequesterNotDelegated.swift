import ADModel

/// CES-A1: a requester marked "sensitive and cannot be delegated" gets no forwardable ticket, so the
/// KDC refuses the CES principal's S4U2proxy to the CA (KDC_ERR_BADOPTION) and the client sees 0x803D0013.
public struct A1RequesterNotDelegated: RequesterRule {
    public static let id = "CES-A1"
    public init() {}

    /// Whether the KDC refuses to delegate an account with this userAccountControl (CES-K1 predicts with it).
    static func refusesDelegation(_ control: UserAccountControl) -> Bool { control.contains(.notDelegated) }

    public func pathVerdict(
        ca: EnrollmentServiceRecord, endpoint: EnrollmentServiceRecord.Endpoint?, in context: RuleContext
    ) -> PathVerdict? { context.delegationVerdict(ca: ca, endpoint: endpoint) }

    public func requesterVerdict(_ path: EnrollmentPath, in context: RuleContext) -> Finding {
        guard let control = path.requester.userAccountControl.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.requester.userAccountControl.missingReason ?? "not read")
        }
        let evidence: [String: EvidenceValue] = ["userAccountControl": .integer(Int64(control))]
        if Self.refusesDelegation(UserAccountControl(rawValue: control)) {
            return context.finding(
                Self.id, .fail, path: path,
                message: "userAccountControl \(control.hex) has NOT_DELEGATED (0x100000)", evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path, message: "userAccountControl \(control.hex) has no NOT_DELEGATED",
            evidence: evidence)
    }
}
