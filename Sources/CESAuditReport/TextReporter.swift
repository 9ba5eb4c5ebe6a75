import CESAuditCore
import Foundation

/// The report for people: findings grouped by subject, remediation under each fail and warn, a summary at the end.
/// A `scan` shows its fix list instead of the findings, unless every finding is asked for.
public struct TextReporter: Reporter {
    /// `text`.
    public static let format = OutputFormat.text

    /// ANSI colour for the status words; only for a terminal (the CLI passes `isatty(stdout)`).
    public var useColor: Bool

    /// `user` without `--all`: after the paths' verdicts, only the findings still to read on the account's paths;
    /// the passes are counted. Reports without paths (`server`, `scan`) list as always.
    public var foldsPasses: Bool

    /// `scan --all`: every listed finding grouped by subject, as `user` and `server` list them, instead of the fix
    /// list.
    public var listsEveryFinding: Bool

    /// Creates the reporter; colour is off unless asked for.
    public init(useColor: Bool = false, foldsPasses: Bool = false, listsEveryFinding: Bool = false) {
        self.useColor = useColor
        self.foldsPasses = foldsPasses
        self.listsEveryFinding = listsEveryFinding
    }

    // Every value interpolated below goes through `printable` (ReportHelpers.swift): AD data must not reach the
    // terminal as escape sequences.

    /// The report as UTF-8 text, ending with a newline. Two passes over the findings: one to find each subject's
    /// runs of findings, one to print them subject by subject.
    public func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws {
        func line(_ text: String) throws { try output.write(text + "\n") }

        var header = "ces-audit \(report.tool.version.printableLine): \(report.command.printableLine)"
        if let target = report.target { header += " \(target.printableLine)" }
        header += " at \(report.startedAt.iso8601UTC) (\(report.durationMs) ms)"
        try line(bold(header))

        if let paths = report.paths {
            try line("")
            for text in verdictLines(paths, target: report.target) { try line(text) }
        }

        // A scan's fix list comes first: what to fix first is the question a scan answers.
        let fixes = listsEveryFinding ? nil : report.fixes
        if let fixes {
            for text in fixListLines(fixes) { try line(text) }
        }

        let folds = foldsPasses && report.paths != nil
        // Folded, only the principals of the account's paths: the others are about paths it does not take.
        let onPaths = Set(report.paths?.map(\.route.endpoint) ?? [])
        let principals = report.principals?.filter { !folds || onPaths.contains($0.endpoint) } ?? []
        if !principals.isEmpty {
            try line("")
            try line(bold("CES principals"))
            for note in principals {
                var text = "  \(note.endpoint.printableLine) → \((note.account ?? "(unresolved)").printableLine)"
                if let source = note.source { text += " (\(source.printableLine))" }
                try line(text)
                if let problem = note.problem { for text in indented(problem, by: "      ") { try line(text) } }
            }
        }

        if fixes != nil {
            try writeChanges(report, line, limit: Self.changesShownWithFixList)
            try line("")
            try line(summaryLine(report, listedPasses: 0))
            return
        }

        if folds { for text in foldedFindingLines(report) { try line(text) } }
        let groups = folds ? SubjectRuns(FindingList([])) : SubjectRuns(report.findings)
        var reader = report.findings.reader()
        var group: Int32 = -1
        for run in groups.runs {
            reader.seek(to: run.position)
            for _ in 0..<run.count {
                guard let finding = reader.next() else { break }
                if run.group != group {
                    group = run.group
                    try line("")
                    var heading = "\(finding.subject.kind.rawValue) \(finding.subject.name.printableLine)"
                    if let dn = finding.subject.dn, dn != finding.subject.name { heading += " (\(dn.printableLine))" }
                    try line(bold(heading))
                }
                for text in describe(finding) { try line(text) }
            }
        }

        try writeChanges(report, line)

        try line("")
        try line(summaryLine(report, listedPasses: folds ? report.summary.pass : groups.passes))
    }

    /// New and resolved findings shown each under a fix list: a first run's are all of them.
    static let changesShownWithFixList = 20

