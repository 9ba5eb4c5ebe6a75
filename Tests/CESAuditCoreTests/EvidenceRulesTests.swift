import ADModel
import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// The evidence fixtures: `lab` (SDDL CA DACL denying Domain Users, default EditFlags, secedit with and without
/// IIS_IUSRS), `hardened` (certutil text with deny ACEs, EditFlags with RENEWONBEHALFOF, UTF-16LE secedit
/// without IIS_IUSRS), `malformed` (certutil failure, bad EditFlags, bad SID).
enum EvidenceFixtures {
    static let domain = domainSID
    static let principalSID = "S-1-5-21-1-2-3-1200"

    static func directory(_ name: String) throws -> String {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent("evidence").appendingPathComponent(name).path
    }

    static func load(_ name: String, domain: String = domain) throws -> [String: HostEvidence] {
        try EvidenceLoader.load(directory: try directory(name), context: SDDLContext(domain: try SID(string: domain)))
    }

    static func context(_ evidence: [String: HostEvidence]) -> RuleContext {
        .offline { $0.evidence = evidence }
    }

    static func account(
        _ name: String = "svc-ces", sid: String = principalSID, groups: [String] = ["\(domain)-513"],
        classes: [String] = ["top", "person", "organizationalPerson", "user"], control: UInt32 = 0x200,
        delegateTo: [String] = []
    ) -> AccountRecord {
        .fixture(
            name, classes: classes, sid: sid, control: .value(control), delegateTo: delegateTo, groups: .value(groups))
    }

    static let ca = EnrollmentServiceRecord.fixture(endpoints: [
        EnrollmentServiceRecord.kerberosEndpoint,
        "1\n8\n1\nhttps://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES\n1",
    ])

    static func endpoint(renewalOnly: Bool, principal: AccountRecord? = account(), ca: EnrollmentServiceRecord = ca)
        -> EndpointPath
    {
        EndpointPath(
            ca: ca, endpoint: ca.endpoints[renewalOnly ? 1 : 0],
            principal: PrincipalResolution(
                account: principal, source: principal == nil ? nil : .configured, httpSPNHolders: [],
                problem: principal == nil ? "service account 'x' not found" : nil),
            caComputer: nil)
    }

    static func requester(groups: [String], renewalOnly: Bool = false) -> EnrollmentPath {
        EnrollmentPath(
            requester: account("alice", sid: "\(domain)-1105", groups: groups), ca: ca,
            endpoint: ca.endpoints[renewalOnly ? 1 : 0])
    }

    /// A temporary copy of a fixture folder with `replacing` applied to its UTF-8 text files (UTF-16 files, starting
    /// with a byte-order mark, are copied as they are).
    static func copy(_ name: String, replacing: [String: String]) throws -> String {
        let manager = FileManager.default
        let source = URL(fileURLWithPath: try directory(name))
        let target = manager.temporaryDirectory.appendingPathComponent("ces-evidence-\(name)-\(UUID().uuidString)")
        try manager.copyItem(at: source, to: target)
        let files = manager.enumerator(at: target, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where !file.hasDirectoryPath {
            let data = try Data(contentsOf: file)
            guard data.first != 0xFF, data.first != 0xFE, var text = String(data: data, encoding: .utf8) else {
                continue
            }
            for (old, new) in replacing { text = text.replacingOccurrences(of: old, with: new) }
            try Data(text.utf8).write(to: file)
        }
        // A collected folder's manifest vouches for its files: give it the rewritten files' SHA-256, as a collection
        // in this domain would have written them.
        for manifest in files where manifest.lastPathComponent == "manifest.json" {
            guard var json = try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any],
                let listed = json["files"] as? [String: String]
            else { continue }
            var digests: [String: String] = [:]
            for name in listed.keys {
                let file = manifest.deletingLastPathComponent().appendingPathComponent(name)
                digests[name] = EvidenceLoader.Manifest.sha256(Array(try Data(contentsOf: file)))
            }
            json["files"] = digests
            try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]).write(to: manifest)
        }
        return target.path
    }

    /// svc-ces with protocol transition and HOST/RPCSS targets: the alternative model of CES-E2.
    static let transitionPrincipal = account(
        control: 0x0100_0200, delegateTo: ["HOST/ca01.corp.example.test", "RPCSS/ca01.corp.example.test"])
}

