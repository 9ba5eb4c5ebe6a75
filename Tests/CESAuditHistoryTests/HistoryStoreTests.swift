import CESAuditHistory
import Foundation
import GRDB
import Testing

@testable import CESAuditCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct HistoryStoreTests {
    private let directory: URL
    private let path: String
    static let start = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("history.sqlite").path
    }

    private func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func finding(_ rule: String, _ name: String, _ status: Status, endpoint: String? = "https://ces01/CES")
        -> Finding
    {
        Finding(
            ruleId: rule, status: status, title: "title \(rule)",
            subject: .init(kind: .user, name: name, dn: "CN=\(name),DC=corp"), endpoint: endpoint, message: "m")
    }

    private func report(
        _ findings: [Finding], command: String = "scan", target: String? = "corp.example", day: Int = 0
    ) -> AuditReport {
        var summary = AuditReport.Summary()
        for finding in findings { summary[finding.status] += 1 }
        return AuditReport(
            tool: .init(version: "0.1.0"), command: command,
            startedAt: Self.start.addingTimeInterval(Double(day) * 86_400),
            durationMs: 1200, summary: summary, findings: findings, target: target)
    }

    private func waived(_ finding: Finding, expired: Bool) throws -> Finding {
        var finding = finding
        let json = #"{"reason":"accepted","expires":"2027-01-31","expired":\#(expired)}"#
        finding.waiver = try JSONDecoder().decode(Finding.WaiverNote.self, from: Data(json.utf8))
        return finding
    }

    @Test func firstRunHasNoPreviousAndEverythingOpenIsNew() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        let changes = try store.record(
            report([
                finding("CES-A1", "alice", .fail), finding("CES-A2", "alice", .pass), finding("CES-E1", "ca", .unknown),
                finding("CES-F8", "bob", .skipped), finding("CES-C6", "svc", .warn, endpoint: nil),
            ]))
        #expect(changes.previousRunAt == nil)
        #expect(
            changes.new.map(\.ruleId) == ["CES-A1", "CES-C6", "CES-E1"], "only fail, warn and unknown are open")
        #expect(changes.resolved.isEmpty)
        #expect(changes.stillOpen == 0)
    }

    /// The history holds accounts and their findings: a new file and its journals are the owner's alone; an existing
    /// file keeps the mode its owner gave it.
    @Test func aNewHistoryIsMode0600() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        _ = try store.record(report([finding("CES-A1", "alice", .fail)]))
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let file = directory.appendingPathComponent(name).path
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
        #expect(chmod(path, 0o640) == 0)
        _ = try HistoryStore(path: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o640)
    }

    @Test func secondRunReportsNewResolvedAndStillOpen() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        _ = try store.record(
            report([
                finding("CES-A1", "alice", .fail), finding("CES-A1", "bob", .fail), finding("CES-C6", "svc", .warn),
            ]))
        let changes = try store.record(
            report(
                [
                    finding("CES-A1", "alice", .fail),  // still open
                    finding("CES-A1", "bob", .pass),  // resolved
                    finding("CES-C6", "svc", .unknown),  // still open: the identity has no status
                    finding("CES-A1", "carol", .warn),  // new
                ], day: 1))
        #expect(changes.previousRunAt == Self.start)
        #expect(
            changes.new == [
                FindingIdentity(ruleId: "CES-A1", subject: "CN=carol,DC=corp", endpoint: "https://ces01/CES")
            ])
        #expect(
            changes.resolved == [
                FindingIdentity(ruleId: "CES-A1", subject: "CN=bob,DC=corp", endpoint: "https://ces01/CES")
            ])
        #expect(changes.stillOpen == 2)
    }

    @Test func theEndpointIsPartOfTheIdentity() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        _ = try store.record(report([finding("CES-A1", "alice", .fail, endpoint: "https://ces01/CES")]))
        let changes = try store.record(
            report([finding("CES-A1", "alice", .fail, endpoint: "https://ces02/CES")], day: 1))
        #expect(changes.new.map(\.endpoint) == ["https://ces02/CES"])
        #expect(changes.resolved.map(\.endpoint) == ["https://ces01/CES"])
        #expect(changes.stillOpen == 0)
    }

    @Test func runsAreComparedPerCommandAndTarget() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        _ = try store.record(report([finding("CES-A1", "alice", .fail)], command: "user", target: "alice"))
        _ = try store.record(report([finding("CES-A1", "bob", .fail)], command: "user", target: "bob", day: 1))
        _ = try store.record(report([finding("CES-A1", "x", .fail)], command: "scan", target: nil, day: 2))
        let changes = try store.record(
            report([finding("CES-A1", "alice", .fail)], command: "user", target: "alice", day: 3))
        #expect(changes.previousRunAt == Self.start)
        #expect(changes.new.isEmpty)
        #expect(changes.stillOpen == 1)
        let scanAgain = try store.record(report([], command: "scan", target: nil, day: 4))
        #expect(scanAgain.previousRunAt == Self.start.addingTimeInterval(2 * 86_400))
        #expect(scanAgain.resolved.map(\.subject) == ["CN=x,DC=corp"])
    }

    @Test func activelyWaivedFindingsAreNotOpen() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        let first = try store.record(
            report([
                try waived(finding("CES-A1", "alice", .fail), expired: false),
                try waived(finding("CES-A2", "alice", .fail), expired: true),
            ]))
        #expect(first.new.map(\.ruleId) == ["CES-A2"], "an expired waiver leaves the finding open")
        // A waiver that now applies resolves the finding; one that expired makes it new again.
        let second = try store.record(
            report(
                [
                    finding("CES-A1", "alice", .fail), try waived(finding("CES-A2", "alice", .fail), expired: false),
                ], day: 1))
        #expect(second.new.map(\.ruleId) == ["CES-A1"])
        #expect(second.resolved.map(\.ruleId) == ["CES-A2"])
        #expect(try store.runs(limit: 1).first?.openFindings == 1)
    }

    @Test func aLargeFirstRunIsRecordedAndReportedAsAStream() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        // Listed in reverse order and with duplicates: the changes come back sorted and once per identity.
        let count = 20_000
        let findings = (0..<count).reversed().flatMap { number in
            let finding = finding("CES-A\(number % 7)", String(format: "user%05d", number), .fail)
            return number % 10 == 0 ? [finding, finding] : [finding]
        }
        let first = try store.record(report(findings))
        #expect(first.new.count == count)
        #expect(first.resolved.isEmpty)
        let identities = Array(first.new)
        #expect(identities == identities.sorted())
        #expect(Set(identities).count == count)
        // On a first run every open finding is new: the list is spooled, not held.
        #expect(first.new.storedBytes.disk > 0)
        #expect(first.new.storedBytes.memory <= 512 * 1024 + 4096)  // the spool keeps 512 KiB in memory
        #expect(try store.runs(limit: 1).first?.openFindings == count)

        let kept = Array(findings.dropFirst(100))
        let resolved = Set(findings.map(\.identity)).subtracting(kept.map(\.identity))
        let second = try store.record(report(kept, day: 1))
        #expect(resolved.count > 80)
        #expect(second.stillOpen == count - resolved.count)
        #expect(second.new.isEmpty)
        #expect(Array(second.resolved) == resolved.sorted())
    }

    @Test func findingsThatCannotBeReadBackAreNotRecorded() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        let builder = FindingList.Builder(memoryLimit: 512, directory: directory.path)
        for number in 0..<50 { builder.append(finding("CES-A1", "user\(number)", .fail)) }
        var broken = report([])
        broken.findings = builder.list
        // The spool file swapped for an empty one: reading the findings back fails part way.
        let empty = open("/dev/null", O_RDONLY)
        #expect(dup2(empty, builder.spool.fileDescriptor) >= 0)
        close(empty)
        #expect(throws: HistoryError.self) { try store.record(broken) }
        #expect(try store.runs(limit: 10).isEmpty, "the transaction is rolled back")
    }

    @Test func aMissingEndpointIsNotAnEmptyOne() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        let changes = try store.record(
            report([finding("CES-C6", "svc", .warn, endpoint: nil), finding("CES-C6", "svc", .warn, endpoint: "")]))
        #expect(changes.new.count == 2)
        #expect(Set(changes.new.map(\.endpoint)) == [nil, ""])
        let again = try store.record(report([finding("CES-C6", "svc", .warn, endpoint: "")], day: 1))
        #expect(again.resolved.map(\.endpoint) == [nil])
        #expect(again.stillOpen == 1)
    }

    @Test func runsListsNewestFirstWithCounts() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        for day in 0..<3 {
            _ = try store.record(report([finding("CES-A1", "alice", .fail), finding("CES-A2", "a", .pass)], day: day))
        }
        _ = try store.record(report([finding("CES-A1", "alice", .warn)], command: "user", target: "alice", day: 5))
        let runs = try store.runs(limit: 3)
        #expect(runs.count == 3)
        #expect(runs.map(\.startedAt) == [5, 2, 1].map { Self.start.addingTimeInterval(Double($0) * 86_400) })
        #expect(runs[0].command == "user")
        #expect(runs[0].exitStatus == 1)
        #expect(runs[1].summary.fail == 1)
        #expect(runs[1].summary.pass == 1)
        #expect(runs[1].openFindings == 1)
        #expect(runs[1].target == "corp.example")
        #expect(try store.runs(command: "scan", limit: 10).count == 3)
    }

    @Test func historySurvivesReopening() throws {
        defer { cleanUp() }
        _ = try HistoryStore(path: path).record(report([finding("CES-A1", "alice", .fail)]))
        let changes = try HistoryStore(path: path).record(report([finding("CES-A1", "alice", .fail)], day: 1))
        #expect(changes.previousRunAt == Self.start)
        #expect(changes.stillOpen == 1)
    }

    @Test func pruneKeepsTheLastRunsOfEachJob() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        for day in 0..<5 { _ = try store.record(report([finding("CES-A1", "alice", .fail)], day: day)) }
        _ = try store.record(report([finding("CES-A1", "alice", .fail)], command: "user", target: "alice"))
        #expect(try store.prune(keepingLast: 2) == 3)
        let runs = try store.runs(limit: 100)
        #expect(
            runs.filter { $0.command == "scan" }.map(\.startedAt)
                == [4, 3].map { Self.start.addingTimeInterval(Double($0) * 86_400) })
        #expect(runs.filter { $0.command == "user" }.count == 1)
        // The next run still compares with the newest kept run.
        #expect(try store.record(report([], day: 6)).previousRunAt == Self.start.addingTimeInterval(4 * 86_400))
    }

    @Test func pruneOlderThanDeletesRunsAndTheirFindings() throws {
        defer { cleanUp() }
        let store = try HistoryStore(path: path)
        for day in 0..<4 { _ = try store.record(report([finding("CES-A1", "alice", .fail)], day: day)) }
        #expect(try store.prune(olderThan: Self.start.addingTimeInterval(2 * 86_400)) == 2)
        #expect(try store.runs(limit: 100).count == 2)
        #expect(try store.prune(olderThan: Self.start) == 0)
    }

    @Test func aFileThatIsNotSQLiteIsACleanError() throws {
        defer { cleanUp() }
        try Data(String(repeating: "not a database, just text\n", count: 200).utf8).write(
            to: URL(fileURLWithPath: path))
        #expect {
            _ = try HistoryStore(path: path)
        } throws: { error in
            guard case .corrupt(let errorPath, _) = error as? HistoryError else { return false }
            return errorPath == path && !"\(error)".contains("\n")
        }
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        defer { cleanUp() }
        let foreign = directory.appendingPathComponent("foreign.sqlite").path
        try DatabaseQueue(path: foreign).write { db in
            try db.execute(sql: "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        }
        #expect(throws: HistoryError.notCESAuditDatabase(path: foreign)) { _ = try HistoryStore(path: foreign) }

        let otherApplication = directory.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: otherApplication).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA application_id = 305419896")
        }
        #expect(throws: HistoryError.notCESAuditDatabase(path: otherApplication)) {
            _ = try HistoryStore(path: otherApplication)
        }
    }

    @Test func anEmptyFileBecomesAHistory() throws {
        defer { cleanUp() }
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        _ = try HistoryStore(path: path).record(report([finding("CES-A1", "alice", .fail)]))
        #expect(try HistoryStore(path: path).runs().count == 1)
    }

    @Test func aMissingDirectoryIsACleanError() throws {
        defer { cleanUp() }
        let missing = directory.appendingPathComponent("no/such/dir/history.sqlite").path
        #expect {
            _ = try HistoryStore(path: missing)
        } throws: { error in
            guard case .cannotOpen(let errorPath, _) = error as? HistoryError else { return false }
            return errorPath == missing && "\(error)".hasPrefix("cannot open history database \(missing)")
        }
    }
}
