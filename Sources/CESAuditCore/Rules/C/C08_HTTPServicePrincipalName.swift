import ADModel

/// CES-C8: a Kerberos client asks the KDC for a ticket to HTTP/<CES host>. The SPN must lead to the CES
/// principal and to nobody else: missing, the client falls back to NTLM (no forwardable ticket, so no
/// delegation); duplicated, tickets are refused or encrypted for the wrong account. A computer-account
/// principal is covered by its HOST/<host> through sPNMappings, so only other holders matter there. Holders
/// are searched in the domain and in the forest's global catalog: without the GC's answer a duplicate in
/// another domain cannot be ruled out, so no pass.
public struct C8HTTPServicePrincipalName: EndpointRule {
    public static let id = "CES-C8"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        if let gate = context.authenticationGate(Self.id, path, requires: .kerberos) { return gate }
        guard let host = path.endpoint.host else {
            return context.finding(Self.id, .unknown, path: path, message: "the endpoint URL has no host")
        }
        guard let account = path.principal.account else {
            return context.finding(
                Self.id, .unknown, path: path, message: path.principal.problem ?? "CES principal not resolved")
        }
        let forest = path.principal.forestHTTPSPNHolders
        var holders = path.principal.httpSPNHolders
        for name in forest?.value ?? [] where !holders.contains(where: { $0.lowercased() == name.lowercased() }) {
            holders.append(name)
        }
        let isPrincipal = { (name: String) in name.caseInsensitiveCompare(account.samAccountName) == .orderedSame }
        let others = holders.filter { !isPrincipal($0) }
        let spn = "HTTP/\(host)"
        var evidence: [String: EvidenceValue] = [
            "spn": .string(spn), "holders": .list(holders.map { .string($0) }),
            "principal": .string(account.samAccountName),
        ]
        let forestUnsearched =
            forest?.missingReason ?? (forest == nil ? "the forest's global catalog was not searched" : nil)
        if let forestUnsearched { evidence["globalCatalog"] = .string(forestUnsearched) }
        if let found = forest?.value { evidence["forestHolders"] = .list(found.map { .string($0) }) }
        /// What would pass, when the forest could not be searched: unknown, since another domain may hold the SPN.
        func passUnlessForestUnsearched(_ message: String) -> Finding {
            guard let forestUnsearched else {
                return context.finding(Self.id, .pass, path: path, message: message, evidence: evidence)
            }
            return context.finding(
                Self.id, .unknown, path: path,
                message: "no other account of the domain holds \(spn), but \(forestUnsearched)", evidence: evidence)
        }
        if Self.isHostComputer(account, host: host) {
            if others.isEmpty {
                return passUnlessForestUnsearched(
                    "\(account.samAccountName) is the computer account of \(host): HOST/\(host) covers HTTP, and no other account of the forest holds \(spn) (or its short form)"
                )
            }
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "\(spn) (or its short form) is held by \(others.joined(separator: ", ")) while CES runs as the computer account \(account.samAccountName); tickets go to the wrong account",
                evidence: evidence)
        }
        if holders.isEmpty {
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "no account holds \(spn): clients fall back to NTLM and \(account.samAccountName) cannot delegate",
                evidence: evidence)
        }
        if others.isEmpty {
            let kernelMode = Self.kernelMode(path, in: context)
            guard kernelMode.decryptsWithComputerKey != true else {
                return context.finding(
                    Self.id, .fail, path: path,
                    message:
                        "\(spn) is held by \(account.samAccountName), but \(kernelMode.note): tickets for it cannot be decrypted; set useAppPoolCredentials=\"true\" (or useKernelMode=\"false\")",
                    evidence: evidence)
            }
            if let unavailable = kernelMode.unavailable {
                return context.finding(
                    Self.id, .unknown, path: path,
                    message:
                        "\(spn) is held only by \(account.samAccountName), but IIS useKernelMode/useAppPoolCredentials on \(host) cannot be checked: \(unavailable)",
                    evidence: evidence)
            }
            guard path.principal.source != .httpSPN else {
                // The principal was inferred from this very SPN: that it holds it proves nothing about the pool.
                return context.finding(
                    Self.id, .unknown, path: path,
                    message:
                        "\(spn) is held only by \(account.samAccountName), which was taken as the CES principal because it holds it; whether the application pool runs as \(account.samAccountName) is not known (name it with --service-account or the configuration file)",
                    evidence: evidence)
            }
            return passUnlessForestUnsearched(
                "\(spn) is held only by the CES principal \(account.samAccountName) in the forest; \(kernelMode.note)")
        }
        if holders.contains(where: isPrincipal) {
            return context.finding(
                Self.id, .fail, path: path,
                message:
                    "\(spn) (or its short form) is registered on several accounts: \(holders.joined(separator: ", ")); only \(account.samAccountName) may hold it",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .fail, path: path,
            message:
                "\(spn) (or its short form) is held by \(others.joined(separator: ", ")), not by the CES principal \(account.samAccountName)",
            evidence: evidence)
    }

    /// Whether IIS on the CES host decrypts the instance's Kerberos tickets with the computer account's key (kernel-mode
    /// authentication without useAppPoolCredentials), from `applicationHost.config`: the `<location>` of the instance,
    /// else the server-wide section; IIS's defaults are useKernelMode true, useAppPoolCredentials false. nil when
    /// the configuration was not supplied; then `unavailable` is the reason when a collector was asked for it and
    /// could not read it (the check is then unknown, not "not checked").
    static func kernelMode(_ path: EndpointPath, in context: RuleContext) -> (
        decryptsWithComputerKey: Bool?, note: String, unavailable: String?
    ) {
        let host = path.endpoint.host ?? "the CES host"
        let hostEvidence = context.snapshot.evidence(for: path.endpoint.host)
        guard let sections = hostEvidence?.windowsAuthentication.value,
            let instance = path.endpoint.url.flatMap({ try? EndpointURL($0) })?.cesInstance
        else {
            let unavailable =
                hostEvidence?.uncollected?.contains("applicationhost.config") == true
                ? hostEvidence?.windowsAuthentication.missingReason : nil
            return (
                nil, "IIS useKernelMode/useAppPoolCredentials on \(host) not checked (no applicationHost.config)",
                unavailable
            )
        }
        let folder = "\(instance.caName)_CES_\(instance.authenticationSuffix)"
        let section =
            sections.last {
                $0.location.lowercased().split(separator: "/").last.map(String.init) == folder.lowercased()
            }
            ?? sections.last { $0.location.isEmpty }
        let kernelMode = section?.useKernelMode ?? true
        let appPool = section?.useAppPoolCredentials ?? false
        let settings = "useKernelMode=\(kernelMode), useAppPoolCredentials=\(appPool) for /\(folder) on \(host)"
        return (kernelMode && !appPool, "IIS has \(settings)", nil)
    }

    /// The computer account of the CES host itself (not a gMSA, which is also of class computer).
    static func isHostComputer(_ account: AccountRecord, host: String) -> Bool {
        guard account.isComputer, !account.isGroupManagedServiceAccount else { return false }
        if let dnsHostName = account.dnsHostName, dnsHostName.lowercased() == host.lowercased() { return true }
        let short = host.split(separator: ".").first.map(String.init) ?? host
        return account.samAccountName.lowercased() == short.lowercased() + "$"
    }
}
