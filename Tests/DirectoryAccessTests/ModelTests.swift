import Foundation
import Testing

@testable import DirectoryAccess

@Suite struct LDAPURITests {
    @Test(arguments: [
        ("ldap://dc01.corp.example.test", "ldap://dc01.corp.example.test"),
        ("LDAPS://127.0.0.1:636/", "ldaps://127.0.0.1:636"),
        ("ldap://[::1]:389", "ldap://[::1]:389"),
    ])
    func parsesValidURIs(input: String, expected: String) throws {
        #expect(try LDAPURI(parsing: input).description == expected)
    }

    @Test(arguments: [
        "http://dc01", "ldap://", "ldap://dc01:0", "ldap://dc01:70000", "ldap://dc01:x", "ldap://dc01/DC=x",
        "ldap://user@dc01", "ldap://dc 01", "ldap://[::1",
    ])
    func rejectsInvalidURIs(input: String) {
        #expect(throws: LDAPURIError.self) { try LDAPURI(parsing: input) }
    }

    /// CES-C8's forest search: the global catalog of the same server, 3268 plain / 3269 over LDAPS.
    @Test(arguments: [
        ("ldap://dc01.corp.example.test", "ldap://dc01.corp.example.test:3268"),
        ("ldaps://127.0.0.1:636", "ldaps://127.0.0.1:3269"),
        ("ldap://[::1]:10389", "ldap://[::1]:3268"),
    ])
    func globalCatalogIsTheSameHostOnTheGCPort(input: String, expected: String) throws {
        #expect(try LDAPURI(parsing: input).globalCatalog.description == expected)
    }
}

@Suite struct AttributeRangeTests {
    @Test func parsesIntermediateChunk() throws {
        let range = try #require(AttributeRange(parsing: "member;range=0-1499"))
        #expect(range.attribute == "member")
        #expect(range.low == 0)
        #expect(range.high == 1499)
        #expect(range.nextRequest == "member;range=1500-*")
    }

    @Test func parsesFinalChunk() throws {
        let range = try #require(AttributeRange(parsing: "member;range=1500-*"))
        #expect(range.high == nil)
        #expect(range.nextRequest == nil)
    }

    @Test func keepsOtherOptions() throws {
        let range = try #require(AttributeRange(parsing: "userCertificate;binary;range=0-9"))
        #expect(range.attribute == "userCertificate;binary")
    }

    @Test(arguments: [
        "member", "member;binary", "member;range=", "member;range=5-2", "member;range=a-b", "member;range=0",
    ])
    func rejectsNonRanges(input: String) {
        #expect(AttributeRange(parsing: input) == nil)
    }
}

@Suite struct LDAPEntryTests {
    @Test func attributeNamesAreCaseInsensitive() {
        var entry = LDAPEntry(dn: "CN=x", attributes: [("objectSid", [Data([1, 5])]), ("mail", [Data("a@b".utf8)])])
        #expect(entry.values("OBJECTSID") == [Data([1, 5])])
        #expect(entry.string("Mail") == "a@b")
        entry.append([Data("c@d".utf8)], to: "MAIL")
        #expect(entry.strings("mail") == ["a@b", "c@d"])
        #expect(entry.attributeNames["mail"] == "mail")
        #expect(entry.removeValues("Mail").count == 2)
        #expect(!entry.contains("mail"))
    }

    @Test func invalidUTF8IsNotMangledIntoText() {
        let entry = LDAPEntry(dn: "CN=x", attributes: [("v", [Data([0xff, 0xfe]), Data("ok".utf8)])])
        #expect(entry.strings("v") == ["ok"])
        #expect(entry.values("v").count == 2)
    }

    @Test func integerValues() {
        let entry = LDAPEntry(dn: "CN=x", attributes: [("userAccountControl", [Data("1114624".utf8)])])
        #expect(entry.integer("userAccountControl") == 1_114_624)
    }
}

@Suite struct LDAPErrorTests {
    @Test(arguments: [
        (Int32(49), LDAPError.Kind.invalidCredentials), (8, .strongerAuthRequired), (13, .confidentialityRequired),
        (4, .sizeLimitExceeded), (3, .timeLimitExceeded), (32, .noSuchObject), (51, .busy), (52, .unavailable),
        (-1, .serverDown), (-5, .timeout), (-7, .filterError), (-11, .connectError), (50, .insufficientAccess),
        (53, .unwillingToPerform), (11, .adminLimitExceeded), (80, .other),
    ])
    func mapsResultCodes(code: Int32, kind: LDAPError.Kind) {
        #expect(LDAPError.kind(forResultCode: code) == kind)
    }

    @Test func onlyConnectivityFailuresFailOver() {
        func error(_ kind: LDAPError.Kind) -> LDAPError { LDAPError(kind: kind, code: 0, operation: "x", message: "y") }
        #expect(error(.serverDown).isConnectivityFailure)
        #expect(error(.timeout).isConnectivityFailure)
        #expect(error(.tlsFailure).isConnectivityFailure)
        #expect(!error(.invalidCredentials).isConnectivityFailure)
        #expect(!error(.strongerAuthRequired).isConnectivityFailure)
    }

    @Test func descriptionCarriesDiagnosticAndMatchedDN() {
        let error = LDAPError(
            kind: .noSuchObject, code: 32, operation: "search OU=x,DC=y", message: "No such object",
            diagnostic: "0000208D: no object", matchedDN: "DC=y")
        #expect(error.description == "search OU=x,DC=y: No such object (32): 0000208D: no object [matched DN: DC=y]")
    }

    @Test func emptyDiagnosticIsDropped() {
        let error = LDAPError(kind: .other, code: 1, operation: "x", message: "y", diagnostic: "", matchedDN: "")
        #expect(error.diagnostic == nil)
        #expect(error.matchedDN == nil)
    }
}

@Suite struct ControlEncodingTests {
    @Test func securityDescriptorFlagsAreBEREncoded() {
        #expect(SecurityDescriptorParts.withoutSACL.controlValue == [0x30, 0x03, 0x02, 0x01, 0x07])
        #expect(SecurityDescriptorParts.dacl.controlValue == [0x30, 0x03, 0x02, 0x01, 0x04])
        #expect(SecurityDescriptorParts([.owner, .dacl]).controlValue == [0x30, 0x03, 0x02, 0x01, 0x05])
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<secret>")
        #expect(String(reflecting: secret) == "<secret>")
    }

    @Test func functionalLevelNames() {
        #expect(RootDSE.functionalLevelName(4) == "Windows Server 2008 R2")
        #expect(RootDSE.functionalLevelName(6) == "Windows Server 2012 R2")
    }
}
