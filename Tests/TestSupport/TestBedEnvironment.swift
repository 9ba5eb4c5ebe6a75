import Foundation

/// The Samba AD DC of `scripts/testbed`, described by the variables `scripts/testbed env` prints.
///
/// Locally, integration suites skip (with a reason) when those variables are absent. With CI=true or
/// CES_REQUIRE_TESTBED=1 they run and fail without a DC: they never skip.
public enum TestBedEnvironment {
    public static let variables = ProcessInfo.processInfo.environment
    public static let isRequired = variables["CI"] == "true" || variables["CES_REQUIRE_TESTBED"] == "1"
    public static let isConfigured = variables["CES_TEST_LDAPS_URI"] != nil
    /// Gate for integration suites.
    public static let shouldRun = isConfigured || isRequired
    public static let skipReason = "no test bed: run scripts/testbed up and eval \"$(scripts/testbed env)\""

    public static func value(_ name: String) throws -> String {
        guard let value = variables[name], !value.isEmpty else {
            throw TestSetupError(description: "\(name) is not set: \(skipReason)")
        }
        return value
    }

    public static func fileContents(_ variable: String) throws -> String {
        try String(contentsOfFile: try value(variable), encoding: .utf8).trimmingCharacters(in: .newlines)
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
