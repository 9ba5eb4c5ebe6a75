import ArgumentParser
import Foundation

/// The `ces-audit` command: a thin shell over the libraries. Parsing errors become one line on stderr and
/// exit 64; everything else is the subcommands' business.
@main
struct CESAudit: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ces-audit",
        abstract: "Audit Active Directory Certificate Services enrollment through CES (0x803D0013 causes).",
        version: version,
        subcommands: [
            UserCommand.self, ServerCommand.self, ScanCommand.self, SnapshotCommand.self, CollectCommand.self,
            HistoryCommand.self,
            RulesCommand.self, ExplainCommand.self, Doctor.self, ProbeEndpointCommand.self,
        ]
    )

    /// A synchronous entry point that waits for the async command: no `dispatchMain()`, whose parked main
    /// thread makes valgrind crash at exit (and the leak check is part of the test plan).
    static func main() {
        // A closed stdout (`| head`) or a DC that reset the connection must be an error we report, not a silent
        // death by signal.
        _ = signal(SIGPIPE, SIG_IGN)
        let done = DispatchSemaphore(value: 0)
        // Detached: main() runs on the main thread, which the semaphore blocks.
        Task.detached {
            await runCommand()
            done.signal()
        }
        done.wait()
        Foundation.exit(0)
    }

    private static func runCommand() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(with: error)
        }
    }

    /// Help and version go to stdout with exit 0. Usage errors are one line on stderr and exit 64 (EX_USAGE);
    /// anything else that escapes a command is one line and exit 3 (UNKNOWN: never a silent "ok").
    static func exit(with error: any Error) -> Never {
        if let exitCode = error as? ExitCode { Foundation.exit(exitCode.rawValue) }
        if let usage = error as? UsageError { usageError(usage.description) }
        let code = exitCode(for: error)
        if code == .success {
            Console.out(fullMessage(for: error))
            Foundation.exit(0)
        }
        let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var line = (lines.first ?? "\(error)").replacingOccurrences(of: "Error: ", with: "")
        // "Please provide one of the following:" and the values on the lines after it: one line that names them.
        if line.hasSuffix(":") {
            let values = lines.dropFirst().prefix { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
            if !values.isEmpty { line += " " + values.joined(separator: ", ") }
        }
        // ArgumentParser reports its own errors (unknown flag, failed validation) as validationFailure (64).
        if code == .validationFailure { usageError(line) }
        Console.error("ces-audit: \(line)")
        Foundation.exit(ExitStatus.unknown)
    }

    /// One line on stderr and exit 64. A Nagios check (`--format nagios` on the command line) answers 0–3 with a
    /// status line instead: UNKNOWN, exit 3.
    private static func usageError(_ message: String) -> Never {
        Console.error("ces-audit: \(message)")
        guard nagiosRequested(CommandLine.arguments) else { Foundation.exit(ExitStatus.usage) }
        Console.out("CES-AUDIT UNKNOWN - usage: \(message)")
        Foundation.exit(ExitStatus.unknown)
    }

    /// `--format nagios` or `--format=nagios` among the options (before a `--`).
    static func nagiosRequested(_ arguments: [String]) -> Bool {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { return false }
            if argument == "--format=nagios" { return true }
            if argument == "--format", arguments.dropFirst(index + 1).first == "nagios" { return true }
        }
        return false
    }
}
