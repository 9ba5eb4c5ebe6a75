import CESAuditCore
import Foundation

/// The report for people: findings grouped by subject, remediation under each fail and warn, a summary at the end.
public struct TextReporter: Reporter {
    /// `text`.
    public static let format = OutputFormat.text

    /// ANSI colour for the status words; only for a terminal (the CLI passes `isatty(stdout)`).
    public var useColor: Bool

    /// Creates the reporter; colour is off unless asked for.
    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    /// The report as UTF-8 text, ending with a newline.
    public func render(_ report: AuditReport, catalogue: RuleCatalogue) throws -> Data {
        Data(text(report, catalogue: catalogue).utf8)
    }

    // Every value interpolated below goes through `printable` (ReportHelpers.swift): AD data must not reach the
    // terminal as escape sequences.

    /// The report as a string (what `render` encodes).
    public func text(_ report: AuditReport, catalogue: RuleCatalogue) -> String {
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

        for group in groups(Array(report.findings)) {
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
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    private func bold(_ text: String) -> String {
        useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}