    /// The "Since the previous run" block of `scan --history`; at most `limit` new and `limit` resolved findings.
    private func writeChanges(_ report: AuditReport, _ line: (String) throws -> Void, limit: Int = .max) throws {
        if let changes = report.changes {
            try line("")
            var text = "Since the previous run"
            if let previous = changes.previousRunAt {
                text += " (\(previous.iso8601UTC))"
            } else {
                text += " (none recorded: first run)"
            }
            text += ": \(changes.new.count) new, \(changes.resolved.count) resolved, \(changes.stillOpen) still open"
            try line(bold(text))
            for identity in changes.new.prefix(limit) { try line("  + \(describe(identity))") }
            if changes.new.count > limit { try line("  + … \(changes.new.count - limit) more (--all lists them)") }
            for identity in changes.resolved.prefix(limit) { try line("  - \(describe(identity))") }
            if changes.resolved.count > limit {
                try line("  - … \(changes.resolved.count - limit) more (--all lists them)")
            }
        }
    }

    /// The fix list: one entry per group, first to fix first, numbered — what it is, where, how many findings and
    /// accounts, a few of them by name, the first one's message and its fix.
    private func fixListLines(_ fixes: [FixGroup]) -> [String] {
        guard !fixes.isEmpty else { return ["", bold("Fix list: nothing to fix")] }
        let noun = fixes.count == 1 ? "fix" : "fixes"
        let findings = fixes.reduce(0) { $0 + $1.count }
        var lines = [
            "",
            bold("Fix list: \(fixes.count) \(noun) for \(findings) findings, first to fix first (--all lists every finding)"),
        ]
        let indent = "               "
        for (index, group) in fixes.enumerated() {
            let number = "\(index + 1).".padding(toLength: 4, withPad: " ", startingAt: 0)
            let word = group.status.rawValue.uppercased()
            let padded = word + String(repeating: " ", count: max(0, 7 - word.utf8.count))
            lines.append(
                "  \(number) \(colour(padded, for: group.status))  \(group.ruleId.printableLine)  \(group.title.printableLine)")
            var scope = "\(Self.describe(group.target)): \(group.count) finding\(group.count == 1 ? "" : "s")"
            if group.accounts > 0 { scope += ", affects \(group.accounts) account\(group.accounts == 1 ? "" : "s")" }
            if group.open < group.count { scope += " (\(group.count - group.open) waived)" }
            lines.append(indent + scope)
            let more = group.count > group.examples.count ? ", …" : ""
            lines.append(indent + "e.g. " + group.examples.map(\.printableLine).joined(separator: "; ") + more)
            lines += indented(group.message, by: indent)
            if group.status == .fail || group.status == .warn, let remediation = group.remediation {
                lines.append(indent + "fix:")
                lines += indented(remediation, by: indent + "  ")
            }
        }
        return lines
    }

    /// `CES principal svc-ces`, `template User`, `CA corp-CA01`, `each account`.
    static func describe(_ target: FixTarget) -> String {
        switch target.kind {
        case .principal: "CES principal \(target.name.printableLine)"
        case .template: "template \(target.name.printableLine)"
        case .ca: "CA \(target.name.printableLine)"
        case .accounts: "each account"
        case .subject: target.name.printableLine
        }
    }

    /// Where each subject's findings are, for printing them grouped by subject (kind, name, DN) in order of first
    /// appearance without holding them: the findings as runs of consecutive findings about one subject, sorted by
    /// subject, then position. A `scan` adds an account's findings together, so an account is one run.
    ///
    /// Memory is per subject, not per finding: a 64-bit hash of each subject, its first position and its runs. A
    /// hash already seen is confirmed by reading back that subject's first finding, so two subjects with the same
    /// hash are still told apart.
    struct SubjectRuns {
        struct Run {
            var group: Int32
            var count: Int32
            var position: FindingList.Position
        }

        private(set) var runs: [Run] = []
        /// Listed passes (to say how many were counted but not listed).
        private(set) var passes = 0

        /// The grouping key as it always was: kind, name and DN (nil and empty alike).
        struct Key: Hashable {
            var kind: Subject.Kind
            var nameAndDN: String

            init(_ subject: Subject) {
                kind = subject.kind
                nameAndDN = subject.name + "\u{0}" + (subject.dn ?? "")
            }
        }

