import ADModel

/// CES-E4: clients choose the endpoint and its authentication from the published value alone. A value that
/// does not parse, an undefined flag, a plain-http URL, a KBR entry that is not Certificate + renewal-only,
/// or a URL whose `<CAName>_CES_<Auth>` instance does not match the flag sends clients to the wrong place.
public struct E4EndpointConsistency: EndpointRule {
    public static let id = "CES-E4"
    public init() {}

    public func evaluate(_ path: EndpointPath, in context: RuleContext) -> Finding {
        let entry: EnrollmentServerEntry
        do {
            entry = try EnrollmentServerEntry(value: path.endpoint.raw)
        } catch {
            var raw = ""  // the value on one line: its LF separators shown as \n
            for scalar in path.endpoint.raw.unicodeScalars {
                if scalar == "\n" { raw += "\\n" } else { raw.unicodeScalars.append(scalar) }
            }
            return context.finding(
                Self.id, .warn, path: path, message: "msPKI-Enrollment-Servers value '\(raw)' is malformed: \(error)",
                evidence: ["value": .string(path.endpoint.raw)])
        }
        let problems = Self.problems(entry, caName: path.ca.name)
        let evidence: [String: EvidenceValue] = [
            "value": .string(entry.value), "authFlag": .integer(Int64(entry.authenticationFlag)),
            "renewalOnly": .bool(entry.renewalOnly), "url": .string(entry.url),
            "keyBasedRenewal": entry.keyBasedRenewal.map { .bool($0) } ?? .string("absent"),
        ]
        if problems.isEmpty {
            return context.finding(
                Self.id, .pass, path: path,
                message:
                    "authFlag \(entry.authenticationFlag), renewalOnly \(entry.renewalOnly ? 1 : 0), KBR \(entry.keyBasedRenewal.map { $0 ? "1" : "0" } ?? "absent"), \(entry.url) is consistent",
                evidence: evidence)
        }
        return context.finding(
            Self.id, .warn, path: path, message: problems.joined(separator: "; "), evidence: evidence)
    }

    /// Every inconsistency of one parsed value, in words with the concrete values.
    static func problems(_ entry: EnrollmentServerEntry, caName: String) -> [String] {
        var problems: [String] = []
        let authentication = entry.authentication
        if authentication == nil || authentication == EnrollmentAuthentication.none {
            problems.append("authFlag \(entry.authenticationFlag) is not 1, 2, 4 or 8")
        }
        if entry.keyBasedRenewal == true && (authentication != .certificate || !entry.renewalOnly) {
            problems.append(
                "KBR entry has authFlag \(entry.authenticationFlag) and renewalOnly \(entry.renewalOnly ? 1 : 0); it must be authFlag 8 and renewalOnly 1"
            )
        }
        let url: EndpointURL
        do {
            url = try EndpointURL(entry.url)
        } catch {
            problems.append("URL '\(entry.url)' is not an absolute https:// URL: \(error)")
            return problems
        }
        if url.scheme != "https" { problems.append("URL \(entry.url) uses \(url.scheme)://, not https://") }
        let segments = url.path.split(separator: "/").map(String.init)
        let expected = "/<CAName>_CES_<Kerberos|UsernamePassword|Certificate>/service.svc/CES"
        guard let instance = url.cesInstance, segments.count == 3,
            segments[1].lowercased() == "service.svc", segments[2].lowercased() == "ces"
        else {
            problems.append("URL path '\(url.path)' does not look like \(expected)")
            return problems
        }
        if instance.caName.lowercased() != caName.lowercased() {
            problems.append(
                "URL instance names CA '\(instance.caName)', but the endpoint is published on CA '\(caName)'")
        }
        guard let authentication, authentication != .none else { return problems }
        guard let suffix = authentication.instanceSuffix else {
            problems.append(
                "authFlag \(entry.authenticationFlag) (anonymous) has no CES instance, but the URL names \(segments[0])"
            )
            return problems
        }
        // `<CAName>_CES_Certificate` and a tagged copy such as `<CAName>_CES_Certificate_KBR` both name a
        // Certificate instance; the tag is the operator's.
        let found = instance.authenticationSuffix.lowercased()
        let wanted = suffix.lowercased()
        if found != wanted && !found.hasPrefix(wanted + "_") {
            problems.append(
                "URL instance suffix '\(instance.authenticationSuffix)' does not match authFlag \(entry.authenticationFlag) (\(suffix))"
            )
        }
        return problems
    }
}
