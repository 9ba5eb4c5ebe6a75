import ADModel

/// CES-G3: with several IIS site bindings, WCF needs multipleSiteBindingsEnabled in the instance web.config.
/// IIS configuration is not in AD and not yet an evidence file of the contract, so the rule says what to collect.
public struct G3MultipleSiteBindings: EndpointRule {
    public static let id = "CES-G3"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let host = path.endpoint.host ?? "the CES host"
        let instance = path.endpoint.url.flatMap { try? EndpointURL($0) }?.cesInstance
        let folder = instance.map { "\($0.caName)_CES_\($0.authenticationSuffix)" } ?? "\(path.ca.name)_CES_<Auth>"
        return context.finding(
            Self.id, .unknown, path: path,
            message:
                "IIS configuration is not collected (no iis-config evidence in the contract yet): on \(host) run 'appcmd list site' for the bindings of the site hosting CES and check %windir%\\SystemData\\CES\\\(folder)\\web.config for <serviceHostingEnvironment multipleSiteBindingsEnabled=\"true\"/> under <system.serviceModel>"
        )
    }
}
