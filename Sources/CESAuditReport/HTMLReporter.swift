import CESAuditCore
import Foundation

/// One self-contained HTML page (no external script, font, style or image; works offline and as a mail attachment)
/// for `user`, `server` and `scan`: each enrollment path drawn as requester → CES endpoint (its principal) → CA with
/// every hop coloured by its verdict and the rule behind it one click away, the fix list, a filter by status and
/// rule, and the history trend.
///
/// Its size is bounded by what it groups, not by the accounts: `user` draws its paths; `server` and `scan` draw one
/// row per endpoint with per-hop rule counts, show the fix list (`scan`), and list at most `findingLimit` findings.
public struct HTMLReporter: Reporter {
    /// `html`.
    public static let format = OutputFormat.html

    /// One recorded run for the trend (`--history`), oldest first.
    public struct TrendPoint: Sendable, Equatable {
        public var startedAt: Date
        public var fail: Int
        public var warn: Int
        public var unknown: Int

        public init(startedAt: Date, fail: Int, warn: Int, unknown: Int) {
            self.startedAt = startedAt
            self.fail = fail
            self.warn = warn
            self.unknown = unknown
        }
    }

    /// The runs recorded so far, oldest first (the CLI reads them from `--history`); drawn when there are two or more.
    public var trend: [TrendPoint]

    /// Findings listed one by one at most (worst first); the rest are counted in a note.
    public var findingLimit: Int

    /// Creates the reporter.
    public init(trend: [TrendPoint] = [], findingLimit: Int = 300) {
        self.trend = trend
        self.findingLimit = findingLimit
    }

    // Every value from AD or the report goes through `html` (below): text and attribute values alike.

    public func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws {
        var rules = Set<String>()
        var title = "ces-audit \(report.command)"
        if let target = report.target { title += " \(target)" }
        try output.write(
            """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title.html)</title>
            <style>\(Self.style)</style>
            </head>
            <body>

            """)
        try output.write(header(report, title: title))

        if let paths = report.paths {
            try output.write(pathsSection(paths, report: report, rules: &rules))
        } else {
            let map = EndpointMap(report)
            if !map.rows.isEmpty { try output.write(mapSection(map, catalogue: catalogue, rules: &rules)) }
        }
        if let fixes = report.fixes {
            try output.write(fixSection(fixes, rules: &rules))
        } else {
            try writeFindings(report, to: output, rules: &rules)
        }
        if let changes = report.changes { try output.write(changesSection(changes)) }
        if trend.count >= 2 { try output.write(trendSection()) }
        try output.write(filterBar(rules))
        try output.write("<script>\(Self.script)</script>\n</body>\n</html>\n")
    }

    // MARK: header

    private func header(_ report: AuditReport, title: String) -> String {
        let summary = report.summary
        var html = "<header><h1>\(title.html)</h1>\n<p class=\"meta\">ces-audit \(report.tool.version.html), "
        html += "started \(report.startedAt.iso8601UTC), \(report.durationMs) ms"
        if let scanned = report.subjectsScanned { html += ", \(scanned) subjects" }
        html += "</p>\n<p class=\"counts\">"
        for status in [Status.fail, .unknown, .warn, .pass, .skipped, .manual] where summary[status] > 0 {
            html += "<span class=\"badge s-\(status.rawValue)\">\(summary[status]) \(status.rawValue)</span> "
        }
        if report.waivedCount > 0 { html += "<span class=\"badge\">\(report.waivedCount) waived</span> " }
        html += "<span class=\"state s-\(Self.stateStatus(report).rawValue)\" id=\"state\">"
        html += "\(report.stateWord) (exit \(report.exitStatus))</span></p></header>\n"
        return html
    }

    private static func stateStatus(_ report: AuditReport) -> Status {
        switch report.exitStatus {
        case 0: .pass
        case 1: .warn
        case 2: .fail
        default: .unknown
        }
    }

    // MARK: user: the paths

    /// Where a hop sits on the drawing: the requester, the CES endpoint with its principal, the CA (with the
    /// template it issues).
    enum Hop: Int, CaseIterable {
        case requester, endpoint, ca

        var name: String {
            switch self {
            case .requester: "requester"
            case .endpoint: "endpoint"
            case .ca: "ca"
            }
        }
    }

