import CESAuditCore
import Foundation

@testable import CESAuditReport

// The reporters as they were before findings were streamed (commit 3bb6944), kept verbatim but for names and
// for reading `report.findings` into an array first: the reference the streaming reporters must match byte for
// byte (StreamingReporterTests).

extension AuditReport {
    fileprivate var legacyFindings: [Finding] { Array(findings) }
    fileprivate var unlistedPasses: Int { max(0, summary.pass - legacyFindings.filter { $0.status == .pass }.count) }
}

extension Finding {
    fileprivate func family(in catalogue: RuleCatalogue) -> String {
        if let rule = catalogue[ruleId] { return rule.family }
        let id = ruleId.uppercased().hasPrefix("CES-") ? ruleId.dropFirst(4) : Substring(ruleId)
        return id.first.map { String($0) } ?? "?"
    }
}

/// docs/contract.md JSON v1: the `AuditReport` as encoded, keys sorted, pretty printed, nil optionals omitted.
struct LegacyJSONReporter {

    /// The report as docs/contract.md JSON v1, ending with a newline.
    func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        let encoder = JSONEncoder()
        // Sorted keys keep the output diffable between runs; unescaped slashes keep endpoint URLs readable.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(report)
        data.append(0x0A)
        return data
    }
}

/// The report for people: findings grouped by subject, remediation under each fail and warn, a summary at the end.
struct LegacyTextReporter {

    /// ANSI colour for the status words; only for a terminal (the CLI passes `isatty(stdout)`).
    var useColor: Bool

    /// Creates the reporter; colour is off unless asked for.
    init(useColor: Bool = false) {
        self.useColor = useColor
    }

