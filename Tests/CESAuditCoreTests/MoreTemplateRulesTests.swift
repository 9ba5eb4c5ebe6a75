import ADModel
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// E3, E5, E6 and F4–F8 against the test bed's User and WebServer templates, its OID objects and corp-CA01's
/// certificate, issued by corp Root CA (docs/testbed.md §7).
@Suite(.requiresTestBed)
struct MoreTemplateRulesAgainstTestBedTests {
    static let forestOID = "1.3.6.1.4.1.311.21.8.1234567.2345678.3456789.4567890.5678901.111"

    struct Fixture {
        let bed: TestBedSnapshot
        var context: RuleContext { bed.context }

        func path(
            _ account: String, _ templateName: String, endpoint: EnrollmentServiceRecord.Endpoint? = nil
        ) async throws -> TemplatePath {
            let template = try #require(context.snapshot.templates.value?.first { $0.name == templateName })
            return TemplatePath(
                requester: try await bed.account(account), ca: bed.ca, template: template, endpoint: endpoint)
        }
    }

    static func fixture() async throws -> Fixture { Fixture(bed: try await TestBedSnapshot.collect()) }

    @Test func userTemplateIssuancePolicyIsDefinedAndPermitted() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path("alice", "User")
        let f7 = F7IssuancePolicyDefined().evaluate(path, in: fixture.context)
        #expect(f7.status == .pass, "\(f7.message)")
        #expect(f7.message.contains("\(Self.forestOID).1.402 ('CES Medium Assurance')"))
        // The test bed's CA certificate lists the 402 and 404 policies and an EKU list (docs/testbed-scenarios.md).
        let f6 = F6IssuancePolicyAllowedByCA().evaluate(path, in: fixture.context)
        #expect(f6.status == .pass, "\(f6.message)")
        #expect(
            f6.message.hasPrefix(
                "every CA certificate of the chain permits template User's issuance policy \(Self.forestOID).1.402"))
        let f6b = F6bApplicationPolicyAllowedByCA().evaluate(path, in: fixture.context)
        #expect(f6b.status == .pass, "\(f6b.message)")
        #expect(f6b.message.contains("every CA certificate of the chain permits them"))
    }

    @Test func webServerHasNoIssuancePolicy() async throws {
        let fixture = try await Self.fixture()
        let path = try await fixture.path("alice", "WebServer")
        #expect(F6IssuancePolicyAllowedByCA().evaluate(path, in: fixture.context).status == .skipped)
        #expect(F7IssuancePolicyDefined().evaluate(path, in: fixture.context).status == .skipped)
        #expect(F6bApplicationPolicyAllowedByCA().evaluate(path, in: fixture.context).status == .pass)
    }

    @Test func periodsMeetTheAutoenrollmentMinimums() async throws {
        let fixture = try await Self.fixture()
        let user = E6ValidityAndRenewalPeriod().evaluate(try await fixture.path("alice", "User"), in: fixture.context)
        #expect(user.status == .pass, "\(user.message)")
        #expect(user.message == "template User: validity 365 day(s), renewal 42 day(s) (minimums 5 days / 1 day)")
        let webServer = E6ValidityAndRenewalPeriod().evaluate(
            try await fixture.path("alice", "WebServer"), in: fixture.context)
        #expect(webServer.status == .pass)
        #expect(webServer.message.contains("validity 730 day(s)"))
    }

    @Test func compatibilitySignaturesAndConstraints() async throws {
        let fixture = try await Self.fixture()
        for name in ["User", "WebServer"] {
            let path = try await fixture.path("alice", name)
            let e5 = E5TemplateCompatibility().evaluate(path, in: fixture.context)
            #expect(e5.status == .pass, "\(e5.message)")
            #expect(e5.message.contains("inferred [I]"))
            #expect(F5RASignaturesRequired().evaluate(path, in: fixture.context).status == .pass)
            let f8 = F8OtherTemplateConstraints().evaluate(path, in: fixture.context)
            #expect(f8.status == .pass)
            #expect(f8.message.contains("minimal key size 2048 bits"))
        }
    }

    @Test func userTemplateDemandsNoGUIDSPNOrDomainDNS() async throws {
        let fixture = try await Self.fixture()
        // 0xA6000000: directory path, e-mail, e-mail SAN, UPN — none of F4's flags.
        #expect(
            F4DirectoryNameRequired().evaluate(try await fixture.path("alice", "User"), in: fixture.context).status
                == .skipped)
        #expect(
            F4DirectoryNameRequired().evaluate(try await fixture.path("alice", "WebServer"), in: fixture.context).status
                == .skipped)
    }

    @Test func userTemplateIsNotSetUpForKeyBasedRenewal() async throws {
        let fixture = try await Self.fixture()
        let kbr = try #require(fixture.bed.ca.endpoints.first { $0.keyBasedRenewal == true })
        let finding = E3KeyBasedRenewalTemplate().evaluate(
            try await fixture.path("alice", "User", endpoint: kbr), in: fixture.context)
        #expect(finding.status == .skipped, "\(finding.message)")
        #expect(finding.message.contains("not enabled for key-based renewal"))
        #expect(finding.message.contains("msPKI-Enrollment-Flag 0x00000029"))
        #expect(finding.message.contains("renews through KBR-User"))
        let kerberos = try fixture.bed.endpoint(authFlag: 2)
        #expect(
            E3KeyBasedRenewalTemplate().evaluate(
                try await fixture.path("alice", "User", endpoint: kerberos), in: fixture.context
            ).status == .skipped)
        #expect(
            E3KeyBasedRenewalTemplate().evaluate(try await fixture.path("alice", "User"), in: fixture.context).status
                == .skipped)
    }
}

