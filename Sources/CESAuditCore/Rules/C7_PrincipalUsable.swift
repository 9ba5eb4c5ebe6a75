import ADModel

/// CES-C7: a disabled CES principal stops the application pool.
public struct C7PrincipalUsable: EndpointRule {
    public static let id = "CES-C7"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard let account = path.principal.account else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved")
        }
        guard let control = account.userAccountControl.value else {
            return context.finding(
                Self.id, .unknown, path: path, message: account.userAccountControl.missingReason ?? "not read")
        }
        let evidence: [String: EvidenceValue] = ["userAccountControl": .integer(Int64(control))]
        if UserAccountControl(rawValue: control).contains(.accountDisable) {
            return context.finding(
                Self.id, .fail, path: path,
                message: "\(account.samAccountName) is disabled (userAccountControl \(control.hex))",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .pass, path: path, message: "\(account.samAccountName) is enabled", evidence: evidence)
    }
}
