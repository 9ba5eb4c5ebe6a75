import CESAuditCore
import Foundation
import GRDB

/// One recorded run, as `runs(limit:)` lists them.
public struct RunSummary: Sendable, Equatable {
    /// The row ID; increases with every recorded run.
    public var id: Int64
    /// `user`, `server` or `scan`.
    public var command: String
    /// The account, CES host or domain the run was for.
    public var target: String?
    /// When the run started.
    public var startedAt: Date
    /// How long it took.
    public var durationMs: Int
    /// The run's exit status (docs/contract.md).
    public var exitStatus: Int32
    /// Counts over every evaluated finding of the run.
    public var summary: AuditReport.Summary
    /// How many findings were open (stored) for the run.
    public var openFindings: Int
}

/// The run history of `scan --history PATH`: one SQLite file holding every run's counts and its open findings,
/// so each run can say what is new and what was resolved since the previous run of the same command and target.
///
/// Only open findings are stored (passes are the bulk of a scan and carry no history worth keeping).
public final class HistoryStore: Sendable {
    /// The file, as given.
    public let path: String
    private let queue: DatabaseQueue

    /// `PRAGMA application_id` of a ces-audit history ("CESA"), so another program's SQLite file is refused.
    static let applicationID: Int32 = 0x4345_5341

