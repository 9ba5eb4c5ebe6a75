import DirectoryAccess
import Foundation

/// Asks the KDC: S4U2Self for a user, then S4U2Proxy to each target, with one CES principal's key.
public protocol DelegationProber: Sendable {
    func probe(servicePrincipal: String, user: String, targets: [String]) async -> DelegationProbeReport
}

/// The live prober: the CES principal's key from a keytab (only read), tickets in a MEMORY: cache.
public struct KeytabDelegationProber: DelegationProber {
    public var keytab: String

    public init(keytab: String) { self.keytab = keytab }

    public func probe(servicePrincipal: String, user: String, targets: [String]) async -> DelegationProbeReport {
        KerberosDelegationProbe(keytab: keytab, servicePrincipal: servicePrincipal).run(user: user, targets: targets)
    }
}

/// `--probe-keytab` (as a prober) and `--probe-principal`.
public struct ProbeRequest: Sendable {
    public var prober: any DelegationProber
    /// The CES principal whose key the keytab holds; nil: each endpoint's CES principal as `sAMAccountName@REALM`.
    public var principal: String?

    public init(prober: any DelegationProber, principal: String? = nil) {
        self.prober = prober
        self.principal = principal
    }
}

/// The probe stage of a job: one probe per CES principal, user and target list, whatever the number of endpoints.
struct ProbeStage {
    let request: ProbeRequest?
    let realm: String?
    private var reports: [String: DelegationProbeReport] = [:]

    init(request: ProbeRequest?, domain: DirectorySnapshot.Domain) {
        self.request = request
        realm = domain.dnsName?.uppercased()
    }

    /// The user's Kerberos name: userPrincipalName, else `sAMAccountName@REALM`.
    static func kerberosName(of account: AccountRecord, realm: String?) -> String? {
        if let upn = account.userPrincipalName, !upn.isEmpty { return upn }
        return realm.map { "\(account.samAccountName)@\($0)" }
    }

    /// Whether a principal name (`svc-ces@REALM`, `svc-ces`, `CES03$@REALM`, or one of its SPNs) names `account`.
    static func names(_ principal: String, _ account: AccountRecord) -> Bool {
        let name = principal.split(separator: "@", maxSplits: 1).first.map(String.init) ?? principal
        if name.caseInsensitiveCompare(account.samAccountName) == .orderedSame { return true }
        return account.servicePrincipalNames.contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    mutating func state(for path: EndpointPath, user: AccountRecord?) async -> ProbeState {
        guard let request else { return .notAsked }
        guard path.delegationRequired == true else { return .notAsked }
        guard let user else { return .notRun("the probed user was not found in AD") }
        guard let account = path.principal.account else {
            return .notRun(path.principal.problem ?? "the CES principal of this endpoint is not resolved")
        }
        let principal: String
        if let given = request.principal {
            guard Self.names(given, account) else {
                return .notRun(
                    "the probe key is for \(given), but this endpoint's CES principal is \(account.samAccountName)")
            }
            principal = given
        } else {
            guard let realm else { return .notRun("the realm is unknown (no DNS name of the domain)") }
            principal = "\(account.samAccountName)@\(realm)"
        }
        guard let userName = Self.kerberosName(of: user, realm: realm) else {
            return .notRun("the Kerberos name of \(user.samAccountName) is unknown (no UPN, realm unknown)")
        }
        let targets = path.requiredTargets
        guard !targets.isEmpty else { return .notRun("the CA host name is unknown") }
        let key = ([principal.lowercased(), userName.lowercased()] + targets.map { $0.lowercased() })
            .joined(separator: "|")
        if let known = reports[key] { return .ran(known) }
        let report = await request.prober.probe(servicePrincipal: principal, user: userName, targets: targets)
        reports[key] = report
        return .ran(report)
    }
}
