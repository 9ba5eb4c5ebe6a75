import Foundation

/// Counts every finding of a run and keeps the ones to list: all of them for `user` and `server`, the
/// non-pass ones for `scan` unless passes are asked for. Counting does not keep findings, and the listed ones go
/// to a spool (memory up to a small limit, then an unlinked temporary file), so a scan over the whole domain
/// holds neither in memory: hundreds of thousands of listed findings cost the same memory as a few.
///
/// Copies of a tally share its spool; use one (the jobs keep theirs in a local variable and return it).
public struct FindingTally: Sendable {
    public private(set) var summary = AuditReport.Summary()
    /// Counts of findings that are open (not waived); these decide the exit status.
    public private(set) var open = AuditReport.Summary()
    public private(set) var principals: [PrincipalNote] = []
    /// `user`: the verdict on each path the account takes, and the open findings on them (`AuditReport.paths`).
    public private(set) var paths: [RouteVerdict]?
    public private(set) var openOnPaths: AuditReport.Summary?
    private var offPathFindings: Set<FindingIdentity>?
    /// Hashes of the distinct subjects, for `subjectCount`: 8 bytes per subject instead of its name and DN. Two
    /// subjects with the same 64-bit hash would be counted once — odds of about 1 in 10^9 at 100,000 subjects, for a
    /// figure that is only reported.
    private var subjects: Set<Int> = []
    private var lastSubject: Subject?
    private let spool: FindingList.Builder
    /// List passes and skipped findings too.
    public let listsEverything: Bool
    /// `scan`: the fix list, grouped as findings are listed (`Finding.fixGroup`); nil: no fix list.
    public var fixes: FixListBuilder?
    /// The accounts that may enroll through each CA and template (`scan`), for the fix list's count of accounts
    /// behind a principal's, template's or CA's own finding.
    public var reach = FixReach()

    public init(listsEverything: Bool) {
        self.init(listsEverything: listsEverything, spool: FindingList.Builder())
    }

    /// A tally whose spool moves to `directory` (nil: `$TMPDIR`) past `memoryLimit` bytes.
    init(listsEverything: Bool, spool: FindingList.Builder) {
        self.listsEverything = listsEverything
        self.spool = spool
    }

    public var subjectCount: Int { subjects.count }

    /// The findings to list, in the order they were added, as a stream.
    public var findings: FindingList { spool.list }

    /// The findings to list, all in memory at once: for tests and small jobs; reports stream `findings`.
    public var listed: [Finding] { Array(findings) }

    /// Counts `findings` and spools the ones to list; `renderings`, when given, has one per finding to list, in order
    /// (`FindingRendering`), made at `level`. `ca`: the CA the findings were judged on, for the fix list.
    public mutating func add(_ findings: [Finding], renderings: [[UInt8]] = [], level: UInt8 = 0, ca: String? = nil) {
        var rendered = renderings.makeIterator()
        for finding in findings {
            summary[finding.status] += 1
            if finding.isOpen || finding.status == .pass || finding.status == .skipped || finding.status == .manual {
                open[finding.status] += 1
            }
            note(finding.subject)
            if listsEverything || (finding.status != .pass && finding.status != .skipped) {
                fixes?.add(finding, ca: ca)
                if let rendering = rendered.next() {
                    spool.append(finding, rendering: rendering, level: level)
                } else {
                    spool.append(finding)
                }
            }
        }
    }

    /// Counts findings that are not listed, all about `subject`: the passes and skipped findings of a scan without
    /// `--include-passed`, which the scan counts where it judges instead of building them (`ScanJob.Judgement`).
    public mutating func count(_ counted: AuditReport.Summary, about subject: Subject) {
        guard counted != AuditReport.Summary() else { return }
        summary += counted
        open += counted
        note(subject)
    }

    /// Adds `subject` to the distinct subjects. An account's findings come together: its subject is hashed once, not
    /// once per finding.
    private mutating func note(_ subject: Subject) {
        guard subject != lastSubject else { return }
        var hasher = Hasher()
        hasher.combine(subject.kind.rawValue)
        hasher.combine(subject.dn ?? subject.name)
        subjects.insert(hasher.finalize())
        lastSubject = subject
    }

    public mutating func note(_ principal: PrincipalNote) {
        if !principals.contains(principal) { principals.append(principal) }
    }

    /// Notes the paths' verdicts; with no path at all (no template to enroll anywhere), the exit status stays that of
    /// every finding.
    public mutating func note(_ verdicts: RouteVerdictTally) {
        guard !verdicts.isEmpty else { return }
        paths = verdicts.verdicts
        openOnPaths = verdicts.open
        offPathFindings = verdicts.offPath
    }

    /// The report of a finished run; its findings are the ones listed up to now.
    public func report(
        command: String, target: String?, startedAt: Date, finishedAt: Date = Date(), version: String
    ) -> AuditReport {
        var report = AuditReport(
            tool: .init(version: version), command: command, startedAt: startedAt,
            durationMs: max(0, Int((finishedAt.timeIntervalSince(startedAt) * 1000).rounded())), summary: summary,
            findings: findings, target: target, subjectsScanned: subjects.count,
            principals: principals.isEmpty ? nil : principals, open: open)
        report.paths = paths
        report.openOnPaths = openOnPaths
        report.offPathFindings = offPathFindings
        report.fixes = fixes?.groups(reach: reach)
        return report
    }
}
