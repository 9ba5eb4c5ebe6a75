import ArgumentParser
import CESAuditCore
import CESAuditReport
import DirectoryAccess
import Foundation

/// `ces-audit snapshot --output FILE`: collect once, evaluate later with `--snapshot FILE` (no AD needed then).
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Save what the jobs read from AD (and --evidence) to a file for offline evaluation.",
        discussion: HelpText.discussion(
            examples: [
                "ces-audit snapshot --output case-1234.json --account alice",
                "ces-audit snapshot --output domain.json --all-accounts",
                "ces-audit user alice --snapshot case-1234.json",
            ],
            exitStatus: """
                  0   written
                  3   AD unreachable or bind failed
                  64  usage error (bad flag, unknown account, file not writable)
                """))

    @Option(help: "The snapshot file to write (atomically, mode 0600: it holds directory data); - is stdout.")
    var output: String

    @Option(help: "An account to include for a later offline 'user' run (repeatable).")
    var account: [String] = []

    @Flag(help: "Include every enabled user and computer account (for an offline 'scan').")
    var allAccounts = false

    @Option(help: "Folder of host evidence to include.")
    var evidence: String?

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let file = try connection.configFile()
        let configuration = try connection.configuration(file: file)
        var snapshot: DirectorySnapshot
        do {
            let collector = SnapshotCollector(directory: try await DirectoryConnection.connect(configuration))
            snapshot = try await collector.collectInfrastructure()
            if let evidence {
                do { try snapshot.loadEvidence(from: evidence) } catch { throw UsageError("\(error)") }
                try await collector.resolveCertutilPrincipals(in: &snapshot)
            }
            let accountBase = try connection.accountBase(file: file, domainNC: snapshot.domain.defaultNamingContext)
            snapshot = try await SnapshotWriter(collector: collector, accountBase: accountBase).collect(
                into: snapshot, accounts: account, allEnabled: allAccounts)
        } catch let error as JobError {
            if case .usage(let message) = error { throw UsageError(message) }
            Console.error("ces-audit: cannot read AD: \(error)")
            throw ExitCode(ExitStatus.unknown)
        } catch let error as LDAPError {
            Console.error("ces-audit: cannot read AD: \(error)")
            throw ExitCode(ExitStatus.unknown)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(snapshot)
        if output == "-" {
            let stdout = OutputSink.standardOutput()
            do {
                try stdout.write(data)
                try stdout.flush()
            } catch {
                Console.exitOnLostOutput(error.code)
            }
        } else {
            do {
                // Directory data (accounts, groups, descriptors): for the one who took it.
                try AtomicFileWriter.write(data, to: output, mode: 0o600)
            } catch {
                throw UsageError(error.description)
            }
        }
        Console.error(
            "ces-audit: snapshot written to \(output): \(snapshot.enrollmentServices.value?.count ?? 0) CAs, \(snapshot.templates.value?.count ?? 0) templates, \(snapshot.accounts?.count ?? 0) accounts"
        )
    }
}
