import CESAuditCore
import Foundation

/// `user`'s answer first: the verdict on each enrollment path, grouped by endpoint, then (unless every rule is asked
/// for) the open findings on the account's paths, failures first, with the passes folded into a count.
extension TextReporter {
    /// The verdict block: one heading line, then the routes grouped by verdict and first cause (worst first), each
    /// group's templates, the endpoints they go through, the cause and its fix.
    func verdictLines(_ paths: [RouteVerdict], target: String?) -> [String] {
        let who = (target ?? "the account").printableLine
        var tallies: [EnrollmentVerdict: Int] = [:]
        for path in paths { tallies[path.verdict, default: 0] += 1 }
        let parts = EnrollmentVerdict.allCases.sorted { $0.precedence < $1.precedence }.compactMap { verdict in
            tallies[verdict].map { colour(verdict.words, for: verdict) + " on \($0)" }
        }
        let noun = paths.count == 1 ? "path" : "paths"
        var lines = [
            bold("\(who): ") + parts.joined(separator: ", ") + " of \(paths.count) \(noun) (template × CES endpoint)"
        ]
        let indent = String(repeating: " ", count: 17)
        for group in RouteGroup.grouping(paths) {
            let word = group.verdict.words.padding(toLength: 13, withPad: " ", startingAt: 0)
            var first = true
            for (templates, endpoints) in group.templatesByEndpoints {
                let names = templates.map(\.printableLine).joined(separator: ", ")
                lines.append(first ? "  \(colour(word, for: group.verdict))  \(names)" : indent + names)
                lines.append(indent + "via " + Self.describe(endpoints))
                first = false
            }
            if let cause = group.cause, group.verdict != .canEnroll {
                lines += causeLines(cause, indent: indent)
            } else {
                lines.append(indent + Self.countsLine(group))
            }
        }
        return lines
    }

    /// Routes with the same verdict and first cause.
    struct RouteGroup {
        var verdict: EnrollmentVerdict
        var cause: RouteVerdict.Cause?
        var routes: [RouteVerdict] = []

        /// The groups in the order of their first route (the paths come worst first).
        static func grouping(_ paths: [RouteVerdict]) -> [RouteGroup] {
            var groups: [RouteGroup] = []
            for path in paths {
                if let index = groups.firstIndex(where: { $0.verdict == path.verdict && $0.cause == path.firstCause }) {
                    groups[index].routes.append(path)
                } else {
                    groups.append(RouteGroup(verdict: path.verdict, cause: path.firstCause, routes: [path]))
                }
            }
            return groups
        }

        /// The group's templates per set of endpoints: endpoints through which the same templates go share a line.
        var templatesByEndpoints: [(templates: [String], endpoints: [EnrollmentRoute])] {
            var endpoints: [EnrollmentRoute] = []
            var templates: [[String]] = []
            for route in routes.map(\.route) {
                if let index = endpoints.firstIndex(where: { Self.sameEndpoint($0, route) }) {
                    templates[index].append(route.template)
                } else {
                    endpoints.append(route)
                    templates.append([route.template])
                }
            }
            var lines: [(templates: [String], endpoints: [EnrollmentRoute])] = []
            for (index, endpoint) in endpoints.enumerated() {
                if let line = lines.firstIndex(where: { $0.templates == templates[index] }) {
                    lines[line].endpoints.append(endpoint)
                } else {
                    lines.append((templates[index], [endpoint]))
                }
            }
            return lines
        }

        static func sameEndpoint(_ one: EnrollmentRoute, _ other: EnrollmentRoute) -> Bool {
            one.ca == other.ca && one.endpoint == other.endpoint && one.endpointMode == other.endpointMode
        }
    }