    /// The hop a cause is drawn on: the thing the rule judged — the account (A rules, or the account itself), the
    /// template or the CA, else the endpoint and its principal.
    static func hop(of cause: RouteVerdict.Cause, on route: EnrollmentRoute, requester: String?) -> Hop {
        let subject = cause.subject.lowercased()
        if cause.ruleId.hasPrefix("CES-A") || subject == requester?.lowercased() { return .requester }
        if let principal = route.principal?.lowercased(), subject == principal { return .endpoint }
        if cause.ruleId.hasPrefix("CES-B") || subject == route.template.lowercased() || subject == route.ca.lowercased()
        {
            return .ca
        }
        return .endpoint
    }

    private func pathsSection(_ paths: [RouteVerdict], report: AuditReport, rules: inout Set<String>) -> String {
        var tallies: [EnrollmentVerdict: Int] = [:]
        for path in paths { tallies[path.verdict, default: 0] += 1 }
        let who = report.target ?? "the account"
        var html = "<section id=\"paths\"><h2>Can \(who.html) enroll?</h2>\n<p class=\"verdicts\">"
        for verdict in EnrollmentVerdict.allCases.sorted(by: { $0.precedence < $1.precedence }) {
            if let count = tallies[verdict] {
                html += "<span class=\"badge v-\(verdict.rawValue)\">\(verdict.words) on \(count)</span> "
            }
        }
        html += "of \(paths.count) path\(paths.count == 1 ? "" : "s") (template × CES endpoint)</p>\n"
        for path in paths.prefix(findingLimit) {
            html += pathFigure(path, requester: report.target, rules: &rules)
        }
        if paths.count > findingLimit {
            html += "<p class=\"note\">… \(paths.count - findingLimit) more paths (the JSON lists every path)</p>\n"
        }
        return html + "</section>\n"
    }

    private func pathFigure(_ path: RouteVerdict, requester: String?, rules: inout Set<String>) -> String {
        let route = path.route
        let causeHop = path.firstCause.map { Self.hop(of: $0, on: route, requester: requester) }
        // The first cause is the earliest hop's; hops before it hold no failure (none at all unless it fails),
        // hops after it are not decided by it.
        func state(_ hop: Hop) -> String {
            guard let causeHop, let cause = path.firstCause else { return "pass" }
            if hop == causeHop { return cause.status.rawValue }
            if hop.rawValue < causeHop.rawValue { return path.verdict == .cannotEnroll ? "nofail" : "pass" }
            return path.verdict == .canEnroll ? "pass" : "open"
        }
        let status = path.firstCause?.status.rawValue ?? "pass"
        let rule = path.firstCause?.ruleId ?? ""
        if !rule.isEmpty { rules.insert(rule) }
        var html = "<figure class=\"path\" data-filter data-verdict=\"\(path.verdict.rawValue)\" "
        html += "data-status=\"\(status)\" data-rule=\"\(rule.html)\">\n"
        html += "<figcaption><span class=\"badge v-\(path.verdict.rawValue)\">\(path.verdict.words)</span> "
        html += "template <b>\(route.template.html)</b>"
        html += " <span class=\"mode\">via \(route.endpoint.html)"
        if let mode = route.endpointMode { html += " (\(mode.html))" }
        html += "</span></figcaption>\n"
        let labels: [(Hop, String, String)] = [
            (.requester, "requester", requester ?? "the account"),
            (
                .endpoint, "CES " + (route.principal.map { "principal " + $0 } ?? "principal unresolved"),
                URL(string: route.endpoint)?.host ?? route.endpoint
            ),
            (.ca, "CA · template " + route.template, route.ca),
        ]
        html += Self.drawing(labels.map { ($0.0, $0.1, $0.2, state($0.0)) })
        if let cause = path.firstCause {
            html += "<details><summary>\(cause.ruleId.html) \(cause.status.rawValue): \(cause.title.html)</summary>\n"
            html += "<p><b>\(cause.subject.html)</b>: \(cause.message.html)</p>\n"
            if cause.waived == true { html += "<p class=\"note\">waived by the site policy</p>\n" }
            if let fix = cause.remediation { html += "<p class=\"fix\">fix: \(fix.html)</p>\n" }
            html += "</details>\n"
        }
        let counts = path.counts
        html += "<p class=\"note\">\(counts.pass) pass, \(counts.fail) fail, \(counts.unknown) unknown, "
        html += "\(counts.warn) warn, \(counts.skipped) not applicable on this path</p>\n</figure>\n"
        return html
    }