/// The failing and unknown sides on hand-made paths; CA certificates are DER fixtures made with openssl
/// (`Fixtures/certificates/`, EC P-256, `-addext certificatePolicies=…` / `extendedKeyUsage=…` /
/// `1.3.6.1.4.1.311.21.10=DER:…`).
@Suite struct MoreTemplateRulesOfflineTests {
    static let forestOID = MoreTemplateRulesAgainstTestBedTests.forestOID
    static let context = RuleContext.offline()
    static let kbrEndpoint = "4\n8\n1\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate_KBR/service.svc/CES\n1"

    static func path(
        nameFlags: UInt32 = 0, enrollmentFlags: UInt32 = 0, privateKeyFlags: UInt32 = 0, raSignatures: Int = 0,
        issuancePolicies: [String] = [], applicationPolicies: [String] = [], extendedKeyUsages: [String] = [],
        minimalKeySize: Int? = 2048, validity: Data? = Data(TemplatePeriod(days: 365).attributeValue),
        renewal: Data? = Data(TemplatePeriod(days: 42).attributeValue), caCertificate: Data? = nil,
        endpoint: String? = nil, configure: (inout AccountRecord) -> Void = { _ in }
    ) -> TemplatePath {
        var requester = AccountRecord.fixture("x")
        configure(&requester)
        let ca = EnrollmentServiceRecord.fixture(
            endpoints: [endpoint ?? EnrollmentServiceRecord.kerberosEndpoint], caCertificate: caCertificate)
        let template = TemplateRecord.fixture(
            nameFlags: nameFlags, enrollmentFlags: enrollmentFlags, privateKeyFlags: privateKeyFlags,
            raSignatures: raSignatures, issuancePolicies: issuancePolicies, applicationPolicies: applicationPolicies,
            extendedKeyUsages: extendedKeyUsages, minimalKeySize: minimalKeySize, validity: validity, renewal: renewal)
        return TemplatePath(
            requester: requester, ca: ca, template: template, endpoint: endpoint == nil ? nil : ca.endpoints.first)
    }

    static func certificate(_ name: String) throws -> Data {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try Data(contentsOf: root.appendingPathComponent("certificates").appendingPathComponent("\(name).der"))
    }

    static func context(oids: Collected<[OIDRecord]>) -> RuleContext {
        .offline { $0.oids = oids }
    }

    // MARK: F4

