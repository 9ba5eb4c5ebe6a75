import CESAuditCore
import Foundation

extension AuditReport {
    /// The counts that decide the exit status: open findings when the report has them, else every finding.
    var openCounts: Summary { open ?? summary }

    /// Findings that were evaluated but are accepted by an active waiver (fail, warn and unknown only).
    var waivedCount: Int {
        let all = summary.fail + summary.warn + summary.unknown
        let open = openCounts.fail + openCounts.warn + openCounts.unknown
        return max(0, all - open)
    }

    /// Every evaluated check, listed or not.
    var totalChecks: Int {
        summary.pass + summary.warn + summary.fail + summary.unknown + summary.skipped + summary.manual
    }

    /// The Nagios state word of `exitStatus`.
    var stateWord: String {
        switch exitStatus {
        case 0: "OK"
        case 1: "WARNING"
        case 2: "CRITICAL"
        default: "UNKNOWN"
        }
    }
}

extension Finding {
    /// The severity in force: the site override, else the catalogue's, else by status.
    func effectiveSeverity(in catalogue: RuleCatalogue) -> Severity {
        if let severity { return severity }
        if let rule = catalogue[ruleId] { return rule.severity }
        return status == .warn ? .warn : .fail
    }

    /// Accepted by a waiver that has not expired.
    var isWaived: Bool { waiver.map { !$0.expired } ?? false }
}

extension Status {
    /// Worst first, for exit precedence (docs/contract.md): fail, unknown, warn, pass, skipped, then manual checks.
    var precedence: Int {
        switch self {
        case .fail: 0
        case .unknown: 1
        case .warn: 2
        case .pass: 3
        case .skipped: 4
        case .manual: 5
        }
    }
}

extension String {
    /// The text with control characters other than newline and tab shown as `\xNN` (and Unicode line separators and
    /// bidirectional overrides as `\u{NNNN}`): values read from AD must not drive the reader's terminal (escape
    /// sequences), reorder what it shows, or break line-based formats. For text that may span lines (messages,
    /// remediation), which reporters indent line by line.
    public var printable: String { escaped(keepingLineBreaks: true) }

    /// `printable` with newline and tab escaped too: for values that sit on one line of a human format (names, DNs,
    /// endpoints, titles), so a value from AD cannot start a line of its own.
    public var printableLine: String { escaped(keepingLineBreaks: false) }

    private func escaped(keepingLineBreaks: Bool) -> String {
        // Nearly every value is plain: copied only when a byte may start something to escape (C0 controls, DEL,
        // 0xC2 the lead byte of the C1 controls, 0xE2 that of the separators and bidi controls).
        let plain = utf8.allSatisfy { byte in
            (byte >= 0x20 || (keepingLineBreaks && (byte == 0x0A || byte == 0x09))) && byte != 0x7F && byte != 0xC2
                && byte != 0xE2
        }
        if plain { return self }
        var result = ""
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x0A where keepingLineBreaks, 0x09 where keepingLineBreaks:
                result.unicodeScalars.append(scalar)
            case 0x00..<0x20, 0x7F..<0xA0:
                result += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            case 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
