import Foundation

/// Counts every finding of a run and keeps the ones to list: all of them for `user` and `server`, the
/// non-pass ones for `scan` unless passes are asked for. Counting does not keep findings, so a scan over
/// the whole domain holds only what it lists.
public struct FindingTally: Sendable {
    public private(set) var summary = AuditReport.Summary()
    /// Counts of findings that are open (not waived); these decide the exit status.
    public private(set) var open = AuditReport.Summary()
    public private(set) var listed: [Finding] = []
    public private(set) var principals: [PrincipalNote] = []
    private var subjects: Set<String> = []
    /// List passes and skipped findings too.
    public let listsEverything: Bool

    public init(listsEverything: Bool) { self.listsEverything = listsEverything }

    public var subjectCount: Int { subjects.count }

    public mutating func add(_ findings: [Finding]) {
        for finding in findings {
            summary[finding.status] += 1
            if finding.isOpen || finding.status == .pass || finding.status == .skipped {
                open[finding.status] += 1
            }
            subjects.insert("\(finding.subject.kind.rawValue):\(finding.subject.dn ?? finding.subject.name)")
            if listsEverything || (finding.status != .pass && finding.status != .skipped) {
                listed.append(finding)
            }
        }
    }

    public mutating func note(_ principal: PrincipalNote) {
        if !principals.contains(principal) { principals.append(principal) }
    }

    /// The report of a finished run.
    public func report(
        command: String, target: String?, startedAt: Date, finishedAt: Date = Date(), version: String
    ) -> AuditReport {
        AuditReport(
            tool: .init(version: version), command: command, startedAt: startedAt,
            durationMs: max(0, Int((finishedAt.timeIntervalSince(startedAt) * 1000).rounded())), summary: summary,
            findings: listed, target: target, subjectsScanned: subjects.count,
            principals: principals.isEmpty ? nil : principals, open: open)
    }
}
