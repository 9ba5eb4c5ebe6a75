import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A helper program run with an exact argv and environment, killed (with everything it started) at a deadline.
///
/// posix_spawn with descriptors we own, not Foundation's `Process`: the CLI has LDAP connections open on other
/// threads, and a descriptor closed twice (swiftlang/swift#57827) could be one of theirs. The child leads its own
/// process group, so the deadline ends its children too (the collector starts smbclient). Its environment is
/// exactly `environment`: nothing of ours (a password in CES_AUDIT_PASSWORD, say) is inherited.
public struct ChildProcess: Sendable {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal's number (as a shell shows it).
        public var status: Int32
        public var standardOutput: Data
        public var standardError: String
        /// Killed at the deadline.
        public var timedOut: Bool
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]

    public init(executable: String, arguments: [String], environment: [String: String]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    /// Runs the child to its end or to `timeout` seconds, whichever comes first. `onLine` sees each line of its
    /// standard output as it arrives.
    public func run(timeout: Double, onLine: (String) -> Void = { _ in }) throws(ChildProcessError) -> Outcome {
        let nullFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard nullFD >= 0 else { throw ChildProcessError(executable: executable, message: "cannot open /dev/null") }
        defer { close(nullFD) }
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { throw ChildProcessError(executable: executable, message: "pipe failed") }
        guard pipe(&errorPipe) == 0 else {
            close(outputPipe[0])
            close(outputPipe[1])
            throw ChildProcessError(executable: executable, message: "pipe failed")
        }
        for descriptor in outputPipe + errorPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        defer {
            close(outputPipe[0])
            close(errorPipe[0])
        }
        var writeEnds = [outputPipe[1], errorPipe[1]]
        defer { for descriptor in writeEnds where descriptor >= 0 { close(descriptor) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, nullFD, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // SIGPIPE back to its default (we ignore it; the child would inherit that) and a process group of its own.
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var pid: pid_t = 0
        let environmentLines = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let spawned = Self.withCStrings([executable] + arguments) { argv in
            Self.withCStrings(environmentLines) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard spawned == 0 else {
            throw ChildProcessError(executable: executable, message: String(cString: strerror(spawned)))
        }
        for descriptor in writeEnds { close(descriptor) }
        writeEnds = []

        let deadline = Date().addingTimeInterval(timeout)
        var output = Data()
        var errors = Data()
        var pendingLine = Data()
        var open = [outputPipe[0], errorPipe[0]]
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                timedOut = true
                break
            }
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), Int32(min(remaining * 1000, 1000)) + 1)
            if ready < 0 && errno != EINTR { break }
            for entry in polled where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == outputPipe[0] {
                        output.append(contentsOf: buffer[..<count])
                        pendingLine.append(contentsOf: buffer[..<count])
                        while let newline = pendingLine.firstIndex(of: UInt8(ascii: "\n")) {
                            onLine(String(decoding: pendingLine[pendingLine.startIndex..<newline], as: UTF8.self))
                            pendingLine = Data(pendingLine[pendingLine.index(after: newline)...])
                        }
                    } else if errors.count < 1 << 20 {
                        errors.append(contentsOf: buffer[..<count])
                    }
                } else if count == 0 || errno != EINTR {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        if timedOut { kill(-pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Grandchildren that outlived their parent in its group (smbclient of a killed collector) go as well.
        if timedOut || (status & 0x7F) != 0 { kill(-pid, SIGKILL) }
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(
            status: exitStatus, standardOutput: output, standardError: String(decoding: errors, as: UTF8.self),
            timedOut: timedOut)
    }

    /// Calls `body` with a NULL-terminated `char *[]` copy of `strings`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

/// A helper program that could not be started.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public var executable: String
    public var message: String
    public var description: String { "cannot run \(executable): \(message)" }
}
