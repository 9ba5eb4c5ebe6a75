import Foundation
import TestSupport
import Testing

@testable import DirectoryAccess

/// Every capability of the directory layer, against the real Samba AD DC of `scripts/testbed`.
@Suite(.requiresTestBed)
struct BindIntegrationTests {
    @Test func ldapsSimpleBindVerifiesTheCertificate() async throws {
        let directory = try await TestBed.connect()
        let session = try #require(await directory.session)
        #expect(session.tls == .ldaps)
        #expect(session.tlsVerified)
        #expect(session.mechanism == "simple")
        #expect(session.boundIdentity == (try TestBed.value("CES_TEST_ADMIN_DN")))
        // Samba 4.17 has no WhoAmI: the identity is the bind DN, and said so.
        let root = try #require(await directory.rootDSE)
        #expect(session.identitySource == (root.supportsWhoAmI ? .whoAmI : .bindDN))
        #expect(root.dnsHostName == "dc01.corp.example.test")
        #expect(root.defaultNamingContext == (try TestBed.baseDN))
        #expect(root.configurationNamingContext == "CN=Configuration," + (try TestBed.baseDN))
        #expect(root.supportedSASLMechanisms.contains("GSSAPI"))
        #expect(root.domainControllerFunctionality != nil)
    }

    @Test func ldapsWithAnUntrustedCAIsRejected() async throws {
        let configuration = try TestBed.configuration(tls: .verify(caFile: TestBed.value("CES_TEST_WRONG_CA_FILE")))
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .tlsFailure, "\(error)")
        #expect(error.description.contains("TLS handshake failed"))
    }

    @Test func certificateForAnotherHostNameIsRejected() async throws {
        // The test bed certificate names dc01.corp.example.test, dc01 and 127.0.0.1 — not localhost.
        let configuration = try TestBed.configuration(uris: [LDAPURI(parsing: "ldaps://localhost")])
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .tlsFailure, "\(error)")
    }

    @Test func startTLSWithAnUntrustedCAIsRejected() async throws {
        let configuration = try TestBed.configuration(
            uris: [TestBed.ldapURI], startTLS: true, tls: .verify(caFile: TestBed.value("CES_TEST_WRONG_CA_FILE")))
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .tlsFailure, "\(error)")
    }

    @Test func insecureTLSSkipsVerificationAndSaysSo() async throws {
        let configuration = try TestBed.configuration(tls: .insecure)
        let directory = try await DirectoryConnection.connect(configuration)
        let session = try #require(await directory.session)
        #expect(session.tls == .ldaps)
        #expect(!session.tlsVerified)
    }

    @Test func startTLSUpgradesPlainLDAP() async throws {
        let directory = try await TestBed.connect(uris: [TestBed.ldapURI], startTLS: true)
        let session = try #require(await directory.session)
        #expect(session.tls == .startTLS)
        #expect(session.tlsVerified)
    }

    @Test func plainSimpleBindIsRefusedLikeAD() async throws {
        let configuration = try TestBed.configuration(uris: [TestBed.ldapURI])
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .strongerAuthRequired)
        #expect(error.code == 8)
        #expect(error.diagnostic?.contains("Transport encryption required") == true)
    }

    @Test func wrongPasswordIsInvalidCredentials() async throws {
        let credentials = ConnectionConfiguration.Credentials.simple(
            bindDN: try TestBed.value("CES_TEST_READER_DN"), password: Secret("not-the-password-1!"))
        let configuration = try TestBed.configuration(credentials: credentials)
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .invalidCredentials)
        #expect(error.code == 49)
        #expect(!error.description.contains("not-the-password-1!"))
    }

    @Test func gssapiFromKeytabSealsPlainLDAP() async throws {
        let directory = try await TestBed.connect(uris: [TestBed.ldapURI], credentials: TestBed.keytab)
        let session = try #require(await directory.session)
        #expect(session.mechanism == "GSSAPI")
        #expect(session.tls == .none)
        #expect(session.saslSecurityStrength > 1, "plain LDAP must be sealed, SSF \(session.saslSecurityStrength)")
        #expect(session.boundIdentity?.lowercased().hasPrefix("ces-reader@") == true)
        // Authenticated reads work: the reader finds itself.
        var found: [LDAPEntry] = []
        for try await batch in directory.search(
            SearchRequest(
                base: try TestBed.baseDN, filter: LDAPFilter.equals("sAMAccountName", "ces-reader"),
                attributes: ["objectSid"]))
        {
            found += batch
        }
        #expect(found.count == 1)
    }

    /// Inside TLS the tool asks for no SASL security layer (maxssf=0), as AD requires ("Sign or Seal are not
    /// allowed if TLS is used"). Samba 4.17 with `ldap server require strong auth = yes` then refuses the bind
    /// because it wants sign/seal anyway — AD accepts it. Canary: this flips when Samba behaves like AD.
    @Test func gssapiInsideTLSAsksForNoSecurityLayer() async throws {
        let configuration = try TestBed.configuration(credentials: TestBed.keytab)
        do {
            let directory = try await DirectoryConnection.connect(configuration)
            let session = try #require(await directory.session)
            #expect(session.saslSecurityStrength == 0)
            Issue.record("Samba now accepts GSSAPI without a security layer inside TLS: update this canary")
        } catch let error as LDAPError {
            #expect(error.kind == .strongerAuthRequired, "\(error)")
            #expect(error.diagnostic?.contains("Sign or Seal are required") == true, "\(error)")
        }
    }

    @Test func keytabForAnotherPrincipalFailsClearly() async throws {
        let credentials = ConnectionConfiguration.Credentials.kerberosKeytab(
            path: try TestBed.value("CES_TEST_KEYTAB"),
            principal: "nobody-here@" + (try TestBed.value("CES_TEST_REALM")))
        let configuration = try TestBed.configuration(credentials: credentials)
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .authenticationFailure)
        #expect(error.description.contains("nobody-here"))
    }

    @Test func failsOverFromADeadURIToTheLiveOne() async throws {
        let dead = try LDAPURI(parsing: "ldaps://127.0.0.1:\(try closedPort())")
        let directory = try await TestBed.connect(uris: [dead, TestBed.ldapsURI])
        let session = try #require(await directory.session)
        #expect(session.uri == (try TestBed.ldapsURI).description)
        #expect(session.failedURIs.map(\.uri) == [dead.description])
    }

    @Test func noLiveURIIsServerDown() async throws {
        let dead = try LDAPURI(parsing: "ldap://127.0.0.1:\(try closedPort())")
        let configuration = try TestBed.configuration(uris: [dead], timeout: 3)
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .serverDown || error.kind == .connectError)
    }

    @Test(arguments: [("ldap", false), ("ldaps", false), ("ldap", true)])
    func silentServerTimesOut(scheme: String, startTLS: Bool) async throws {
        let listener = try SilentListener()
        let uri = try LDAPURI(parsing: "\(scheme)://127.0.0.1:\(listener.port)")
        let configuration = try TestBed.configuration(uris: [uri], startTLS: startTLS, timeout: 1.5)
        let error = try await #require(throws: LDAPError.self) { try await DirectoryConnection.connect(configuration) }
        #expect(error.kind == .timeout, "\(error)")
        // Without the watchdog an ldaps handshake with this listener never ends, so reaching this line is the
        // point. Alone it takes ~1.5 s, but in the full suite the test resumes only when a cooperative thread is
        // free, and CLI tests block a 2-core machine's threads for whole subprocess runs (150 s seen on a loaded
        // machine): the time bound is checked in a separate process (DoctorCommandTests.silentServerIsCutAfterTheTimeout).
        withExtendedLifetime(listener) {}
    }
}

