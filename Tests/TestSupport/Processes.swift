import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program with no standard input and returns its exit status, stdout and stderr. With `outputReaderGone`
/// its stdout is a pipe nobody reads (as after `| head` has exited): the first write fails with EPIPE or SIGPIPE.
///
/// posix_spawn with descriptors we own, not Foundation's `Process`: the test process runs LDAP connections on
/// other threads at the same time, and a descriptor closed twice (swiftlang/swift#57827) can be the socket of
/// another test by then. Every descriptor here is opened close-on-exec and closed exactly once.
public func runProcess(
    _ executable: String, _ arguments: [String], environment extra: [String: String] = [:],
    outputReaderGone: Bool = false
) throws -> (status: Int32, stdout: Data, stderr: String) {
    let environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }.map { "\($0.key)=\($0.value)" }
    // stderr goes to a file so a chatty child can never block on a full pipe while we read stdout.
    let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("ces-audit-test-\(UUID().uuidString)")
        .path
    let errorFD = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard errorFD >= 0 else { throw TestSetupError(description: "cannot create \(errorPath)") }
    defer {
        close(errorFD)
        unlink(errorPath)
    }
    let nullFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
    guard nullFD >= 0 else { throw TestSetupError(description: "cannot open /dev/null") }
    defer { close(nullFD) }
    var pipeFDs: [Int32] = [-1, -1]
    // pipe() then FD_CLOEXEC (Glibc's module does not export pipe2): a child spawned by another thread in
    // between may inherit the ends, which only delays its EOF, never closes anything of ours.
    guard pipe(&pipeFDs) == 0 else { throw TestSetupError(description: "pipe failed") }
    for descriptor in pipeFDs { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    var readFD = pipeFDs[0]
    defer { if readFD >= 0 { close(readFD) } }
    if outputReaderGone {
        close(readFD)
        readFD = -1
    }
    var writeFD: Int32 = pipeFDs[1]
    defer { if writeFD >= 0 { close(writeFD) } }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, nullFD, 0)
    posix_spawn_file_actions_adddup2(&actions, writeFD, 1)
    posix_spawn_file_actions_adddup2(&actions, errorFD, 2)

    // The child starts with SIGPIPE at its default action, as from a shell: an ignored signal would be inherited
    // (this process ignores it once it has opened an LDAP connection).
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaultSignals = sigset_t()
    sigemptyset(&defaultSignals)
    sigaddset(&defaultSignals, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

    var pid: pid_t = 0
    let spawned = withCStrings([executable] + arguments) { argv in
        withCStrings(environment) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
    }
    guard spawned == 0 else {
        throw TestSetupError(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
    }
    close(writeFD)
    writeFD = -1

    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while readFD >= 0 {
        let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
        if count > 0 {
            output.append(contentsOf: buffer[..<count])
        } else if count == 0 || errno != EINTR {
            break
        }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS are macros; a signal shows as 128 + its number, as in a shell.
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let errorText = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    return (exitStatus, output, errorText)
}

/// Calls `body` with a NULL-terminated `char *[]` copy of `strings`.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
