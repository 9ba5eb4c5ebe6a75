import ADModel
import ArgumentParser
import CESAuditCore
import CESAuditReport
import Foundation

/// `ces-audit user ACCOUNT`: the per-user check before enrollment.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Check one account's enrollment paths through CES before it enrolls.",
        discussion: """
            First the verdict on each path the account takes (a template it may enroll, through a CES endpoint of a CA \
            that publishes it): CAN ENROLL, CANNOT ENROLL or CANNOT TELL, with the first blocking cause and its fix. \
            Then the findings on those paths, failures first; --all lists every rule.


            """
                + HelpText.discussion(
                    examples: [
                        "ces-audit user alice --domain corp.example.com",
                        #"ces-audit user 'CORP\alice' --template User --format json"#,
                        "ces-audit user WKS01 --evidence /var/lib/ces-audit/evidence",
                        "ces-audit user alice --all",
                    ], exitStatus: HelpText.userExitStatus))

    @Argument(help: "sAMAccountName, UPN or DN of the account that enrolls.")
    var account: String

    @Option(help: "Check only this published CES endpoint URL.")
    var endpoint: String?

    @Option(help: "Check only this certificate template (cn).")
    var template: String?

    @Option(help: "The CES application pool account (default: the HTTP/ SPN holder, else the host's computer account).")
    var serviceAccount: String?

    @Flag(help: "Text: after the verdicts, list every rule (passes included), grouped by subject.")
    var all = false

    @OptionGroup var probe: ProbeOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: JobOptions

    func validate() throws {
        guard !account.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("ACCOUNT is empty") }
        try probe.check(user: account)
    }

    func run() async throws {
        var job = UserJob(
            account: account, endpointURL: endpoint, templateName: template, serviceAccount: serviceAccount,
            probe: probe.request())
        var runner = JobRunner(command: "user", target: account, connection: connection, options: options)
        if let endpoint { runner.collectionScope = .endpoint(endpoint) }
        runner.foldsPasses = !all
        runner.samplesUserDescriptors = false
        try await runner.run {
            source, evaluator, file throws(JobError) in
            job.serviceAccount = job.serviceAccount ?? file.serviceAccount
            return try await job.run(source: source, evaluator: evaluator)
        }
    }
}

/// `ces-audit server CES-HOST`: the pre-deployment check of a CES server.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Check a (new) CES server: its principal's delegation, rights and CA.",
        discussion: HelpText.discussion(
            examples: [
                "ces-audit server ces01.corp.example.com",
                "ces-audit server ces02.corp.example.com --service-account svc-ces",
                "ces-audit server ces03.corp.example.com --ca CORP-CA --auth kerberos",
                "ces-audit server ces01.corp.example.com --format nagios",
            ], exitStatus: HelpText.jobExitStatus))

    @Argument(help: "The CES host (FQDN as in the endpoint URL).")
    var host: String

    @Option(help: "The CES application pool account (default: the HTTP/ SPN holder, else the host's computer account).")
    var serviceAccount: String?

    @Option(help: "The CA's common name (default: the only enterprise CA).")
    var ca: String?

    @Option(help: "A CES instance to check: kerberos, username or certificate (repeatable).")
    var auth: [AuthenticationArgument] = []

    @Flag(help: "The instances are renewal-only.")
    var renewalOnly = false

    @Flag(help: "The instances allow key-based renewal (implies --renewal-only).")
    var keyBasedRenewal = false

    @Option(help: "Live S4U probe (CES-K1): the account the CES principal acts for (with --probe-keytab).")
    var probeUser: String?

    @OptionGroup var probe: ProbeOptions
    @OptionGroup var endpointProbe: EndpointProbeOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: JobOptions

    func validate() throws {
        guard !host.isEmpty, !host.contains("/"), !host.contains(" ") else {
            throw ValidationError("CES-HOST must be a host name, e.g. ces01.corp.example.com")
        }
        if keyBasedRenewal && auth.contains(where: { $0 != .certificate }) {
            throw ValidationError("--key-based-renewal needs --auth certificate")
        }
        if probeUser != nil && probe.probeKeytab == nil {
            throw ValidationError("--probe-user needs --probe-keytab PATH")
        }
        try probe.check(user: probeUser)
    }

    func run() async throws {
        var job = ServerJob(
            host: host, serviceAccount: serviceAccount, caName: ca,
            authentications: auth.map(\.authentication),
            renewalOnly: renewalOnly || keyBasedRenewal, keyBasedRenewal: keyBasedRenewal, probeUser: probeUser,
            probe: probe.request())
        var runner = JobRunner(command: "server", target: host, connection: connection, options: options)
        runner.collectionScope = .cesHost(host, ca: ca, authentications: auth.map(\.authentication))
        try await runner.run {
            source, evaluator, file throws(JobError) in
            job.serviceAccount = job.serviceAccount ?? file.serviceAccount
            job.endpointProber = endpointProbe.prober(connection: connection, file: file)
            return try await job.run(source: source, evaluator: evaluator)
        }
    }
}