@Suite(.requiresTestBed)
struct SearchIntegrationTests {
    static let bulkAttributes = ["userAccountControl", "mail", "objectSid", "sAMAccountName", "cn"]

    @Test func pagedSearchWithTinyPagesMatchesLdapsearch() async throws {
        let base = try TestBed.value("CES_TEST_BULK_BASE")
        let filter = "(objectClass=user)"
        let directory = try await TestBed.connect(pageSize: 7)
        var mine: [String: LDAPEntry] = [:]
        var batches = 0
        for try await batch in directory.search(
            SearchRequest(base: base, filter: filter, attributes: Self.bulkAttributes))
        {
            #expect(batch.count <= 7)
            batches += 1
            for entry in batch { mine[entry.dn.lowercased()] = entry }
        }
        let expectedCount = Int(try TestBed.value("CES_TEST_BULK_COUNT"))
        #expect(mine.count == expectedCount)
        #expect(mine.count >= 2000)
        #expect(batches >= mine.count / 7)

        let reference = try ldapsearch(base: base, filter: filter, attributes: Self.bulkAttributes)
        #expect(reference.count == mine.count)
        var mismatches = 0
        for record in reference {
            guard let entry = mine[record.dn.lowercased()] else {
                mismatches += 1
                continue
            }
            for name in Self.bulkAttributes
            where Set(entry.values(name)) != Set(record.attributes[name.lowercased()] ?? []) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test func binaryAttributesStayBytes() async throws {
        let directory = try await TestBed.connect()
        let entry = try #require(
            await directory.read(
                "CN=ces-reader,CN=Users," + (try TestBed.baseDN), attributes: ["objectSid", "objectGUID"]))
        let sid = entry.values("objectSid").first ?? Data()
        #expect(sid.count == 28)
        #expect(Array(sid.prefix(8)) == [1, 5, 0, 0, 0, 0, 0, 5])
        #expect(entry.values("objectGUID").first?.count == 16)
        #expect(entry.strings("objectSid").isEmpty || entry.string("objectSid") != nil)
    }

    @Test func securityDescriptorNeedsTheSDFlagsControlForANonAdmin() async throws {
        let template =
            "CN=User,CN=Certificate Templates,CN=Public Key Services,CN=Services,CN=Configuration,"
            + (try TestBed.baseDN)
        let directory = try await TestBed.connect(credentials: TestBed.reader)
        let without = try #require(await directory.read(template, attributes: ["nTSecurityDescriptor"]))
        #expect(!without.contains("nTSecurityDescriptor"))
        let with = try #require(
            await directory.read(template, attributes: ["nTSecurityDescriptor"], securityDescriptorParts: .withoutSACL))
        let descriptor = try #require(with.values("nTSecurityDescriptor").first)
        #expect(descriptor.count > 20)
        #expect(descriptor[descriptor.startIndex] == 1)  // revision
        let control = UInt16(descriptor[descriptor.startIndex + 2]) | UInt16(descriptor[descriptor.startIndex + 3]) << 8
        #expect(control & 0x0004 != 0, "DACL present")
        #expect(control & 0x8000 != 0, "self-relative")
    }

