import ArgumentParser
import CESAuditCore
import CESAuditHistory
import CESAuditReport
import DirectoryAccess
import Foundation

/// What every job shares besides the connection: catalogue, site policy, host evidence and output.
struct JobOptions: ParsableArguments {
    @Option(help: "Output format: text, json, sarif, junit, nagios, prometheus or html (default text).")
    var format: OutputFormat?

    @Option(
        help: ArgumentHelp(
            "Write the report to this file (atomically) instead of stdout; - is stdout.",
            discussion:
                "A symbolic link is followed (its target is replaced); a device or FIFO is written in place."))
    var output: String?

    @Option(help: "Folder of host evidence: <host>/ca-security.*, secedit.inf, *.reg, … (layout: docs/contract.md).")
    var evidence: String?

    @Option(help: "Directory holding a catalogue.yaml that replaces the embedded one.")
    var policies: String?

    @Option(help: "Site policy file: waivers, severity overrides, disabled rules.")
    var sitePolicy: String?

    @Option(help: "Evaluate a snapshot saved by 'ces-audit snapshot' instead of reading AD.")
    var snapshot: String?

    @Flag(help: "Read the CA and CES hosts' evidence remotely first (as 'ces-audit collect'; config: collect: true).")
    var collect = false

    @OptionGroup var collection: CollectOptions

    @Flag(help: "Count manual checks (e.g. RPC reachability, CES-G1) as unknown in the exit status.")
    var strictManual = false

    func validate() throws {
        try collection.check()
    }

    /// These options with the config file's settings filled in where a flag was not given. The config file's
    /// `output` is the scheduled scan's (a textfile for the collector, say): it applies to `scan` only, and only as a
    /// whole when neither `--format` nor `--output` is given, so an interactive run never writes into it.
    func merged(with file: ConfigFile, command: String) -> JobOptions {
        var merged = self
        if command == "scan" && format == nil && output == nil {
            merged.format = file.output.format
            merged.output = file.output.path
        }
        merged.evidence = evidence ?? file.evidence
        merged.policies = policies ?? file.policies
        merged.sitePolicy = sitePolicy ?? file.sitePolicy
        merged.collect = collect || file.collect == true
        return merged
    }

    var effectiveFormat: OutputFormat { format ?? .text }

    /// The file the report goes to; nil for stdout (no `--output`, or `--output -`).
    var outputPath: String? { output == "-" ? nil : output }

    func catalogueAndPolicy() throws -> (RuleCatalogue, SitePolicy) {
        let catalogue = try CatalogueSource.load(policies)
        guard let sitePolicy else { return (catalogue, .none) }
        guard let data = FileManager.default.contents(atPath: sitePolicy) else {
            throw UsageError("cannot read site policy \(sitePolicy)")
        }
        do {
            return (
                catalogue,
                try SitePolicy(yaml: String(decoding: data, as: UTF8.self), file: sitePolicy, catalogue: catalogue)
            )
        } catch {
            throw UsageError("\(error)")
        }
    }
}

/// The pipeline every job runs: connect → collect → evaluate → report.
struct JobRunner {
    let command: String
    let target: String?
    let connection: ConnectionOptions
    let options: JobOptions
    /// `scan --history`: the run is recorded and compared with the previous one.
    var history: HistoryOptions? = nil
    /// `--collect`: the hosts this job reads.
    var collectionScope: CollectionScope = .everyHost
    /// `user` without `--all`: the text report folds the passes into a count after the paths' verdicts.
    var foldsPasses = false
    /// `scan --all`: the text report lists every finding instead of the fix list.
    var listsEveryFinding = false
    /// CES-C10's sample of users' descriptors is read (`SnapshotCollector.collectInfrastructure`); `user` checks
    /// the requester's own instead.
    var samplesUserDescriptors = true

    let startedAt = Date()

    /// Recorded runs the HTML report's trend draws at most.
    static let trendRuns = 30