@Suite struct EvidenceLoaderTests {
    /// A file that cannot be read says why, as the system does (permission denied), and is not called malformed.
    @Test func anUnreadableFileSaysWhy() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        let host = root.appendingPathComponent("ca01")
        try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(
            atPath: host.appendingPathComponent("editflags.txt").path, withDestinationPath: "gone.txt")
        let loaded = try EvidenceLoader.load(directory: root.path)
        #expect(loaded["ca01"]?.editFlags.missingReason == "editflags.txt cannot be read: no such file or directory")
        let locked = host.appendingPathComponent("secedit.inf")
        try Data("[Privilege Rights]".utf8).write(to: locked)
        #expect(chmod(locked.path, 0) == 0)
        // root reads it anyway; anyone else is refused.
        if getuid() != 0 {
            #expect(EvidenceLoader.unreadableReason(locked.path) == "permission denied")
        }
    }

    @Test func loadsEveryHostFolderKeyedByLowerCasedName() throws {
        let lab = try EvidenceFixtures.load("lab")
        #expect(Set(lab.keys) == ["ca01.corp.example.test", "ces01", "dc01.corp.example.test"])
        // a DC's `reg export` of the Kdc key (UTF-16LE with BOM, CRLF): CES-C9's DefaultDomainSupportedEncTypes
        #expect(
            lab["dc01.corp.example.test"]?.kdcEncryption
                == .value(KDCEncryptionSettings(defaultDomainSupportedEncTypes: 0x1C, rc4DefaultDisablementPhase: 1)))
        #expect(lab["ca01.corp.example.test"]?.kdcEncryption == nil)
        let ca = try #require(lab["ca01.corp.example.test"])
        #expect(ca.caSecurity.value?.file == "ca-security.sddl")
        #expect(ca.caSecurity.value?.securityDescriptor?.dacl?.aces.count == 6)
        #expect(ca.editFlags == .value(0x0011_014E))
        // UTF-16LE with BOM and CRLF, as secedit writes it.
        #expect(ca.userRights.value?.rights["SeDenyNetworkLogonRight"] == ["*S-1-5-32-546", "Guest"])
        let ces = try #require(lab["ces01"])
        #expect(ces.host == "CES01")
        #expect(ces.userRights.value?.rights["SeImpersonatePrivilege"]?.contains("*S-1-5-32-568") == true)
        #expect(
            ces.userRights.value?.rights["SeImpersonatePrivilege"]?.contains("SQLServerDTSUser$WIN-GGIJGO1UO32") == true
        )
        let directory = try EvidenceFixtures.directory("lab")
        #expect(
            ces.caSecurity.missingReason
                == "no ca-config.reg or ca-security.bin/.sddl/.txt for host CES01 in \(directory)")
        #expect(ces.editFlags.missingReason == "no ca-config.reg or editflags.txt for host CES01 in \(directory)")
    }

    @Test func certutilTextAndRenewOnBehalfOfFlag() throws {
        let hardened = try EvidenceFixtures.load("hardened")
        let ca = try #require(hardened["ca01"])
        let report = try #require(ca.caSecurity.value?.certutilReport)
        #expect(report.entries.count == 10)
        #expect(report.entries.first?.isAllow == false)
        #expect(ca.editFlags == .value(0x0411_014E))
    }

    @Test func binaryWinsOverSDDLAndText() throws {
        let hardened = try EvidenceFixtures.load("hardened")
        let record = try #require(hardened["ca02"]?.caSecurity.value)
        #expect(record.file == "ca-security.bin")
        #expect(record.securityDescriptor?.dacl?.aces.first?.sid == .authenticatedUsers)
    }

    @Test func hostMatchingIsByFQDNOrShortNameIgnoringCase() throws {
        var snapshot = EvidenceFixtures.context([:]).snapshot
        snapshot.evidence = try EvidenceFixtures.load("lab")
        #expect(snapshot.evidence(for: "CA01.corp.example.TEST")?.host == "ca01.corp.example.test")
        #expect(snapshot.evidence(for: "ca01")?.host == "ca01.corp.example.test")
        #expect(snapshot.evidence(for: "ces01.corp.example.test")?.host == "CES01")
        #expect(snapshot.evidence(for: "CES01")?.host == "CES01")
        #expect(snapshot.evidence(for: "ca01.other.test") == nil)
        #expect(snapshot.evidence(for: "web01.corp.example.test") == nil)
        #expect(snapshot.evidence(for: nil) == nil)
    }

    @Test func malformedFilesBecomeMissingWithTheParserError() throws {
        let malformed = try EvidenceFixtures.load("malformed")
        let ca = try #require(malformed["ca01"])
        let security = try #require(ca.caSecurity.missingReason)
        #expect(security.hasPrefix("malformed ca-security.txt: "))
        #expect(security.contains("0x80070005"))
        #expect(ca.editFlags.missingReason?.hasPrefix("malformed editflags.txt: ") == true)
        #expect(ca.userRights.missingReason?.hasPrefix("malformed secedit.inf: ") == true)
        #expect(ca.userRights.missingReason?.contains("S-1-5-XYZ") == true)
        let ces = try #require(malformed["ces01"])
        #expect(ces.userRights.missingReason?.hasPrefix("no secedit.inf for host ces01 in ") == true)
    }

    @Test func missingDirectoryIsAnError() throws {
        #expect(throws: EvidenceError.notADirectory("/nonexistent/evidence")) {
            try EvidenceLoader.load(directory: "/nonexistent/evidence")
        }
        let file = try EvidenceFixtures.directory("lab") + "/CES01/secedit.inf"
        #expect(throws: EvidenceError.notADirectory(file)) { try EvidenceLoader.load(directory: file) }
    }

    @Test func filesOverFourMebibytesAreRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ces-evidence-\(UUID().uuidString)")
        let host = root.appendingPathComponent("ca01")
        try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var big = Data("[Privilege Rights]\n".utf8)
        big.append(Data(repeating: UInt8(ascii: ";"), count: EvidenceLoader.maximumFileSize))
        try big.write(to: host.appendingPathComponent("secedit.inf"))
        let evidence = try EvidenceLoader.load(directory: root.path)
        #expect(evidence["ca01"]?.userRights.missingReason?.hasPrefix("malformed secedit.inf: ") == true)
        #expect(evidence["ca01"]?.userRights.missingReason?.contains("limit") == true)
    }

    @Test func snapshotsWithoutEvidenceStillDecodeAndEvidenceRoundTrips() throws {
        var snapshot = EvidenceFixtures.context([:]).snapshot
        snapshot.evidence = try EvidenceFixtures.load("hardened")
        snapshot.collectedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let data = try encoder.encode(snapshot)
        #expect(try decoder.decode(DirectorySnapshot.self, from: data) == snapshot)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "evidence")
        let old = try decoder.decode(DirectorySnapshot.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.evidence.isEmpty)
        #expect(old.domain == snapshot.domain)
    }
}

