import ADModel

/// CES-G5: 0x80090022 NTE_SILENT_CONTEXT in key-based renewal hides the real 0x803D0013 of the Certificate
/// endpoint. Nothing in AD shows it; it belongs to `explain`, so the rule is reported as not applicable.
public struct G5SilentContextExplainOnly: EndpointRule {
    public static let id = "CES-G5"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        context.finding(Self.id, .skipped, path: path, message: "informational; see ces-audit explain 0x80090022")
    }
}