    @Test func spnRequiredWithoutSPNFailsF4() {
        let finding = F4DirectoryNameRequired().evaluate(Self.path(nameFlags: 0x0080_0000), in: Self.context)
        #expect(finding.status == .fail)
        #expect(
            finding.message
                == "template Machine needs servicePrincipalName (name flags 0x00800000) but x has no servicePrincipalName"
        )
        #expect(finding.errorCodes.contains("0x8009480E"))
        let withSPN = Self.path(nameFlags: 0x0080_0000) { $0.servicePrincipalNames = ["HOST/x.corp.example.test"] }
        #expect(F4DirectoryNameRequired().evaluate(withSPN, in: Self.context).status == .pass)
    }

    /// Issue 21 item 7, F4 (MS-CRTD 2.28): SUBJECT_ALT_REQUIRE_DOMAIN_DNS puts the FQDN and NetBIOS name of the
    /// requester's domain in the SAN, not a dNSHostName: a user without one is fine.
    @Test func domainDNSNeedsTheRequestersDomainNotADNSHostName() {
        let finding = F4DirectoryNameRequired().evaluate(Self.path(nameFlags: 0x0140_0000), in: Self.context)
        #expect(finding.status == .pass, "\(finding.message)")
        #expect(
            finding.message
                == "template Machine needs objectGUID and its domain's DNS and NetBIOS names (name flags 0x01400000); x has them"
        )
        #expect(F4DirectoryNameRequired().evaluate(Self.path(nameFlags: 0x0100_0000), in: Self.context).status == .pass)
        let unread = Self.path(nameFlags: 0x0040_0000) { $0.dn = "" }
        let unknown = F4DirectoryNameRequired().evaluate(unread, in: Self.context)
        #expect(unknown.status == .unknown)
        #expect(unknown.message.hasSuffix("but x was not read from the directory"))
    }

    @Test func f4IsUnknownWithoutADirectoryObjectAndSkippedWhenTheEnrolleeSuppliesTheSubject() {
        let unread = Self.path(nameFlags: 0x0100_0000) { $0.dn = "" }
        #expect(F4DirectoryNameRequired().evaluate(unread, in: Self.context).status == .unknown)
        #expect(
            F4DirectoryNameRequired().evaluate(Self.path(nameFlags: 0x0080_0001), in: Self.context).status == .skipped)
    }

    // MARK: F5

    @Test func raSignaturesWarnF5() {
        let finding = F5RASignaturesRequired().evaluate(Self.path(raSignatures: 2), in: Self.context)
        #expect(finding.status == .warn)
        #expect(finding.message.contains("requires 2 enrollment-agent signature(s)"))
        #expect(finding.errorCodes.contains("0x80094809"))
        #expect(F5RASignaturesRequired().evaluate(Self.path(raSignatures: -1), in: Self.context).status == .unknown)
    }

    /// MS-WCCE 3.2.2.6.2.1.4.5.6: with CT_FLAG_PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT (0x40) renewals need no RA
    /// signature; the CA's only CES endpoint being renewal-only, nothing here needs one (issue 21 item 7).
    @Test func f5ExemptsRenewalsWithPreviousApprovalValidateReenrollment() {
        let renewalOnly = F5RASignaturesRequired().evaluate(
            Self.path(enrollmentFlags: 0x40, raSignatures: 1, endpoint: Self.kbrEndpoint), in: Self.context)
        #expect(renewalOnly.status == .pass, "\(renewalOnly.message)")
        #expect(renewalOnly.message.contains("every CES path here is renewal-only"))
        // Without the flag a renewal-only path still warns (was the only verdict before).
        let withoutFlag = F5RASignaturesRequired().evaluate(
            Self.path(raSignatures: 1, endpoint: Self.kbrEndpoint), in: Self.context)
        #expect(withoutFlag.status == .warn)
        // An initial-enrollment endpoint still needs the signature; the message says renewals are exempt.
        let initial = F5RASignaturesRequired().evaluate(
            Self.path(enrollmentFlags: 0x40, raSignatures: 1), in: Self.context)
        #expect(initial.status == .warn)
        #expect(initial.message.contains("for initial enrollment"))
        #expect(initial.message.contains("renewals are exempt"))
    }

    // MARK: F6

    @Test func issuancePolicyOutsideTheCAPoliciesFailsF6() throws {
        let path = Self.path(
            issuancePolicies: ["\(Self.forestOID).1.402"], caCertificate: try Self.certificate("policy-restricted-ca"))
        let finding = F6IssuancePolicyAllowedByCA().evaluate(path, in: Self.context)
        #expect(finding.status == .fail)
        #expect(
            finding.message.hasPrefix(
                "template Machine asserts issuance policy \(Self.forestOID).1.402, which the certificate policies of the CA certificate of corp-CA01"
            ))
        #expect(finding.errorCodes.contains("0x800B0113"))
    }

    @Test func listedPolicyOrAnyPolicyPassesF6() throws {
        let listed = Self.path(
            issuancePolicies: ["\(Self.forestOID).1.401"], caCertificate: try Self.certificate("policy-restricted-ca"))
        #expect(F6IssuancePolicyAllowedByCA().evaluate(listed, in: Self.context).status == .pass)
        let any = Self.path(
            issuancePolicies: ["\(Self.forestOID).1.402"], caCertificate: try Self.certificate("any-policy-ca"))
        let finding = F6IssuancePolicyAllowedByCA().evaluate(any, in: Self.context)
        #expect(finding.status == .pass)
        #expect(finding.message.contains("anyPolicy"))
    }

    @Test func missingOrUndecodableCACertificateIsUnknownForF6AndF6b() throws {
        let missing = Self.path(issuancePolicies: ["1.2.3"], extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"])
        for finding in [
            F6IssuancePolicyAllowedByCA().evaluate(missing, in: Self.context),
            F6bApplicationPolicyAllowedByCA().evaluate(missing, in: Self.context),
        ] {
            #expect(finding.status == .unknown)
            #expect(finding.message == "corp-CA01 has no cACertificate in AD; its policies cannot be checked")
        }
        let garbage = Self.path(
            issuancePolicies: ["1.2.3"], extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"],
            caCertificate: try Self.certificate("garbage"))
        for finding in [
            F6IssuancePolicyAllowedByCA().evaluate(garbage, in: Self.context),
            F6bApplicationPolicyAllowedByCA().evaluate(garbage, in: Self.context),
        ] {
            #expect(finding.status == .unknown)
            #expect(
                finding.message.hasPrefix("the cACertificate of corp-CA01 cannot be decoded: not an X.509 certificate"))
        }
    }

    /// Issue 21 item 7 (F6/F6b, KB2962991): the parent CA's restrictions count. Chain Issuing CA lists policies
    /// 401 and 402 and EKUs serverAuth and clientAuth; its issuer, Chain Root CA, only 401 and serverAuth.
    @Test func theParentCAsPoliciesRestrictF6AndF6b() throws {
        var context = Self.context
        context.snapshot.caCertificates = .value([
            try Self.certificate("chain-root-ca"), try Self.certificate("garbage"),
        ])
        let issuing = try Self.certificate("chain-issuing-ca")
        let policy = Self.path(issuancePolicies: ["\(Self.forestOID).1.402"], caCertificate: issuing)
        let f6 = F6IssuancePolicyAllowedByCA().evaluate(policy, in: context)
        #expect(f6.status == .fail, "\(f6.message)")
        #expect(
            f6.message
                == "template Machine asserts issuance policy \(Self.forestOID).1.402, which the certificate policies of the parent CA certificate CN=Chain Root CA,DC=example,DC=test (\(Self.forestOID).1.401) do not include"
        )
        #expect(
            f6.evidence["caChain"]
                == .list([
                    .string("CN=Chain Issuing CA,DC=example,DC=test"), .string("CN=Chain Root CA,DC=example,DC=test"),
                ]))
        let listedEverywhere = Self.path(issuancePolicies: ["\(Self.forestOID).1.401"], caCertificate: issuing)
        let pass = F6IssuancePolicyAllowedByCA().evaluate(listedEverywhere, in: context)
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message.contains("parent CA certificate CN=Chain Root CA,DC=example,DC=test lists"))
        let eku = Self.path(extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"], caCertificate: issuing)
        let f6b = F6bApplicationPolicyAllowedByCA().evaluate(eku, in: context)
        #expect(f6b.status == .fail, "\(f6b.message)")
        #expect(f6b.message.contains("which the EKU list of the parent CA certificate CN=Chain Root CA"))
        let serverAuth = Self.path(extendedKeyUsages: ["1.3.6.1.5.5.7.3.1"], caCertificate: issuing)
        #expect(F6bApplicationPolicyAllowedByCA().evaluate(serverAuth, in: context).status == .pass)
    }

    @Test func aChainADCannotCompleteIsUnknownForF6AndF6b() throws {
        var context = Self.context
        context.snapshot.caCertificates = .value([try Self.certificate("chain-root-ca")])
        let orphan = Self.path(
            issuancePolicies: ["\(Self.forestOID).1.402"], extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"],
            caCertificate: try Self.certificate("chain-orphan-ca"))
        for finding in [
            F6IssuancePolicyAllowedByCA().evaluate(orphan, in: context),
            F6bApplicationPolicyAllowedByCA().evaluate(orphan, in: context),
        ] {
            #expect(finding.status == .unknown, "\(finding.message)")
            #expect(
                finding.message.hasSuffix(
                    "but the issuer of CN=Chain Orphan CA,DC=example,DC=test (CN=Unpublished Root CA,DC=example,DC=test) is not among the CA certificates in AD: the CAs above it cannot be checked"
                ))
        }
        // The issuing CA's own restriction is certain without its parents.
        let forbidden = Self.path(
            issuancePolicies: ["\(Self.forestOID).1.403"], caCertificate: try Self.certificate("chain-orphan-ca"))
        #expect(F6IssuancePolicyAllowedByCA().evaluate(forbidden, in: context).status == .fail)
        // Not read at all: the reason is the collector's.
        context.snapshot.caCertificates = .missing(
            reason: "CA certificates in CN=AIA not readable: insufficient access")
        let unread = F6IssuancePolicyAllowedByCA().evaluate(orphan, in: context)
        #expect(unread.status == .unknown)
        #expect(unread.message.contains("but CA certificates in CN=AIA not readable: insufficient access"))
    }

    @Test func templateWithoutIssuancePolicySkipsF6AndF7() {
        #expect(F6IssuancePolicyAllowedByCA().evaluate(Self.path(), in: Self.context).status == .skipped)
        #expect(F7IssuancePolicyDefined().evaluate(Self.path(), in: Self.context).status == .skipped)
    }

    // MARK: F6b

    @Test func ekuOutsideTheCAEKUListFailsF6b() throws {
        let path = Self.path(
            extendedKeyUsages: ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"],
            caCertificate: try Self.certificate("eku-restricted-ca"))
        let finding = F6bApplicationPolicyAllowedByCA().evaluate(path, in: Self.context)
        #expect(finding.status == .fail)
        #expect(
            finding.message.hasPrefix(
                "template Machine asserts EKU/application policy 1.3.6.1.5.5.7.3.2, which the EKU list of the CA certificate of corp-CA01"
            ))
        #expect(finding.message.hasSuffix("(1.3.6.1.5.5.7.3.1) does not include"))
        let allowed = Self.path(
            extendedKeyUsages: ["1.3.6.1.5.5.7.3.1"], caCertificate: try Self.certificate("eku-restricted-ca"))
        #expect(F6bApplicationPolicyAllowedByCA().evaluate(allowed, in: Self.context).status == .pass)
    }

    @Test func anyExtendedKeyUsagePermitsEverythingForF6b() throws {
        let path = Self.path(
            extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"], caCertificate: try Self.certificate("any-eku-ca"))
        let finding = F6bApplicationPolicyAllowedByCA().evaluate(path, in: Self.context)
        #expect(finding.status == .pass)
        #expect(finding.message.contains("includes anyExtendedKeyUsage"))
    }

    @Test func applicationPolicyOutsideTheCAApplicationPoliciesFailsF6b() throws {
        let path = Self.path(
            applicationPolicies: ["1.3.6.1.5.5.7.3.2"], caCertificate: try Self.certificate("app-policy-restricted-ca"))
        let finding = F6bApplicationPolicyAllowedByCA().evaluate(path, in: Self.context)
        #expect(finding.status == .fail)
        #expect(
            finding.message.contains("(1.3.6.1.5.5.7.3.1) do not include")
                && finding.message.contains("application policies of the CA certificate of corp-CA01"))
        #expect(F6bApplicationPolicyAllowedByCA().evaluate(Self.path(), in: Self.context).status == .skipped)
    }

    // MARK: F7

    @Test func undefinedIssuancePolicyWarnsF7() {
        let defined = OIDRecord(
            dn: "CN=402.ABC,CN=OID,CN=Public Key Services", oid: "\(Self.forestOID).1.402",
            displayName: "CES Medium Assurance", flags: 2)
        let container = OIDRecord(
            dn: "CN=OID,CN=Public Key Services", oid: "\(Self.forestOID).1.999", displayName: nil, flags: nil)
        let context = Self.context(oids: .value([defined, container]))
        let path = Self.path(issuancePolicies: ["\(Self.forestOID).1.402", "\(Self.forestOID).1.999"])
        let finding = F7IssuancePolicyDefined().evaluate(path, in: context)
        #expect(finding.status == .warn)
        #expect(
            finding.message
                == "template Machine asserts issuance policy \(Self.forestOID).1.999 with no msPKI-Enterprise-Oid object under CN=OID (1 OID object(s) read)"
        )
        let pass = F7IssuancePolicyDefined().evaluate(
            Self.path(issuancePolicies: ["\(Self.forestOID).1.402"]), in: context)
        #expect(pass.status == .pass)
        #expect(pass.message.contains("'CES Medium Assurance'"))
    }

    @Test func unreadOIDObjectsAreUnknownForF7() {
        let context = Self.context(oids: .missing(reason: "CN=OID not readable: insufficient access"))
        let finding = F7IssuancePolicyDefined().evaluate(Self.path(issuancePolicies: ["1.2.3"]), in: context)
        #expect(finding.status == .unknown)
        #expect(finding.message.contains("insufficient access"))
    }

    // MARK: F8

    @Test func constraintsAreReportedAsAPassWithNote() {
        let finding = F8OtherTemplateConstraints().evaluate(
            Self.path(
                enrollmentFlags: 0x0002_0000, privateKeyFlags: 0x1, issuancePolicies: ["1.2.3"], minimalKeySize: 4096),
            in: Self.context)
        #expect(finding.status == .pass)
        #expect(finding.message.contains("minimal key size 4096 bits"))
        #expect(finding.message.contains("key archival required"))
        // MS-WCCE 3.2.2.6.2.1.4.5.8: policies listed on the template limit the request's; none listed conflicts.
        #expect(finding.message.contains("limited to those msPKI-Certificate-Policy lists"), "\(finding.message)")
        #expect(!finding.message.contains("0x80094802"))
        let unlisted = F8OtherTemplateConstraints().evaluate(
            Self.path(enrollmentFlags: 0x0002_0000), in: Self.context)
        #expect(unlisted.message.contains("msPKI-Certificate-Policy is empty"), "\(unlisted.message)")
        #expect(unlisted.message.contains("0x80094802 CERTSRV_E_TEMPLATE_CONFLICT"))
        #expect(finding.remediation == nil)
        #expect(
            F8OtherTemplateConstraints().evaluate(Self.path(minimalKeySize: nil), in: Self.context).status == .unknown)
    }

    // MARK: E3

    @Test func kbrEndpointWithoutAnyKBRTemplateFailsE3() {
        let finding = E3KeyBasedRenewalTemplate().evaluate(Self.path(endpoint: Self.kbrEndpoint), in: Self.context)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("lacks 'Allow key based renewal' (enrollment flag 0x00010000)"))
        #expect(finding.message.contains("no template published on corp-CA01 has it"))
    }

    @Test func templateNotMeantForKBRIsSkippedWhenAnotherOneIs() {
        var path = Self.path(endpoint: Self.kbrEndpoint)
        var renewable = path.template
        renewable.name = "KBR-User"
        renewable.enrollmentFlags = 0x0001_0002
        path.ca.certificateTemplates = ["Machine", "KBR-User"]
        var context = Self.context
        context.snapshot.templates = .value([path.template, renewable])
        let finding = E3KeyBasedRenewalTemplate().evaluate(path, in: context)
        #expect(finding.status == .skipped, "\(finding.message)")
        #expect(finding.message.contains("renews through KBR-User"))
    }

    @Test func kbrTemplateWithoutApprovalOrRequestSubjectWarnsE3() throws {
        let warn = E3KeyBasedRenewalTemplate().evaluate(
            Self.path(nameFlags: 0x1, enrollmentFlags: 0x0001_0000, endpoint: Self.kbrEndpoint), in: Self.context)
        #expect(warn.status == .warn)
        #expect(warn.message.contains("no CA certificate manager approval (0x2)"))
        #expect(warn.message.contains("(name flag 0x8)"))
        #expect(!warn.message.contains("(name flag 0x1)"))
        // Set up right, but whether the CES principal may enroll cannot be told without it: unknown, not pass.
        var complete = Self.path(nameFlags: 0x9, enrollmentFlags: 0x0001_0002, endpoint: Self.kbrEndpoint)
        #expect(E3KeyBasedRenewalTemplate().evaluate(complete, in: Self.context).status == .unknown)
        let principal = complete.requester
        complete.principal = principal
        #expect(E3KeyBasedRenewalTemplate().evaluate(complete, in: Self.context).status == .unknown)
        let sid = principal?.sid ?? ""
        complete.template.securityDescriptor = .value(
            Data(
                try SecurityDescriptor(
                    sddl: "D:(A;;RPLC;;;\(sid))(OA;;CR;\(ExtendedRight.certificateEnrollment);;\(sid))"
                ).selfRelativeBytes()))
        let pass = E3KeyBasedRenewalTemplate().evaluate(complete, in: Self.context)
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message.contains("has Read and Enroll"))
        complete.template.securityDescriptor = .value(
            Data(try SecurityDescriptor(sddl: "D:(A;;RPLC;;;\(sid))").selfRelativeBytes()))
        let noEnroll = E3KeyBasedRenewalTemplate().evaluate(complete, in: Self.context)
        #expect(noEnroll.status == .warn)
        #expect(noEnroll.message.contains("lacks Enroll"))
    }

    @Test func e3AppliesOnlyToKBREndpoints() {
        #expect(E3KeyBasedRenewalTemplate().evaluate(Self.path(), in: Self.context).status == .skipped)
        #expect(
            E3KeyBasedRenewalTemplate().evaluate(
                Self.path(endpoint: "1\n2\n0\nhttps://ces01.corp.example.test/x/service.svc/CES\n0"), in: Self.context
            ).status == .skipped)
        #expect(
            E3KeyBasedRenewalTemplate().evaluate(Self.path(endpoint: "not an endpoint"), in: Self.context).status
                == .unknown)
    }

    // MARK: E5

    @Test func templateNewerThan2012R2WarnsE5() {
        let finding = E5TemplateCompatibility().evaluate(Self.path(privateKeyFlags: 0x0606_0010), in: Self.context)
        #expect(finding.status == .warn)
        #expect(finding.message.contains("CA compatibility 6 is newer than Windows Server 2012 R2"))
        #expect(finding.message.contains("recipient compatibility 6"))
        #expect(finding.message.contains("inferred [I]"))
        #expect(
            E5TemplateCompatibility().evaluate(Self.path(privateKeyFlags: 0x0505_0000), in: Self.context).status
                == .pass)
        #expect(
            E5TemplateCompatibility().evaluate(Self.path(privateKeyFlags: 0x0006_0000), in: Self.context).status
                == .warn)
    }

    // MARK: E6

    @Test func shortPeriodsWarnE6() {
        let short = E6ValidityAndRenewalPeriod().evaluate(
            Self.path(
                validity: Data(TemplatePeriod(days: 3).attributeValue),
                renewal: Data(TemplatePeriod(ticks: 0).attributeValue)),
            in: Self.context)
        #expect(short.status == .warn)
        #expect(short.message.contains("validity period 3 day(s) is shorter than 5 days"))
        #expect(short.message.contains("renewal period 0 day(s) is shorter than 1 day"))
        let overlap = E6ValidityAndRenewalPeriod().evaluate(
            Self.path(
                validity: Data(TemplatePeriod(days: 10).attributeValue),
                renewal: Data(TemplatePeriod(days: 20).attributeValue)),
            in: Self.context)
        #expect(overlap.status == .warn)
    }

    @Test func missingOrUnparsablePeriodsAreUnknownForE6() {
        let missing = E6ValidityAndRenewalPeriod().evaluate(Self.path(validity: nil), in: Self.context)
        #expect(missing.status == .unknown)
        #expect(missing.message == "pKIExpirationPeriod of template Machine was not returned")
        let short = E6ValidityAndRenewalPeriod().evaluate(Self.path(renewal: Data([0, 1, 2])), in: Self.context)
        #expect(short.status == .unknown)
        #expect(short.message.hasPrefix("pKIOverlapPeriod of template Machine cannot be parsed (000102)"))
        let positive = E6ValidityAndRenewalPeriod().evaluate(
            Self.path(validity: Data([0, 0, 0, 0, 0, 0, 0, 1])), in: Self.context)
        #expect(positive.status == .unknown)
    }
}