@Suite struct EvidenceRulesOfflineTests {
    typealias F = EvidenceFixtures

    @Test func allNewRulesAreRegisteredWithCatalogueEntries() {
        let ids = Set(RuleRegistry.implementedIDs)
        for id in ["CES-B1", "CES-D1", "CES-D2", "CES-D3", "CES-D4", "CES-E1", "CES-E2"] {
            #expect(ids.contains(id))
            #expect(RuleCatalogue.embedded[id] != nil)
        }
    }

    // MARK: B1

    @Test func b1DenyACEForAGroupOfTheRequesterFails() throws {
        let context = F.context(try F.load("lab"))
        let finding = B1CAEnrollPermission().evaluate(F.requester(groups: ["\(F.domain)-513"]), in: context)
        #expect(finding.status == .fail)
        #expect(finding.message == "CA DACL denies 0x200 (Enroll) to S-1-5-21-1-2-3-513 by ACE 0")
        #expect(finding.remediation?.hasPrefix("Grant Allow \"Request Certificates\"") == true)
        #expect(finding.errorCodes.contains("0x80094011"))
    }

    @Test func b1AuthenticatedUsersGrantPasses() throws {
        let context = F.context(try F.load("lab"))
        let finding = B1CAEnrollPermission().evaluate(F.requester(groups: ["\(F.domain)-1300"]), in: context)
        #expect(finding.status == .pass)
        #expect(finding.message == "CA DACL grants 0x200 (Enroll) to S-1-5-11 by ACE 1")
        #expect(finding.evidence["file"] == .string("ca-security.sddl"))
    }

