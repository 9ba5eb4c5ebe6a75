import ADModel
import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// Evidence layout v2 (docs/host-evidence.md) through the loader and the rules it feeds. Three folders with the same
/// hosts: `v2-healthy` (Windows .reg exports, Samba's dialect, local groups, IIS config), `v2-broken` (reg query
/// output, EnableDCOM N, Credential Guard on, empty groups, no multipleSiteBindingsEnabled) and `v2-denied` (only the
/// collector's manifest, every datum unknown with its reason).
@Suite struct EvidenceLayoutV2Tests {
    typealias F = EvidenceFixtures
    static let ca = "ca01.corp.example.test"
    static let ces = "ces01.corp.example.test"

    static func context(_ folder: String) throws -> RuleContext { F.context(try F.load(folder)) }

    /// svc-ces with unconstrained delegation only (uAC 0x80200): what CES-C4 is about.
    static let unconstrained = F.account(control: 0x0008_0200)

    // MARK: loader

    @Test func healthyFolderFromWindowsAndSambaExports() throws {
        let evidence = try F.load("v2-healthy")
        let ca = try #require(evidence[Self.ca])
        #expect(ca.caSecurity.value?.file == "ca-config.reg")
        #expect(ca.caSecurity.value?.securityDescriptor?.dacl?.aces.first?.sid == (try SID(string: "S-1-5-32-546")))
        #expect(ca.editFlags == .value(0x0411_014E))
        #expect(ca.interfaceFlags == .value(0x641))
        #expect(ca.enableDCOM == .value(true))
        #expect(ca.localGroups.value?.members(of: .certificateServiceDCOMAccess) == [.authenticatedUsers])
        #expect(ca.localGroups.value?.members(of: .iisIUSRS) == [])
        let ces = try #require(evidence[Self.ces])
        // The manifest says the DeviceGuard policy key was not found: not set, so the local LsaCfgFlags 0 decides.
        #expect(ces.credentialGuard.value??.configuration.configuredOn == false)
        #expect(
            ces.webConfigs
                == .value([WebConfigRecord(file: "ces-Kerberos.web.config", multipleSiteBindingsEnabled: true)]))
        #expect(ces.iisSites.value?.first?.bindings.count == 2)
        // Nothing on the CA host says anything about Credential Guard: the rule keeps its default.
        #expect(ca.credentialGuard == .value(nil))
    }

    @Test func brokenFolderFromRegQueryOutput() throws {
        let evidence = try F.load("v2-broken")
        let ca = try #require(evidence[Self.ca])
        #expect(ca.caSecurity.value?.file == "ca-config.txt")
        #expect(ca.caSecurity.value?.securityDescriptor?.dacl?.aces.first?.sid == .authenticatedUsers)
        #expect(ca.editFlags == .value(0x0011_014E))
        #expect(ca.enableDCOM == .value(false))
        let ces = try #require(evidence[Self.ces])
        #expect(ces.credentialGuard.value??.policyLsaCfgFlags == 1)
        #expect(ces.webConfigs == .value([WebConfigRecord(file: "web.config", multipleSiteBindingsEnabled: nil)]))
    }

    @Test func manifestReasonsReplaceNoEvidence() throws {
        let evidence = try F.load("v2-denied")
        let ca = try #require(evidence[Self.ca])
        #expect(
            ca.caSecurity.missingReason
                == "ca-config not collected from \(Self.ca): access denied reading HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration on ca01.corp.example.test: needs membership of the CA's local Administrators (winreg AllowedPaths does not list CertSvc)"
        )
        #expect(ca.editFlags.missingReason == ca.caSecurity.missingReason)
        #expect(ca.userRights.missingReason == "user-rights not collected from \(Self.ca): timeout after 30 s")
        #expect(ca.localGroups.missingReason?.contains("RestrictRemoteSAM") == true)
        let ces = try #require(evidence[Self.ces])
        #expect(
            ces.credentialGuard.missingReason?.hasPrefix("lsa not collected from \(Self.ces): access denied") == true)
        #expect(ces.iisSites.missingReason?.contains("admin share") == true)
    }

    @Test func precedenceRegistryOverDedicatedFilesAndFallBackWhenUnusable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ces-v2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let host = root.appendingPathComponent("ca01")
        try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        let fixtures = URL(fileURLWithPath: try F.directory("v2-healthy"))
        try FileManager.default.copyItem(
            at: fixtures.appendingPathComponent("\(Self.ca)/ca-config.reg"),
            to: host.appendingPathComponent("ca-config.reg"))
        try Data("O:BAG:BAD:(D;;0x200;;;AU)".utf8).write(to: host.appendingPathComponent("ca-security.sddl"))
        try Data("EditFlags REG_DWORD = 11014e (1114446)\n".utf8).write(
            to: host.appendingPathComponent("editflags.txt"))
        var ca = try #require(try EvidenceLoader.load(directory: root.path)["ca01"])
        #expect(ca.caSecurity.value?.file == "ca-config.reg")
        #expect(ca.editFlags == .value(0x0411_014E))
        // A registry export whose Security is unusable gives way to the next source.
        try Data(
            "REGEDIT4\n[HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA]\n\"Security\"=hex:01,00\n"
                .utf8
        )
        .write(to: host.appendingPathComponent("ca-config.reg"))
        ca = try #require(try EvidenceLoader.load(directory: root.path)["ca01"])
        #expect(ca.caSecurity.value?.file == "ca-security.sddl")
        #expect(ca.editFlags == .value(0x0011_014E))
        try FileManager.default.removeItem(at: host.appendingPathComponent("ca-security.sddl"))
        ca = try #require(try EvidenceLoader.load(directory: root.path)["ca01"])
        #expect(
            ca.caSecurity.missingReason?.hasPrefix(
                "ca-config.reg: HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA\\Security: ")
                == true)
        // A file that is not a regular file is refused without reading it.
        try FileManager.default.createSymbolicLink(
            at: host.appendingPathComponent("local-groups.txt"), withDestinationURL: URL(fileURLWithPath: "/dev/zero"))
        ca = try #require(try EvidenceLoader.load(directory: root.path)["ca01"])
        #expect(ca.localGroups.missingReason == "malformed local-groups.txt: not a regular file")
    }

    /// A collected folder is used as far as its manifest vouches for it (docs/host-evidence-collection.md): a file
    /// changed after the collection, a listed file that is gone or a file that was added leaves the datum it feeds
    /// unknown with the reason, never a verdict from unverified bytes. A tampered copy of v2-healthy.
    @Test func manifestSHA256IsCheckedOnRead() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ces-manifest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: URL(fileURLWithPath: try F.directory("v2-healthy")), to: root)
        let host = root.appendingPathComponent(Self.ces)
        func context() throws -> RuleContext { F.context(try EvidenceLoader.load(directory: root.path)) }
        let path = F.endpoint(renewalOnly: false)
        // As collected: every listed file matches, and the rules decide.
        #expect(D1ImpersonatePrivilege().evaluate(path, in: try context()).status == .pass)
        #expect(D2IISUsersMembership().evaluate(path, in: try context()).status == .pass)
        #expect(G3MultipleSiteBindings().evaluate(path, in: try context()).status == .pass)

        // secedit.inf edited afterwards (IIS_IUSRS taken out: as read, D1 would fail)
        let secedit = host.appendingPathComponent("secedit.inf")
        let original = try String(contentsOf: secedit, encoding: .utf8)
        try original.replacingOccurrences(of: ",*S-1-5-32-568", with: "").write(
            to: secedit, atomically: true, encoding: .utf8)
        let changed = D1ImpersonatePrivilege().evaluate(path, in: try context())
        #expect(changed.status == .unknown, "\(changed.message)")
        #expect(
            changed.message.hasPrefix(
                "user-rights from ces01.corp.example.test not used: secedit.inf does not match its SHA-256 in manifest.json ("
            ),
            "\(changed.message)")
        try original.write(to: secedit, atomically: true, encoding: .utf8)
        #expect(D1ImpersonatePrivilege().evaluate(path, in: try context()).status == .pass, "restored: verified again")

        // a listed file that is missing
        try FileManager.default.removeItem(at: host.appendingPathComponent("local-groups.txt"))
        let gone = D2IISUsersMembership().evaluate(path, in: try context())
        #expect(gone.status == .unknown, "\(gone.message)")
        #expect(gone.message.contains("local-groups.txt is listed in manifest.json but missing"), "\(gone.message)")

        // a file the collector did not write: the web.config data as a whole is not used, nor is the added file
        try Data("<configuration/>".utf8).write(to: host.appendingPathComponent("ces-Certificate.web.config"))
        let added = G3MultipleSiteBindings().evaluate(path, in: try context())
        #expect(added.status == .unknown, "\(added.message)")
        #expect(
            added.message.contains(
                "ces-Certificate.web.config is not listed in manifest.json (added after the collection)"),
            "\(added.message)")
        let ces = try #require(try EvidenceLoader.load(directory: root.path)[Self.ces])
        #expect(ces.iisSites.value != nil && ces.userRights.value != nil, "the other data are still used")

        // A manifest that cannot be read vouches for nothing.
        try Data("{\"schemaVersion\": 1, \"files\": 7}".utf8).write(to: host.appendingPathComponent("manifest.json"))
        let broken = D1ImpersonatePrivilege().evaluate(path, in: try context())
        #expect(broken.status == .unknown, "\(broken.message)")
        #expect(broken.message.contains("secedit.inf is not verified: malformed manifest.json"), "\(broken.message)")

        // A hand-made folder (no manifest) is read as before.
        try FileManager.default.removeItem(at: host.appendingPathComponent("manifest.json"))
        #expect(G3MultipleSiteBindings().evaluate(path, in: try context()).status != .unknown)
    }

    @Test func newDataRoundTripAndOldSnapshotsDecode() throws {
        var snapshot = F.context([:]).snapshot
        snapshot.evidence = try F.load("v2-broken")
        snapshot.collectedAt = Date(timeIntervalSince1970: 1_800_000_000)
        snapshot.evidence[Self.ca]?.certutilPrincipals = ["corp\\ces users": "S-1-5-21-1-2-3-4000"]
        snapshot.trusts = .value([TrustRecord(partner: "fabrikam.example", direction: 2, attributes: 0x18)])
        snapshot.forestRootTrusts = .missing(reason: "CN=System,DC=root not readable: referral")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let data = try encoder.encode(snapshot)
        #expect(try decoder.decode(DirectorySnapshot.self, from: data) == snapshot)
        // A snapshot saved before trusts were read decodes without them (CES-C11 then says so).
        var saved = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        saved["trusts"] = nil
        saved["forestRootTrusts"] = nil
        let older = try decoder.decode(DirectorySnapshot.self, from: try JSONSerialization.data(withJSONObject: saved))
        #expect(older.trusts == nil && older.forestRootTrusts == nil)
        // A host evidence entry as written before layout v2: only the three original data.
        let old =
            #"{"host":"ca01","caSecurity":{"missing":{"reason":"x"}},"editFlags":{"value":{"_0":5}},"userRights":{"missing":{"reason":"y"}}}"#
        let host = try decoder.decode(HostEvidence.self, from: Data(old.utf8))
        #expect(host.editFlags == .value(5))
        #expect(host.localGroups.missingReason == "no local-groups.txt for host ca01")
        #expect(host.credentialGuard == .value(nil))
        #expect(host.certutilPrincipals == nil)
    }

    // MARK: rules: pass, fail and unknown for each rule the layout feeds

    @Test func b1() throws {
        let path = F.requester(groups: ["\(F.domain)-513"])
        let pass = B1CAEnrollPermission().evaluate(path, in: try Self.context("v2-healthy"))
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message == "CA DACL grants 0x200 (Enroll) to S-1-5-11 by ACE 1")
        #expect(pass.evidence["file"] == .string("ca-config.reg"))
        let fail = B1CAEnrollPermission().evaluate(path, in: try Self.context("v2-broken"))
        #expect(fail.status == .fail)
        #expect(fail.message == "CA DACL denies 0x200 (Enroll) to S-1-5-11 by ACE 0")
        let unknown = B1CAEnrollPermission().evaluate(path, in: try Self.context("v2-denied"))
        #expect(unknown.status == .unknown)
        #expect(unknown.message.hasPrefix("ca-config not collected from ca01.corp.example.test: access denied"))
    }

    @Test func b4() throws {
        let path = F.requester(groups: ["\(F.domain)-513"])
        let pass = B4RequesterDCOMOnCA().evaluate(path, in: try Self.context("v2-healthy"))
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(
            pass.message.contains(
                "Certificate Service DCOM Access (S-1-5-32-574) on ca01.corp.example.test has S-1-5-11"))
        #expect(pass.evidence["EnableDCOM"] == .string("Y"))
        let fail = B4RequesterDCOMOnCA().evaluate(path, in: try Self.context("v2-broken"))
        #expect(fail.status == .fail)
        #expect(fail.message.contains("EnableDCOM is N on ca01.corp.example.test"))
        let unknown = B4RequesterDCOMOnCA().evaluate(path, in: try Self.context("v2-denied"))
        #expect(unknown.status == .unknown)
        #expect(unknown.message.contains("RestrictRemoteSAM"))
        // One part missing is enough for unknown; any part failing wins over it.
        var evidence = try F.load("v2-healthy")
        evidence[Self.ca]?.enableDCOM = .missing(reason: "ole not collected")
        #expect(B4RequesterDCOMOnCA().evaluate(path, in: F.context(evidence)).status == .unknown)
        evidence[Self.ca]?.localGroups = .value(LocalGroupsRecord(groups: ["S-1-5-32-574": []]))
        let notMember = B4RequesterDCOMOnCA().evaluate(path, in: F.context(evidence))
        #expect(notMember.status == .fail)
        #expect(notMember.message.contains("has no members: none is alice"))
    }

    @Test func c4() throws {
        var path = F.endpoint(renewalOnly: false, principal: Self.unconstrained)
        // The CA computer, without resource-based delegation: only the unconstrained delegation is left.
        path.caComputer = .fixture("CA01$", sid: "\(F.domain)-1001", control: .value(0x1000))
        let fail = C4UnconstrainedDelegationOnly().evaluate(path, in: try Self.context("v2-broken"))
        #expect(fail.status == .fail, "\(fail.message)")
        #expect(
            fail.message.contains("Credential Guard is configured on ces01.corp.example.test (policy LsaCfgFlags 1"))
        let off = C4UnconstrainedDelegationOnly().evaluate(path, in: try Self.context("v2-healthy"))
        #expect(off.status == .warn)
        #expect(off.message.contains("Credential Guard is off on ces01.corp.example.test (Lsa LsaCfgFlags 0)"))
        let unknown = C4UnconstrainedDelegationOnly().evaluate(path, in: try Self.context("v2-denied"))
        #expect(unknown.status == .unknown)
        #expect(unknown.message.contains("lsa not collected from ces01.corp.example.test: access denied"))
        // No evidence at all: the warning it always gave.
        #expect(C4UnconstrainedDelegationOnly().evaluate(path, in: F.context([:])).status == .warn)
        let constrained = F.endpoint(renewalOnly: false, principal: F.transitionPrincipal)
        #expect(
            C4UnconstrainedDelegationOnly().evaluate(constrained, in: try Self.context("v2-broken")).status == .pass)
        // No CA computer account: whether RBCD covers the CA cannot be told.
        path.caComputer = nil
        let noComputer = C4UnconstrainedDelegationOnly().evaluate(path, in: try Self.context("v2-broken"))
        #expect(noComputer.status == .unknown, "\(noComputer.message)")
    }

    @Test func d2() throws {
        let path = F.endpoint(renewalOnly: false)
        let pass = D2IISUsersMembership().evaluate(path, in: try Self.context("v2-healthy"))
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(pass.message == "IIS_IUSRS on ces01.corp.example.test has S-1-5-21-1-2-3-1200, which svc-ces holds")
        let fail = D2IISUsersMembership().evaluate(path, in: try Self.context("v2-broken"))
        #expect(fail.status == .fail)
        #expect(
            fail.message == "IIS_IUSRS on ces01.corp.example.test has S-1-5-17: none is svc-ces or one of its groups")
        let unknown = D2IISUsersMembership().evaluate(path, in: try Self.context("v2-denied"))
        #expect(unknown.status == .unknown)
        #expect(unknown.message.hasPrefix("local-groups not collected from ces01.corp.example.test: access denied"))
        // SeImpersonatePrivilege naming the principal itself makes the membership unnecessary.
        var evidence = try F.load("v2-broken")
        evidence[Self.ces]?.userRights = .value(
            UserRightsRecord(rights: ["SeImpersonatePrivilege": ["*\(F.principalSID)"]]))
        let direct = D2IISUsersMembership().evaluate(path, in: F.context(evidence))
        #expect(direct.status == .pass)
        #expect(direct.message.hasSuffix("but SeImpersonatePrivilege lists *\(F.principalSID) directly"))
    }

    @Test func e1() throws {
        let path = F.endpoint(renewalOnly: true)
        let pass = E1PrincipalReadOnCA().evaluate(path, in: try Self.context("v2-healthy"))
        #expect(pass.status == .pass, "\(pass.message)")
        let fail = E1PrincipalReadOnCA().evaluate(path, in: try Self.context("v2-broken"))
        #expect(fail.status == .fail)
        #expect(fail.message == "CA DACL denies 0x100 (Read) to S-1-5-11 by ACE 0")
        let unknown = E1PrincipalReadOnCA().evaluate(path, in: try Self.context("v2-denied"))
        #expect(unknown.status == .unknown)
        #expect(unknown.message.contains("access denied reading HKLM"))
    }

    @Test func e2() throws {
        let path = F.endpoint(renewalOnly: true)
        let pass = E2RenewOnBehalfOf().evaluate(path, in: try Self.context("v2-healthy"))
        #expect(pass.status == .pass)
        #expect(pass.message == "EditFlags 0x0411014E has EDITF_ENABLERENEWONBEHALFOF (0x04000000)")
        #expect(pass.evidence["InterfaceFlags"] == .integer(0x641))
        let fail = E2RenewOnBehalfOf().evaluate(path, in: try Self.context("v2-broken"))
        #expect(fail.status == .fail)
        #expect(fail.message.hasPrefix("EditFlags 0x0011014E lacks EDITF_ENABLERENEWONBEHALFOF"))
        let unknown = E2RenewOnBehalfOf().evaluate(path, in: try Self.context("v2-denied"))
        #expect(unknown.status == .unknown)
        #expect(unknown.message.hasPrefix("ca-config not collected from ca01.corp.example.test"))
    }

    @Test func g3() throws {
        let path = F.endpoint(renewalOnly: false)
        let pass = G3MultipleSiteBindings().evaluate(path, in: try Self.context("v2-healthy"))
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(
            pass.message
                == "site 'Default Web Site' has 2 bindings and ces-Kerberos.web.config sets multipleSiteBindingsEnabled=\"true\""
        )
        let warn = G3MultipleSiteBindings().evaluate(path, in: try Self.context("v2-broken"))
        #expect(warn.status == .warn)
        #expect(
            warn.message.contains(
                "3 bindings (https *:443:, https *:443:pki.corp.example.test, http *:80:), several for https, and web.config has no serviceHostingEnvironment"
            ), "\(warn.message)")
        let unknown = G3MultipleSiteBindings().evaluate(path, in: try Self.context("v2-denied"))
        #expect(unknown.status == .unknown)
        #expect(
            unknown.message.hasPrefix("applicationHost.config not collected from ces01.corp.example.test: admin share"))
        // One binding, or one per scheme (WCF allows one base address per scheme), needs no setting.
        var evidence = try F.load("v2-broken")
        for bindings in [["https *:443:"], ["https *:443:", "http *:80:"]] {
            evidence[Self.ces]?.iisSites = .value([
                IISSiteRecord(name: "Default Web Site", bindings: bindings, applications: ["/corp-CA01_CES_Kerberos"])
            ])
            let single = G3MultipleSiteBindings().evaluate(path, in: F.context(evidence))
            #expect(single.status == .pass, "\(bindings): \(single.message)")
        }
        // The collector's name when two CAs have a Kerberos instance on the host: ces-<CA>-<Auth>.web.config
        evidence = try F.load("v2-healthy")
        evidence[Self.ces]?.webConfigs = .value([
            WebConfigRecord(file: "ces-corp-CA01-Kerberos.web.config", multipleSiteBindingsEnabled: true),
            WebConfigRecord(file: "ces-corp_CA02-Kerberos.web.config", multipleSiteBindingsEnabled: false),
        ])
        let qualified = G3MultipleSiteBindings().evaluate(path, in: F.context(evidence))
        #expect(qualified.status == .pass, "\(qualified.message)")
        #expect(qualified.evidence["webConfig"] == .string("ces-corp-CA01-Kerberos.web.config"))
        // The endpoint's application is on no site: cannot tell.
        let other = F.endpoint(renewalOnly: true)
        #expect(G3MultipleSiteBindings().evaluate(other, in: try Self.context("v2-healthy")).status == .unknown)
    }

    @Test func c8KernelModeNeedsAppPoolCredentialsForAServiceAccount() throws {
        let path = EndpointPath(
            ca: F.ca, endpoint: F.ca.endpoints[0],
            principal: PrincipalResolution(
                account: F.account(), source: .configured, httpSPNHolders: ["svc-ces"], problem: nil,
                forestHTTPSPNHolders: .value(["svc-ces"])),
            caComputer: nil)
        var evidence = try F.load("v2-healthy")
        #expect(
            evidence[Self.ces]?.windowsAuthentication
                == .value([
                    WindowsAuthenticationRecord(
                        location: "Default Web Site/corp-CA01_CES_Kerberos", useKernelMode: true,
                        useAppPoolCredentials: true)
                ]))
        let pass = C8HTTPServicePrincipalName().evaluate(path, in: F.context(evidence))
        #expect(pass.status == .pass, "\(pass.message)")
        #expect(
            pass.message.hasSuffix(
                "IIS has useKernelMode=true, useAppPoolCredentials=true for /corp-CA01_CES_Kerberos on ces01.corp.example.test"
            ))
        // Kernel mode by default and no useAppPoolCredentials: the computer account's key cannot read svc-ces's tickets.
        evidence[Self.ces]?.windowsAuthentication = .value([
            WindowsAuthenticationRecord(
                location: "Default Web Site/corp-CA01_CES_Kerberos", useKernelMode: nil, useAppPoolCredentials: nil)
        ])
        let fail = C8HTTPServicePrincipalName().evaluate(path, in: F.context(evidence))
        #expect(fail.status == .fail)
        #expect(fail.message.contains("set useAppPoolCredentials=\"true\""))
        // The server-wide section applies when the instance has none.
        evidence[Self.ces]?.windowsAuthentication = .value([
            WindowsAuthenticationRecord(location: "", useKernelMode: false, useAppPoolCredentials: nil)
        ])
        #expect(C8HTTPServicePrincipalName().evaluate(path, in: F.context(evidence)).status == .pass)
        let none = C8HTTPServicePrincipalName().evaluate(path, in: F.context([:]))
        #expect(none.status == .pass)
        #expect(none.message.hasSuffix("not checked (no applicationHost.config)"))
        // A collector that was asked for the file and could not read it: unknown with its reason, not "not checked".
        let denied = C8HTTPServicePrincipalName().evaluate(path, in: try Self.context("v2-denied"))
        #expect(denied.status == .unknown, "\(denied.message)")
        #expect(
            denied.message.contains(
                "cannot be checked: applicationHost.config not collected from ces01.corp.example.test: admin share"),
            "\(denied.message)")
        // A hand-made folder whose applicationHost.config is there but malformed: it was supplied, so unknown too.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("c8-malformed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let host = folder.appendingPathComponent(Self.ces)
        try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        try Data("<configuration><system.webServer><security".utf8).write(
            to: host.appendingPathComponent("applicationHost.config"))
        let malformed = C8HTTPServicePrincipalName().evaluate(
            path, in: F.context(try EvidenceLoader.load(directory: folder.path)))
        #expect(malformed.status == .unknown, "\(malformed.message)")
        #expect(malformed.message.contains("malformed applicationhost.config"), "\(malformed.message)")
    }

    // MARK: certutil names resolved through AD

    @Test func certutilDomainGroupsResolvedThroughADDecide() throws {
        var evidence = try F.load("hardened")
        var ca = F.ca
        ca.dnsHostName = "ca03.corp.example.test"
        let path = EnrollmentPath(
            requester: F.account("alice", groups: ["\(F.domain)-1300"]), ca: ca, endpoint: ca.endpoints[0])
        // CORP\Contractors (line 5, Deny Enroll) unresolved: it may be alice's group.
        #expect(B1CAEnrollPermission().evaluate(path, in: F.context(evidence)).status == .unknown)
        var snapshot = F.context(evidence).snapshot
        snapshot.domain.netbiosName = "CORP"
        #expect(snapshot.unresolvedCertutilNames["contractors"] == ["corp\\contractors"])
        #expect(snapshot.unresolvedCertutilNames["authenticated users"] == nil)
        snapshot.recordCertutilPrincipals(["contractors": "\(F.domain)-1300"])
        #expect(snapshot.unresolvedCertutilNames["contractors"] == nil)
        evidence = snapshot.evidence
        let denied = B1CAEnrollPermission().evaluate(path, in: F.context(evidence))
        #expect(denied.status == .fail)
        #expect(denied.message == "ca-security.txt line 5 denies 0x200 (Enroll) to CORP\\Contractors")
        // The group resolves to a SID alice does not hold: the deny does not apply, Authenticated Users grants.
        evidence["ca03"]?.certutilPrincipals = ["corp\\contractors": "\(F.domain)-1400"]
        let granted = B1CAEnrollPermission().evaluate(path, in: F.context(evidence))
        #expect(granted.status == .pass, "\(granted.message)")
    }

    /// A certutil name is matched by name only for this domain (its NetBIOS name), NT AUTHORITY and BUILTIN: another
    /// domain's `OTHER\alice` or `OTHER\Domain Users` is not alice or her Domain Users, and a line naming one that
    /// could grant or deny the right is unknown — never a pass or a fail.
    @Test func certutilNamesOfAnotherDomainAreNotMatchedByName() throws {
        let alice = F.account("alice", groups: ["\(F.domain)-513"])
        let token = try #require(alice.token)
        func member(_ principal: String, netbios: String? = "CORP") -> Bool? {
            CARightCheck.isMember(
                principal, token: token, account: alice, domain: try? SID(string: F.domain), netbios: netbios)
        }
        #expect(member("CORP\\alice") == true)
        #expect(member("alice") == true)
        #expect(member("corp\\Domain Users") == true)
        #expect(member("NT AUTHORITY\\Authenticated Users") == true)
        #expect(member("CORP\\Domain Admins") == false)
        #expect(member("OTHER\\alice") == nil)
        #expect(member("OTHER\\Domain Users") == nil)
        #expect(member("CORP\\alice", netbios: nil) == nil, "this domain's NetBIOS name was not read")

        for line in ["Allow Enroll\tOTHER\\alice", "Deny Enroll\tOTHER\\Domain Users"] {
            let text =
                "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\corp-CA01\\Security:\n\n"
                + "  Security REG_BINARY =\n    \(line)\n    Allow Enroll\tCORP\\Domain Users\n\n"
                + "CertUtil: -getreg command completed successfully.\n"
            let outcome = CARightCheck.evaluate(
                .certutil(text, file: "ca-security.txt"), right: .enroll, token: token, account: alice,
                domain: try? SID(string: F.domain), netbios: "CORP")
            guard case .unknown(let reason) = outcome else {
                Issue.record("\(line): \(outcome)")
                continue
            }
            #expect(reason.contains("line 4"), "\(reason)")
        }
    }
}

