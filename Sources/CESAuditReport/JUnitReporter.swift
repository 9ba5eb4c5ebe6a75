import CESAuditCore
import Foundation

/// JUnit XML for CI (GitLab, Jenkins): a test suite per rule family, a test case per (rule, subject, endpoint).
/// fail and warn are failures, unknown is an error, skipped and actively waived findings are skipped.
public struct JUnitReporter: Reporter {
    /// `junit`.
    public static let format = OutputFormat.junit

    /// Creates the reporter.
    public init() {}

    /// The report as a UTF-8 XML document. The counts go in the opening tags, so a first pass counts and sorts the
    /// findings into one spool per family (copied as stored, not decoded); the second writes family by family.
    public func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws {
        // Families in first-seen order; findings keep their report order within a family.
        var families: [String] = []
        var familyIndex: [String: Int] = [:]
        var counts: [Counts] = []
        let byFamily = report.findings.partitioned { head in
            let family = Self.family(of: head.ruleId, in: catalogue)
            let index: Int
            if let known = familyIndex[family] {
                index = known
            } else {
                index = families.count
                familyIndex[family] = index
                families.append(family)
                counts.append(Counts())
            }
            counts[index].add(outcome(status: head.status, isWaived: head.isWaived))
            return index
        }

        var total = Counts()
        for family in counts {
            total.tests += family.tests
            total.failures += family.failures
            total.errors += family.errors
            total.skipped += family.skipped
        }
        let time = String(format: "%.3f", Double(report.durationMs) / 1000)
        try output.write(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<testsuites name=\"ces-audit\" \(total.attributes) time=\"\(time)\">\n")
        for (index, family) in families.enumerated() where index < byFamily.count {
            let name = XML.escape("CES-\(family)")
            try output.write("  <testsuite name=\"\(name)\" \(counts[index].attributes)>\n")
            try output.write(fixProperties(report.fixes?.filter { Self.family(of: $0.ruleId, in: catalogue) == family }))
            for finding in byFamily[index] {
                try output.write(
                    testcase(finding, outcome: outcome(status: finding.status, isWaived: finding.isWaived)))
            }
            try byFamily[index].throwIfUnreadable()
            try output.write("  </testsuite>\n")
        }
        try output.write("</testsuites>\n")
    }

    /// `scan`: the family's entries of the fix list as the suite's `<properties>` (where every JUnit schema allows
    /// them): name `fix:` + the group's id, value its counts, examples and the first line of its fix.
    private func fixProperties(_ groups: [FixGroup]?) -> String {
        guard let groups, !groups.isEmpty else { return "" }
        var text = "    <properties>\n"
        for group in groups {
            var value = "\(group.count) finding(s), affects \(group.accounts) account(s); e.g. "
            value += group.examples.joined(separator: "; ")
            if let fix = group.remediation?.split(separator: "\n").first { value += "; fix: \(fix)" }
            text += "      <property name=\"\(XML.escape("fix:" + group.id))\" value=\"\(XML.escape(value))\"/>\n"
        }
        return text + "    </properties>\n"
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

    /// The rule family: the catalogue's, else the letter after `CES-`.
    static func family(of ruleId: String, in catalogue: RuleCatalogue) -> String {
        if let rule = catalogue[ruleId] { return rule.family }
        let id = ruleId.uppercased().hasPrefix("CES-") ? ruleId.dropFirst(4) : Substring(ruleId)
        return id.first.map { String($0) } ?? "?"
    }

    private func outcome(status: Status, isWaived: Bool) -> Outcome {
        if isWaived { return .skipped }
        switch status {
        case .pass: return .passed
        case .warn, .fail: return .failure
        case .unknown: return .error
        case .skipped, .manual: return .skipped
        }
    }

    private func testcase(_ finding: Finding, outcome: Outcome) -> String {
        var name = "\(finding.subject.name) @ \(finding.endpoint ?? "-")"
        if let mode = finding.endpointMode { name += " (\(mode))" }
        if let template = finding.template { name += " template \(template)" }
        if let ca = finding.ca { name += " on \(ca)" }
        let open = "    <testcase classname=\"\(XML.escape(finding.ruleId))\" name=\"\(XML.escape(name))\""
        var body =
            "\(finding.title)\nsubject: \(finding.subject.kind.rawValue) \(finding.subject.dn ?? finding.subject.name)"
        if let endpoint = finding.endpoint { body += "\nendpoint: \(endpoint)" }
        if let mode = finding.endpointMode { body += " (\(mode))" }
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

/// XML 1.0 text and attribute escaping.
enum XML {
    /// Escapes the five markup characters, keeps tabs and newlines in attributes as character references (so
    /// attribute normalisation does not turn them into spaces), and replaces characters XML 1.0 forbids with U+FFFD.
    static func escape(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\n": result += "&#10;"
            case "\r": result += "&#13;"
            case "\t": result += "&#9;"
            default:
                if isAllowed(scalar) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result.unicodeScalars.append("\u{FFFD}")
                }
            }
        }
        return result
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