    /// `job` also gets the config file, for settings of its own (the service account). A usage error found on the
    /// way ends the run as `fail` does, so a Nagios check still gets its status line.
    func run(
        _ job: (any DirectorySource, Evaluator, ConfigFile) async throws(JobError) -> FindingTally
    ) async throws -> Never {
        var options = options
        do {
            let file = try connection.configFile()
            options = options.merged(with: file, command: command)
            try await run(job, file: file, options: options)
        } catch let error as UsageError {
            fail(ExitStatus.usage, error.description, options)
        }
    }

    private func run(
        _ job: (any DirectorySource, Evaluator, ConfigFile) async throws(JobError) -> FindingTally,
        file: ConfigFile, options: JobOptions
    ) async throws -> Never {
        let history = try history.map { try $0.merged(with: file) }
        let (catalogue, policy) = try options.catalogueAndPolicy()
        var source = try await directorySource(options, file)
        var snapshot = source.snapshot
        if options.collect {
            guard options.evidence == nil else { throw UsageError("--collect and --evidence exclude each other") }
            // collected into a private temporary folder, evaluated as --evidence, then deleted
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let hostOptions = connection.merged(with: file)
            let collector = HostEvidenceCollector(options: options.collection, connection: hostOptions)
            let targets = HostCollectionPlan.targets(snapshot: snapshot, scope: collectionScope)
            let manifests = try collector.collect(targets, into: folder)
            let unknown = manifests.reduce(0) { $0 + $1.unknown.count }
            if unknown > 0 {
                Console.warning("host collection: \(unknown) datum(s) unknown; the rules that need them say why")
            }
            do { try snapshot.loadEvidence(from: folder) } catch { throw UsageError("\(error)") }
        } else if let evidence = options.evidence {
            do { try snapshot.loadEvidence(from: evidence) } catch { throw UsageError("\(error)") }
        }
        if options.collect || options.evidence != nil {
            if let live = source as? LiveDirectorySource {
                do { try await live.collector.resolveCertutilPrincipals(in: &snapshot) } catch {
                    Console.warning("certutil principal names not resolved through AD: \(error)")
                }
            }
            source = source.replacingSnapshot(snapshot)
        }
        let evaluator = Evaluator(
            context: RuleContext(snapshot: snapshot, catalogue: catalogue), policy: policy, now: startedAt)
        let tally: FindingTally
        do {
            tally = try await job(source, evaluator, file)
        } catch {
            switch error {
            case .usage(let message): fail(ExitStatus.usage, message, options)
            case .directory(let error): fail(ExitStatus.unknown, "cannot read AD: \(error)", options)
            case .nothingToCheck(let message): fail(ExitStatus.unknown, message, options)
            }
        }
        var report = tally.report(command: command, target: target, startedAt: startedAt, version: CESAudit.version)
        if options.strictManual || policy.countManualChecks { report.countsManualChecks = true }
        if let problem = report.findings.storageProblem {
            Console.warning("the listed findings are kept in memory instead of a temporary file: \(problem)")
        }
        var trend: [HTMLReporter.TrendPoint] = []
        if let history, let path = history.path {
            do {
                let store = try HistoryStore(path: path)
                report.changes = try store.record(report)
                if let keep = history.keepRuns { try store.prune(keepingLast: keep) }
                if options.effectiveFormat == .html {
                    trend = try store.runs(command: command, limit: Self.trendRuns).reversed().map {
                        HTMLReporter.TrendPoint(
                            startedAt: $0.startedAt, fail: $0.summary.fail, warn: $0.summary.warn,
                            unknown: $0.summary.unknown)
                    }
                }
            } catch {
                throw UsageError("history \(path): \(error)")
            }
        }
        // Colour only for a terminal, and never when NO_COLOR is set to anything (no-color.org).
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let useColor = options.outputPath == nil && isatty(STDOUT_FILENO) == 1 && !noColor
        let reporter = options.effectiveFormat.reporter(
            useColor: useColor, foldsPasses: foldsPasses, listsEveryFinding: listsEveryFinding, trend: trend)
        try publish(report, reporter, catalogue, options)
        Foundation.exit(report.exitStatus)
    }

