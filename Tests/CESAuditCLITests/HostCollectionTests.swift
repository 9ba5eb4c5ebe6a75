import Foundation
import TestSupport
import Testing

/// `ces-audit collect` and `--collect` against the test bed in SMB mode (CES_TESTBED_SMB=1 scripts/testbed up): the
/// DC serves SMB, the registry, LSA and SAMR for the stand-in hosts ca01–ca03, ca09 and ces01–ces03 (cifs/ SPNs on
/// its own account), and ces05 on a second address with an admin share of its own; ces04 keeps only HOST/ on
/// CES04$, so the DC cannot read its tickets; a listener of the test takes TCP 445 and stays silent. Scenarios, a
/// pass, a fail and an unknown for each host rule: docs/testbed-scenarios.md ("Remote collection").
@Suite(.requiresTestBed, .serialized)
struct HostCollectionTests {
    static let standIns = ["ca01", "ca02", "ca03", "ca09", "ces01", "ces02", "ces03", "ces04"].map {
        "\($0).corp.example.test"
    }
    static let kerberos = "https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"

    /// The address the stand-in hosts are served on; set only by a test bed in SMB mode.
    static func smbAddress() throws -> String {
        guard let address = TestBedEnvironment.variables["CES_TEST_SMB_ADDRESS"], !address.isEmpty else {
            throw TestSetupError(
                description:
                    "CES_TEST_SMB_ADDRESS is not set: start the test bed with CES_TESTBED_SMB=1 scripts/testbed up")
        }
        return address
    }

    /// LDAP as the reader (simple bind), the hosts with the reader's keytab, every stand-in resolved to the DC.
    static func arguments(resolve extra: [String: String] = [:]) throws -> [String] {
        let env = try TestBed()
        let address = try smbAddress()
        var arguments = [
            "--uri", env["CES_TEST_LDAPS_URI"], "--ca-file", env["CES_TEST_CA_FILE"], "--bind-dn",
            env["CES_TEST_READER_DN"],
            "--password-file", env["CES_TEST_READER_PASSWORD_FILE"], "--collect-keytab", env["CES_TEST_KEYTAB"],
            "--collect-principal", env["CES_TEST_PRINCIPAL"],
        ]
        for host in standIns { arguments += ["--resolve", "\(host)=\(address)"] }
        for (host, address) in extra { arguments += ["--resolve", "\(host)=\(address)"] }
        return arguments
    }

    struct Manifest: Decodable {
        struct Datum: Decodable {
            var datum: String
            var status: String
            var reason: String?
            var ca: String?
            var right: String?
            var instance: String?
            var file: String?
        }
        var schemaVersion: Int
        var host: String
        var method: String
        var signing: String?
        var identity: String?
        var files: [String: String]
        var data: [Datum]

        func entry(_ datum: String, ca: String? = nil, right: String? = nil, instance: String? = nil) -> Datum? {
            data.first { $0.datum == datum && $0.ca == ca && $0.right == right && $0.instance == instance }
        }
    }

