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
        subcommands: [Doctor.self]
    )

    /// A synchronous entry point that waits for the async command: no `dispatchMain()`, whose parked main
    /// thread makes valgrind crash at exit (and the leak check is part of the test plan).
    static func main() {
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

    /// Help and version go to stdout with exit 0; any other parse error is one line and exit 64 (EX_USAGE).
    static func exit(with error: any Error) -> Never {
        let code = exitCode(for: error)
        if code == .success {
            Console.out(fullMessage(for: error))
            Foundation.exit(0)
        }
        if let exitCode = error as? ExitCode { Foundation.exit(exitCode.rawValue) }
        let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        Console.error("ces-audit: \(message.replacingOccurrences(of: "Error: ", with: ""))")
        Foundation.exit(code == .failure ? ExitStatus.usage : code.rawValue)
    }
}