    @Test func b1NoGrantFails() throws {
        var evidence = try F.load("hardened")
        let descriptor = try SecurityDescriptor(sddl: "O:BAG:BAD:(A;;CCDC;;;BA)")
        evidence["ca02"]?.caSecurity = .value(
            .descriptor(Data(try descriptor.selfRelativeBytes()), file: "ca-security.bin"))
        var ca = F.ca
        ca.dnsHostName = "ca02"
        let path = EnrollmentPath(requester: F.account("alice"), ca: ca, endpoint: ca.endpoints[0])
        let finding = B1CAEnrollPermission().evaluate(path, in: F.context(evidence))
        #expect(finding.status == .fail)
        #expect(finding.message.hasPrefix("no ACE of the CA DACL (1 ACEs) grants 0x200 (Enroll)"))
    }

    @Test func b1FromCertutilText() throws {
        let context = F.context(try F.load("hardened"))
        let pass = B1CAEnrollPermission().evaluate(F.requester(groups: ["\(F.domain)-513"]), in: context)
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message == "ca-security.txt line 7 grants 0x200 (Enroll) to NT AUTHORITY\\Authenticated Users")

        var ca03 = F.ca
        ca03.dnsHostName = "ca03.corp.example.test"
        let denied = B1CAEnrollPermission().evaluate(
            EnrollmentPath(
                requester: F.account("alice", groups: ["\(F.domain)-513"]), ca: ca03, endpoint: ca03.endpoints[0]),
            in: context)
        #expect(denied.status == .fail)
        #expect(denied.message == "ca-security.txt line 4 denies 0x200 (Enroll) to CORP\\Domain Users")
        // A group certutil text cannot tie to a SID may be the one denied: unknown, not pass.
        let unsure = B1CAEnrollPermission().evaluate(
            EnrollmentPath(
                requester: F.account("alice", groups: ["\(F.domain)-1300"]), ca: ca03, endpoint: ca03.endpoints[0]),
            in: context)
        #expect(unsure.status == .unknown)
        #expect(unsure.message.contains("line 5 (Deny) names CORP\\Contractors"))
        // All token SIDs have names and none is Contractors: decidable.
        let named = B1CAEnrollPermission().evaluate(
            EnrollmentPath(requester: F.account("alice", groups: []), ca: ca03, endpoint: ca03.endpoints[0]),
            in: context)
        #expect(named.status == .pass, "\(named.message)")
    }

    @Test func b1IsUnknownWithoutOrWithMalformedEvidenceAndSkippedForRenewalOnly() throws {
        let none = B1CAEnrollPermission().evaluate(F.requester(groups: []), in: F.context([:]))
        #expect(none.status == .unknown)
        #expect(
            none.message.hasPrefix("no ca-config.reg or ca-security.bin/.sddl/.txt for host ca01.corp.example.test"))
        let malformed = B1CAEnrollPermission().evaluate(F.requester(groups: []), in: F.context(try F.load("malformed")))
        #expect(malformed.status == .unknown)
        #expect(malformed.message.hasPrefix("malformed ca-security.txt: "))
        let renewal = B1CAEnrollPermission().evaluate(
            F.requester(groups: [], renewalOnly: true), in: F.context(try F.load("lab")))
        #expect(renewal.status == .skipped)
        var noGroups = F.requester(groups: [])
        noGroups.requester.tokenGroups = .missing(reason: "tokenGroups not returned")
        #expect(B1CAEnrollPermission().evaluate(noGroups, in: F.context(try F.load("lab"))).status == .unknown)
    }

    // MARK: E1

    @Test func e1ReadOnTheCA() throws {
        let context = F.context(try F.load("lab"))
        let pass = E1PrincipalReadOnCA().evaluate(F.endpoint(renewalOnly: true), in: context)
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message.contains("0x00000100"))
        // Domain Users is denied Enroll, so nothing implies Read.
        let other = F.account("CES01$", sid: "\(F.domain)-1201", groups: ["\(F.domain)-513"], classes: ["computer"])
        let fail = E1PrincipalReadOnCA().evaluate(F.endpoint(renewalOnly: true, principal: other), in: context)
        #expect(fail.status == .fail)
        #expect(fail.message.contains("none of 0x100 (Read)"))
        #expect(fail.remediation != nil)
        #expect(E1PrincipalReadOnCA().evaluate(F.endpoint(renewalOnly: false), in: context).status == .skipped)
        var transition = F.transitionPrincipal
        transition.sid = "\(F.domain)-1202"
        let alternative = E1PrincipalReadOnCA().evaluate(
            F.endpoint(renewalOnly: true, principal: transition), in: context)
        #expect(alternative.status == .pass)
        #expect(alternative.message.contains("CES-E2 alternative model"))
    }

    @Test func e1DenyReadAndMissingEvidence() throws {
        var evidence = try F.load("lab")
        let descriptor = try SecurityDescriptor(sddl: "O:BAG:BAD:(D;;CR;;;\(F.principalSID))(A;;0x300;;;AU)")
        evidence["ca01.corp.example.test"]?.caSecurity = .value(
            .descriptor(Data(try descriptor.selfRelativeBytes()), file: "ca-security.sddl"))
        let denied = E1PrincipalReadOnCA().evaluate(F.endpoint(renewalOnly: true), in: F.context(evidence))
        #expect(denied.status == .fail)
        #expect(denied.message == "CA DACL denies 0x100 (Read) to \(F.principalSID) by ACE 0")
        #expect(E1PrincipalReadOnCA().evaluate(F.endpoint(renewalOnly: true), in: F.context([:])).status == .unknown)
        let malformed = E1PrincipalReadOnCA().evaluate(
            F.endpoint(renewalOnly: true), in: F.context(try F.load("malformed")))
        #expect(malformed.status == .unknown)
        #expect(
            E1PrincipalReadOnCA().evaluate(
                F.endpoint(renewalOnly: true, principal: nil), in: F.context(try F.load("lab"))
            ).status == .unknown)
    }

    // MARK: E2

    @Test func e2RenewOnBehalfOfFlag() throws {
        let without = E2RenewOnBehalfOf().evaluate(F.endpoint(renewalOnly: true), in: F.context(try F.load("lab")))
        #expect(without.status == .fail)
        #expect(without.message.hasPrefix("EditFlags 0x0011014E lacks EDITF_ENABLERENEWONBEHALFOF (0x04000000)"))
        #expect(
            without.remediation?.contains(
                "certutil -config \"ca01.corp.example.test\\corp-CA01\" -setreg policy\\EditFlags +EDITF_ENABLERENEWONBEHALFOF"
            ) == true)
        let with = E2RenewOnBehalfOf().evaluate(F.endpoint(renewalOnly: true), in: F.context(try F.load("hardened")))
        #expect(with.status == .pass)
        #expect(with.message == "EditFlags 0x0411014E has EDITF_ENABLERENEWONBEHALFOF (0x04000000)")
        #expect(
            E2RenewOnBehalfOf().evaluate(F.endpoint(renewalOnly: false), in: F.context(try F.load("lab"))).status
                == .skipped)
    }

    @Test func e2AlternativeModel() throws {
        let path = F.endpoint(renewalOnly: true, principal: F.transitionPrincipal)
        let flagOff = E2RenewOnBehalfOf().evaluate(path, in: F.context(try F.load("lab")))
        #expect(flagOff.status == .pass)
        #expect(flagOff.message.contains("has TRUSTED_TO_AUTH_FOR_DELEGATION (0x1000000)"))
        let noEvidence = E2RenewOnBehalfOf().evaluate(path, in: F.context([:]))
        #expect(noEvidence.status == .pass)
        #expect(
            noEvidence.message.hasPrefix(
                "EditFlags not known (no ca-config.reg or editflags.txt for host ca01.corp.example.test"))
        // Missing evidence and no alternative: unknown, never pass.
        let unknown = E2RenewOnBehalfOf().evaluate(F.endpoint(renewalOnly: true), in: F.context([:]))
        #expect(unknown.status == .unknown)
        let malformed = E2RenewOnBehalfOf().evaluate(
            F.endpoint(renewalOnly: true), in: F.context(try F.load("malformed")))
        #expect(malformed.status == .unknown)
        #expect(malformed.message.hasPrefix("malformed editflags.txt: "))
        // Half the alternative (protocol transition without RPCSS/) is not the alternative.
        var half = F.transitionPrincipal
        half.allowedToDelegateTo = ["HOST/ca01.corp.example.test"]
        #expect(
            E2RenewOnBehalfOf().evaluate(
                F.endpoint(renewalOnly: true, principal: half), in: F.context(try F.load("lab"))
            ).status == .fail)
    }

    // MARK: D1, D2

    @Test func d1ImpersonateThroughIISUsersOrMissing() throws {
        let lab = try F.load("lab")
        let pass = D1ImpersonatePrivilege().evaluate(F.endpoint(renewalOnly: false), in: F.context(lab))
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message.contains("*S-1-5-32-568"))
        #expect(pass.message.contains("CES-D2"))
        let hardened = D1ImpersonatePrivilege().evaluate(
            F.endpoint(renewalOnly: false), in: F.context(try F.load("hardened")))
        #expect(hardened.status == .fail)
        #expect(
            hardened.message
                == "SeImpersonatePrivilege on ces01.corp.example.test is *S-1-5-19,*S-1-5-20,*S-1-5-32-544,*S-1-5-6: none is svc-ces or one of its groups"
        )
        #expect(
            D1ImpersonatePrivilege().evaluate(F.endpoint(renewalOnly: false), in: F.context([:])).status == .unknown)
        let malformed = D1ImpersonatePrivilege().evaluate(
            F.endpoint(renewalOnly: false), in: F.context(try F.load("malformed")))
        #expect(malformed.status == .unknown)
        #expect(malformed.message.hasPrefix("no secedit.inf for host ces01 in "))
    }

    @Test func d1BareNamesAreUnknownOnlyWhenNoSIDDecides() {
        func evidence(_ entries: [String]) -> [String: HostEvidence] {
            [
                "ces01": HostEvidence(
                    host: "ces01", caSecurity: .missing(reason: "x"), editFlags: .missing(reason: "x"),
                    userRights: .value(UserRightsRecord(rights: ["SeImpersonatePrivilege": entries])))
            ]
        }
        let path = F.endpoint(renewalOnly: false)
        let unresolved = D1ImpersonatePrivilege().evaluate(
            path, in: F.context(evidence(["*S-1-5-19", "CORP\\CES Admins"])))
        #expect(unresolved.status == .unknown)
        #expect(unresolved.message.contains("CORP\\CES Admins"))
        let decided = D1ImpersonatePrivilege().evaluate(
            path, in: F.context(evidence(["CORP\\CES Admins", "*\(F.principalSID)"])))
        #expect(decided.status == .pass)
        let byName = D1ImpersonatePrivilege().evaluate(path, in: F.context(evidence(["CORP\\svc-ces"])))
        #expect(byName.status == .pass)
    }

    /// What `ces-audit collect` writes for a right the host did not answer for reads as unknown with its reason.
    @Test func d1RightNotCollectedIsUnknownWithTheCollectorsReason() throws {
        let text =
            "[Privilege Rights]\r\nSeImpersonatePrivilege = <not collected: access denied (needs LSA policy view)>\r\n"
        let rights = UserRightsRecord(try SeceditParser.parse(Array(text.utf8)))
        let evidence = [
            "ces01": HostEvidence(
                host: "ces01", caSecurity: .missing(reason: "x"), editFlags: .missing(reason: "x"),
                userRights: .value(rights))
        ]
        let finding = D1ImpersonatePrivilege().evaluate(F.endpoint(renewalOnly: false), in: F.context(evidence))
        #expect(finding.status == .unknown)
        #expect(
            finding.message
                == "SeImpersonatePrivilege on ces01.corp.example.test was not collected: access denied (needs LSA policy view)",
            "\(finding.message)")
    }

    @Test func d2AsksForTheLocalGroup() {
        let finding = D2IISUsersMembership().evaluate(F.endpoint(renewalOnly: false), in: F.context([:]))
        #expect(finding.status == .unknown)
        #expect(
            finding.message
                == "no local-groups.txt for host ces01.corp.example.test: no evidence folder for it (--evidence DIR/ces01.corp.example.test/): collect the members of IIS_IUSRS on ces01.corp.example.test (Get-LocalGroupMember -SID S-1-5-32-568)"
        )
        let computer = F.account("CES01$", classes: ["top", "computer"])
        #expect(
            D2IISUsersMembership().evaluate(F.endpoint(renewalOnly: false, principal: computer), in: F.context([:]))
                .status == .skipped)
    }

    // MARK: D3

    @Test func d3BatchLogonForUsersServiceLogonForGMSA() throws {
        let lab = F.context(try F.load("lab"))
        let user = D3ApplicationPoolLogonRight().evaluate(F.endpoint(renewalOnly: false), in: lab)
        #expect(user.status == .pass, "\(user.message)")
        #expect(
            user.message == "SeBatchLogonRight on ces01.corp.example.test lists *\(F.principalSID), which svc-ces holds"
        )
        let gmsa = F.account("gmsa-ces$", classes: ["top", "user", "computer", "msDS-GroupManagedServiceAccount"])
        let service = D3ApplicationPoolLogonRight().evaluate(F.endpoint(renewalOnly: false, principal: gmsa), in: lab)
        #expect(service.status == .fail)
        #expect(service.message.hasPrefix("SeServiceLogonRight on ces01.corp.example.test is *S-1-5-80-0"))
        let computer = F.account("CES01$", classes: ["top", "computer"])
        #expect(
            D3ApplicationPoolLogonRight().evaluate(F.endpoint(renewalOnly: false, principal: computer), in: lab).status
                == .skipped)
    }

    @Test func d3DenyRightWinsAndMissingIsUnknown() throws {
        let hardened = D3ApplicationPoolLogonRight().evaluate(
            F.endpoint(renewalOnly: false), in: F.context(try F.load("hardened")))
        #expect(hardened.status == .fail)
        #expect(
            hardened.message
                == "SeDenyBatchLogonRight on ces01.corp.example.test lists *\(F.principalSID), which svc-ces holds")
        #expect(
            D3ApplicationPoolLogonRight().evaluate(F.endpoint(renewalOnly: false), in: F.context([:])).status
                == .unknown)
        let unresolvedDeny = [
            "ces01": HostEvidence(
                host: "ces01", caSecurity: .missing(reason: "x"), editFlags: .missing(reason: "x"),
                userRights: .value(
                    UserRightsRecord(rights: [
                        "SeBatchLogonRight": ["*\(F.principalSID)"],
                        "SeDenyBatchLogonRight": ["CORP\\Blocked Services"],
                    ])))
        ]
        let unsure = D3ApplicationPoolLogonRight().evaluate(
            F.endpoint(renewalOnly: false), in: F.context(unresolvedDeny))
        #expect(unsure.status == .unknown)
        #expect(unsure.message.contains("CORP\\Blocked Services"))
    }

    // MARK: D4

    @Test func d4NetworkLogonOnTheCA() throws {
        let lab = F.context(try F.load("lab"))
        let pass = D4NetworkLogonOnCA().evaluate(F.endpoint(renewalOnly: true), in: lab)
        #expect(pass.status == .pass)
        #expect(pass.message == "SeNetworkLogonRight on ca01.corp.example.test lists *S-1-1-0, which svc-ces holds")
        let none = [
            "ca01": HostEvidence(
                host: "ca01", caSecurity: .missing(reason: "x"), editFlags: .missing(reason: "x"),
                userRights: .value(UserRightsRecord(rights: ["SeNetworkLogonRight": ["*S-1-5-32-544"]])))
        ]
        let fail = D4NetworkLogonOnCA().evaluate(F.endpoint(renewalOnly: true), in: F.context(none))
        #expect(fail.status == .fail)
        #expect(
            fail.message
                == "SeNetworkLogonRight on ca01.corp.example.test is *S-1-5-32-544: none is svc-ces or one of its groups"
        )
        #expect(D4NetworkLogonOnCA().evaluate(F.endpoint(renewalOnly: false), in: F.context(none)).status == .warn)
        var denied = none
        denied["ca01"]?.userRights = .value(
            UserRightsRecord(rights: [
                "SeNetworkLogonRight": ["*S-1-1-0"], "SeDenyNetworkLogonRight": ["*\(F.domain)-513"],
            ]))
        let deniedFinding = D4NetworkLogonOnCA().evaluate(F.endpoint(renewalOnly: true), in: F.context(denied))
        #expect(deniedFinding.status == .fail)
        #expect(
            deniedFinding.message.hasPrefix(
                "SeDenyNetworkLogonRight on ca01.corp.example.test lists *S-1-5-21-1-2-3-513"))
        #expect(D4NetworkLogonOnCA().evaluate(F.endpoint(renewalOnly: true), in: F.context([:])).status == .unknown)
        let malformed = D4NetworkLogonOnCA().evaluate(
            F.endpoint(renewalOnly: true), in: F.context(try F.load("malformed")))
        #expect(malformed.status == .unknown)
        #expect(malformed.message.hasPrefix("malformed secedit.inf: "))
    }
}