    /// One endpoint in full (`URL (mode) → CA, CES principal NAME`); several by host and CES instance, the CA and
    /// principal said once when they share them.
    private static func describe(_ endpoints: [EnrollmentRoute]) -> String {
        func mode(_ route: EnrollmentRoute) -> String { route.endpointMode.map { " (\($0.printableLine))" } ?? "" }
        let cas = Set(endpoints.map(\.ca))
        let principals = Set(endpoints.map { $0.principal ?? "(unresolved)" })
        var text: String
        if endpoints.count == 1, let endpoint = endpoints.first {
            text = endpoint.endpoint.printableLine + mode(endpoint)
        } else {
            text = endpoints.map { shortName($0.endpoint).printableLine + mode($0) }.joined(separator: ", ")
        }
        if cas.count == 1, let ca = cas.first { text += " → \(ca.printableLine)" }
        if principals.count == 1, let principal = principals.first {
            text += ", CES principal \(principal.printableLine)"
        }
        return text
    }

    /// `ces01.corp.example.test/corp-CA01_CES_Kerberos` of a CES URL: the host and the CES instance.
    private static func shortName(_ endpoint: String) -> String {
        guard let url = URL(string: endpoint), let host = url.host else { return endpoint }
        let instance = url.pathComponents.dropFirst().first
        return instance.map { "\(host)/\($0)" } ?? host
    }

    /// What a CAN ENROLL group's checks came to: one route's counts, or for several that nothing blocks them; the
    /// first warning when there is one.
    private static func countsLine(_ group: RouteGroup) -> String {
        var parts: [String]
        if group.routes.count == 1, let counts = group.routes.first?.counts {
            parts = ["\(counts.pass) checks pass"]
            if counts.skipped > 0 { parts.append("\(counts.skipped) not applicable") }
            if counts.manual > 0 { parts.append("\(counts.manual) manual (listed below)") }
            if counts.warn > 0 { parts.append("\(counts.warn) warning\(counts.warn == 1 ? "" : "s")") }
        } else {
            parts = ["no rule fails or is unknown on these \(group.routes.count) paths"]
        }
        if let cause = group.cause {
            parts.append("first warning \(cause.ruleId.printableLine): \(cause.title.printableLine)")
        }
        return parts.joined(separator: ", ")
    }

    /// The cause: rule, status and title; the subject and the value behind it (the message's first line); the fix's
    /// summary.
    private func causeLines(_ cause: RouteVerdict.Cause, indent: String) -> [String] {
        var lines = ["\(indent)\(cause.ruleId.printableLine) \(cause.status.rawValue)  \(cause.title.printableLine)"]
        let message = cause.message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init)
        lines.append(indent + "\(cause.subject.printableLine): \((message ?? "").printableLine)")
        if cause.waived == true { lines.append(indent + "waived by the site policy: not counted in the exit status") }
        if let fix = cause.remediation?.split(separator: "\n").first.map(String.init) {
            lines.append(indent + "fix: " + fix.printableLine)
        }
        return lines
    }

    /// The findings still to read after the verdict: the open ones and manual checks on the account's paths, fail
    /// first, then unknown, warn and manual; passes and not-applicable ones only counted.
    func foldedFindingLines(_ report: AuditReport) -> [String] {
        let offPath = report.offPathFindings ?? []
        var shown: [[Finding]] = Array(repeating: [], count: Status.allCases.count)
        var passes = 0
        var skipped = 0
        var hidden = 0
        for finding in report.findings {
            if offPath.contains(finding.identity) {
                hidden += 1
                continue
            }
            switch finding.status {
            case .pass: passes += 1
            case .skipped: skipped += 1
            case .fail, .unknown, .warn, .manual: shown[finding.status.precedence].append(finding)
            }
        }
        var lines: [String] = []
        let listed = shown.joined()
        lines.append("")
        lines.append(
            bold(
                listed.isEmpty
                    ? "Every rule on these paths passes or does not apply"
                    : "Findings on these paths, failures first"))
        for finding in listed {
            lines += describe(finding, labelled: true)
        }
        var folded = ["\(passes) passed", "\(skipped) not applicable"]
        if hidden > 0 {
            folded.append("\(hidden) about paths \((report.target ?? "the account").printableLine) does not take")
        }
        lines.append("  (" + folded.joined(separator: ", ") + ": not listed; --all lists every rule)")
        return lines
    }
}
