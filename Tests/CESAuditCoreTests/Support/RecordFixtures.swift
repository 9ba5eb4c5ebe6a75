import ADModel
import Foundation

@testable import CESAuditCore

// Hand-made records for the offline suites. Each default is the common case (an enabled user of the fixture domain
// S-1-5-21-1-2-3, corp-CA01 on ca01 with a Kerberos endpoint, a version 2 template without flags, a level 7 domain
// with nothing else read), so a call site passes only what its test is about.

/// The fixture domain's SID; accounts are `<domainSID>-<RID>`.
let domainSID = "S-1-5-21-1-2-3"

/// A self-relative security descriptor from SDDL, as AD returns `nTSecurityDescriptor`.
func selfRelative(_ sddl: String) throws -> Data { Data(try SecurityDescriptor(sddl: sddl).selfRelativeBytes()) }

extension AccountRecord {
    /// An account of the fixture domain: a normal user (`userAccountControl` 0x200, nothing computed) with RID 1105
    /// and no groups unless given.
    static func fixture(
        _ name: String = "svc-ces", dn: String? = nil, classes: [String] = ["user"], sid: String = "\(domainSID)-1105",
        control: Collected<UInt32> = .value(0x200), computed: Collected<UInt32> = .value(0), mail: String? = nil,
        userPrincipalName: String? = nil, dnsHostName: String? = nil, spns: [String] = [], delegateTo: [String] = [],
        groups: Collected<[String]> = .value([]), encryptionTypes: UInt32? = nil
    ) -> AccountRecord {
        AccountRecord(
            dn: dn ?? "CN=\(name),DC=corp", samAccountName: name, objectClasses: classes, sid: sid,
            userAccountControl: control, userAccountControlComputed: computed, mail: mail,
            userPrincipalName: userPrincipalName, dnsHostName: dnsHostName, servicePrincipalNames: spns,
            allowedToDelegateTo: delegateTo, allowedToActOnBehalfOf: nil, tokenGroups: groups,
            supportedEncryptionTypes: encryptionTypes)
    }
}

extension EnrollmentServiceRecord {
    /// ces01's Kerberos endpoint for corp-CA01 (priority 1, enrolment and renewal, key-based renewal off).
    static let kerberosEndpoint = "1\n2\n0\nhttps://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES\n0"

    /// corp-CA01 on ca01, publishing no template, its descriptor not read.
    static func fixture(
        _ name: String = "corp-CA01", dn: String? = nil, host: String = "ca01.corp.example.test",
        templates: [String] = [], endpoints: [String] = [kerberosEndpoint], caCertificate: Data? = nil,
        securityDescriptor: Collected<Data> = .missing(reason: "test")
    ) -> EnrollmentServiceRecord {
        EnrollmentServiceRecord(
            dn: dn ?? "CN=\(name)", name: name, dnsHostName: host, certificateTemplates: templates,
            endpoints: endpoints.map(Endpoint.init(raw:)), caCertificate: caCertificate,
            securityDescriptor: securityDescriptor)
    }
}

extension TemplateRecord {
    /// A version 2 template named Machine without flags, policies or periods, its descriptor not read.
    static func fixture(
        _ name: String = "Machine", dn: String? = nil, displayName: String? = nil, nameFlags: UInt32 = 0,
        enrollmentFlags: UInt32 = 0, privateKeyFlags: UInt32 = 0, raSignatures: Int = 0,
        issuancePolicies: [String] = [], applicationPolicies: [String] = [], extendedKeyUsages: [String] = [],
        minimalKeySize: Int? = nil, validity: Data? = nil, renewal: Data? = nil,
        securityDescriptor: Collected<Data> = .missing(reason: "test")
    ) -> TemplateRecord {
        TemplateRecord(
            dn: dn ?? "CN=\(name)", name: name, displayName: displayName, schemaVersion: 2, nameFlags: nameFlags,
            enrollmentFlags: enrollmentFlags, privateKeyFlags: privateKeyFlags, raSignatures: raSignatures,
            issuancePolicies: issuancePolicies, applicationPolicies: applicationPolicies,
            extendedKeyUsages: extendedKeyUsages, minimalKeySize: minimalKeySize, validityPeriod: validity,
            renewalPeriod: renewal, securityDescriptor: securityDescriptor)
    }
}

extension DirectorySnapshot {
    /// The fixture domain `DC=corp` at functional level 7 (its one DC too, so Protected Users is enforced), with
    /// no CA, template or OID.
    static func fixture(_ configure: (inout DirectorySnapshot) -> Void = { _ in }) -> DirectorySnapshot {
        var snapshot = DirectorySnapshot(
            collectedAt: Date(),
            domain: .init(
                defaultNamingContext: "DC=corp", configurationNamingContext: "CN=Configuration,DC=corp",
                dnsName: "corp", sid: domainSID, functionalLevel: 7, domainController: nil,
                domainControllerLevels: .value(["DC01": 7]), netbiosName: "CORP"),
            enrollmentServices: .value([]), templates: .value([]), oids: .value([]))
        configure(&snapshot)
        return snapshot
    }
}

extension RuleContext {
    /// The rules over a hand-made snapshot (the fixture domain unless given) with the embedded catalogue.
    static func offline(_ snapshot: DirectorySnapshot = .fixture()) -> RuleContext {
        RuleContext(snapshot: snapshot, catalogue: .embedded)
    }

    /// The fixture domain with `configure` applied (evidence, OIDs, …).
    static func offline(_ configure: (inout DirectorySnapshot) -> Void) -> RuleContext {
        offline(.fixture(configure))
    }
}

extension HostEvidence {
    /// A domain controller's evidence folder with only its `kdc.reg` settings (CES-C9's effective default).
    static func domainController(_ host: String = "dc01.corp", kdc: KDCEncryptionSettings) -> HostEvidence {
        HostEvidence(
            host: host, caSecurity: .missing(reason: "test"), editFlags: .missing(reason: "test"),
            userRights: .missing(reason: "test"), kdcEncryption: .value(kdc))
    }
}
