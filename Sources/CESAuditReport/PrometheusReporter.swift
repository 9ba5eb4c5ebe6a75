import CESAuditCore
import Foundation

/// Prometheus exposition text for node_exporter's textfile collector: HELP and TYPE for every family, no
/// timestamps (the collector rejects them), and no per-account labels (cardinality). Write it with
/// `AtomicFileWriter` into the collector directory as `*.prom`.
public struct PrometheusReporter: Reporter {
    /// `prometheus`.
    public static let format = OutputFormat.prometheus

    /// Creates the reporter.
    public init() {}

    /// The metrics as UTF-8 text.
    public func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws {
        try output.write(text(report))
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

    /// Aggregates only (per rule, status and subject kind), so the text is small whatever the number of findings; one
    /// pass over the findings' heads.
    func text(_ report: AuditReport) -> String {
        // The run's labels: a user or server run also names its target, so textfiles of several runs do not collide.
        var command = [("command", report.command)]
        if let target = report.target { command.append(("target", target)) }
        var families = Self.runFamilies(report.startedAt, durationMs: report.durationMs, labels: command)
        var family: Family

        if let subjects = report.subjectsScanned {
            family = Family("ces_audit_subjects_scanned", "Distinct subjects evaluated by the last run.")
            family.samples.append((command, String(subjects)))
            families.append(family)
        }

        var perRule: [String: [Status: Int]] = [:]
        var worst: [String: [String: Int]] = [:]
        for (_, finding) in report.findings.heads() {
            perRule[finding.ruleId, default: [:]][finding.status, default: 0] += 1
            // Skipped is not emitted; a waived finding counts as passed so an accepted risk does not alert.
            guard let value = Self.statusValue(finding.isWaived ? .pass : finding.status) else { continue }
            let kind = finding.subject.kind.rawValue
            worst[finding.ruleId, default: [:]][kind] = max(worst[finding.ruleId]?[kind] ?? 0, value)
        }

        family = Family("ces_audit_findings", "Listed findings of the last run by rule and status.")
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
        for rule in worst.keys.sorted() {
            for (kind, value) in (worst[rule] ?? [:]).sorted(by: { $0.key < $1.key }) {
                family.samples.append((command + [("rule", rule), ("subject_kind", kind)], String(value)))
            }
        }
        families.append(family)

        family = Family("ces_audit_exit_status", Self.exitStatusHelp)
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

        return Self.exposition(families)
    }

    /// When and how long the run was: the first families of every textfile.
    private static func runFamilies(_ startedAt: Date, durationMs: Int, labels: [(String, String)]) -> [Family] {
        var started = Family("ces_audit_last_run_timestamp_seconds", "Start of the last ces-audit run, Unix time.")
        started.samples.append((labels, number(startedAt.timeIntervalSince1970)))
        var duration = Family("ces_audit_run_duration_seconds", "Duration of the last ces-audit run.")
        duration.samples.append((labels, number(Double(durationMs) / 1000)))
        return [started, duration]
    }

    private static func exposition(_ families: [Family]) -> String {
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

    /// The textfile of a run that ended before it had a report (AD unreachable, a usage error): its time and exit
    /// status 3, so the previous run's file does not go on saying all is well.
    public static func failedRun(command: String, target: String?, startedAt: Date, durationMs: Int) -> String {
        var labels = [("command", command)]
        if let target { labels.append(("target", target)) }
        var families = runFamilies(startedAt, durationMs: durationMs, labels: labels)
        var exit = Family("ces_audit_exit_status", exitStatusHelp)
        exit.samples.append((labels, "3"))
        families.append(exit)
        return exposition(families)
    }

    static let exitStatusHelp = "Exit status of the last run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."

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