    @Test func rangedAttributesAreCompletedTransparently() async throws {
        let group = try TestBed.value("CES_TEST_BIG_GROUP_DN")
        let size = Int(try TestBed.value("CES_TEST_BIG_GROUP_SIZE"))
        let directory = try await TestBed.connect()
        let entry = try #require(await directory.read(group, attributes: ["member;range=0-99"]))
        #expect(entry.values("member").count == size)
        #expect(Set(entry.values("member")).count == size)
        #expect(!entry.attributes.keys.contains { $0.contains("range") })
    }

    @Test func missingBaseIsNoSuchObjectWithMatchedDN() async throws {
        let directory = try await TestBed.connect()
        let base = "OU=does-not-exist," + (try TestBed.baseDN)
        let error = try await #require(throws: LDAPError.self) {
            for try await _ in directory.search(SearchRequest(base: base)) {}
        }
        #expect(error.kind == .noSuchObject)
        #expect(error.code == 32)
        #expect(error.diagnostic != nil, "the server's diagnostic text is carried")
        // AD names the deepest existing parent; Samba 4.17 sends no matched DN.
        if let matched = error.matchedDN { #expect(matched.lowercased() == (try TestBed.baseDN).lowercased()) }
    }

    @Test func badFilterIsAFilterError() async throws {
        let directory = try await TestBed.connect()
        let error = try await #require(throws: LDAPError.self) {
            for try await _ in directory.search(SearchRequest(base: try TestBed.baseDN, filter: "(cn=unclosed")) {}
        }
        #expect(error.kind == .filterError)
    }

    @Test func searchReferencesAreSkipped() async throws {
        // A subtree search from the domain root returns continuation references; they must not surface.
        let directory = try await TestBed.connect()
        var count = 0
        for try await batch in directory.search(
            SearchRequest(base: try TestBed.baseDN, filter: "(sAMAccountName=ces-reader)", attributes: ["cn"]))
        {
            count += batch.count
        }
        #expect(count == 1)
    }

    @Test func severalSearchesShareOneConnection() async throws {
        let directory = try await TestBed.connect(pageSize: 50)
        let base = try TestBed.value("CES_TEST_BULK_BASE")
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    var count = 0
                    for try await batch in directory.search(
                        SearchRequest(base: base, filter: "(objectClass=user)", attributes: ["cn"]))
                    {
                        count += batch.count
                    }
                    return count
                }
            }
            var all: [Int] = []
            for try await count in group { all.append(count) }
            return all
        }
        let expected = Int(try TestBed.value("CES_TEST_BULK_COUNT"))
        #expect(counts == [expected, expected, expected])
    }

    /// searchAll sends every first page before reading any answer; each search must still get exactly its own
    /// entries, all pages of them, and fail on its own.
    @Test func searchesSentTogetherAnswerLikeOneByOne() async throws {
        let directory = try await TestBed.connect(pageSize: 50)
        let base = try TestBed.value("CES_TEST_BULK_BASE")
        let baseDN = try TestBed.baseDN
        let requests = [
            SearchRequest(base: base, filter: "(objectClass=user)", attributes: ["cn"]),  // 2,100 in pages of 50
            SearchRequest(base: baseDN, scope: .base, attributes: ["objectSid"]),
            SearchRequest(base: "CN=no-such-entry," + baseDN, scope: .base, attributes: ["cn"]),
            SearchRequest(base: "OU=no-such-ou," + baseDN, filter: "(objectClass=*)", attributes: ["cn"]),
            SearchRequest(base: base, filter: "(cn=bulk-user-0007)", attributes: ["cn", "mail"], pageSize: 1),
        ]
        let together = await directory.searchAll(requests)
        #expect(together.count == requests.count)
        #expect(try together[0].get().count == Int(try TestBed.value("CES_TEST_BULK_COUNT")))
        #expect(try together[1].get().map(\.dn) == [baseDN])
        #expect(try together[2].get().isEmpty)  // a base read of a missing DN: no entry, no error
        #expect(throws: LDAPError.self) { try together[3].get() }  // a missing search base fails alone
        for (index, request) in requests.enumerated() where index != 2 && index != 3 {
            var alone: [LDAPEntry] = []
            for try await batch in directory.search(request) { alone += batch }
            #expect(Set(alone.map(\.dn)) == Set(try together[index].get().map(\.dn)), "request \(index)")
            #expect(
                alone.map { $0.values("cn") }.sorted { "\($0)" < "\($1)" }
                    == (try together[index].get()).map { $0.values("cn") }.sorted { "\($0)" < "\($1)" })
        }
    }

    private func ldapsearch(base: String, filter: String, attributes: [String]) throws -> [LDIF.Record] {
        let arguments =
            [
                "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-H", (try TestBed.ldapsURI).description,
                "-D", try TestBed.value("CES_TEST_ADMIN_DN"), "-y", try TestBed.value("CES_TEST_ADMIN_PASSWORD_FILE"),
                "-E", "pr=1000/noprompt", "-b", base, filter,
            ] + attributes
        let result = try run(
            arguments, environment: ["LDAPTLS_CACERT": try TestBed.caFile, "LDAPTLS_REQCERT": "demand"])
        guard result.status == 0 else { throw TestSetupError(description: "ldapsearch failed: \(result.stderr)") }
        return LDIF.parse(result.stdout)
    }
}
