import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `ces-audit` (or another program) with no standard input.
enum CLI {
    /// The test bundle sits next to the products of the same build.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ces-audit").path
    }

    static func run(
        _ arguments: [String], executable: String? = nil, environment extra: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("ces-audit-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errorText = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), errorText)
    }
}

/// The variables `scripts/testbed env` prints. With CI=true (or CES_REQUIRE_TESTBED=1) suites never skip.
struct TestBedEnvironment {
    static let variables = ProcessInfo.processInfo.environment
    static let shouldRun =
        variables["CES_TEST_LDAPS_URI"] != nil || variables["CI"] == "true" || variables["CES_REQUIRE_TESTBED"] == "1"

    init() throws {
        guard Self.variables["CES_TEST_LDAPS_URI"] != nil else {
            throw SetupError(description: "test bed variables missing: eval \"$(scripts/testbed env)\"")
        }
    }

    subscript(_ name: String) -> String { Self.variables[name] ?? "" }
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
}

/// A loopback port nobody listens on.
func closedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw SetupError(description: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
            guard bind(descriptor, pointer, length) == 0 else { return -1 }
            return getsockname(descriptor, pointer, &length)
        }
    }
    guard bound == 0 else { throw SetupError(description: "bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