    /// Three boxes joined by arrows; each hop a group with its state (`data-verdict`) and its full text as tooltip.
    static func drawing(_ hops: [(hop: Hop, label: String, name: String, state: String)]) -> String {
        var svg = "<svg class=\"route\" viewBox=\"0 0 780 64\" role=\"img\" aria-label=\"enrollment path\">\n"
        for (index, hop) in hops.enumerated() {
            let x = index * 270
            svg += "<g class=\"hop h-\(hop.state)\" data-hop=\"\(hop.hop.name)\" data-verdict=\"\(hop.state)\">"
            svg += "<title>\(hop.label.html): \(hop.name.html) (\(Self.stateWords(hop.state)))</title>"
            svg += "<rect x=\"\(x)\" y=\"2\" width=\"240\" height=\"60\" rx=\"8\"/>"
            svg += "<text x=\"\(x + 10)\" y=\"22\" class=\"label\">\(hop.label.shortened(38).html)</text>"
            svg += "<text x=\"\(x + 10)\" y=\"44\">\(hop.name.shortened(34).html)</text></g>\n"
            if index < hops.count - 1 {
                svg +=
                    "<path class=\"arrow\" d=\"M\(x + 242) 32 H\(x + 262) M\(x + 256) 26 L\(x + 264) 32 L\(x + 256) 38\"/>\n"
            }
        }
        return svg + "</svg>\n"
    }

    static func stateWords(_ state: String) -> String {
        switch state {
        case "nofail": "nothing fails here"
        case "open": "not decided by the first cause"
        default: state
        }
    }

    // MARK: server and scan: the endpoints

    private func mapSection(_ map: EndpointMap, catalogue: RuleCatalogue, rules: inout Set<String>) -> String {
        var html = "<section id=\"endpoints\"><h2>Enrollment paths by CES endpoint</h2>\n"
        html += "<p class=\"note\">Each hop is coloured by the worst finding on it; open one to see its rules.</p>\n"
        for row in map.rows.prefix(findingLimit) {
            let worst = row.hops.compactMap(\.worst).min { $0.precedence < $1.precedence }?.rawValue ?? "pass"
            html += "<figure class=\"path\" data-filter data-status=\"\(worst)\" data-rule=\"\">\n"
            html += "<figcaption>\(row.endpoint.html)</figcaption>\n"
            let names = [
                "requesters",
                row.principal ?? "(unresolved)",
                row.cas.isEmpty ? "(not named by any finding)" : row.cas.sorted().joined(separator: ", "),
            ]
            let labels = ["requesters", "CES principal", "CA"]
            html += Self.drawing(
                Hop.allCases.map { hop in
                    (hop, labels[hop.rawValue], names[hop.rawValue], row.hops[hop.rawValue].worst?.rawValue ?? "pass")
                })
            for hop in Hop.allCases where !row.hops[hop.rawValue].rules.isEmpty {
                let tally = row.hops[hop.rawValue]
                html += "<details><summary>\(labels[hop.rawValue]): "
                html += tally.rules.values.reduce(0) { $0 + $1.count }.description + " findings</summary><ul>\n"
                for (rule, entry) in tally.rules.sorted(by: {
                    ($0.value.status.precedence, $0.key) < ($1.value.status.precedence, $1.key)
                }) {
                    rules.insert(rule)
                    html += "<li><span class=\"badge s-\(entry.status.rawValue)\">\(entry.status.rawValue)</span> "
                    html += "\(rule.html) ×\(entry.count): \((catalogue[rule]?.title ?? "").html)"
                    html += "<br><span class=\"note\">e.g. \(entry.example.html)</span></li>\n"
                }
                html += "</ul></details>\n"
            }
            html += "</figure>\n"
        }
        if map.rows.count > findingLimit {
            html += "<p class=\"note\">… \(map.rows.count - findingLimit) more endpoints</p>\n"
        }
        if map.elsewhere > 0 {
            html += "<p class=\"note\">\(map.elsewhere) findings lie on no endpoint's path (listed below).</p>\n"
        }
        return html + "</section>\n"
    }

    // MARK: scan: the fix list