    /// Opens `path`, creating and migrating it as needed.
    /// - Throws: `HistoryError` when the file is damaged, belongs to something else, or cannot be opened.
    public init(path: String) throws(HistoryError) {
        self.path = path
        var configuration = Configuration()
        // Two scheduled runs may overlap; the second waits for the first's short write transaction.
        configuration.busyMode = .timeout(10)
        configuration.label = "ces-audit history"
        // A new history holds directory data (accounts and their findings): mode 0600, which SQLite gives its journal
        // files too. An existing file keeps the mode its owner chose.
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if created >= 0 { close(created) }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Self.migrator
            try queue.read { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if applicationID != Self.applicationID && (applicationID != 0 || objects > 0) {
                    throw HistoryError.notCESAuditDatabase(path: path)
                }
                if try migrator.hasBeenSuperseded(db) { throw HistoryError.newerSchema(path: path) }
            }
            try migrator.migrate(queue)
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("command", .text).notNull()
                table.column("target", .text)
                table.column("startedAt", .datetime).notNull()
                table.column("durationMs", .integer).notNull()
                table.column("exitStatus", .integer).notNull()
                // The statuses of v1, fixed: a status added later (manual) is not a column of existing databases.
                for status in ["pass", "warn", "fail", "unknown", "skipped"] {
                    table.column(status, .integer).notNull()
                }
            }
            try db.create(index: "run_by_job", on: "run", columns: ["command", "target", "startedAt"])
            try db.create(table: "finding") { table in
                table.belongsTo("run", onDelete: .cascade).notNull()
                table.column("ruleId", .text).notNull()
                table.column("subject", .text).notNull()
                table.column("endpoint", .text)
                table.column("status", .text).notNull()
                table.column("title", .text).notNull()
                table.column("message", .text).notNull()
            }
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        }
        // The identity grew the endpoint's flags and the template (one URL is published more than once; B2 and F1–F4
        // are per template). Findings of v1 runs have neither, so the first run after the upgrade reports those
        // findings once as resolved and new.
        migrator.registerMigration("v2") { db in
            try db.alter(table: "finding") { table in
                table.add(column: "endpointMode", .text)
                table.add(column: "template", .text)
                table.add(column: "ca", .text)
            }
        }
        return migrator
    }

    /// Stores `report` and returns what changed since the previous run of the same command and target: open
    /// findings (`Finding.isOpen`, by `Finding.identity`) that are new, resolved, or still open. One transaction.
    ///
    /// Memory stays flat however many findings a run has: the findings are read as a stream and inserted one
    /// prepared statement execution at a time, and identities are compared in SQLite, not in Sets: each run's go to
    /// a temporary table keyed by identity (which also keeps one row per identity), and what is new, resolved and
    /// still open are lookups between the two, read in key order (sorted as `FindingIdentity` sorts: SQLite compares
    /// UTF-8 bytes, which is Swift's order for the NFC text AD returns) and spooled like the findings — on a first
    /// run every open finding is new.
    public func record(_ report: AuditReport) throws(HistoryError) -> AuditReport.Changes {
        do {
            return try queue.write { db in
                let previous = try RunRow.filter(Column("command") == report.command)
                    .filter(sql: "target IS ?", arguments: [report.target])
                    .order(Column("startedAt").desc, Column("id").desc)
                    .fetchOne(db)

                var run = RunRow(report)
                try run.insert(db)
                let runID = run.id ?? db.lastInsertedRowID

                try Self.createIdentityTable("current_identity", db)
                defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.current_identity") }
                try Self.insertOpenFindings(of: report, runID: runID, db)
                guard let previous, let previousID = previous.id else {
                    return AuditReport.Changes(
                        previousRunAt: nil, new: try Self.identities("SELECT * FROM temp.current_identity", db),
                        resolved: [], stillOpen: 0)
                }

                try Self.createIdentityTable("previous_identity", db)
                defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.previous_identity") }
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO temp.previous_identity
                        SELECT ruleId, subject, ifnull(endpoint, ''), endpoint IS NOT NULL, ifnull(endpointMode, ''),
                            ifnull(template, ''), ifnull(ca, '')
                        FROM finding WHERE runId = ?
                        ORDER BY 1, 2, 3, 4, 5, 6, 7
                        """, arguments: [previousID])
                func missing(from table: String, in other: String) -> String {
                    """
                    SELECT * FROM temp.\(table) AS a WHERE NOT EXISTS (
                        SELECT 1 FROM temp.\(other) AS b WHERE b.ruleId = a.ruleId AND b.subject = a.subject
                            AND b.endpoint = a.endpoint AND b.hasEndpoint = a.hasEndpoint
                            AND b.endpointMode = a.endpointMode AND b.template = a.template AND b.ca = a.ca)
                    """
                }
                let now = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.current_identity") ?? 0
                let new = try Self.identities(missing(from: "current_identity", in: "previous_identity"), db)
                return AuditReport.Changes(
                    previousRunAt: previous.startedAt, new: new,
                    resolved: try Self.identities(missing(from: "previous_identity", in: "current_identity"), db),
                    stillOpen: now - new.count)
            }
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }

    /// A temporary table of identities, in `FindingIdentity` order. A missing endpoint is stored as an empty one
    /// with `hasEndpoint` 0, so it is told apart from an empty one (as `FindingIdentity` does) while sorting as
    /// `FindingIdentity` sorts it. A missing mode, template or CA is stored empty: none is ever empty when present.
    private static func createIdentityTable(_ name: String, _ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.\(name)")
        try db.execute(
            sql: """
                CREATE TEMP TABLE \(name) (
                    ruleId TEXT NOT NULL, subject TEXT NOT NULL, endpoint TEXT NOT NULL, hasEndpoint INTEGER NOT NULL,
                    endpointMode TEXT NOT NULL, template TEXT NOT NULL, ca TEXT NOT NULL,
                    PRIMARY KEY (ruleId, subject, endpoint, hasEndpoint, endpointMode, template, ca)) WITHOUT ROWID
                """)
    }

    /// One row per identity: two findings with the same identity are one issue across runs (the first is kept).
    private static func insertOpenFindings(of report: AuditReport, runID: Int64, _ db: Database) throws {
        let seen = try db.makeStatement(
            sql: "INSERT OR IGNORE INTO temp.current_identity VALUES (?, ?, ?, ?, ?, ?, ?)")
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO finding (
                    runId, ruleId, subject, endpoint, endpointMode, template, ca, status, title, message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for finding in report.findings where finding.isOpen {
            let identity = finding.identity
            try seen.execute(arguments: [
                identity.ruleId, identity.subject, identity.endpoint ?? "", identity.endpoint != nil,
                identity.endpointMode ?? "", identity.template ?? "", identity.ca ?? "",
            ])
            guard db.changesCount > 0 else { continue }
            try insert.execute(arguments: [
                runID, identity.ruleId, identity.subject, identity.endpoint, identity.endpointMode, identity.template,
                identity.ca, finding.status.rawValue, finding.title, finding.message,
            ])
        }
        // A findings spool that could not be read back must not be recorded as the run's open findings.
        try report.findings.throwIfUnreadable()
    }

    /// The rows of an identity table that `query` selects, in key order, spooled as they are read.
    private static func identities(_ query: String, _ db: Database) throws -> FindingIdentityList {
        let builder = FindingIdentityList.Builder()
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT * FROM (\(query)) ORDER BY ruleId, subject, endpoint, hasEndpoint, endpointMode, template, ca
                """)
        while let row = try rows.next() {
            let endpoint: String = row[2]
            let hasEndpoint: Bool = row[3]
            let mode: String = row[4]
            let template: String = row[5]
            let ca: String = row[6]
            builder.append(
                FindingIdentity(
                    ruleId: row[0], subject: row[1], endpoint: hasEndpoint ? endpoint : nil,
                    endpointMode: mode.isEmpty ? nil : mode, template: template.isEmpty ? nil : template,
                    ca: ca.isEmpty ? nil : ca))
        }
        return builder.list
    }

    /// The most recent runs first, at most `limit`; optionally only those of one command.
    public func runs(command: String? = nil, limit: Int = 20) throws(HistoryError) -> [RunSummary] {
        do {
            return try queue.read { db in
                var request = RunRow.order(Column("startedAt").desc, Column("id").desc).limit(max(0, limit))
                if let command { request = request.filter(Column("command") == command) }
                return try request.fetchAll(db).map { row in
                    let open = try FindingRow.filter(Column("runId") == row.id).fetchCount(db)
                    return row.summary(openFindings: open)
                }
            }
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }

    /// Retention: deletes all but the newest `count` runs of every command and target (with their findings).
    /// Returns how many runs were deleted.
    @discardableResult
    public func prune(keepingLast count: Int) throws(HistoryError) -> Int {
        try delete(
            sql: """
                DELETE FROM run WHERE id IN (
                    SELECT id FROM (
                        SELECT id, row_number() OVER (
                            PARTITION BY command, target ORDER BY startedAt DESC, id DESC) AS position
                        FROM run)
                    WHERE position > ?)
                """, arguments: [max(0, count)])
    }

    /// Retention: deletes the runs that started before `date` (with their findings). Returns how many.
    @discardableResult
    public func prune(olderThan date: Date) throws(HistoryError) -> Int {
        try delete(sql: "DELETE FROM run WHERE startedAt < ?", arguments: [date])
    }

    private func delete(sql: String, arguments: StatementArguments) throws(HistoryError) -> Int {
        do {
            return try queue.write { db in
                try db.execute(sql: sql, arguments: arguments)
                return db.changesCount
            }
        } catch {
            throw HistoryError.from(error, path: path)
        }
    }
}

/// A `run` row.
private struct RunRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "run"

    var id: Int64?
    var command: String
    var target: String?
    var startedAt: Date
    var durationMs: Int
    var exitStatus: Int32
    var pass: Int
    var warn: Int
    var fail: Int
    var unknown: Int
    var skipped: Int

    init(_ report: AuditReport) {
        command = report.command
        target = report.target
        startedAt = report.startedAt
        durationMs = report.durationMs
        exitStatus = report.exitStatus
        pass = report.summary.pass
        warn = report.summary.warn
        fail = report.summary.fail
        unknown = report.summary.unknown
        skipped = report.summary.skipped
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func summary(openFindings: Int) -> RunSummary {
        var counts = AuditReport.Summary()
        counts.pass = pass
        counts.warn = warn
        counts.fail = fail
        counts.unknown = unknown
        counts.skipped = skipped
        return RunSummary(
            id: id ?? 0, command: command, target: target, startedAt: startedAt, durationMs: durationMs,
            exitStatus: exitStatus, summary: counts, openFindings: openFindings)
    }
}

/// A `finding` row: one open finding of one run. Rows are inserted by `insertOpenFindings` with a prepared
/// statement (a record per row costs several times more at a scan's hundreds of thousands); this type counts them.
private struct FindingRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "finding"

    var runId: Int64
    var ruleId: String
    var subject: String
    var endpoint: String?
    var endpointMode: String?
    var template: String?
    var ca: String?
    var status: String
    var title: String
    var message: String
}
