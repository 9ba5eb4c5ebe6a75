import ArgumentParser
import CESAuditHistory
import Foundation

/// `ces-audit history PATH`: the runs a `scan --history PATH` kept, newest first. Needs no AD.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "List the runs kept by 'scan --history PATH'.",
        discussion: HelpText.discussion(
            examples: [
                "ces-audit history /var/lib/ces-audit/history.sqlite",
                "ces-audit history /var/lib/ces-audit/history.sqlite --limit 5 --format json",
            ], exitStatus: HelpText.listingExitStatus))

    @Argument(help: "The history file.")
    var path: String

    @Option(help: "How many runs to show.")
    var limit: Int = 20

    @Option(help: "Output format: text or json.")
    var format: ListingFormat = .text

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: path) else { throw UsageError("no history file \(path)") }
        let runs: [RunSummary]
        do {
            runs = try HistoryStore(path: path).runs(limit: limit)
        } catch {
            throw UsageError(error.description)
        }
        switch format {
        case .text:
            let lines = runs.map { run in
                let counts = run.summary
                return
                    "\(run.startedAt.iso8601UTC)  \(run.command) \(run.target ?? "-")  exit \(run.exitStatus)  fail \(counts.fail)  warn \(counts.warn)  unknown \(counts.unknown)  pass \(counts.pass)  open \(run.openFindings)  \(run.durationMs) ms"
            }
            Console.out(lines.isEmpty ? "no runs in \(path)" : lines.joined(separator: "\n"))
        case .json:
            struct Run: Encodable {
                let command: String
                let target: String?
                let startedAt: String
                let durationMs: Int
                let exitStatus: Int32
                let summary: [String: Int]
                let openFindings: Int
            }
            struct Listing: Encodable {
                let schemaVersion = 1
                let command = "history"
                let runs: [Run]
            }
            let listing = Listing(
                runs: runs.map {
                    Run(
                        command: $0.command, target: $0.target, startedAt: $0.startedAt.iso8601UTC,
                        durationMs: $0.durationMs, exitStatus: $0.exitStatus,
                        summary: [
                            "pass": $0.summary.pass, "warn": $0.summary.warn, "fail": $0.summary.fail,
                            "unknown": $0.summary.unknown, "skipped": $0.summary.skipped,
                        ], openFindings: $0.openFindings)
                })
            Console.out(try JSONOutput.encode(listing))
        }
    }
}
