import Foundation

/// Runs a program with no standard input and returns its exit status, stdout and stderr.
public func runProcess(
    _ executable: String, _ arguments: [String], environment extra: [String: String] = [:]
) throws -> (status: Int32, stdout: Data, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    // stderr goes to a file so a chatty child can never block on a full pipe while we read stdout.
    let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("ces-audit-test-\(UUID().uuidString)")
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
    return (process.terminationStatus, data, (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
}