        /// `hash` is the key's `hashValue`; tests make every key collide.
        init(_ findings: FindingList, hash: (Key) -> Int = { $0.hashValue }) {
            var groupByHash: [Int: Int32] = [:]
            var collided: [Key: Int32] = [:]
            var firstPositions: [FindingList.Position] = []
            var verifier = findings.reader()
            var previous: Key?

            func group(of key: Key, hash: Int, at position: FindingList.Position) -> Int32 {
                let next = Int32(firstPositions.count)
                guard let known = groupByHash[hash] else {
                    groupByHash[hash] = next
                    firstPositions.append(position)
                    return next
                }
                verifier.seek(to: firstPositions[Int(known)])
                if let head = verifier.nextHead(), Key(head.subject) == key { return known }
                if let group = collided[key] { return group }
                collided[key] = next
                firstPositions.append(position)
                return next
            }

            for (position, head) in findings.heads() {
                if head.status == .pass { passes += 1 }
                let key = Key(head.subject)
                if key == previous, let last = runs.indices.last, runs[last].count < Int32.max {
                    runs[last].count += 1
                    continue
                }
                previous = key
                runs.append(Run(group: group(of: key, hash: hash(key), at: position), count: 1, position: position))
            }
            runs.sort { ($0.group, $0.position) < ($1.group, $1.position) }
        }
    }

    /// A finding's lines; `labelled` names its subject too, for a listing not grouped by subject.
    func describe(_ finding: Finding, labelled: Bool = false) -> [String] {
        let word = finding.status.rawValue.uppercased()
        let padded = word + String(repeating: " ", count: max(0, 7 - word.utf8.count))
        var lines = [
            "  \(colour(padded, for: finding.status))  \(finding.ruleId.printableLine)  \(finding.title.printableLine)"
        ]
        let indent = "           "
        if labelled {
            var line = indent + "\(finding.subject.kind.rawValue) \(finding.subject.name.printableLine)"
            if let template = finding.template { line += ", template \(template.printableLine)" }
            if let ca = finding.ca { line += " on \(ca.printableLine)" }
            lines.append(line)
        }
        if let endpoint = finding.endpoint {
            var line = indent + "endpoint: \(endpoint.printableLine)"
            if let mode = finding.endpointMode { line += " (\(mode.printableLine))" }
            lines.append(line)
        }
        lines += indented(finding.message, by: indent)
        if finding.severity == .info && finding.status == .pass {
            lines.append(indent + "severity info (site policy): on record, not counted")
        }
        if let waiver = finding.waiver {
            if waiver.expired {
                lines.append(indent + "waiver EXPIRED on \(waiver.expires.printableLine): \(waiver.reason.printableLine)")
            } else {
                lines.append(indent + "waived until \(waiver.expires.printableLine): \(waiver.reason.printableLine)")
            }
        }
        if finding.status == .fail || finding.status == .warn, let remediation = finding.remediation {
            lines.append(indent + "fix:")
            lines += indented(remediation, by: indent + "  ")
        }
        return lines
    }

    private func describe(_ identity: FindingIdentity) -> String {
        var text = "\(identity.ruleId.printableLine)  \(identity.subject.printableLine)"
        if let endpoint = identity.endpoint { text += "  @ \(endpoint.printableLine)" }
        if let mode = identity.endpointMode { text += " (\(mode.printableLine))" }
        if let template = identity.template { text += "  template \(template.printableLine)" }
        if let ca = identity.ca { text += "  on \(ca.printableLine)" }
        return text
    }

    private func summaryLine(_ report: AuditReport, listedPasses: Int) -> String {
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
        let unlistedPasses = max(0, summary.pass - listedPasses)
        if unlistedPasses > 0 { line += " (\(unlistedPasses) passed not listed)" }
        if let onPaths = report.openOnPaths, onPaths != report.openCounts {
            line += "; on the paths taken \(onPaths.fail) fail, \(onPaths.warn) warn, \(onPaths.unknown) unknown"
        }
        line += ": \(report.stateWord) (exit \(report.exitStatus))"
        return line
    }

    /// Every line of `text` (remediation can span lines) with `prefix` before it.
    private func indented(_ text: String, by prefix: String) -> [String] {
        text.printable.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            prefix + String(Substring($0))
        }
    }

    func colour(_ text: String, for verdict: EnrollmentVerdict) -> String {
        switch verdict {
        case .canEnroll: colour(text, for: .pass)
        case .cannotEnroll: colour(text, for: .fail)
        case .cannotTell: colour(text, for: .unknown)
        }
    }

    func colour(_ text: String, for status: Status?) -> String {
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

    func bold(_ text: String) -> String {
        useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}