    /// The saved snapshot (`--snapshot`), else the live directory with its infrastructure collected.
    private func directorySource(_ options: JobOptions, _ file: ConfigFile) async throws -> any DirectorySource {
        if let file = options.snapshot {
            do { return try SnapshotDirectorySource(file: file) } catch {
                fail(ExitStatus.usage, error.description, options)
            }
        }
        let configuration = try connection.configuration(file: file)
        do {
            let directory = try await DirectoryConnection.connect(configuration)
            // Failover is noted on every run: a dead DC must not go unnoticed because another one answered.
            for failed in await directory.session?.failedURIs ?? [] {
                Console.warning("skipped \(failed.uri): \(failed.error)")
            }
            let collector = SnapshotCollector(directory: directory)
            collector.connectGlobalCatalogAhead()
            let snapshot = try await collector.collectInfrastructure(sampleUsers: samplesUserDescriptors)
            let accountBase: String?
            do {
                accountBase = try connection.accountBase(file: file, domainNC: snapshot.domain.defaultNamingContext)
            } catch {
                fail(ExitStatus.usage, error.description, options)
            }
            return LiveDirectorySource(collector: collector, snapshot: snapshot, accountBase: accountBase)
        } catch {
            fail(ExitStatus.unknown, "cannot read AD: \(error)", options)
        }
    }

    /// Streams the report to `--output` (atomically) or stdout: the findings are read from their spool as they are
    /// written, so the report is never whole in memory.
    private func publish(
        _ report: AuditReport, _ reporter: any Reporter, _ catalogue: RuleCatalogue, _ options: JobOptions
    ) throws {
        guard let path = options.outputPath else {
            let output = OutputSink.standardOutput()
            try reporter.write(report, catalogue: catalogue, to: output)
            try output.flush()
            // Too late to take back what stdout got, but the run must not end as if the report were complete.
            try report.throwIfUnreadable()
            return
        }
        do {
            try AtomicFileWriter.write(to: path) { output in
                try reporter.write(report, catalogue: catalogue, to: output)
                // Before the rename: a report whose findings could not all be read back is never published.
                try report.throwIfUnreadable()
            }
        } catch let error as AtomicWriteError {
            throw UsageError(error.description)
        }
    }

    /// One line on stderr, then exit. A monitoring format says so too: Nagios gets an UNKNOWN status line and exit
    /// 3 (a plugin answers 0–3, usage errors included); a Prometheus textfile gets exit status 3 and this run's time,
    /// so the previous run's file does not go on reporting its verdict.
    private func fail(_ status: Int32, _ message: String, _ options: JobOptions) -> Never {
        switch options.effectiveFormat {
        case .nagios:
            Console.out("CES-AUDIT UNKNOWN - \(status == ExitStatus.usage ? "usage: " : "")\(message)")
            Console.error("ces-audit: \(message)")
            Foundation.exit(ExitStatus.unknown)
        case .prometheus:
            let text = PrometheusReporter.failedRun(
                command: command, target: target, startedAt: startedAt,
                durationMs: Int(Date().timeIntervalSince(startedAt) * 1000))
            if let path = options.outputPath {
                do { try AtomicFileWriter.write(Data(text.utf8), to: path) } catch {
                    Console.error("ces-audit: \(error.description)")
                }
            }
        default:
            break
        }
        Console.error("ces-audit: \(message)")
        Foundation.exit(status)
    }
}

/// `scan --history PATH [--keep-runs N]`.
struct HistoryOptions: ParsableArguments {
    @Option(help: "SQLite file keeping each run; the report then says what is new and what was resolved.")
    var history: String?

    @Option(help: "With --history: keep only the newest N runs (per job and target).")
    var keepRuns: Int?

    var path: String? { history }

    /// The flags with the config file's `history` section filled in; `--keep-runs` needs a history file from
    /// either (checked here, after the merge, so that the file's `history.path` counts).
    func merged(with file: ConfigFile) throws -> HistoryOptions {
        var merged = self
        merged.history = history ?? file.history.path
        merged.keepRuns = keepRuns ?? file.history.keepRuns
        if merged.keepRuns != nil && merged.history == nil {
            throw UsageError("--keep-runs (or history.keepRuns) needs --history or history.path in the config file")
        }
        return merged
    }

    func validate() throws {
        if let keepRuns, keepRuns < 1 { throw ValidationError("--keep-runs must be at least 1") }
    }
}