/// B1 and E2 with real accounts from the test bed against the fixture evidence.
@Suite(.requiresTestBed)
struct EvidenceRulesAgainstTestBedTests {
    @Test func aliceIsDeniedEnrollThroughDomainUsers() async throws {
        let fixture = try await RequesterRulesAgainstTestBedTests.fixture()
        let domain = try #require(fixture.context.snapshot.domain.sid)
        var context = fixture.context
        context.snapshot.evidence = try EvidenceFixtures.load("lab", domain: domain)
        let path = try await fixture.path("alice", authFlag: 2)
        #expect(path.requester.tokenGroups.value?.contains("\(domain)-513") == true)
        let finding = B1CAEnrollPermission().evaluate(path, in: context)
        #expect(finding.status == .fail)
        #expect(finding.message == "CA DACL denies 0x200 (Enroll) to \(domain)-513 by ACE 0")
        #expect(finding.subject.name == "alice")
        // The certutil text grants through Authenticated Users; its deny lines are Certificate Manager only.
        context.snapshot.evidence = try EvidenceFixtures.load("hardened", domain: domain)
        let certutil = B1CAEnrollPermission().evaluate(path, in: context)
        #expect(certutil.status == .pass, "\(certutil.message)")
    }

    @Test func renewalOnlyEndpointOfSvcCesUsesTheAlternativeModel() async throws {
        let delegation = try await DelegationRulesAgainstTestBedTests.fixture()
        let domain = try #require(delegation.context.snapshot.domain.sid)
        var context = delegation.context
        context.snapshot.evidence = try EvidenceFixtures.load("lab", domain: domain)
        let svc = try await delegation.path(authFlag: 8, renewalOnly: true)
        let e2 = E2RenewOnBehalfOf().evaluate(svc, in: context)
        #expect(e2.status == .pass, "\(e2.message)")
        #expect(e2.message.contains("lacks EDITF_ENABLERENEWONBEHALFOF"))
        let computer = try await delegation.path(authFlag: 8, renewalOnly: true, serviceAccount: "CES01$")
        #expect(E2RenewOnBehalfOf().evaluate(computer, in: context).status == .fail)
        // CES01$ is not in Domain Users: Authenticated Users' Enroll implies Read.
        let e1 = E1PrincipalReadOnCA().evaluate(computer, in: context)
        #expect(e1.status == .pass, "\(e1.message)")
        #expect(e1.message.contains("0x00000300"))
    }
}
