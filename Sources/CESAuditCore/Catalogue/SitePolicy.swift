import Foundation

/// A site's decisions about the catalogue: accepted findings (waivers, which expire), severity overrides and
/// disabled rules. Unknown rule IDs are errors: a typo must not silently waive nothing.
public struct SitePolicy: Sendable, Equatable {
    public struct Waiver: Sendable, Codable, Equatable {
        public var rule: String
        /// DN or sAMAccountName of the finding's subject, compared case-insensitively.
        public var subject: String
        public var reason: String
        /// The last day the waiver applies (inclusive), `YYYY-MM-DD`.
        public var expires: String
    }

    public var waivers: [Waiver]
    public var severity: [String: Severity]
    public var disabled: Set<String>
    /// `countManualChecks: true`: manual checks (`Status.manual`, e.g. CES-G1) count against the exit status.
    public var countManualChecks: Bool

    public static let none = SitePolicy(waivers: [], severity: [:], disabled: [])

    public init(
        waivers: [Waiver], severity: [String: Severity], disabled: Set<String>, countManualChecks: Bool = false
    ) {
        self.waivers = waivers
        self.severity = severity
        self.disabled = disabled
        self.countManualChecks = countManualChecks
    }

    public init(yaml: String, file: String, catalogue: RuleCatalogue) throws(PolicyFileError) {
        let root = try YAMLReader.parse(yaml, file: file)
        try root.expectKeys(["schemaVersion", "waivers", "severity", "disabled", "countManualChecks"])
        let versionReader = try root.required("schemaVersion")
        guard try versionReader.integer() == 1 else {
            throw versionReader.failure("unsupported schemaVersion (this version reads 1)")
        }

        func ruleID(_ reader: YAMLReader) throws(PolicyFileError) -> String {
            let text = try reader.nonEmptyString()
            guard let rule = catalogue[text] else { throw reader.failure("unknown rule ID '\(text)'") }
            return rule.id
        }

        var waivers: [Waiver] = []
        for item in try root.optional("waivers")?.sequence() ?? [] {
            try item.expectKeys(["rule", "subject", "reason", "expires"])
            let expiresReader = try item.required("expires")
            let expires = try expiresReader.nonEmptyString()
            guard Self.lastInstant(of: expires) != nil else {
                throw expiresReader.failure("expected a date YYYY-MM-DD")
            }
            waivers.append(
                Waiver(
                    rule: try ruleID(try item.required("rule")), subject: try item.required("subject").nonEmptyString(),
                    reason: try item.required("reason").nonEmptyString(), expires: expires))
        }
        var severity: [String: Severity] = [:]
        for (key, value) in try root.optional("severity")?.mappingEntries() ?? [] {
            guard let rule = catalogue[key] else { throw value.failure("unknown rule ID '\(key)'") }
            guard let level = Severity(rawValue: try value.string()) else {
                throw value.failure("expected fail, warn or info")
            }
            severity[rule.id] = level
        }
        var disabled: Set<String> = []
        for item in try root.optional("disabled")?.sequence() ?? [] { disabled.insert(try ruleID(item)) }
        var countManualChecks = false
        if let reader = try root.optional("countManualChecks") {
            switch try reader.string().lowercased() {
            case "true", "yes": countManualChecks = true
            case "false", "no": countManualChecks = false
            default: throw reader.failure("expected true or false")
            }
        }
        self.init(waivers: waivers, severity: severity, disabled: disabled, countManualChecks: countManualChecks)
    }

    /// The end of the given day in UTC, or nil for a malformed date.
    static func lastInstant(of day: String) -> Date? {
        let parts = day.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let dayOfMonth = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let components = DateComponents(year: year, month: month, day: dayOfMonth)
        guard components.isValidDate(in: calendar), let start = calendar.date(from: components) else { return nil }
        return start.addingTimeInterval(86_400 - 0.001)
    }

    /// Applies overrides and waivers. Waived findings keep their status and say so (`waiver`); an expired
    /// waiver no longer applies and is reported on the finding (`expiredWaiver`).
    public func apply(to finding: Finding, now: Date = Date()) -> Finding {
        // Only known problems are re-rated or accepted: `unknown` means nobody could look, and stays open.
        guard finding.status == .fail || finding.status == .warn else { return finding }
        var finding = finding
        if let level = severity[finding.ruleId] {
            // The override is the status the problem gets, so exit status and every format follow it. `info` keeps
            // the condition on record without counting it: a pass that keeps its message and says `severity: info`.
            finding.severity = level
            switch level {
            case .fail: finding.status = .fail
            case .warn: finding.status = .warn
            case .info:
                finding.status = .pass
                return finding
            }
        }
        let matching = waivers.filter { waiver in
            waiver.rule == finding.ruleId
                && [finding.subject.dn, finding.subject.name].contains {
                    $0?.caseInsensitiveCompare(waiver.subject) == .orderedSame
                }
        }
        if let active = matching.first(where: { Self.lastInstant(of: $0.expires).map { now <= $0 } ?? false }) {
            finding.waiver = .init(reason: active.reason, expires: active.expires, expired: false)
        } else if let expired = matching.first {
            finding.waiver = .init(reason: expired.reason, expires: expired.expires, expired: true)
        }
        return finding
    }

    public func isEnabled(_ ruleID: String) -> Bool { !disabled.contains(ruleID) }
}
