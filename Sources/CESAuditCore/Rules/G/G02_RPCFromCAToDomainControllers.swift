import ADModel

/// CES-G2: the CA reaches its domain controllers over RPC to resolve the requester; a blocked path gives
/// ERROR_NO_LOGON_SERVERS behind the CES fault. Only a probe from the CA host proves it: a manual check
/// (`Status.manual`) naming the commands to run there.
public struct G2RPCFromCAToDomainControllers: EndpointRule {
    public static let id = "CES-G2"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard let caHost = path.ca.dnsHostName?.lowercased() else {
            return context.finding(Self.id, .unknown, path: path, message: "the CA host name is unknown")
        }
        let dc = context.snapshot.domain.domainController ?? "each domain controller"
        return context.finding(
            Self.id, .manual, path: path,
            message:
                "RPC reachability of the domain controllers needs a probe from \(caHost), which this tool cannot make: run 'Test-NetConnection \(dc) -Port 135' on \(caHost) and check the domain controllers' dynamic RPC range (default 49152-65535); 'nltest /sc_verify:\(context.snapshot.domain.dnsName ?? "<domain>")' on \(caHost) checks the secure channel"
        )
    }
}