    private func fixSection(_ fixes: [FixGroup], rules: inout Set<String>) -> String {
        let findings = fixes.reduce(0) { $0 + $1.count }
        var html = "<section id=\"fixes\"><h2>Fix list</h2>\n"
        guard !fixes.isEmpty else { return html + "<p>Nothing to fix.</p></section>\n" }
        html +=
            "<p>\(fixes.count) fix\(fixes.count == 1 ? "" : "es") for \(findings) findings, first to fix first.</p>\n"
        html += "<ol class=\"fixes\">\n"
        for group in fixes {
            rules.insert(group.ruleId)
            html += "<li data-filter data-status=\"\(group.status.rawValue)\" data-rule=\"\(group.ruleId.html)\">"
            html +=
                "<details><summary><span class=\"badge s-\(group.status.rawValue)\">\(group.status.rawValue)</span> "
            html += "\(group.ruleId.html) \(group.title.html) — \(TextReporter.describe(group.target).html): "
            html += "\(group.count) finding\(group.count == 1 ? "" : "s")"
            if group.accounts > 0 { html += ", affects \(group.accounts) account\(group.accounts == 1 ? "" : "s")" }
            if group.open < group.count { html += " (\(group.count - group.open) waived)" }
            html += "</summary>\n<p class=\"note\">e.g. \(group.examples.joined(separator: "; ").html)"
            html += group.count > group.examples.count ? ", …" : ""
            html += "</p>\n<p>\(group.message.html)</p>\n"
            if group.status == .fail || group.status == .warn, let remediation = group.remediation {
                html += "<p class=\"fix\">fix: \(remediation.html)</p>\n"
            }
            html += "</details></li>\n"
        }
        return html + "</ol></section>\n"
    }

    // MARK: user and server: the findings, capped

    /// The open findings and manual checks (not on paths the account does not take), worst first, at most
    /// `findingLimit`: positions are kept per status up to the limit, so memory stays bounded.
    private func writeFindings(_ report: AuditReport, to output: OutputSink, rules: inout Set<String>) throws {
        let offPath = report.offPathFindings ?? []
        var shown: [[FindingList.Position]] = Array(repeating: [], count: Status.allCases.count)
        var total = 0
        var reader = report.findings.reader()
        for (position, head) in report.findings.heads() where head.status != .pass && head.status != .skipped {
            if !offPath.isEmpty {
                reader.seek(to: position)
                if let finding = reader.next(), offPath.contains(finding.identity) { continue }
            }
            total += 1
            if shown[head.status.precedence].count < findingLimit { shown[head.status.precedence].append(position) }
        }
        try output.write("<section id=\"findings\"><h2>Findings to read, worst first</h2>\n")
        if total == 0 { try output.write("<p>Every rule passes or does not apply.</p>\n") }
        try output.write("<ul class=\"findings\">\n")
        for position in shown.joined().prefix(findingLimit) {
            reader.seek(to: position)
            guard let finding = reader.next() else { break }
            rules.insert(finding.ruleId)
            var html =
                "<li data-filter data-status=\"\(finding.status.rawValue)\" data-rule=\"\(finding.ruleId.html)\">"
            html += "<details><summary><span class=\"badge s-\(finding.status.rawValue)\">\(finding.status.rawValue)"
            html += "</span> \(finding.ruleId.html) \(finding.title.html) — \(finding.label.html)</summary>\n"
            html += "<p>\(finding.message.html)</p>\n"
            if let waiver = finding.waiver {
                html += "<p class=\"note\">\(waiver.expired ? "waiver expired" : "waived until") "
                html += "\(waiver.expires.html): \(waiver.reason.html)</p>\n"
            }
            if finding.status == .fail || finding.status == .warn, let remediation = finding.remediation {
                html += "<p class=\"fix\">fix: \(remediation.html)</p>\n"
            }
            try output.write(html + "</details></li>\n")
        }
        try output.write("</ul>\n")
        if total > findingLimit {
            try output.write(
                "<p class=\"note\">… \(total - findingLimit) more findings not shown (the JSON lists every one)</p>\n")
        }
        try output.write("</section>\n")
    }

    // MARK: history

