import ADModel

/// CES-G1: CES calls the CA over DCOM (TCP 135 plus a dynamic RPC port). Only a probe from the CES host
/// proves the path, and this tool runs elsewhere, so the rule is a manual check (`Status.manual`) naming what to run
/// on which host instead of guessing.
public struct G1RPCFromCESToCA: EndpointRule {
    public static let id = "CES-G1"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        guard let caHost = path.ca.dnsHostName?.lowercased() else {
            return context.finding(Self.id, .unknown, path: path, message: "the CA host name is unknown")
        }
        guard let cesHost = path.endpoint.host else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "the CES host is unknown (\(path.endpoint.malformed ?? "no URL host")); RPC from CES to \(caHost) cannot be judged"
            )
        }
        if cesHost == caHost {
            return context.finding(
                Self.id, .skipped, path: path, message: "CA and CES run on the same host (\(caHost))")
        }
        return context.finding(
            Self.id, .manual, path: path,
            message:
                "RPC/DCOM reachability needs a probe from \(cesHost), which this tool cannot make: run 'Test-NetConnection \(caHost) -Port 135' on \(cesHost) and check that the CA's dynamic RPC range (default 49152-65535) is open from \(cesHost) to \(caHost)"
        )
    }
}