    /// The report as UTF-8 text, ending with a newline.
    func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        Data(text(report, catalogue: catalogue).utf8)
    }

    // Every value interpolated below goes through `printable` (ReportHelpers.swift): AD data must not reach the
    // terminal as escape sequences.

    /// The report as a string (what `render` encodes).
    func text(_ report: AuditReport, catalogue: RuleCatalogue) -> String {
        var lines: [String] = []
        var header = "ces-audit \(report.tool.version.printable): \(report.command.printable)"
        if let target = report.target { header += " \(target.printable)" }
        header += " at \(report.startedAt.iso8601UTC) (\(report.durationMs) ms)"
        lines.append(bold(header))

        if let principals = report.principals, !principals.isEmpty {
            lines.append("")
            lines.append(bold("CES principals"))
            for note in principals {
                var line = "  \(note.endpoint.printable) → \((note.account ?? "(unresolved)").printable)"
                if let source = note.source { line += " (\(source.printable))" }
                lines.append(line)
                if let problem = note.problem { lines += indented(problem, by: "      ") }
            }
        }

        for group in groups(report.legacyFindings) {
            lines.append("")
            var heading = "\(group.subject.kind.rawValue) \(group.subject.name.printable)"
            if let dn = group.subject.dn, dn != group.subject.name { heading += " (\(dn.printable))" }
            lines.append(bold(heading))
            for finding in group.findings { lines += describe(finding) }
        }

        if let changes = report.changes {
            lines.append("")
            var line = "Since the previous run"
            if let previous = changes.previousRunAt {
                line += " (\(previous.iso8601UTC))"
            } else {
                line += " (none recorded: first run)"
            }
            line += ": \(changes.new.count) new, \(changes.resolved.count) resolved, \(changes.stillOpen) still open"
            lines.append(bold(line))
            for identity in changes.new { lines.append("  + \(describe(identity))") }
            for identity in changes.resolved { lines.append("  - \(describe(identity))") }
        }

        lines.append("")
        lines.append(summaryLine(report))
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Group {
        var subject: Subject
        var findings: [Finding]
    }

    /// Findings grouped by subject (kind, name, DN) in order of first appearance.
    private func groups(_ findings: [Finding]) -> [Group] {
        var groups: [Group] = []
        var index: [Subject.Kind: [String: Int]] = [:]
        for finding in findings {
            let key = finding.subject.name + "\u{0}" + (finding.subject.dn ?? "")
            if let position = index[finding.subject.kind]?[key] {
                groups[position].findings.append(finding)
            } else {
                index[finding.subject.kind, default: [:]][key] = groups.count
                groups.append(Group(subject: finding.subject, findings: [finding]))
            }
        }
        return groups
    }

    private func describe(_ finding: Finding) -> [String] {
        let word = finding.status.rawValue.uppercased()
        let padded = word.padding(toLength: 7, withPad: " ", startingAt: 0)
        var lines = [
            "  \(colour(padded, for: finding.status))  \(finding.ruleId.printable)  \(finding.title.printable)"
        ]
        let indent = "           "
        if let endpoint = finding.endpoint { lines.append(indent + "endpoint: \(endpoint.printable)") }
        lines += indented(finding.message, by: indent)
        // Added since: a condition a site policy rates `info` is a pass that says so.
        if finding.severity == .info && finding.status == .pass {
            lines.append(indent + "severity info (site policy): on record, not counted")
        }
        if let waiver = finding.waiver {
            if waiver.expired {
                lines.append(indent + "waiver EXPIRED on \(waiver.expires.printable): \(waiver.reason.printable)")
            } else {
                lines.append(indent + "waived until \(waiver.expires.printable): \(waiver.reason.printable)")
            }
        }
        if finding.status == .fail || finding.status == .warn, let remediation = finding.remediation {
            lines.append(indent + "fix:")
            lines += indented(remediation, by: indent + "  ")
        }
        return lines
    }

    private func describe(_ identity: FindingIdentity) -> String {
        var text = "\(identity.ruleId.printable)  \(identity.subject.printable)"
        if let endpoint = identity.endpoint { text += "  @ \(endpoint.printable)" }
        return text
    }

    private func summaryLine(_ report: AuditReport) -> String {
        let summary = report.summary
        var parts = [
            colour("\(summary.fail) fail", for: summary.fail > 0 ? .fail : nil),
            colour("\(summary.warn) warn", for: summary.warn > 0 ? .warn : nil),
            colour("\(summary.unknown) unknown", for: summary.unknown > 0 ? .unknown : nil),
            "\(summary.pass) pass", "\(summary.skipped) skipped",
        ]
        if summary.manual > 0 { parts.append("\(summary.manual) manual") }
        if report.waivedCount > 0 { parts.append("\(report.waivedCount) waived") }
        var line = "Summary: " + parts.joined(separator: ", ")
        if report.unlistedPasses > 0 { line += " (\(report.unlistedPasses) passed not listed)" }
        line += ": \(report.stateWord) (exit \(report.exitStatus))"
        return line
    }

    /// Every line of `text` (remediation can span lines) with `prefix` before it.
    private func indented(_ text: String, by prefix: String) -> [String] {
        text.printable.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }
    }

    private func colour(_ text: String, for status: Status?) -> String {
        guard useColor, let status else { return text }
        let code =
            switch status {
            case .fail: "31"
            case .warn: "33"
            case .unknown: "35"
            case .pass: "32"
            case .skipped: "2"
            case .manual: "36"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    private func bold(_ text: String) -> String {
        useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}

/// JUnit XML for CI (GitLab, Jenkins): a test suite per rule family, a test case per (rule, subject, endpoint).
/// fail and warn are failures, unknown is an error, skipped and actively waived findings are skipped.
struct LegacyJUnitReporter {

    /// The report as a UTF-8 XML document.
    func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        Data(xml(report, catalogue: catalogue).utf8)
    }

    private struct Counts {
        var tests = 0
        var failures = 0
        var errors = 0
        var skipped = 0

        mutating func add(_ outcome: Outcome) {
            tests += 1
            switch outcome {
            case .failure: failures += 1
            case .error: errors += 1
            case .skipped: skipped += 1
            case .passed: break
            }
        }

        var attributes: String {
            "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\""
        }
    }

    private enum Outcome {
        case passed, failure, error, skipped
    }

    private func outcome(_ finding: Finding) -> Outcome {
        if finding.isWaived { return .skipped }
        switch finding.status {
        case .pass: return .passed
        case .warn, .fail: return .failure
        case .unknown: return .error
        case .skipped, .manual: return .skipped
        }
    }

    func xml(_ report: AuditReport, catalogue: RuleCatalogue) -> String {
        // Families in first-seen order; findings keep their report order within a family.
        var families: [String] = []
        var byFamily: [String: [Finding]] = [:]
        for finding in report.legacyFindings {
            let family = finding.family(in: catalogue)
            if byFamily[family] == nil { families.append(family) }
            byFamily[family, default: []].append(finding)
        }

        var total = Counts()
        var suites: [String] = []
        for family in families {
            var counts = Counts()
            var cases: [String] = []
            for finding in byFamily[family] ?? [] {
                let outcome = outcome(finding)
                counts.add(outcome)
                cases.append(testcase(finding, outcome: outcome))
            }
            total.tests += counts.tests
            total.failures += counts.failures
            total.errors += counts.errors
            total.skipped += counts.skipped
            let name = XML.escape("CES-\(family)")
            suites.append(
                "  <testsuite name=\"\(name)\" \(counts.attributes)>\n" + cases.joined() + "  </testsuite>\n")
        }
        let time = String(format: "%.3f", Double(report.durationMs) / 1000)
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"ces-audit\" \(total.attributes) time=\"\(time)\">\n"
            + suites.joined() + "</testsuites>\n"
    }

    private func testcase(_ finding: Finding, outcome: Outcome) -> String {
        let name = "\(finding.subject.name) @ \(finding.endpoint ?? "-")"
        let open = "    <testcase classname=\"\(XML.escape(finding.ruleId))\" name=\"\(XML.escape(name))\""
        var body =
            "\(finding.title)\nsubject: \(finding.subject.kind.rawValue) \(finding.subject.dn ?? finding.subject.name)"
        if let endpoint = finding.endpoint { body += "\nendpoint: \(endpoint)" }
        body += "\n\(finding.message)"
        if !finding.errorCodes.isEmpty { body += "\nerror codes: \(finding.errorCodes.joined(separator: ", "))" }
        switch outcome {
        case .passed:
            return open + "/>\n"
        case .failure:
            if let remediation = finding.remediation { body += "\n\nRemediation:\n\(remediation)" }
            if let waiver = finding.waiver, waiver.expired {
                body += "\n\nwaiver expired on \(waiver.expires): \(waiver.reason)"
            }
            return open
                + ">\n      <failure message=\"\(XML.escape(finding.message))\" type=\"\(finding.status.rawValue)\">"
                + XML.escape(body) + "</failure>\n    </testcase>\n"
        case .error:
            return open + ">\n      <error message=\"\(XML.escape(finding.message))\" type=\"unknown\">"
                + XML.escape(body) + "</error>\n    </testcase>\n"
        case .skipped:
            var message = finding.message
            if finding.status == .manual { message = "manual check: \(finding.message)" }
            if let waiver = finding.waiver, !waiver.expired {
                message =
                    "waived until \(waiver.expires): \(waiver.reason) (\(finding.status.rawValue): \(finding.message))"
            }
            return open + ">\n      <skipped message=\"\(XML.escape(message))\"/>\n    </testcase>\n"
        }
    }
}

/// Nagios / Icinga plugin output: one status line with perfdata, then one line per open finding. The counts are
/// of open findings (an active waiver accepts a finding), as is the state, which follows `exitStatus`.
struct LegacyNagiosReporter {

    /// Long-text lines at most; the rest are summed up in one line.
    var maxDetailLines: Int

    /// Creates the reporter.
    init(maxDetailLines: Int = 50) {
        self.maxDetailLines = maxDetailLines
    }

    /// The plugin output as UTF-8 text.
    func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        Data(text(report).utf8)
    }

    func text(_ report: AuditReport) -> String {
        let open = report.openCounts
        var context = report.command
        if let target = report.target { context += " \(target)" }
        var status = "CES-AUDIT \(report.stateWord) - \(open.fail) fail, \(open.warn) warn, \(open.unknown) unknown"
        if open.manual > 0 { status += ", \(open.manual) manual" }
        status += " of \(report.totalChecks) checks"
        if report.waivedCount > 0 { status += ", \(report.waivedCount) waived" }
        status += " (\(Self.clean(context)))"

        let duration = String(format: "%.3f", Double(report.durationMs) / 1000)
        let perfdata = [
            "'fail'=\(open.fail);;;0", "'warn'=\(open.warn);;;0", "'unknown'=\(open.unknown);;;0",
            "'pass'=\(report.summary.pass);;;0", "'skipped'=\(report.summary.skipped);;;0",
            "'waived'=\(report.waivedCount);;;0", "'manual'=\(report.summary.manual);;;0",
            "'duration'=\(duration)s;;;0",
        ]
        var lines = [status + " | " + perfdata.joined(separator: " ")]

        // Worst first, so a capped list still shows what makes the state.
        let details = report.legacyFindings.enumerated()
            .filter { $0.element.isOpen }
            .sorted { ($0.element.status.precedence, $0.offset) < ($1.element.status.precedence, $1.offset) }
            .map(\.element)
        for finding in details.prefix(maxDetailLines) {
            var line = "[\(finding.status.rawValue.uppercased())] \(finding.ruleId) \(finding.subject.name)"
            if let endpoint = finding.endpoint { line += " @ \(endpoint)" }
            lines.append(Self.clean(line + ": " + finding.message))
        }
        if details.count > maxDetailLines { lines.append("… and \(details.count - maxDetailLines) more") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line without `|` (it would start the perfdata section), newlines or control characters.
    static func clean(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "/").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\t", with: " ").printable
    }
}

/// Prometheus exposition text for node_exporter's textfile collector: HELP and TYPE for every family, no
/// timestamps (the collector rejects them), and no per-account labels (cardinality). Write it with
/// `AtomicFileWriter` into the collector directory as `*.prom`.
struct LegacyPrometheusReporter {

    /// The metrics as UTF-8 text.
    func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        Data(text(report).utf8)
    }

    private struct Family {
        var name: String
        var help: String
        var samples: [(labels: [(String, String)], value: String)] = []

        init(_ name: String, _ help: String) {
            self.name = name
            self.help = help
        }
    }

    func text(_ report: AuditReport) -> String {
        // Since: the run's labels name the target too.
        var command = [("command", report.command)]
        if let target = report.target { command.append(("target", target)) }
        var families: [Family] = []

        var family = Family("ces_audit_last_run_timestamp_seconds", "Start of the last ces-audit run, Unix time.")
        family.samples.append((command, Self.number(report.startedAt.timeIntervalSince1970)))
        families.append(family)

        family = Family("ces_audit_run_duration_seconds", "Duration of the last ces-audit run.")
        family.samples.append((command, Self.number(Double(report.durationMs) / 1000)))
        families.append(family)

        if let subjects = report.subjectsScanned {
            family = Family("ces_audit_subjects_scanned", "Distinct subjects evaluated by the last run.")
            family.samples.append((command, String(subjects)))
            families.append(family)
        }

        family = Family("ces_audit_findings", "Listed findings of the last run by rule and status.")
        var perRule: [String: [Status: Int]] = [:]
        for finding in report.legacyFindings { perRule[finding.ruleId, default: [:]][finding.status, default: 0] += 1 }
        for rule in perRule.keys.sorted() {
            for status in Status.allCases {
                guard let count = perRule[rule]?[status] else { continue }
                family.samples.append((command + [("rule", rule), ("status", status.rawValue)], String(count)))
            }
        }
        families.append(family)

        family = Family(
            "ces_audit_findings_evaluated", "Evaluated findings of the last run by status, listed or not (summary).")
        for status in Status.allCases {
            family.samples.append((command + [("status", status.rawValue)], String(report.summary[status])))
        }
        families.append(family)

        family = Family(
            "ces_audit_findings_open", "Open findings of the last run by status (not accepted by an active waiver).")
        for status in [Status.fail, .warn, .unknown] {
            family.samples.append((command + [("status", status.rawValue)], String(report.openCounts[status])))
        }
        families.append(family)

        family = Family(
            "ces_audit_check_status",
            "Worst open status per rule and subject kind: 0 pass, 1 warn, 2 fail, 3 unknown.")
        var worst: [String: [String: Int]] = [:]
        for finding in report.legacyFindings {
            // Skipped is not emitted; a waived finding counts as passed so an accepted risk does not alert.
            guard let value = Self.statusValue(finding.isWaived ? .pass : finding.status) else { continue }
            let kind = finding.subject.kind.rawValue
            worst[finding.ruleId, default: [:]][kind] = max(worst[finding.ruleId]?[kind] ?? 0, value)
        }
        for rule in worst.keys.sorted() {
            for (kind, value) in (worst[rule] ?? [:]).sorted(by: { $0.key < $1.key }) {
                family.samples.append((command + [("rule", rule), ("subject_kind", kind)], String(value)))
            }
        }
        families.append(family)

        family = Family("ces_audit_exit_status", "Exit status of the last run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
        family.samples.append((command, String(report.exitStatus)))
        families.append(family)

        if let changes = report.changes {
            family = Family("ces_audit_findings_new", "Open findings the previous run did not have.")
            family.samples.append((command, String(changes.new.count)))
            families.append(family)
            family = Family("ces_audit_findings_resolved", "Findings open in the previous run and resolved since.")
            family.samples.append((command, String(changes.resolved.count)))
            families.append(family)
            family = Family("ces_audit_findings_still_open", "Findings open in both the previous and the last run.")
            family.samples.append((command, String(changes.stillOpen)))
            families.append(family)
        }

        var lines: [String] = []
        for family in families {
            lines.append("# HELP \(family.name) \(Self.escapeHelp(family.help))")
            lines.append("# TYPE \(family.name) gauge")
            for sample in family.samples {
                let labels = sample.labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",")
                lines.append("\(family.name){\(labels)} \(sample.value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func statusValue(_ status: Status) -> Int? {
        switch status {
        case .pass: 0
        case .warn: 1
        case .fail: 2
        case .unknown: 3
        case .skipped, .manual: nil
        }
    }

    /// A sample value: integral values without a fraction, others as Swift prints a Double.
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Label values escape backslash, double quote and newline (exposition format).
    static func escapeLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// HELP text escapes backslash and newline.
    static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// SARIF 2.1.0 for code-scanning style viewers. AD objects have no file location, so each result carries a
/// logical location whose fully qualified name is the subject's DN (docs/conventions.md §2.3).
struct LegacySARIFReporter {

    /// `runs[0].tool.driver.informationUri`; omitted when nil (the project publishes no home page yet).
    var informationUri: String?

    /// Creates the reporter.
    init(informationUri: String? = nil) {
        self.informationUri = informationUri
    }

    /// The report as one SARIF log with one run, pretty printed with sorted keys.
    func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(log(report, catalogue: catalogue))
        data.append(0x0A)
        return data
    }

    func log(_ report: AuditReport, catalogue: RuleCatalogue) -> Log {
        // Rules: those the results refer to, in catalogue order, then any the catalogue does not know.
        let used = Set(report.legacyFindings.map { $0.ruleId.uppercased() })
        var rules = catalogue.rules.filter { used.contains($0.id.uppercased()) }.map(rule)
        var ruleIndex: [String: Int] = [:]
        for (offset, rule) in rules.enumerated() { ruleIndex[rule.id.uppercased()] = offset }
        for finding in report.legacyFindings where ruleIndex[finding.ruleId.uppercased()] == nil {
            ruleIndex[finding.ruleId.uppercased()] = rules.count
            rules.append(
                Rule(
                    id: finding.ruleId, name: finding.title, shortDescription: .init(text: finding.title),
                    fullDescription: nil, help: nil, helpUri: nil, defaultConfiguration: nil))
        }
        let results = report.legacyFindings.map { finding in
            result(finding, ruleIndex: ruleIndex[finding.ruleId.uppercased()] ?? 0, catalogue: catalogue)
        }
        let driver = Driver(
            name: report.tool.name, version: report.tool.version, informationUri: informationUri, rules: rules)
        let invocation = Invocation(
            executionSuccessful: true, startTimeUtc: report.startedAt.iso8601UTC,
            endTimeUtc: report.startedAt.addingTimeInterval(Double(report.durationMs) / 1000).iso8601UTC,
            properties: .init(command: report.command, target: report.target, exitStatus: report.exitStatus))
        return Log(runs: [Run(tool: .init(driver: driver), invocations: [invocation], results: results)])
    }

    private func rule(_ definition: RuleDefinition) -> Rule {
        var help = definition.remediation.summary
        if !definition.remediation.commands.isEmpty {
            help += "\n\nCommands (review before running; placeholders in braces):\n"
            help += definition.remediation.commands.map { "[\($0.shell)] \($0.text)" }.joined(separator: "\n")
        }
        return Rule(
            id: definition.id, name: definition.title, shortDescription: .init(text: definition.title),
            fullDescription: .init(text: definition.rationale), help: .init(text: help),
            helpUri: definition.helpUri ?? definition.references.first,
            defaultConfiguration: .init(level: Self.level(for: definition.severity)))
    }

    private func result(_ finding: Finding, ruleIndex: Int, catalogue: RuleCatalogue) -> Result {
        let (kind, level) = Self.kindAndLevel(finding.status, severity: finding.effectiveSeverity(in: catalogue))
        let identity = finding.identity
        let location = LogicalLocation(
            fullyQualifiedName: finding.subject.dn ?? finding.subject.name, name: finding.subject.name,
            kind: "object")
        let suppressions = finding.waiver.flatMap { waiver in
            waiver.expired
                ? nil
                : [Suppression(kind: "external", status: "accepted", justification: waiver.reason)]
        }
        return Result(
            ruleId: finding.ruleId, ruleIndex: ruleIndex, kind: kind, level: level,
            message: .init(text: finding.message),
            locations: [.init(physicalLocation: .init(finding.subject), logicalLocations: [location])],
            partialFingerprints: [
                "cesAuditIdentity/v1": [identity.ruleId, identity.subject, identity.endpoint ?? ""]
                    .joined(separator: "|")
            ],
            suppressions: suppressions,
            properties: .init(
                status: finding.status.rawValue, subjectKind: finding.subject.kind.rawValue,
                endpoint: finding.endpoint, errorCodes: finding.errorCodes))
    }

    /// docs/conventions.md §1: the SARIF kind and level of a status. If the kind is not `fail`, the level is `none`
    /// (SARIF §3.27.9); info-severity failures are notes.
    static func kindAndLevel(_ status: Status, severity: Severity) -> (kind: String, level: String) {
        switch status {
        case .pass: ("pass", "none")
        case .skipped: ("notApplicable", "none")
        case .manual: ("review", "none")
        case .unknown: ("open", "none")
        case .warn: ("fail", severity == .info ? "note" : "warning")
        case .fail: ("fail", severity == .info ? "note" : "error")
        }
    }

    static func level(for severity: Severity) -> String {
        switch severity {
        case .fail: "error"
        case .warn: "warning"
        case .info: "note"
        }
    }

    // A compact Encodable model of the SARIF subset written (after SwiftFormat's SARIFReporter).

    struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]
        var results: [Result]
    }

    struct Tool: Encodable {
        var driver: Driver
    }

    struct Driver: Encodable {
        var name: String
        var version: String
        var informationUri: String?
        var rules: [Rule]
    }

    struct Invocation: Encodable {
        struct Properties: Encodable {
            var command: String
            var target: String?
            var exitStatus: Int32
        }

        var executionSuccessful: Bool
        var startTimeUtc: String
        var endTimeUtc: String
        var properties: Properties
    }

    struct Text: Encodable {
        var text: String
    }

    struct Rule: Encodable {
        struct Configuration: Encodable {
            var level: String
        }

        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text?
        var help: Text?
        var helpUri: String?
        var defaultConfiguration: Configuration?
    }

    struct LogicalLocation: Encodable {
        var fullyQualifiedName: String
        var name: String
        var kind: String
    }

    /// GitHub code scanning accepts a result only with a physical location whose URI is a path relative to the
    /// repository root (no scheme). AD objects are not files, so the path names the object, `ad/<kind>/<name>`:
    /// stable across runs, and one per subject.
    struct PhysicalLocation: Encodable {
        struct ArtifactLocation: Encodable {
            var uri: String
        }

        struct Region: Encodable {
            var startLine = 1
        }

        var artifactLocation: ArtifactLocation
        var region = Region()

        init(_ subject: Subject) {
            let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
            let name = subject.name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "_"
            artifactLocation = ArtifactLocation(uri: "ad/\(subject.kind.rawValue)/\(name.isEmpty ? "_" : name)")
        }
    }

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
        var logicalLocations: [LogicalLocation]
    }

    struct Suppression: Encodable {
        var kind: String
        var status: String
        var justification: String
    }

    struct Result: Encodable {
        struct Properties: Encodable {
            var status: String
            var subjectKind: String
            var endpoint: String?
            var errorCodes: [String]
        }

        var ruleId: String
        var ruleIndex: Int
        var kind: String
        var level: String
        var message: Text
        var locations: [Location]
        var partialFingerprints: [String: String]
        var suppressions: [Suppression]?
        var properties: Properties
    }
}
