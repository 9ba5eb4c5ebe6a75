import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// A collector bound to the test bed as the non-admin reader, with the infrastructure snapshot and corp-CA01.
struct TestBedSnapshot {
    let context: RuleContext
    let collector: SnapshotCollector
    let ca: EnrollmentServiceRecord

    var base: String { context.snapshot.domain.defaultNamingContext }

    static func collect() async throws -> TestBedSnapshot {
        let configuration = ConnectionConfiguration(
            uris: [try LDAPURI(parsing: try TestBedEnvironment.value("CES_TEST_LDAPS_URI"))],
            tls: .verify(caFile: try TestBedEnvironment.value("CES_TEST_CA_FILE")),
            credentials: .simple(
                bindDN: try TestBedEnvironment.value("CES_TEST_READER_DN"),
                password: Secret(try TestBedEnvironment.fileContents("CES_TEST_READER_PASSWORD_FILE"))))
        let collector = SnapshotCollector(directory: try await DirectoryConnection.connect(configuration))
        let snapshot = try await collector.collectInfrastructure()
        let ca = try #require(snapshot.enrollmentServices.value?.first { $0.name == "corp-CA01" })
        return TestBedSnapshot(
            context: RuleContext(snapshot: snapshot, catalogue: .embedded), collector: collector, ca: ca)
    }

    func account(_ name: String) async throws -> AccountRecord {
        try #require(try await collector.findAccount(name, base: base))
    }

    /// `authFlag` 2 Kerberos, 4 username/password, 8 certificate.
    func endpoint(authFlag: UInt32, renewalOnly: Bool = false) throws -> EnrollmentServiceRecord.Endpoint {
        try #require(ca.endpoints.first { $0.authenticationFlag == authFlag && $0.renewalOnly == renewalOnly })
    }
}