    static func manifest(_ folder: URL) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
    }

    static func text(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    static func sha256(_ file: URL) throws -> String {
        let result = try runProcess("/usr/bin/sha256sum", [file.path])
        return String(String(decoding: result.stdout, as: UTF8.self).prefix(64))
    }

    // MARK: collect

    @Test func collectWritesTheEvidenceLayoutWithAManifestPerHost() throws {
        let output = try JobCommandTests.temporaryDirectory().appendingPathComponent("evidence")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        let result = try CLI.run(
            ["collect", "ca01.corp.example.test", "ces01.corp.example.test", "--output", output.path]
                + Self.arguments())
        // Samba's LSA does not know the batch, service and deny rights: read as held by nobody, not unknown.
        #expect(result.stdout.contains("ca01.corp.example.test: "), "\(result.stdout)")
        #expect(!result.stdout.contains("unknown user-rights SeBatchLogonRight"), "\(result.stdout)")
        let mode = try FileManager.default.attributesOfItem(atPath: output.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)

        let ca = output.appendingPathComponent("ca01.corp.example.test")
        let manifest = try Self.manifest(ca)
        #expect(manifest.schemaVersion == 1)
        #expect(manifest.host == "ca01.corp.example.test")
        #expect(manifest.method == "smb+dcerpc/kerberos")
        #expect(manifest.signing == "signed")
        #expect(manifest.identity == "ces-reader@CORP.EXAMPLE.TEST")
        #expect(manifest.entry("ca-config", ca: "corp-CA01")?.status == "collected")
        for datum in ["ole", "lsa", "deviceguard", "user-rights", "local-groups"] {
            #expect(manifest.entry(datum)?.status == "collected", "\(datum): \(manifest.entry(datum)?.reason ?? "")")
        }
        let unknownToHost = manifest.entry("user-rights", right: "SeDenyNetworkLogonRight")
        #expect(unknownToHost?.status == "collected")
        #expect(unknownToHost?.reason?.contains("read per account") == true, "\(unknownToHost?.reason ?? "")")
        // refused by name, listed per account: IIS_IUSRS's batch logon as the test bed stored it
        #expect(try Self.text(ca, "secedit.inf").contains("SeBatchLogonRight = *S-1-5-32-544,*S-1-5-32-568"))
        for (name, digest) in manifest.files {
            #expect(try Self.sha256(ca.appendingPathComponent(name)) == digest, "\(name)")
        }
        #expect(
            Set(manifest.files.keys) == [
                "ca-config.reg", "ca-security.bin", "ole.reg", "lsa.reg", "deviceguard.reg", "secedit.inf",
                "local-groups.txt",
            ])

        // what the test bed seeded (testbed.py smb-seed), as Windows' reg export writes it
        let config = try Self.text(ca, "ca-config.reg")
        #expect(config.hasPrefix("Windows Registry Editor Version 5.00\r\n"))
        #expect(
            config.contains(
                "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\corp-CA01]"))
        #expect(config.contains("\"Security\"=hex:01,00,04,80,"))
        #expect(config.contains("\"InterfaceFlags\"=dword:00000641"))
        #expect(config.contains("\"Active\"=\"CertificateAuthority_MicrosoftDefault.Policy\""))
        #expect(
            config.contains(
                "PolicyModules\\CertificateAuthority_MicrosoftDefault.Policy]\r\n\"EditFlags\"=dword:0411014e"))
        let security = try Data(contentsOf: ca.appendingPathComponent("ca-security.bin"))
        #expect(security.prefix(4) == Data([1, 0, 4, 0x80]), "self-relative descriptor")
        #expect(try Self.text(ca, "ole.reg").contains("\"EnableDCOM\"=\"Y\""))
        #expect(try Self.text(ca, "lsa.reg").contains("\"LsaCfgFlags\"=dword:00000001"))
        #expect(try Self.text(ca, "deviceguard.reg").contains("\"EnableVirtualizationBasedSecurity\"=dword:00000001"))
        let secedit = try Self.text(ca, "secedit.inf")
        // pinned as a hardening GPO would: Administrators and svc-ces, without IIS_IUSRS (CES-D1 can fail)
        let impersonate = secedit.split(separator: "\r\n").first { $0.hasPrefix("SeImpersonatePrivilege = ") }
        let holders = impersonate?.dropFirst("SeImpersonatePrivilege = ".count).split(separator: ",") ?? []
        #expect(holders.count == 2 && holders.contains("*S-1-5-32-544"), "\(impersonate ?? "")")
        #expect(holders.contains { $0.hasPrefix("*S-1-5-21-") }, "svc-ces's SID: \(impersonate ?? "")")
        #expect(secedit.contains("SeNetworkLogonRight = *S-1-5-11,*S-1-5-32-544\r\n"))
        // rights Samba will not enumerate by name, read per account: the Guests' deny, nobody's service logon
        #expect(secedit.contains("SeDenyNetworkLogonRight = *S-1-5-32-546\r\n"), "\(secedit)")
        #expect(secedit.contains("SeServiceLogonRight = \r\n"), "\(secedit)")
        let groups = try Self.text(ca, "local-groups.txt").split(separator: "\n").map(String.init)
        let iis = try #require(groups.firstIndex(of: "[S-1-5-32-568]"))
        let dcom = try #require(groups.firstIndex(of: "[S-1-5-32-574]"))
        #expect(groups[(iis + 1)..<dcom].contains { $0.hasPrefix("S-1-5-21-") }, "svc-ces in IIS_IUSRS")
        #expect(groups[(dcom + 1)...].filter { $0.hasPrefix("S-1-5-21-") }.count == 3, "alice, carol, svc-ces")

        // the CES host: a web.config per instance (ces01 serves five), applicationHost.config from C$
        let ces = output.appendingPathComponent("ces01.corp.example.test")
        let cesManifest = try Self.manifest(ces)
        #expect(cesManifest.entry("web.config", instance: "corp-CA01_CES_Kerberos")?.status == "collected")
        #expect(cesManifest.entry("applicationHost.config")?.status == "collected")
        // two CAs with a UsernamePassword instance on ces01: one file each, named in the manifest
        let ca01Username = cesManifest.entry("web.config", instance: "corp-CA01_CES_UsernamePassword")
        let ca02Username = cesManifest.entry("web.config", instance: "corp CA02_CES_UsernamePassword")
        #expect(ca01Username?.file == "ces-corp-CA01-UsernamePassword.web.config")
        #expect(ca02Username?.file == "ces-corp_CA02-UsernamePassword.web.config")
        #expect(cesManifest.entry("web.config", instance: "corp-CA01_CES_Kerberos")?.file == "ces-Kerberos.web.config")
        #expect(try Self.text(ces, "ces-Kerberos.web.config").contains("multipleSiteBindingsEnabled=\"true\""))
        // corp-CA01 and c9-CA03 both have a Certificate instance on ces01 (the C9 scenario)
        #expect(
            cesManifest.entry("web.config", instance: "corp-CA01_CES_Certificate")?.file
                == "ces-corp-CA01-Certificate.web.config")
        #expect(
            !(try Self.text(ces, "ces-corp-CA01-Certificate.web.config").contains("multipleSiteBindingsEnabled")))
        #expect(
            try Self.text(ces, "applicationHost.config").contains(
                "bindingInformation=\"*:443:ces01.corp.example.test\""))
        #expect(cesManifest.entry("ca-config") == nil, "no CA on the CES host")
    }

    /// A second collection into the same folder replaces the host's files: nothing of an earlier run (another
    /// identity, other instances) is read as this run's or refused against its manifest.
    @Test func aSecondCollectionReplacesTheHostsFiles() throws {
        let output = try JobCommandTests.temporaryDirectory().appendingPathComponent("evidence")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        let arguments = ["collect", "ca01.corp.example.test", "--output", output.path] + (try Self.arguments())
        _ = try CLI.run(arguments)
        let ca = output.appendingPathComponent("ca01.corp.example.test")
        let stale = ca.appendingPathComponent("ces-corp-CA01-Kerberos.web.config")
        try Data("<configuration/>".utf8).write(to: stale)
        _ = try CLI.run(arguments)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: ca.path)).subtracting(["manifest.json"])
        #expect(Set(try Self.manifest(ca).files.keys) == present)
    }

    @Test func aDeniedKeyARefusedTicketAnUnresolvableNameAndHostileDataAreUnknownWithTheirReasons() throws {
        let output = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try CLI.run(
            [
                "collect", "ca02.corp.example.test", "ces04.corp.example.test", "nohost.invalid",
                "ca09.corp.example.test", "--output",
                output.path,
            ] + Self.arguments())
        #expect(result.status == 3, "\(result.stderr)")

        // corp CA02's key is readable by the administrators only: access denied, and what would grant it
        let ca02 = try Self.manifest(output.appendingPathComponent("ca02.corp.example.test"))
        let denied = try #require(ca02.entry("ca-config", ca: "corp CA02"))
        #expect(denied.status == "unknown")
        #expect(denied.reason?.hasPrefix("access denied (needs remote registry read") == true, "\(denied.reason ?? "")")
        #expect(denied.reason?.contains("Administrators") == true)
        #expect(ca02.entry("ole")?.status == "collected", "the rest of the host is still read")
        #expect(
            !FileManager.default.fileExists(
                atPath: output.appendingPathComponent("ca02.corp.example.test/ca-config.reg").path))

        // a cifs/ ticket encrypted with CES04$'s key, which the serving smbd does not have
        let ces04 = try Self.manifest(output.appendingPathComponent("ces04.corp.example.test"))
        #expect(
            ces04.data.allSatisfy {
                $0.status == "unknown" && $0.reason?.contains("refused the Kerberos ticket") == true
            })
        #expect(ces04.files.isEmpty)

        // rel-broken-CA's Security value is over the collector's 1 MiB bound: not read, not written
        let ca09 = try Self.manifest(output.appendingPathComponent("ca09.corp.example.test"))
        let hostile = try #require(ca09.entry("ca-config", ca: "rel-broken-CA"))
        #expect(hostile.status == "unknown")
        #expect(hostile.reason?.hasPrefix("hostile registry data: a value of ") == true, "\(hostile.reason ?? "")")
        #expect(ca09.files["ca-config.reg"] == nil)

        let nohost = try Self.manifest(output.appendingPathComponent("nohost.invalid"))
        #expect(!nohost.data.isEmpty)
        #expect(nohost.data.allSatisfy { $0.reason?.hasPrefix("not found: the host name does not resolve") == true })
    }

    @Test func aSilentHostIsKilledAtTheLimitARefusingPortIsNamedAndSigningIsRequired() throws {
        // 127.0.5.3:445 answers TCP and then nothing; nobody listens on 127.0.5.4:445 (names outside the directory)
        let silent = try SilentRecordingListener(address: "127.0.5.3", port: 445)
        defer { silent.stop() }
        let output = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let started = Date()
        let result = try CLI.run(
            [
                "collect", "silent.corp.example.test", "refused.corp.example.test", "--output", output.path,
                "--collect-timeout", "4",
            ]
                + Self.arguments(resolve: [
                    "silent.corp.example.test": "127.0.5.3", "refused.corp.example.test": "127.0.5.4",
                ]))
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(elapsed < 30, "the per-host limit (4 s) bounds the run: \(elapsed) s")

        let hung = try Self.manifest(output.appendingPathComponent("silent.corp.example.test"))
        #expect(!hung.data.isEmpty)
        #expect(
            hung.data.allSatisfy { $0.status == "unknown" && $0.reason?.hasPrefix("timeout:") == true },
            "\(hung.data.map(\.reason))")
        let refused = try Self.manifest(output.appendingPathComponent("refused.corp.example.test"))
        #expect(refused.data.allSatisfy { $0.reason?.hasPrefix("connection refused (TCP 445 on 127.0.5.4)") == true })

        // the first SMB2 NEGOTIATE the collector sent asks for signing (SecurityMode SIGNING_REQUIRED, 0x0002)
        let negotiate = try #require(silent.connections.first { $0.count >= 4 + 64 + 8 }, "no SMB request arrived")
        let bytes = [UInt8](negotiate)
        #expect(bytes[4..<8] == [0xFE, 0x53, 0x4D, 0x42], "an SMB2 header")
        #expect(bytes[16] == 0 && bytes[17] == 0, "command NEGOTIATE")
        let securityMode = UInt16(bytes[4 + 64 + 4]) | UInt16(bytes[4 + 64 + 5]) << 8
        #expect(securityMode & 0x0002 != 0, "SMB2_NEGOTIATE_SIGNING_REQUIRED")
    }

    @Test func theCollectorChildGetsNoSecretInArgvAndOnlyTheKerberosVariables() throws {
        let folder = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // a stand-in collector that records its own /proc/self/cmdline and /proc/self/environ
        let probe = folder.appendingPathComponent("probe-collector.py")
        try """
        import json, os, sys
        args = sys.argv[1:]
        out = args[args.index("--output") + 1]
        def fields(path):
            return [f.decode() for f in open(path, "rb").read().split(b"\\0") if f]
        environ = dict(f.split("=", 1) for f in fields("/proc/self/environ"))
        cache = environ.get("KRB5CCNAME", "")
        record = {"argv": fields("/proc/self/cmdline"), "environ": environ,
                  "cacheExists": cache.startswith("FILE:") and os.path.exists(cache[5:]), "cache": cache}
        json.dump(record, open(os.path.join(out, "probe.json"), "w"))
        json.dump({"schemaVersion": 1, "host": args[args.index("--host") + 1], "collectedAt": "now",
                   "method": "smb+dcerpc/kerberos", "files": {}, "data": []},
                  open(os.path.join(out, "manifest.json"), "w"))
        """.write(to: probe, atomically: true, encoding: .utf8)
        let env = try TestBed()
        let output = folder.appendingPathComponent("evidence")
        let result = try CLI.run(
            ["collect", "ca01.corp.example.test", "--output", output.path] + Self.arguments(),
            environment: ["CES_AUDIT_COLLECTOR": probe.path, "CES_AUDIT_PASSWORD": "not-for-the-child-7431"])
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: output.appendingPathComponent("ca01.corp.example.test/probe.json")))
                as? [String: Any])
        let argv = try #require(record["argv"] as? [String])
        let environ = try #require(record["environ"] as? [String: String])
        let password = try TestBedEnvironment.fileContents("CES_TEST_READER_PASSWORD_FILE")
        #expect(argv.first == "/usr/bin/python3")
        #expect(argv.contains("--host") && argv.contains("ca01.corp.example.test"))
        for secret in [env["CES_TEST_KEYTAB"], password, "not-for-the-child-7431", "FILE:", "ccache"] {
            #expect(!argv.contains { $0.contains(secret) }, "\(secret) in the child's argv \(argv)")
        }
        #expect(Set(environ.keys).isSubset(of: ["KRB5CCNAME", "KRB5_CONFIG"]), "\(environ.keys.sorted())")
        let cache = try #require(record["cache"] as? String)
        #expect(cache.hasPrefix("FILE:"))
        #expect(record["cacheExists"] as? Bool == true, "the child could open its credential cache")
        #expect(!FileManager.default.fileExists(atPath: String(cache.dropFirst(5))), "the cache is gone after the run")
    }

    /// A collector that breaks (here: exits 1 at once, as without python3-samba) leaves every datum unknown with
    /// its last line; one that cannot be found is a one-line exit 3, not a usage error.
    @Test func aBrokenOrMissingCollectorIsUnknownNotAUsageError() throws {
        let folder = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken-collector.py")
        try "import sys\nprint('no samba here', file=sys.stderr)\nsys.exit(1)\n".write(
            to: broken, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("evidence")
        let result = try CLI.run(
            ["collect", "ca01.corp.example.test", "--output", output.path] + Self.arguments(),
            environment: ["CES_AUDIT_COLLECTOR": broken.path])
        #expect(result.status == 3, "\(result.stderr)")
        let manifest = try Self.manifest(output.appendingPathComponent("ca01.corp.example.test"))
        #expect(
            manifest.entry("ca-config", ca: "corp-CA01")?.reason
                == "the collector failed (exit status 1): no samba here")
        #expect(manifest.data.allSatisfy { $0.status == "unknown" })

        let missing = try CLI.run(
            ["collect", "ca01.corp.example.test", "--output", output.path] + Self.arguments(),
            environment: ["CES_AUDIT_COLLECTOR": folder.appendingPathComponent("nothing.py").path])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("CES_AUDIT_COLLECTOR: cannot read"), "\(missing.stderr)")
        #expect(missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
    }

    @Test func collectNeedsKerberosAndSaysSo() throws {
        let output = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let env = try TestBed()
        let result = try CLI.run([
            "collect", "ca01.corp.example.test", "--output", output.path, "--uri", env["CES_TEST_LDAPS_URI"],
            "--ca-file", env["CES_TEST_CA_FILE"], "--bind-dn", env["CES_TEST_READER_DN"], "--password-file",
            env["CES_TEST_READER_PASSWORD_FILE"],
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("host collection uses Kerberos"), "\(result.stderr)")
        let resolve = try CLI.run(["collect", "--output", output.path, "--resolve", "ca01=dc01.corp.example.test"])
        #expect(resolve.status == 64)
        #expect(resolve.stderr.contains("--resolve 'ca01=dc01.corp.example.test'"), "\(resolve.stderr)")
    }

    // MARK: --collect on the jobs

    /// B1 from the collected Security value: alice enrolls through Authenticated Users, grace is a Guest (denied).
    @Test func userCollectDecidesTheCAPermissionFromTheHost() throws {
        for (user, expected) in [("alice", "pass"), ("grace", "fail")] {
            let result = try CLI.run(
                ["user", user, "--endpoint", Self.kerberos, "--collect", "--format", "json"] + Self.arguments())
            #expect([0, 1, 2].contains(result.status), "\(result.stderr)")
            let json = try JobCommandTests.json(result.stdout)
            let findings = try #require(json["findings"] as? [[String: Any]])
            let b1 = try #require(findings.first { $0["ruleId"] as? String == "CES-B1" })
            #expect(b1["status"] as? String == expected, "\(user): \(b1["message"] ?? "")")
        }
    }

    /// The first finding of `rule` of a job run with --collect, as (status, message).
    static func finding(_ rule: String, _ arguments: [String]) throws -> (status: String, message: String) {
        let result = try CLI.run(arguments + ["--collect", "--format", "json"])
        #expect([0, 1, 2, 3].contains(result.status), "\(result.stderr)")
        let findings = try #require(try JobCommandTests.json(result.stdout)["findings"] as? [[String: Any]])
        let finding = try #require(findings.first { $0["ruleId"] as? String == rule }, "no \(rule) in \(arguments)")
        return (finding["status"] as? String ?? "", finding["message"] as? String ?? "")
    }

    /// CES-D1 from the collected user rights. The stand-ins' SeImpersonatePrivilege is pinned (as a hardening GPO
    /// does) to Administrators and svc-ces, without IIS_IUSRS: svc-ces passes by its own SID, svc-ces2 (ces02's
    /// principal) holds none of the listed SIDs and fails, ces04 refuses the ticket (unknown).
    @Test func d1PassFailAndUnknownThroughCollect() throws {
        func server(_ host: String, _ auth: String) -> [String] {
            ["server", "\(host).corp.example.test", "--ca", "corp-CA01", "--auth", auth]
        }
        let pass = try Self.finding(
            "CES-D1", server("ces01", "kerberos") + ["--service-account", "svc-ces"] + Self.arguments())
        #expect(pass.status == "pass", "\(pass.message)")
        #expect(pass.message.contains("*S-1-5-21-"), "svc-ces's own SID: \(pass.message)")
        let fail = try Self.finding(
            "CES-D1", server("ces02", "kerberos") + ["--service-account", "svc-ces2"] + Self.arguments())
        #expect(fail.status == "fail", "\(fail.message)")
        #expect(fail.message.contains("*S-1-5-32-544") && fail.message.contains("svc-ces2"), "\(fail.message)")
        let unknown = try Self.finding("CES-D1", server("ces04", "certificate") + Self.arguments())
        #expect(unknown.status == "unknown", "\(unknown.message)")
        #expect(unknown.message.contains("refused the Kerberos ticket"), "\(unknown.message)")
    }

    /// CES-C8's IIS half from the collected applicationHost.config. ces05 is served on an address of its own
    /// (CES_TEST_SMB_OWN_SHARE_ADDRESS) whose admin share has its own applicationHost.config: the Kerberos instance
    /// keeps IIS's defaults (kernel mode, no useAppPoolCredentials) while svc-hostonly, a custom account, holds
    /// HTTP/ces05. ces01's file sets useAppPoolCredentials. With ces05 unreachable the setting cannot be checked:
    /// unknown, not the "not checked" pass of a folder that never had the file.
    @Test func c8PassFailAndUnknownThroughCollect() throws {
        guard let ownShare = TestBedEnvironment.variables["CES_TEST_SMB_OWN_SHARE_ADDRESS"], !ownShare.isEmpty else {
            throw TestSetupError(description: "CES_TEST_SMB_OWN_SHARE_ADDRESS is not set: restart the SMB test bed")
        }
        let ces05 = "ces05.corp.example.test"
        let server = ["server", ces05, "--ca", "corp-CA01", "--auth", "kerberos", "--service-account", "svc-hostonly"]
        let pass = try Self.finding(
            "CES-C8",
            ["user", "alice", "--endpoint", Self.kerberos, "--service-account", "svc-ces"] + Self.arguments())
        #expect(pass.status == "pass", "\(pass.message)")
        #expect(pass.message.contains("useKernelMode=true, useAppPoolCredentials=true"), "\(pass.message)")
        let fail = try Self.finding("CES-C8", server + Self.arguments(resolve: [ces05: ownShare]))
        #expect(fail.status == "fail", "\(fail.message)")
        #expect(
            fail.message.contains(
                "useKernelMode=true, useAppPoolCredentials=false for /corp-CA01_CES_Kerberos on \(ces05)"),
            "\(fail.message)")
        let unknown = try Self.finding("CES-C8", server + Self.arguments(resolve: [ces05: "127.0.5.4"]))
        #expect(unknown.status == "unknown", "\(unknown.message)")
        #expect(unknown.message.contains("connection refused"), "\(unknown.message)")
    }

    /// CES-E1 and CES-E2 from the collected CA keys. Pass: ces01's KBR endpoint of corp-CA01 with svc-ces (Read
    /// through Authenticated Users' Enroll; EditFlags 0x0411014E has EDITF_ENABLERENEWONBEHALFOF). E1 fails for
    /// svc-ces2 there: a Guest, whom corp-CA01's `Security` denies Read (0x300). E2 fails for a key-based-renewal
    /// instance of c9-CA03 on ces01 (`server --key-based-renewal`): its EditFlags 0x0011014E lack the flag and
    /// svc-ces's constrained delegation names ca01, not ca03 (no alternative model). Unknown: corp CA02's key is
    /// readable by the administrators only (svc-ces2 has no protocol transition, so E2's alternative cannot decide).
    @Test func e1AndE2PassFailAndUnknownThroughCollect() throws {
        let kbr = [
            "user", "alice", "--endpoint",
            "https://ces01.corp.example.test/corp-CA01_CES_Certificate_KBR/service.svc/CES",
        ]
        let healthy = try Self.verdicts(kbr + ["--service-account", "svc-ces", "--collect"] + Self.arguments())
        #expect(healthy.rules["CES-E1"]?.0 == "pass", "\(healthy.rules["CES-E1"]?.1 ?? "")")
        #expect(healthy.rules["CES-E2"]?.0 == "pass", "\(healthy.rules["CES-E2"]?.1 ?? "")")
        #expect(healthy.rules["CES-E2"]?.1.contains("0x0411014E") == true, "\(healthy.rules["CES-E2"]?.1 ?? "")")
        let guest = try Self.finding("CES-E1", kbr + ["--service-account", "svc-ces2"] + Self.arguments())
        #expect(guest.status == "fail", "\(guest.message)")
        #expect(guest.message.contains("S-1-5-32-546"), "the Guests' deny ACE: \(guest.message)")

        func renewal(_ ca: String, _ account: String) -> [String] {
            [
                "server", "ces01.corp.example.test", "--ca", ca, "--auth", "certificate", "--key-based-renewal",
                "--service-account", account,
            ]
        }
        let withoutFlag = try Self.finding("CES-E2", renewal("c9-CA03", "svc-ces") + Self.arguments())
        #expect(withoutFlag.status == "fail", "\(withoutFlag.message)")
        #expect(
            withoutFlag.message.hasPrefix("EditFlags 0x0011014E lacks EDITF_ENABLERENEWONBEHALFOF"),
            "\(withoutFlag.message)")
        let denied = try Self.verdicts(renewal("corp CA02", "svc-ces2") + ["--collect"] + Self.arguments())
        for rule in ["CES-E1", "CES-E2"] {
            let (status, message) = denied.rules[rule] ?? ("", "no finding")
            #expect(status == "unknown", "\(rule): \(message)")
            #expect(message.contains("access denied") && message.contains("Administrators"), "\(rule): \(message)")
        }
    }

    /// The unknown scenario of every host rule through --collect: the healthy path with ca01 and ces01 refusing
    /// connections (TCP 445 closed on 127.0.5.4) leaves each rule unknown with the collector's reason, and C4 on
    /// ces03's endpoint (CES03$, unconstrained) likewise; none passes on data it could not read.
    @Test func hostsThatCannotBeReadLeaveEveryHostRuleUnknown() throws {
        let healthy = [
            "user", "alice", "--endpoint", Self.kerberos, "--template", "User", "--service-account", "svc-ces",
            "--collect",
        ]
        let refused = ["ca01.corp.example.test": "127.0.5.4", "ces01.corp.example.test": "127.0.5.4"]
        let run = try Self.verdicts(healthy + Self.arguments(resolve: refused))
        for rule in ["CES-B1", "CES-B4", "CES-C8", "CES-D1", "CES-D2", "CES-D3", "CES-D4", "CES-G3"] {
            let (status, message) = run.rules[rule] ?? ("", "no finding")
            #expect(status == "unknown", "\(rule): \(message)")
            #expect(message.contains("connection refused"), "\(rule): \(message)")
        }
        #expect(run.status == 3)
        let ces03 = "https://ces03.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"
        let guarded = try Self.finding(
            "CES-C4",
            ["user", "alice", "--endpoint", ces03]
                + Self.arguments(resolve: ["ces03.corp.example.test": "127.0.5.4"]))
        #expect(guarded.status == "unknown", "\(guarded.message)")
        #expect(guarded.message.contains("connection refused"), "\(guarded.message)")
    }

    /// `collect: true` in the config file does what --collect does.
    @Test func theConfigFileTurnsCollectionOn() throws {
        let folder = try JobCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("ces-audit.yaml")
        try "schemaVersion: 1\ncollect: true\n".write(to: config, atomically: true, encoding: .utf8)
        func b1(_ extra: [String]) throws -> String? {
            let result = try CLI.run(
                ["user", "grace", "--endpoint", Self.kerberos, "--format", "json"] + extra + Self.arguments())
            let findings = try #require(try JobCommandTests.json(result.stdout)["findings"] as? [[String: Any]])
            return findings.first { $0["ruleId"] as? String == "CES-B1" }?["status"] as? String
        }
        #expect(try b1(["--config", config.path]) == "fail", "grace is denied by the collected descriptor")
        #expect(try b1([]) == "unknown", "without collection there is no descriptor")
    }

    @Test func collectAndEvidenceExcludeEachOther() throws {
        let result = try CLI.run(
            ["user", "alice", "--collect", "--evidence", JobCommandTests.evidence] + Self.arguments())
        #expect(result.status == 64)
        #expect(result.stderr.contains("--collect and --evidence exclude each other"), "\(result.stderr)")
    }

    /// The verdicts of the rules the collection feeds, by rule (the first finding of each).
    static func verdicts(_ arguments: [String]) throws -> (status: Int32, rules: [String: (String, String)]) {
        let result = try CLI.run(arguments + ["--format", "json"])
        let findings = try #require(try JobCommandTests.json(result.stdout)["findings"] as? [[String: Any]])
        var rules: [String: (String, String)] = [:]
        for finding in findings {
            guard let rule = finding["ruleId"] as? String, rules[rule] == nil else { continue }
            rules[rule] = (finding["status"] as? String ?? "", finding["message"] as? String ?? "")
        }
        return (result.status, rules)
    }

    static let hostRules = [
        "CES-B1", "CES-B4", "CES-C4", "CES-C8", "CES-D1", "CES-D2", "CES-D3", "CES-D4", "CES-E1", "CES-E2", "CES-G3",
    ]

    /// Issue 16's "done when" on the SMB test bed. The healthy path is alice on ces01's Kerberos endpoint with
    /// template User and the pool identity named (svc-ces): every host rule is decided, the path exits 0, and a
    /// folder written by `collect` gives the same verdicts through --evidence. Samba's LSA will not enumerate
    /// SeBatchLogonRight or the Deny rights by name (NT_STATUS_NO_SUCH_PRIVILEGE); the collector then reads them
    /// per account, which is how svc-ces's batch logon through IIS_IUSRS (D3) is seen.
    @Test func collectedHostsDecideTheHostRules() throws {
        let healthy = [
            "user", "alice", "--endpoint", Self.kerberos, "--template", "User", "--service-account", "svc-ces",
        ]
        let collected = try Self.verdicts(healthy + ["--collect"] + Self.arguments())
        for rule in ["CES-B1", "CES-B4", "CES-C4", "CES-C8", "CES-D1", "CES-D2", "CES-D4", "CES-G3"] {
            #expect(collected.rules[rule]?.0 == "pass", "\(rule): \(collected.rules[rule]?.1 ?? "no finding")")
        }
        #expect(collected.rules["CES-D3"]?.0 == "pass", "\(collected.rules["CES-D3"]?.1 ?? "")")
        #expect(collected.rules["CES-D3"]?.1.contains("S-1-5-32-568") == true, "\(collected.rules["CES-D3"]?.1 ?? "")")
        #expect(collected.rules["CES-E1"]?.0 == "skipped" && collected.rules["CES-E2"]?.0 == "skipped")
        #expect(collected.rules["CES-G1"]?.0 == "manual" && collected.rules["CES-G2"]?.0 == "manual")
        let open = collected.rules.filter { ["fail", "warn", "unknown"].contains($0.value.0) }.map(\.key)
        #expect(open.isEmpty, "the healthy path has nothing open: \(open)")
        #expect(collected.status == 0)
        let nagios = try CLI.run(healthy + ["--collect", "--format", "nagios"] + Self.arguments())
        #expect(nagios.status == 0 && nagios.stdout.hasPrefix("CES-AUDIT OK"), "\(nagios.stdout.prefix(300))")

        // grace: denied by the collected descriptor (B1) and not in Certificate Service DCOM Access (B4)
        let grace = try Self.verdicts(["user", "grace", "--endpoint", Self.kerberos, "--collect"] + Self.arguments())
        #expect(grace.rules["CES-B1"]?.0 == "fail", "\(grace.rules["CES-B1"]?.1 ?? "")")
        #expect(grace.rules["CES-B4"]?.0 == "fail", "\(grace.rules["CES-B4"]?.1 ?? "")")
        #expect(grace.rules["CES-B4"]?.1.contains("S-1-5-32-574") == true, "\(grace.rules["CES-B4"]?.1 ?? "")")
        // E1/E2 on the renewal-only KBR endpoint: corp-CA01 has EDITF_ENABLERENEWONBEHALFOF (0x0411014E)
        let kbr = "https://ces01.corp.example.test/corp-CA01_CES_Certificate_KBR/service.svc/CES"
        let renewal = try Self.verdicts(["user", "alice", "--endpoint", kbr, "--collect"] + Self.arguments())
        #expect(renewal.rules["CES-E2"]?.0 == "pass", "\(renewal.rules["CES-E2"]?.1 ?? "")")
        #expect(renewal.rules["CES-E1"]?.0 == "pass", "\(renewal.rules["CES-E1"]?.1 ?? "")")
        // ces03's CES03$ relies on unconstrained delegation and the host runs Credential Guard (LsaCfgFlags=1)
        let ces03 = "https://ces03.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"
        let guarded = try Self.verdicts(["user", "alice", "--endpoint", ces03, "--collect"] + Self.arguments())
        #expect(guarded.rules["CES-C4"]?.0 == "fail", "\(guarded.rules["CES-C4"]?.1 ?? "")")
        // ces02: svc-ces2 is not in IIS_IUSRS (D2)
        let ces02 = "https://ces02.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"
        let broken = try Self.verdicts(
            ["user", "alice", "--endpoint", ces02, "--service-account", "svc-ces2", "--collect"] + Self.arguments())
        #expect(broken.rules["CES-D2"]?.0 == "fail", "\(broken.rules["CES-D2"]?.1 ?? "")")
        #expect(broken.rules["CES-D2"]?.1.contains("svc-ces2") == true)
        #expect(broken.rules["CES-D3"]?.0 == "fail", "\(broken.rules["CES-D3"]?.1 ?? "")")
        // svc-ces2 is in BUILTIN\Guests, which ca01 denies network logon (read per account); not renewal-only: warn
        #expect(broken.rules["CES-D4"]?.0 == "warn", "\(broken.rules["CES-D4"]?.1 ?? "")")
        #expect(broken.rules["CES-D4"]?.1.contains("SeDenyNetworkLogonRight") == true)
        // ces01's Certificate instance has no multipleSiteBindingsEnabled in its collected web.config
        let certificate = "https://ces01.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES"
        let bindings = try Self.verdicts(["user", "alice", "--endpoint", certificate, "--collect"] + Self.arguments())
        #expect(bindings.rules["CES-G3"]?.0 == "warn", "\(bindings.rules["CES-G3"]?.1 ?? "")")
        // ces04 refuses the ticket: unknown with the collector's reason, never pass
        let ces04 = "https://ces04.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES"
        let refused = try Self.verdicts(["user", "alice", "--endpoint", ces04, "--collect"] + Self.arguments())
        #expect(refused.rules["CES-D1"]?.0 == "unknown")
        #expect(refused.rules["CES-D1"]?.1.contains("refused the Kerberos ticket") == true)
        #expect(refused.rules["CES-G3"]?.0 == "unknown")
        let refusedUser = try Self.verdicts(
            ["user", "alice", "--endpoint", ces04, "--service-account", "svc-ces", "--collect"] + Self.arguments())
        #expect(refusedUser.rules["CES-D3"]?.0 == "unknown", "\(refusedUser.rules["CES-D3"]?.1 ?? "")")

        // collect once, then the same verdicts offline
        let folder = try JobCommandTests.temporaryDirectory().appendingPathComponent("evidence")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        _ = try CLI.run(
            [
                "collect", "ca01.corp.example.test", "ces01.corp.example.test", "ces02.corp.example.test",
                "ces03.corp.example.test", "--output", folder.path,
            ] + Self.arguments())
        let offlineConnection = Array(try Self.arguments().prefix(8))  // LDAP only: no keytab, no --resolve needed
        for (arguments, live) in [
            (healthy, collected), (["user", "grace", "--endpoint", Self.kerberos], grace),
            (["user", "alice", "--endpoint", kbr], renewal), (["user", "alice", "--endpoint", ces03], guarded),
            (["user", "alice", "--endpoint", ces02, "--service-account", "svc-ces2"], broken),
            (["user", "alice", "--endpoint", certificate], bindings),
        ] {
            let offline = try Self.verdicts(arguments + ["--evidence", folder.path] + offlineConnection)
            #expect(offline.status == live.status, "\(arguments)")
            for rule in Self.hostRules {
                #expect(
                    offline.rules[rule]?.0 == live.rules[rule]?.0,
                    "\(arguments) \(rule): offline \(offline.rules[rule]?.1 ?? "-") / collected \(live.rules[rule]?.1 ?? "-")"
                )
            }
        }
    }
}