/// Reaching green: a check no source can make is a manual checklist item, counted but not in the exit status.
@Suite struct ManualChecksTests {
    static func report(_ statuses: [Status]) -> AuditReport {
        var tally = FindingTally(listsEverything: true)
        tally.add(
            statuses.enumerated().map { index, status in
                Finding(
                    ruleId: "CES-G\(index + 1)", status: status, title: "t",
                    subject: Subject(kind: .servicePrincipal, name: "svc-ces"), message: "m")
            })
        return tally.report(command: "user", target: "alice", startedAt: Date(), version: "test")
    }

    @Test func manualChecksAreCountedButDoNotDecideTheExitStatusByDefault() throws {
        var report = Self.report([.pass, .manual, .manual])
        #expect(report.summary.manual == 2)
        #expect(report.open?.manual == 2)
        #expect(report.exitStatus == 0)
        report.countsManualChecks = true
        #expect(report.exitStatus == 3)
        #expect(Self.report([.warn, .manual]).exitStatus == 1)
        // JSON: the count is there, and a summary written before the status existed still decodes.
        let data = try JSONEncoder().encode(report.summary)
        #expect(String(decoding: data, as: UTF8.self).contains("\"manual\":2"))
        let old = try JSONDecoder().decode(
            AuditReport.Summary.self, from: Data(#"{"pass":1,"warn":0,"fail":0,"unknown":0,"skipped":0}"#.utf8))
        #expect(old.manual == 0)
    }

    @Test func sitePolicyCountManualChecks() throws {
        let policy = try SitePolicy(
            yaml: "schemaVersion: 1\ncountManualChecks: true\n", file: "site.yaml", catalogue: .embedded)
        #expect(policy.countManualChecks)
        #expect(!SitePolicy.none.countManualChecks)
        #expect(throws: PolicyFileError.self) {
            try SitePolicy(
                yaml: "schemaVersion: 1\ncountManualChecks: maybe\n", file: "site.yaml", catalogue: .embedded)
        }
    }
}

/// certutil names resolved through the test bed's directory: the NetBIOS name from the crossRef, then sAMAccountName.
@Suite(.requiresTestBed)
struct CertutilNamesAgainstTestBedTests {
    @Test func denyForADomainGroupDecidesB1() async throws {
        let bed = try await TestBedSnapshot.collect()
        var snapshot = bed.context.snapshot
        let netbios = try #require(snapshot.domain.netbiosName)
        #expect(netbios.uppercased() == "CORP")
        // grace is in no-cert-users; alice is not. certutil prints both groups by name only.
        let text = """
            HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\corp-CA01\\Security:

              Security REG_BINARY =
                Deny Enroll\t\(netbios)\\no-cert-users
                Deny Enroll\t\(netbios)\\nobody-by-this-name
                Allow Enroll\tNT AUTHORITY\\Authenticated Users
            CertUtil: -getreg command completed successfully.
            """
        snapshot.evidence = [
            "ca01.corp.example.test": HostEvidence(
                host: "ca01.corp.example.test", caSecurity: .value(.certutil(text, file: "ca-security.txt")),
                editFlags: .missing(reason: "x"), userRights: .missing(reason: "x"))
        ]
        try await bed.collector.resolveCertutilPrincipals(in: &snapshot)
        let resolved = try #require(snapshot.evidence["ca01.corp.example.test"]?.certutilPrincipals)
        let group = try #require(
            try await bed.collector.entries(
                SearchRequest(
                    base: bed.base, filter: "(sAMAccountName=no-cert-users)", attributes: ["objectSid"])
            ).first?.values("objectSid").first)
        #expect(resolved["corp\\no-cert-users"] == (try SID(bytes: Array(group))).description)
        #expect(resolved["corp\\nobody-by-this-name"] == nil)
        let context = RuleContext.offline(snapshot)
        let endpoint = try bed.endpoint(authFlag: 2)
        let grace = B1CAEnrollPermission().evaluate(
            EnrollmentPath(requester: try await bed.account("grace"), ca: bed.ca, endpoint: endpoint), in: context)
        #expect(grace.status == .fail, "\(grace.message)")
        #expect(grace.message == "ca-security.txt line 4 denies 0x200 (Enroll) to \(netbios)\\no-cert-users")
        // Every group of alice has a well-known name, none of them denied: Authenticated Users grants.
        let alice = B1CAEnrollPermission().evaluate(
            EnrollmentPath(requester: try await bed.account("alice"), ca: bed.ca, endpoint: endpoint), in: context)
        #expect(alice.status == .pass, "\(alice.message)")
        // erin is in tier0-admins, which has no well-known name: the unresolved line may be hers, so unknown.
        let erin = B1CAEnrollPermission().evaluate(
            EnrollmentPath(requester: try await bed.account("erin"), ca: bed.ca, endpoint: endpoint), in: context)
        #expect(erin.status == .unknown)
        #expect(erin.message.contains("names \(netbios)\\nobody-by-this-name, which was not resolved"))
    }
}