/// `--probe-keytab PATH [--probe-principal NAME]`: the live S4U probe's key (CES-K1). Spelled `--probe-…` because
/// `--keytab` / `--principal` are the LDAP bind's.
struct ProbeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Live S4U probe (CES-K1): keytab with the CES principal's key (only read; tickets stay in memory).",
            discussion: "The key lets its holder impersonate delegable users to the CA: keep the keytab mode 0600."))
    var probeKeytab: String?

    @Option(help: "The CES principal in --probe-keytab (default: the endpoint's CES principal as NAME@REALM).")
    var probePrincipal: String?

    /// Flags that go together; the keytab must be readable.
    func check(user: String?) throws {
        if probePrincipal != nil && probeKeytab == nil {
            throw ValidationError("--probe-principal needs --probe-keytab")
        }
        guard let probeKeytab else { return }
        guard user != nil else { throw ValidationError("--probe-keytab needs --probe-user ACCOUNT") }
        guard FileManager.default.isReadableFile(atPath: probeKeytab) else {
            throw ValidationError("cannot read the probe keytab \(probeKeytab)")
        }
    }

    func request() -> ProbeRequest? {
        probeKeytab.map { ProbeRequest(prober: KeytabDelegationProber(keytab: $0), principal: probePrincipal) }
    }
}

enum AuthenticationArgument: String, ExpressibleByArgument, CaseIterable {
    case kerberos, username, certificate

    var authentication: EnrollmentAuthentication {
        switch self {
        case .kerberos: .kerberos
        case .username: .usernamePassword
        case .certificate: .certificate
        }
    }
}

/// `ces-audit scan`: the scheduled audit of the whole deployment.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Audit every published CES endpoint, principal, CA, template and enrolling account.",
        discussion: HelpText.discussion(
            examples: [
                "ces-audit scan --config /etc/ces-audit/ces-audit.yaml",
                "ces-audit scan --all",
                "ces-audit scan --format prometheus --output /var/lib/prom/ces_audit.prom",
                "ces-audit scan --history /var/lib/ces-audit/history.sqlite --keep-runs 400",
                "ces-audit scan --format sarif --output ces-audit.sarif",
            ], exitStatus: HelpText.jobExitStatus))

    @Flag(
        help:
            "Text: list every finding, grouped by subject, instead of the fix list (the findings grouped by what one fix changes; --include-passed implies --all). JSON, SARIF and JUnit always list every finding with its group."
    )
    var all = false

    @Flag(help: "List passed and not-applicable findings too (they are always counted).")
    var includePassed = false

    @Flag(
        help:
            "Read each account's tokenGroups from the DC (one search per account) instead of working groups out from memberOf; for forests with several domains or SID history."
    )
    var exactGroups = false

    @OptionGroup var history: HistoryOptions
    @OptionGroup var endpointProbe: EndpointProbeOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: JobOptions

    func run() async throws {
        // JSON findings are rendered while accounts are judged, so writing the report is a copy.
        var job = ScanJob(
            includePassed: includePassed, exactGroups: exactGroups,
            rendering: options.effectiveFormat == .json ? JSONReporter.findingRendering : nil)
        let progress = ScanProgressLine.make()
        var runner = JobRunner(
            command: "scan", target: nil, connection: connection, options: options, history: history)
        // Passes asked for are passes to read: the fix list has none.
        runner.listsEveryFinding = all || includePassed
        try await runner.run {
            source, evaluator, file throws(JobError) in
            job.endpointProber = endpointProbe.prober(connection: connection, file: file)
            let tally = try await job.run(source: source, evaluator: evaluator, progress: progress)
            ScanProgressLine.finish(progress != nil)
            return tally
        }
    }
}

/// A progress line on stderr when stderr is a terminal; nothing otherwise.
enum ScanProgressLine {
    static func make() -> (@Sendable (ScanJob.Progress) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { progress in
            let rate = progress.elapsed > 0 ? Double(progress.accountsRead) / progress.elapsed : 0
            let line =
                "\r\u{1B}[K\(progress.phase): \(progress.accountsRead) accounts read, \(progress.requesters) enroll through CES, \(Int(rate)) accounts/s"
            Console.progress(line)
        }
    }

    static func finish(_ shown: Bool) {
        if shown { Console.progress("\r\u{1B}[K") }
    }
}