    private func changesSection(_ changes: AuditReport.Changes) -> String {
        var html = "<section id=\"changes\"><h2>Since the previous run"
        html += changes.previousRunAt.map { " (\($0.iso8601UTC))" } ?? " (none recorded: first run)"
        html += "</h2>\n<p>\(changes.new.count) new, \(changes.resolved.count) resolved, "
        html += "\(changes.stillOpen) still open</p>\n<ul class=\"changes\">\n"
        let limit = TextReporter.changesShownWithFixList
        for identity in changes.new.prefix(limit) {
            html += "<li class=\"new\">+ \(Self.describe(identity).html)</li>\n"
        }
        for identity in changes.resolved.prefix(limit) {
            html += "<li class=\"resolved\">− \(Self.describe(identity).html)</li>\n"
        }
        html += "</ul>\n"
        if changes.new.count > limit || changes.resolved.count > limit {
            html += "<p class=\"note\">at most \(limit) new and \(limit) resolved are named</p>\n"
        }
        return html + "</section>\n"
    }

    /// `CES-A1 CN=bob,… @ URL (mode) template User on corp-CA01`, the parts there are.
    private static func describe(_ identity: FindingIdentity) -> String {
        var text = "\(identity.ruleId) \(identity.subject)"
        if let endpoint = identity.endpoint { text += " @ \(endpoint)" }
        if let mode = identity.endpointMode { text += " (\(mode))" }
        if let template = identity.template { text += " template \(template)" }
        if let ca = identity.ca { text += " on \(ca)" }
        return text
    }

    /// The fail, unknown and warn counts of each recorded run as lines over time (one point per run).
    private func trendSection() -> String {
        let width = 760.0
        let height = 160.0
        let peak = Double(max(1, trend.map { max($0.fail, $0.warn, $0.unknown) }.max() ?? 1))
        func x(_ index: Int) -> Double { 40 + Double(index) * (width - 60) / Double(max(1, trend.count - 1)) }
        func y(_ value: Int) -> Double { height - 20 - Double(value) / peak * (height - 40) }
        var svg = "<section id=\"trend\"><h2>Trend over the last \(trend.count) runs</h2>\n"
        svg += "<svg class=\"trend\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"trend\">\n"
        svg += "<text x=\"0\" y=\"16\">\(Int(peak))</text><text x=\"0\" y=\"\(Int(height) - 20)\">0</text>\n"
        let series: [(Status, KeyPath<TrendPoint, Int>)] = [(.fail, \.fail), (.unknown, \.unknown), (.warn, \.warn)]
        for (status, value) in series {
            let points = trend.enumerated().map { index, point in
                String(format: "%.1f,%.1f", x(index), y(point[keyPath: value]))
            }
            svg += "<polyline class=\"line s-\(status.rawValue)\" data-series=\"\(status.rawValue)\" "
            svg += "points=\"\(points.joined(separator: " "))\"/>\n"
        }
        if let first = trend.first, let last = trend.last {
            svg += "<text x=\"40\" y=\"\(Int(height) - 2)\">\(first.startedAt.iso8601UTC)</text>"
            svg += "<text x=\"\(Int(width) - 20)\" y=\"\(Int(height) - 2)\" text-anchor=\"end\">"
            svg += "\(last.startedAt.iso8601UTC)</text>\n"
            svg += "</svg>\n<p class=\"note\">latest: \(last.fail) fail, \(last.unknown) unknown, \(last.warn) warn"
            svg += " (<span class=\"s-fail\">fail</span>, <span class=\"s-unknown\">unknown</span>, "
            svg += "<span class=\"s-warn\">warn</span>)</p>"
        }
        return svg + "</section>\n"
    }

    // MARK: filter

    private func filterBar(_ rules: Set<String>) -> String {
        var html = "<nav id=\"filter\"><label>status <select id=\"f-status\"><option value=\"\">any</option>"
        for status in ["fail", "unknown", "warn", "manual", "pass"] {
            html += "<option>\(status)</option>"
        }
        html += "</select></label> <label>rule <select id=\"f-rule\"><option value=\"\">any</option>"
        for rule in rules.sorted() { html += "<option>\(rule.html)</option>" }
        return html + "</select></label> <span id=\"f-count\"></span></nav>\n"
    }
}

extension String {
    /// The text safe inside HTML text and double- or single-quoted attribute values: `& < > " '` as character
    /// references, after `printable`'s escaping of control characters and bidi overrides (a value from AD must not
    /// reorder what the reader sees).
    var html: String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in printable {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// At most `limit` characters, the cut marked with `…` (a drawing's box has room for so many).
    func shortened(_ limit: Int) -> String {
        count <= limit ? self : String(prefix(limit - 1)) + "…"
    }
}
