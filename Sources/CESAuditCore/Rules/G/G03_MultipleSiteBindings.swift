import ADModel

/// CES-G3: with several IIS site bindings of one scheme, WCF needs multipleSiteBindingsEnabled in the instance
/// web.config (it allows one base address per scheme: the usual http *:80 next to https *:443 needs nothing). The
/// site comes from the CES host's `applicationHost.config` (the site holding the application `/<CA>_CES_<Auth>`),
/// the setting from the instance's `web.config` (`ces-<Auth>.web.config`, `ces-<CA>-<Auth>.web.config`, or the only
/// `web.config`).
public struct G3MultipleSiteBindings: EndpointRule {
    public static let id = "CES-G3"
    public init() {}

    static func fileNamePart(_ text: String) -> String {
        String(
            text.lowercased().map { character in
                character.isASCII && (character.isLetter || character.isNumber || "_.-".contains(character))
                    ? character : "_"
            })
    }

    /// The schemes (binding protocols) with more than one binding, sorted; bindings read as "<protocol> <information>".
    static func schemesWithSeveralBindings(_ bindings: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for binding in bindings {
            counts[String(binding.prefix { $0 != " " }).lowercased(), default: 0] += 1
        }
        return counts.filter { $0.value > 1 }.keys.sorted()
    }

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let host = path.endpoint.host
        let hostName = host ?? "the CES host"
        let instance = path.endpoint.url.flatMap { try? EndpointURL($0) }?.cesInstance
        let folder = instance.map { "\($0.caName)_CES_\($0.authenticationSuffix)" } ?? "\(path.ca.name)_CES_<Auth>"
        let sites = context.hostDatum(\.iisSites, host: host, file: "applicationHost.config")
        guard let sites = sites.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "\(sites.missingReason ?? "not supplied"): on \(hostName) copy %windir%\\System32\\inetsrv\\config\\applicationHost.config (or run 'appcmd list site') and %windir%\\SystemData\\CES\\\(folder)\\web.config"
            )
        }
        guard instance != nil,
            let site = sites.first(where: { site in
                site.applications.contains { $0.lowercased() == "/" + folder.lowercased() }
            })
        else {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "applicationHost.config of \(hostName) has no site with the application /\(folder)")
        }
        var evidence: [String: EvidenceValue] = [
            "site": .string(site.name), "bindings": .list(site.bindings.map { .string($0) }),
        ]
        let crowded = Self.schemesWithSeveralBindings(site.bindings)
        if crowded.isEmpty {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "site '\(site.name)' hosting /\(folder) on \(hostName) has \(site.bindings.count) binding\(site.bindings.count == 1 ? "" : "s"), at most one per scheme: multipleSiteBindingsEnabled is not needed",
                evidence: evidence)
        }
        let configs = context.hostDatum(\.webConfigs, host: host, file: "web.config")
        guard let configs = configs.value else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "site '\(site.name)' has \(site.bindings.count) bindings, and the instance web.config is not known: \(configs.missingReason ?? "not supplied")",
                evidence: evidence)
        }
        // The layout's names: ces-<Auth>.web.config, or ces-<CA>-<Auth>.web.config (CA name with characters outside
        // [A-Za-z0-9_.-] as "_") when two CAs have an instance of the same kind on the host.
        let suffix = Self.fileNamePart(instance?.authenticationSuffix ?? "")
        let qualified = Self.fileNamePart(instance?.caName ?? "") + "-" + suffix
        let config =
            configs.first {
                ["ces-\(suffix).web.config", "ces-\(qualified).web.config"].contains($0.file.lowercased())
            }
            ?? (configs.count == 1 && configs[0].file.lowercased() == "web.config" ? configs[0] : nil)
        guard let config else {
            return context.finding(
                Self.id, .unknown, path: path,
                message:
                    "site '\(site.name)' has \(site.bindings.count) bindings; none of \(configs.map(\.file).joined(separator: ", ")) is the web.config of \(folder) (name it ces-\(instance?.authenticationSuffix ?? "<Auth>").web.config)",
                evidence: evidence)
        }
        evidence["webConfig"] = .string(config.file)
        if config.multipleSiteBindingsEnabled == true {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "site '\(site.name)' has \(site.bindings.count) bindings and \(config.file) sets multipleSiteBindingsEnabled=\"true\"",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .warn, path: path,
            message:
                "site '\(site.name)' hosting /\(folder) on \(hostName) has \(site.bindings.count) bindings (\(site.bindings.joined(separator: ", "))), several for \(crowded.joined(separator: " and ")), and \(config.file) \(config.multipleSiteBindingsEnabled == false ? "sets multipleSiteBindingsEnabled=\"false\"" : "has no serviceHostingEnvironment multipleSiteBindingsEnabled=\"true\" under system.serviceModel")",
            evidence: evidence)
    }
}
