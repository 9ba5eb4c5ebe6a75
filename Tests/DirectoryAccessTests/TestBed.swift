import Foundation
import TestSupport
import Testing

@testable import DirectoryAccess

/// Connection settings for the test bed (variables from `scripts/testbed env`, via TestSupport).
struct TestBed {
    static func value(_ name: String) throws -> String { try TestBedEnvironment.value(name) }

    static func uri(_ name: String) throws -> LDAPURI { try LDAPURI(parsing: try value(name)) }
    static var ldapURI: LDAPURI { get throws { try uri("CES_TEST_LDAP_URI") } }
    static var ldapsURI: LDAPURI { get throws { try uri("CES_TEST_LDAPS_URI") } }
    static var caFile: String { get throws { try value("CES_TEST_CA_FILE") } }
    static var baseDN: String { get throws { try value("CES_TEST_BASE_DN") } }

    static func password(_ variable: String) throws -> Secret { Secret(try TestBedEnvironment.fileContents(variable)) }

    static var admin: ConnectionConfiguration.Credentials {
        get throws {
            .simple(bindDN: try value("CES_TEST_ADMIN_DN"), password: try password("CES_TEST_ADMIN_PASSWORD_FILE"))
        }
    }
    static var reader: ConnectionConfiguration.Credentials {
        get throws {
            .simple(bindDN: try value("CES_TEST_READER_DN"), password: try password("CES_TEST_READER_PASSWORD_FILE"))
        }
    }
    static var keytab: ConnectionConfiguration.Credentials {
        get throws { .kerberosKeytab(path: try value("CES_TEST_KEYTAB"), principal: try value("CES_TEST_PRINCIPAL")) }
    }

    /// LDAPS, verified against the test bed CA. The default limit bounds a hang, it measures nothing: generous,
    /// because the whole suite shares one DC on a 2-core machine, where an answer has taken over 5 s.
    static func configuration(
        uris: [LDAPURI]? = nil, credentials: ConnectionConfiguration.Credentials? = nil, startTLS: Bool = false,
        tls: ConnectionConfiguration.TLSVerification? = nil, timeout: Double = 60, pageSize: Int = 1000
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

/// Runs a command found on PATH.
func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (
    status: Int32, stdout: Data, stderr: String
) {
    try runProcess("/usr/bin/env", arguments, environment: environment)
}
