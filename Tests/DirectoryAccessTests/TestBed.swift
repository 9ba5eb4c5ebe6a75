import Foundation
import Testing

@testable import DirectoryAccess

/// The Samba AD DC started by `scripts/testbed up`, described by the variables `scripts/testbed env` prints.
///
/// Locally, integration suites are skipped (with a reason) when those variables are absent. With CI=true
/// they are required: the suites run and fail, never skip.
struct TestBed {
    static let environment = ProcessInfo.processInfo.environment
    static let isRequired = environment["CI"] == "true" || environment["CES_REQUIRE_TESTBED"] == "1"
    static let isConfigured = environment["CES_TEST_LDAPS_URI"] != nil
    /// Gate for integration suites: run when configured, and always in CI (where a missing test bed fails).
    static let shouldRun = isConfigured || isRequired

    static func value(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw TestBedError(description: "\(name) is not set: run `eval \"$(scripts/testbed env)\"` after `scripts/testbed up`")
        }
        return value
    }

    static func uri(_ name: String) throws -> LDAPURI { try LDAPURI(parsing: try value(name)) }
    static var ldapURI: LDAPURI { get throws { try uri("CES_TEST_LDAP_URI") } }
    static var ldapsURI: LDAPURI { get throws { try uri("CES_TEST_LDAPS_URI") } }
    static var caFile: String { get throws { try value("CES_TEST_CA_FILE") } }
    static var baseDN: String { get throws { try value("CES_TEST_BASE_DN") } }

    static func password(_ variable: String) throws -> Secret {
        let path = try value(variable)
        return Secret(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines))
    }

    static var admin: ConnectionConfiguration.Credentials {
        get throws { .simple(bindDN: try value("CES_TEST_ADMIN_DN"), password: try password("CES_TEST_ADMIN_PASSWORD_FILE")) }
    }
    static var reader: ConnectionConfiguration.Credentials {
        get throws { .simple(bindDN: try value("CES_TEST_READER_DN"), password: try password("CES_TEST_READER_PASSWORD_FILE")) }
    }
    static var keytab: ConnectionConfiguration.Credentials {
        get throws { .kerberosKeytab(path: try value("CES_TEST_KEYTAB"), principal: try value("CES_TEST_PRINCIPAL")) }
    }

    /// LDAPS, verified against the test bed CA.
    static func configuration(
        uris: [LDAPURI]? = nil, credentials: ConnectionConfiguration.Credentials? = nil, startTLS: Bool = false,
        tls: ConnectionConfiguration.TLSVerification? = nil, timeout: Double = 20, pageSize: Int = 1000
    ) throws -> ConnectionConfiguration {
        ConnectionConfiguration(
            uris: try uris ?? [ldapsURI], startTLS: startTLS, tls: try tls ?? .verify(caFile: caFile),
            credentials: try credentials ?? admin, timeoutSeconds: timeout, pageSize: pageSize)
    }

    static func connect(
        uris: [LDAPURI]? = nil, credentials: ConnectionConfiguration.Credentials? = nil, startTLS: Bool = false,
        pageSize: Int = 1000
    ) async throws -> DirectoryConnection {
        try await DirectoryConnection.connect(
            configuration(uris: uris, credentials: credentials, startTLS: startTLS, pageSize: pageSize))
    }
}

struct TestBedError: Error, CustomStringConvertible {
    let description: String
}

/// Runs a command without standard input; returns its exit status, stdout and stderr.
func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, stdout: Data, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
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
    let errorText = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
    return (process.terminationStatus, data, errorText)
}
