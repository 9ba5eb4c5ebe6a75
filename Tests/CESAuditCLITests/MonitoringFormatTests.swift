import Foundation
import TestSupport
import Testing

/// What a monitoring system sees when a run cannot give a verdict: Nagios always gets a status line and 0–3, a
/// Prometheus textfile says the run failed. Needs no test bed.
@Suite struct MonitoringFormatTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ces-monitor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: [
        ["user", "alice", "--format", "nagios", "--bogus"],
        ["user", "alice", "--format=nagios", "--keep-runs", "1"],
        ["scan", "--format", "nagios", "--keep-runs", "0"],
        ["server", "bad/host", "--format", "nagios"],
        ["user", "alice", "--format", "nagios", "--site-policy", "/nonexistent.yaml", "--uri", "ldap://127.0.0.1:9"],
        ["user", "alice", "--format", "nagios", "--config", "/nonexistent.yaml"],
    ])
    func nagiosUsageErrorIsUnknownWithAStatusLine(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 3, "\(arguments): \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stdout)")
        #expect(lines.first?.hasPrefix("CES-AUDIT UNKNOWN - usage: ") == true, "\(result.stdout)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func otherFormatsKeepExit64ForUsageErrors() throws {
        let result = try CLI.run(["user", "alice", "--format", "json", "--bogus", "--", "--format", "nagios"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
    }

    /// The previous run's file said exit 2; a run that cannot reach AD replaces it with exit 3 and its own time.
    @Test func prometheusFailedRunWritesExitStatus3AndTheRunTime() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ces_audit.prom")
        try "ces_audit_exit_status{command=\"user\",target=\"alice\"} 2\n".write(
            to: file, atomically: true, encoding: .utf8)
        let port = try closedPort()
        let before = Date().timeIntervalSince1970
        let result = try CLI.run([
            "user", "alice", "--uri", "ldap://127.0.0.1:\(port)", "--timeout", "2", "--format", "prometheus",
            "--output", file.path,
        ])
        #expect(result.status == 3, "\(result.stderr)")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("ces_audit_exit_status{command=\"user\",target=\"alice\"} 3\n"), "\(text)")
        let timestamp = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("ces_audit_last_run_timestamp_seconds{") }?
                .split(separator: " ").last.flatMap { Double($0) })
        #expect(timestamp >= before.rounded(.down))
        #expect(text.contains("ces_audit_run_duration_seconds{command=\"user\",target=\"alice\"} "))
        try Promtool.check(file)
    }
}

/// `promtool check metrics` (Debian package prometheus, installed by scripts/setup): the exposition text as
/// Prometheus itself parses and lints it.
enum Promtool {
    struct Rejected: Error, CustomStringConvertible {
        let description: String
    }

    static func check(_ file: URL) throws {
        let result = try runProcess("/bin/sh", ["-c", "exec /usr/bin/promtool check metrics < \"$0\"", file.path])
        guard result.status == 0 else {
            throw Rejected(description: "promtool: \(String(decoding: result.stdout, as: UTF8.self)) \(result.stderr)")
        }
    }
}
