import Foundation
import TestSupport

/// Runs the built `ces-audit` (or another program) with no standard input.
enum CLI {
    /// The test bundle sits next to the products of the same build.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ces-audit")
            .path
    }

    static func run(
        _ arguments: [String], executable: String? = nil, environment: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try runProcess(executable ?? binary, arguments, environment: environment)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
    }
}

/// Test bed variables by name; `init` fails when they are absent.
struct TestBed {
    init() throws { _ = try TestBedEnvironment.value("CES_TEST_LDAPS_URI") }
    subscript(_ name: String) -> String { TestBedEnvironment.variables[name] ?? "" }
}
