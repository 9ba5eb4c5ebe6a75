import Foundation
import FoundationXML
import TestSupport
import Testing

/// The three jobs end to end: the built binary against the test bed, every output format parsed, every exit
/// status of the contract.
@Suite(.requiresTestBed)
struct JobCommandTests {
    static let kerberos = "https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"
    static let username = "https://ces01.corp.example.test/corp-CA01_CES_UsernamePassword/service.svc/CES"

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var evidence: String {
        repository.appendingPathComponent("Tests/CESAuditCoreTests/Fixtures/evidence/testbed").path
    }

    static func connection() throws -> [String] {
        let env = try TestBed()
        return [
            "--uri", env["CES_TEST_LDAPS_URI"], "--ca-file", env["CES_TEST_CA_FILE"], "--bind-dn",
            env["CES_TEST_READER_DN"], "--password-file", env["CES_TEST_READER_PASSWORD_FILE"],
        ]
    }

    /// Rules whose host evidence the `testbed` folder lacks (G1/G2 are manual and do not count anyway): disabled so
    /// that a run can be all-pass (exit 0) or warn (1).
    static func sitePolicy(in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("site.yaml")
        try "schemaVersion: 1\ndisabled: [CES-B4, CES-D2, CES-G1, CES-G2, CES-G3]\n".write(
            to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ces-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: user

    @Test func userJSONCarriesTheContractFieldsAndTheConcreteValues() throws {
        let result = try CLI.run(
            [
                "user", "bob", "--endpoint", Self.kerberos, "--template", "User", "--format", "json", "--evidence",
                Self.evidence,
            ]
                + Self.connection())
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let json = try Self.json(result.stdout)
        #expect(json["schemaVersion"] as? Int == 1)
        #expect((json["tool"] as? [String: Any])?["name"] as? String == "ces-audit")
        #expect((json["tool"] as? [String: Any])?["version"] as? String == "0.1.0")
        #expect(json["command"] as? String == "user")
        let started = try #require(json["startedAt"] as? String)
        #expect(ISO8601DateFormatter().date(from: started) != nil, "\(started)")
        #expect((json["durationMs"] as? Int).map { $0 >= 0 } == true)
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(Set(summary.keys) == ["pass", "warn", "fail", "unknown", "skipped", "manual"])
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.count == summary.values.reduce(0, +), "user lists every evaluated rule")
        for finding in findings {
            for key in ["ruleId", "status", "title", "subject", "message", "evidence", "errorCodes"] {
                #expect(finding[key] != nil, "\(key) missing in \(finding)")
            }
            #expect(
                ["pass", "warn", "fail", "unknown", "skipped", "manual"].contains(finding["status"] as? String ?? ""))
        }
        let a1 = try #require(findings.first { $0["ruleId"] as? String == "CES-A1" })
        #expect(a1["status"] as? String == "fail")
        #expect(a1["message"] as? String == "userAccountControl 0x00100200 has NOT_DELEGATED (0x100000)")
        #expect(a1["endpoint"] as? String == Self.kerberos)
        #expect((a1["evidence"] as? [String: Any])?["userAccountControl"] as? Int == 0x0010_0200)
        #expect((a1["errorCodes"] as? [String])?.contains("0x803D0013") == true)
        #expect((a1["remediation"] as? String)?.contains("Set-ADAccountControl -Identity 'bob'") == true)
        let subject = try #require(a1["subject"] as? [String: Any])
        #expect(subject["kind"] as? String == "user")
        #expect(subject["name"] as? String == "bob")
        #expect(subject["dn"] as? String == "CN=bob,CN=Users,DC=corp,DC=example,DC=test")
        #expect((subject["sid"] as? String)?.hasPrefix("S-1-5-21-") == true)
    }

    /// The forms Windows users type name the same account; a computer needs no `$`; a pasted URL may end in `/`.
    @Test(arguments: [
        (#"CORP\bob"#, "bob"), (#"corp.example.test\bob"#, "bob"), ("bob@corp.example.test", "bob"),
        ("BOB", "bob"), ("WKS01", "WKS01$"),
    ])
    func accountFormsWindowsUsersType(typed: String, samAccountName: String) throws {
        let result = try CLI.run(
            ["user", typed, "--endpoint", Self.kerberos + "/", "--template", "User", "--format", "json"]
                + Self.connection())
        #expect([1, 2, 3].contains(result.status), "\(result.stderr)")
        let findings = try #require(try Self.json(result.stdout)["findings"] as? [[String: Any]])
        let a1 = try #require(findings.first { $0["ruleId"] as? String == "CES-A1" })
        #expect((a1["subject"] as? [String: Any])?["name"] as? String == samAccountName)
        #expect(a1["endpoint"] as? String == Self.kerberos)
    }

    @Test func exitStatusIsZeroOneTwoThreeBySeverity() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = try Self.sitePolicy(in: directory)
        func run(_ account: String, _ endpoint: String, extra: [String] = []) throws -> Int32 {
            try CLI.run(
                ["user", account, "--endpoint", endpoint, "--template", "User", "--evidence", Self.evidence]
                    + extra + Self.connection()
            ).status
        }
        #expect(try run("alice", Self.username, extra: ["--site-policy", policy]) == 0)
        // carol fails CES-A2 (Protected Users, a DC at level 7); rated warn by the site, the run exits 1
        let lowered = directory.appendingPathComponent("lowered.yaml")
        try "schemaVersion: 1\ndisabled: [CES-B4, CES-D2, CES-G1, CES-G2, CES-G3]\nseverity:\n  CES-A2: warn\n".write(
            to: lowered, atomically: true, encoding: .utf8)
        #expect(try run("carol", Self.kerberos, extra: ["--site-policy", policy]) == 2)
        // named principal: CES-C8 cannot judge a principal it inferred from the HTTP/ SPN itself (unknown, exit 3)
        #expect(
            try run("carol", Self.kerberos, extra: ["--site-policy", lowered.path, "--service-account", "svc-ces"]) == 1
        )
        #expect(try run("bob", Self.kerberos, extra: ["--site-policy", policy]) == 2)
        // Without the site policy the rules whose evidence the folder lacks stay unknown: never all ok.
        #expect(try run("alice", Self.username) == 3)
    }

    /// Reaching green (issue 16) through the binary: healthy host evidence (layout v2) for ca01 and ces01 decides every
    /// host rule, G1/G2 are manual checklist items, and the Nagios check is OK with exit 0 — UNKNOWN (3) only when
    /// manual checks are made to count, by flag or site policy.
    @Test func healthyEvidenceIsNagiosOKAndManualChecksCountOnlyWhenAsked() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The pool identity is named: without it C8 cannot tell whether the pool runs as the HTTP/ SPN's holder.
        let base =
            ["user", "alice", "--endpoint", Self.kerberos, "--template", "User", "--service-account", "svc-ces"]
            + (try Self.connection())
        // The fixtures name svc-ces by a fixed SID; the test bed assigns its own at seeding.
        let evidence = URL(fileURLWithPath: try UserVerdictTests.healthyEvidence(in: directory))
        let healthy = try CLI.run(base + ["--format", "nagios", "--evidence", evidence.path])
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        #expect(healthy.stdout.hasPrefix("CES-AUDIT OK - 0 fail, 0 warn, 0 unknown, 2 manual of "), "\(healthy.stdout)")
        #expect(healthy.stdout.contains("'manual'=2;;;0"))
        let strict = try CLI.run(base + ["--format", "nagios", "--evidence", evidence.path, "--strict-manual"])
        #expect(strict.status == 3)
        #expect(strict.stdout.hasPrefix("CES-AUDIT UNKNOWN - "), "\(strict.stdout)")
        let policy = directory.appendingPathComponent("site.yaml")
        try "schemaVersion: 1\ncountManualChecks: true\n".write(to: policy, atomically: true, encoding: .utf8)
        #expect(try CLI.run(base + ["--evidence", evidence.path, "--site-policy", policy.path]).status == 3)
    }

    /// carol warns on CES-A2 and CES-C9: overrides decide the status, and the exit status and every format follow.
    @Test func siteSeverityOverridesDecideTheStatusAndEveryFormat() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("site.yaml")
        func run(_ severity: String, _ format: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try "schemaVersion: 1\ndisabled: [CES-B4, CES-D2, CES-G1, CES-G2, CES-G3]\nseverity: {\(severity)}\n".write(
                to: policy, atomically: true, encoding: .utf8)
            return try CLI.run(
                [
                    "user", "carol", "--endpoint", Self.kerberos, "--template", "User", "--evidence", Self.evidence,
                    "--site-policy", policy.path, "--format", format, "--service-account", "svc-ces",
                ] + Self.connection())
        }
        // carol's only open finding on this path is CES-A2 (fail: Protected Users, a DC at level 7); lowering it
        // must change the status and everything after it. (Raising a warn is covered in SitePolicyTests.)
        let lowered = try run("CES-A2: warn", "nagios")
        #expect(lowered.status == 1, "\(lowered.stderr)")
        #expect(lowered.stdout.hasPrefix("CES-AUDIT WARNING - 0 fail, 1 warn, 0 unknown"), "\(lowered.stdout)")
        #expect(lowered.stdout.contains("[WARN] CES-A2 carol"))
        let junit = try run("CES-A2: warn", "junit")
        #expect(junit.stdout.contains("failures=\"1\" errors=\"0\""), "\(junit.stdout.prefix(300))")
        let json = try Self.json(try run("CES-A2: info", "json").stdout)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let a2 = try #require(findings.first { $0["ruleId"] as? String == "CES-A2" })
        #expect(a2["status"] as? String == "pass")
        #expect(a2["severity"] as? String == "info")
        #expect((a2["message"] as? String)?.contains("Protected Users") == true, "info keeps the condition on record")
        #expect(try run("CES-A2: info", "text").status == 0)
        let prometheus = try run("CES-A2: info", "prometheus").stdout
        #expect(prometheus.contains("rule=\"CES-A2\",status=\"pass\"} 1"), "\(prometheus)")
        #expect(prometheus.contains("ces_audit_exit_status{command=\"user\",target=\"carol\"} 0"), "\(prometheus)")
    }

    /// SARIF is checked against the OASIS SARIF 2.1.0 JSON schema itself (scripts/sarif-schema fetches it, Debian's
    /// python3-jsonschema validates): a whole scan, and a user check with every rule listed. The validator is shown
    /// to refuse a log with one wrong value, so a pass means something.
    @Test func sarifValidatesAgainstTheOASISSchema() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let validator = Self.repository.appendingPathComponent("scripts/validate-sarif").path
        for (name, arguments) in [
            ("scan", ["scan"]),
            ("user", ["user", "alice", "--evidence", Self.evidence, "--service-account", "svc-ces"]),
        ] {
            let file = directory.appendingPathComponent("\(name).sarif")
            let run = try CLI.run(arguments + ["--format", "sarif", "--output", file.path] + Self.connection())
            #expect([0, 1, 2, 3].contains(run.status), "\(name): \(run.stderr)")
            let validation = try runProcess("/bin/bash", [validator, file.path])
            #expect(validation.status == 0, "\(name): \(String(decoding: validation.stdout, as: UTF8.self))")
            if name == "user" {
                var log = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
                var runs = try #require(log["runs"] as? [[String: Any]])
                var results = try #require(runs[0]["results"] as? [[String: Any]])
                results[0]["level"] = "severe"
                runs[0]["results"] = results
                log["runs"] = runs
                let broken = directory.appendingPathComponent("broken.sarif")
                try JSONSerialization.data(withJSONObject: log).write(to: broken)
                let refused = try runProcess("/bin/bash", [validator, broken.path])
                #expect(refused.status == 1)
                #expect(String(decoding: refused.stdout, as: UTF8.self).contains("'severe' is not one of"))
            }
        }
    }

    @Test func directoryDownIsUnknownWithANagiosLine() throws {
        let port = try closedPort()
        let result = try CLI.run(
            ["user", "alice", "--uri", "ldap://127.0.0.1:\(port)", "--timeout", "2", "--format", "nagios"])
        #expect(result.status == 3)
        #expect(result.stdout.hasPrefix("CES-AUDIT UNKNOWN - cannot read AD"), "\(result.stdout)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: [
        ["user", "no-such-user"],
        ["user", "alice", "--endpoint", "https://nowhere/CES"],
        ["user", "alice", "--template", "NoSuchTemplate"],
        ["user", "*)(objectClass=*"],
        ["server", "ces01.corp.example.test"],
        ["server", "ces01.corp.example.test", "--ca", "corp-CA09"],
        ["server", "ces09.corp.example.test", "--ca", "corp-CA01"],
        ["server", "ces01.corp.example.test", "--auth", "bogus"],
        ["server", "ces02.corp.example.test", "--ca", "corp-CA01", "--service-account", "nobody"],
        ["user", "bob", "--service-account", "nobody"],
        ["scan", "--keep-runs", "0"],
        ["scan", "--format", "xml"],
    ])
    func badInputIsOneLineAndExit64(arguments: [String]) throws {
        let result = try CLI.run(arguments + Self.connection())
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// ces02 publishes for corp-CA01 only: no --ca needed. ces01 publishes for two CAs: the error lists them.
    @Test func serverInfersTheCAItsHostPublishesFor() throws {
        let inferred = try CLI.run(["server", "ces02.corp.example.test", "--format", "json"] + Self.connection())
        #expect(inferred.status == 2, "\(inferred.stderr)")
        let principals = try #require(try Self.json(inferred.stdout)["principals"] as? [[String: Any]])
        #expect(principals.compactMap { $0["endpoint"] as? String }.allSatisfy { $0.contains("/corp-CA01_CES_") })
        #expect(!principals.isEmpty)
        let ambiguous = try CLI.run(["server", "ces01.corp.example.test"] + Self.connection())
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("name one with --ca"))
    }

    @Test func nagiosAndTextForPeople() throws {
        let nagios = try CLI.run(
            ["user", "bob", "--endpoint", Self.kerberos, "--template", "User", "--format", "nagios"] + Self.connection()
        )
        #expect(nagios.status == 2)
        let first = try #require(nagios.stdout.split(separator: "\n").first.map(String.init))
        #expect(first.hasPrefix("CES-AUDIT CRITICAL - "))
        let perfdata = try #require(first.split(separator: "|", maxSplits: 1).last)
        for item in perfdata.split(separator: " ") {
            #expect(item.wholeMatch(of: /'[a-z]+'=[0-9.]+s?;;;0/) != nil, "\(item)")
        }
        #expect(nagios.stdout.contains("[FAIL] CES-A1 bob"))
        let text = try CLI.run(["user", "bob", "--endpoint", Self.kerberos, "--template", "User"] + Self.connection())
        // The verdict first (issue 17), then the failures with their fix commands; --all groups every rule by subject.
        #expect(text.stdout.contains("\nbob: CANNOT ENROLL on 1 of 1 path"), "\(text.stdout)")
        #expect(text.stdout.contains("           user bob\n"), "a folded finding names its subject")
        #expect(text.stdout.contains("Set-ADAccountControl -Identity 'bob' -AccountNotDelegated $false"))
        #expect(!text.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        let all = try CLI.run(
            ["user", "bob", "--endpoint", Self.kerberos, "--template", "User", "--all"] + Self.connection())
        #expect(all.stdout.contains("user bob (CN=bob,CN=Users,DC=corp,DC=example,DC=test)"))
        #expect(all.stdout.contains("Set-ADAccountControl -Identity 'bob' -AccountNotDelegated $false"))
        #expect(!all.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    // MARK: server

    @Test func serverSARIFLocatesThePrincipalByDN() throws {
        let result = try CLI.run(
            [
                "server", "ces02.corp.example.test", "--service-account", "svc-ces2", "--ca", "corp-CA01", "--format",
                "sarif", "--evidence", Self.evidence,
            ] + Self.connection())
        #expect(result.status == 2, "\(result.stderr)")
        let sarif = try Self.json(result.stdout)
        #expect(sarif["version"] as? String == "2.1.0")
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "ces-audit")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let c2Rule = try #require(rules.first { $0["id"] as? String == "CES-C2" })
        #expect((c2Rule["helpUri"] as? String)?.hasPrefix("https://") == true)
        let results = try #require(run["results"] as? [[String: Any]])
        let c2 = try #require(
            results.first { $0["ruleId"] as? String == "CES-C2" && $0["level"] as? String == "error" })
        #expect(c2["kind"] as? String == "fail")
        let location = try #require(
            ((c2["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: Any]])?.first)
        #expect(location["fullyQualifiedName"] as? String == "CN=svc-ces2,CN=Users,DC=corp,DC=example,DC=test")
        for result in results where result["kind"] as? String != "fail" {
            #expect(result["level"] as? String == "none", "\(result)")
        }
    }

    @Test func serverJUnitParsesAsXMLWithFailuresAndErrors() throws {
        let result = try CLI.run(
            [
                "server", "ces02.corp.example.test", "--service-account", "svc-ces2", "--ca", "corp-CA01", "--format",
                "junit",
            ]
                + Self.connection())
        #expect(result.status == 2)
        let document = try XMLDocument(data: Data(result.stdout.utf8))
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        let failures = Int(root.attribute(forName: "failures")?.stringValue ?? "") ?? -1
        let errors = Int(root.attribute(forName: "errors")?.stringValue ?? "") ?? -1
        #expect(failures > 0)
        #expect(errors > 0, "no evidence: the host-side rules are unknown, reported as errors")
        let cases = try document.nodes(forXPath: "//testcase")
        #expect(cases.count == Int(root.attribute(forName: "tests")?.stringValue ?? "") ?? -1)
        #expect(try document.nodes(forXPath: "//testcase/failure").count == failures)
    }

    @Test func serverWithNamedInstancesOfAnUnpublishedHost() throws {
        let result = try CLI.run(
            [
                "server", "ces09.corp.example.test", "--service-account", "svc-ces", "--ca", "corp-CA01", "--auth",
                "kerberos", "--auth", "certificate", "--format", "json",
            ] + Self.connection())
        let json = try Self.json(result.stdout)
        let findings = try #require(json["findings"] as? [[String: Any]])
        let endpoints = Set(findings.compactMap { $0["endpoint"] as? String })
        #expect(
            endpoints == [
                "https://ces09.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES",
                "https://ces09.corp.example.test/corp-CA01_CES_Certificate/service.svc/CES",
            ])
        let principals = try #require(json["principals"] as? [[String: Any]])
        #expect(
            principals.allSatisfy { $0["account"] as? String == "svc-ces" && $0["source"] as? String == "configured" })
    }

    // MARK: scan, history, prometheus, offline

    @Test func scanHistoryReportsNewAndResolvedAcrossATestBedChange() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = directory.appendingPathComponent("history.sqlite").path
        let probe = "probe-\(UInt32.random(in: 0...UInt32.max))"
        let probeDN = "CN=\(probe),CN=Users,DC=corp,DC=example,DC=test"
        func scan() throws -> [String: Any] {
            let result = try CLI.run(["scan", "--format", "json", "--history", history] + Self.connection())
            #expect(result.status == 2, "\(result.stderr)")
            return try Self.json(result.stdout)
        }
        func testbed(_ action: String) throws {
            let script = Self.repository.appendingPathComponent("scripts/testbed").path
            let result = try runProcess("/bin/bash", [script, "probe", action, probe])
            #expect(result.status == 0, "\(result.stderr)")
        }
        func identities(_ changes: [String: Any], _ key: String) -> [(String, String)] {
            ((changes[key] as? [[String: Any]]) ?? []).map {
                ($0["ruleId"] as? String ?? "", $0["subject"] as? String ?? "")
            }
        }
        let first = try #require(try scan()["changes"] as? [String: Any])
        #expect(first["previousRunAt"] == nil)
        try testbed("add")
        var added = true
        defer { if added { try? testbed("remove") } }
        let second = try #require(try scan()["changes"] as? [String: Any])
        #expect(second["previousRunAt"] as? String != nil)
        #expect(identities(second, "new").contains { $0 == ("CES-A1", probeDN) })
        #expect(!identities(second, "resolved").contains { $0.1 == probeDN })
        try testbed("remove")
        added = false
        let third = try #require(try scan()["changes"] as? [String: Any])
        #expect(identities(third, "resolved").contains { $0 == ("CES-A1", probeDN) })
        #expect(!identities(third, "new").contains { $0.1 == probeDN })
        #expect((third["stillOpen"] as? Int ?? 0) > 0)

        let listing = try CLI.run(["history", history, "--format", "json"])
        #expect(listing.status == 0)
        #expect((try Self.json(listing.stdout)["runs"] as? [[String: Any]])?.count == 3)
    }

    /// One URL published twice (enrollment and renewal-only), B2/F1–F4 per template, a template on two CAs: every
    /// listed finding of a full scan is told apart in every format that names findings one by one, and the history
    /// keeps one open finding per listed one.
    @Test func everyListedFindingHasItsOwnIdentityInEveryFormat() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = directory.appendingPathComponent("history.sqlite").path
        // One snapshot for every format: other tests add and remove accounts on the shared test bed meanwhile.
        let snapshot = directory.appendingPathComponent("domain.json").path
        let saved = try CLI.run(
            ["snapshot", "--output", snapshot, "--all-accounts", "--evidence", Self.evidence] + Self.connection())
        try #require(saved.status == 0, "\(saved.stderr)")
        func scan(_ format: String, _ extra: [String] = []) throws -> String {
            let result = try CLI.run(["scan", "--format", format, "--snapshot", snapshot] + extra)
            #expect(result.status == 2, "\(result.stderr)")
            return result.stdout
        }
        func duplicates(_ keys: [String]) -> [String] {
            Dictionary(grouping: keys, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        }

        let report = try Self.json(try scan("json", ["--history", history]))
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.count > 5_000)
        let keys = findings.map { finding in
            let subject = finding["subject"] as? [String: Any]
            let evidence = finding["evidence"] as? [String: Any]
            return [
                finding["ruleId"], subject?["dn"] ?? subject?["name"], finding["endpoint"], finding["endpointMode"],
                evidence?["template"], evidence?["ca"],
            ].map { "\($0 ?? "-")" }.joined(separator: "|")
        }
        #expect(duplicates(keys).isEmpty, "\(duplicates(keys).prefix(5))")
        #expect(keys.contains { $0.contains("|certificate, renewal-only|") }, "the renewal-only twin is listed")

        let sarif = try Self.json(try scan("sarif"))
        let results = try #require((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let fingerprints = results.compactMap {
            ($0["partialFingerprints"] as? [String: String])?["cesAuditIdentity/v1"]
        }
        #expect(fingerprints.count == findings.count)
        // GitHub code scanning takes a result only with a repository-relative physical location.
        let uris = results.compactMap {
            (((($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?[
                "artifactLocation"] as? [String: Any])?["uri"] as? String)
        }
        #expect(uris.count == results.count)
        #expect(uris.allSatisfy { $0.hasPrefix("ad/") && URL(string: $0) != nil }, "\(uris.prefix(3))")
        #expect(duplicates(fingerprints).isEmpty, "\(duplicates(fingerprints).prefix(5))")

        let junit = try XMLDocument(data: Data(try scan("junit").utf8))
        let cases = try junit.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }.map {
            "\($0.attribute(forName: "classname")?.stringValue ?? "") \($0.attribute(forName: "name")?.stringValue ?? "")"
        }
        #expect(cases.count == findings.count)
        #expect(duplicates(cases).isEmpty, "\(duplicates(cases).prefix(5))")

        let nagios = try scan("nagios").split(separator: "\n").dropFirst().map(String.init)
        #expect(duplicates(nagios).isEmpty, "\(duplicates(nagios).prefix(5))")

        // No waiver in this run: every listed non-pass finding is open, and the history keeps each one.
        let runs = try CLI.run(["history", history, "--format", "json"])
        let run = try #require((try Self.json(runs.stdout)["runs"] as? [[String: Any]])?.first)
        let listedNonPass = findings.filter { ["fail", "warn", "unknown"].contains($0["status"] as? String) }.count
        #expect(run["openFindings"] as? Int == listedNonPass)
    }

    /// The scan's fix list on the test bed: the text shows groups whose counts are the JSON's per-finding counts,
    /// named examples and fixes, in a few hundred lines instead of tens of thousands; `--all` lists every finding;
    /// JSON, SARIF and JUnit keep every finding and add the groups.
    @Test func scanTextIsAFixListAndEveryFormatKeepsEveryFindingWithItsGroup() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = directory.appendingPathComponent("domain.json").path
        let saved = try CLI.run(
            ["snapshot", "--output", snapshot, "--all-accounts", "--evidence", Self.evidence] + Self.connection())
        try #require(saved.status == 0, "\(saved.stderr)")
        func scan(_ arguments: [String]) throws -> String {
            let result = try CLI.run(["scan", "--snapshot", snapshot] + arguments)
            #expect(result.status == 2, "\(result.stderr)")
            return result.stdout
        }

        let report = try Self.json(try scan(["--format", "json"]))
        let findings = try #require(report["findings"] as? [[String: Any]])
        let fixes = try #require(report["fixes"] as? [[String: Any]])
        var perGroup: [String: Int] = [:]
        for finding in findings {
            let group = try #require(finding["fixGroup"] as? String, "every listed finding of a scan is grouped")
            perGroup[group, default: 0] += 1
        }
        #expect(fixes.count == perGroup.count)
        for group in fixes {
            let id = try #require(group["id"] as? String)
            #expect(group["count"] as? Int == perGroup[id], "\(id)")
        }
        let mail = try #require(fixes.first { $0["id"] as? String == "CES-F1/fail/template/User" })
        let mailCount = try #require(mail["count"] as? Int)
        #expect(mailCount > 500, "the bulk users lack mail for template User")
        #expect((mail["examples"] as? [String])?.count == 3)

        let text = try scan([])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Fix list: \(fixes.count) fixes for \(findings.count) findings") })
        #expect(lines.contains("               template User: \(mailCount) findings, affects \(mailCount) accounts"))
        #expect(lines.contains { $0.hasPrefix("  1.   FAIL  ") }, "fails first")
        let examples = try #require(mail["examples"] as? [String])
        #expect(lines.contains("               e.g. " + examples.joined(separator: "; ") + ", …"))
        #expect(lines.count < 1_000, "\(lines.count) lines for \(findings.count) findings")
        let all = try scan(["--all"])
        #expect(!all.contains("Fix list"))
        #expect(!(try scan(["--include-passed"])).contains("Fix list"), "passes asked for are listed")
        #expect(
            all.components(separatedBy: "CES-F1  Template requires an e-mail").count - 1
                == perGroup.filter {
                    $0.key.hasPrefix("CES-F1/")
                }.values.reduce(0, +))

        let sarif = try Self.json(try scan(["--format", "sarif"]))
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == findings.count)
        #expect(results.allSatisfy { (($0["properties"] as? [String: Any])?["fixGroup"] as? String) != nil })
        #expect(((run["properties"] as? [String: Any])?["fixes"] as? [[String: Any]])?.count == fixes.count)

        let junit = try XMLDocument(data: Data(try scan(["--format", "junit"]).utf8))
        #expect(try junit.nodes(forXPath: "//testcase").count == findings.count)
        let properties = try junit.nodes(forXPath: "//testsuite/properties/property").compactMap { $0 as? XMLElement }
        #expect(
            Set(properties.compactMap { $0.attribute(forName: "name")?.stringValue })
                == Set(perGroup.keys.map { "fix:" + $0 }))
    }

    @Test func scanSpoolsItsFindingsToTMPDIRAndLeavesNothingThere() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: false)
        let file = directory.appendingPathComponent("scan.json").path
        let result = try CLI.run(
            ["scan", "--format", "json", "--output", file] + Self.connection(), environment: ["TMPDIR": spool.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
        let json = try Self.json(try String(contentsOfFile: file, encoding: .utf8))
        let summary = try #require(json["summary"] as? [String: Int])
        let findings = try #require(json["findings"] as? [[String: Any]])
        // Thousands of findings at test bed size, megabytes: far more than the 512 KiB the spool keeps in memory.
        #expect(findings.count > 5_000)
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
        #expect(size > 2 * 1024 * 1024, "\(size) bytes")
        // A scan lists every finding that is not a pass or skipped: manual checklist items (G1, G2) too.
        #expect(
            findings.count
                == (summary["fail"] ?? 0) + (summary["warn"] ?? 0) + (summary["unknown"] ?? 0)
                + (summary["manual"] ?? 0))

        // Without a usable $TMPDIR the findings stay in memory: a warning, and the same report.
        let fallback = try CLI.run(
            ["scan", "--format", "json"] + Self.connection(),
            environment: ["TMPDIR": directory.appendingPathComponent("missing").path])
        #expect(fallback.status == 2)
        #expect(fallback.stderr.contains("warning: the listed findings are kept in memory"), "\(fallback.stderr)")
        let report = try Self.json(fallback.stdout)
        let same = try #require(report["findings"] as? [[String: Any]])
        let counts = try #require(report["summary"] as? [String: Int])
        #expect(
            same.count
                == (counts["fail"] ?? 0) + (counts["warn"] ?? 0) + (counts["unknown"] ?? 0) + (counts["manual"] ?? 0))
        // Other tests add and remove a probe account meanwhile, so the two scans may differ by a few findings.
        #expect(abs(same.count - findings.count) < 100, "\(same.count) vs \(findings.count)")
        #expect(same.first?["message"] as? String == findings.first?["message"] as? String)
    }

    @Test func scanPrometheusTextfileIsWrittenAtomicallyAndValid() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ces_audit.prom").path
        let result = try CLI.run(["scan", "--format", "prometheus", "--output", file] + Self.connection())
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ces_audit.prom"])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let sample = /[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.eE+-]+/
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: sample) != nil, "\(line)")
        }
        #expect(text.contains("ces_audit_last_run_timestamp_seconds"))
        #expect(text.contains("ces_audit_run_duration_seconds"))
        #expect(!text.contains("alice") && !text.contains("bulk0"), "no per-user labels")
        try Promtool.check(URL(fileURLWithPath: file))
        // user and server series name their target: two textfiles never hold the same series.
        for (arguments, target) in [
            (["user", "carol"], "carol"),
            (["server", "ces02.corp.example.test", "--ca", "corp-CA01"], "ces02.corp.example.test"),
        ] {
            let textfile = directory.appendingPathComponent("\(target).prom")
            let run = try CLI.run(
                arguments + ["--format", "prometheus", "--output", textfile.path] + Self.connection())
            #expect([1, 2, 3].contains(run.status), "\(run.stderr)")
            let series = try String(contentsOf: textfile, encoding: .utf8)
            #expect(
                series.contains("ces_audit_exit_status{command=\"\(arguments[0])\",target=\"\(target)\"} \(run.status)")
            )
            try Promtool.check(textfile)
        }
    }

    @Test func outputDashIsStandardOutput() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dash = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("-").path
        defer { try? FileManager.default.removeItem(atPath: dash) }
        let report = try CLI.run(
            ["user", "bob", "--endpoint", Self.kerberos, "--template", "User", "--format", "json", "--output", "-"]
                + Self.connection())
        #expect(report.status == 2, "\(report.stderr)")
        #expect(try Self.json(report.stdout)["command"] as? String == "user")
        let snapshot = try CLI.run(["snapshot", "--output", "-", "--account", "bob"] + Self.connection())
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        #expect(try Self.json(snapshot.stdout)["accounts"] != nil)
        #expect(!FileManager.default.fileExists(atPath: dash), "no file named -")
    }

    @Test func snapshotThenOfflineUserMatchesTheLiveRun() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("snapshot.json").path
        let saved = try CLI.run(["snapshot", "--output", file, "--account", "bob"] + Self.connection())
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        // Colour on a terminal (script(1) gives the run one), none when NO_COLOR is set.
        func onATerminal(_ environment: [String: String]) throws -> String {
            let command = "\(CLI.binary) user bob --snapshot \(file)"
            return String(
                decoding: try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment)
                    .stdout, as: UTF8.self)
        }
        #expect(try onATerminal(["NO_COLOR": ""]).contains("\u{1B}[31m"))
        let plain = try onATerminal(["NO_COLOR": "1"])
        #expect(plain.contains("CES-A1") && !plain.contains("\u{1B}["), "\(plain.prefix(300))")
        func verdicts(_ output: String) throws -> Set<String> {
            let findings = try #require(try Self.json(output)["findings"] as? [[String: Any]])
            return Set(findings.map { "\($0["ruleId"] ?? "") \($0["status"] ?? "") \($0["endpoint"] ?? "-")" })
        }
        let live = try CLI.run(["user", "bob", "--format", "json"] + Self.connection())
        let offline = try CLI.run(["user", "bob", "--format", "json", "--snapshot", file])
        #expect(offline.status == live.status, "\(offline.stderr)")
        #expect(try verdicts(offline.stdout) == verdicts(live.stdout))
        // A report streamed to a reader that is gone (`| head`): one line, exit 3, not bob's exit 2.
        let lost = try runProcess(
            CLI.binary, ["user", "bob", "--format", "json", "--snapshot", file], outputReaderGone: true)
        #expect(lost.status == 3, "\(lost.stderr)")
        #expect(lost.stderr == "ces-audit: cannot write standard output: write: Broken pipe\n", "\(lost.stderr)")
        let missing = try CLI.run(["user", "alice", "--snapshot", file])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("the snapshot holds no account 'alice': retake it with --account alice"))
        let scan = try CLI.run(["scan", "--snapshot", file])
        #expect(scan.status == 64)
        #expect(scan.stderr.contains("--all-accounts"))
    }

    @Test func configFileSuppliesTheSettingsAndFlagsWin() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let env = try TestBed()
        let config = directory.appendingPathComponent("ces-audit.yaml")
        let textfile = directory.appendingPathComponent("ces_audit.prom")
        try """
        schemaVersion: 1
        connection:
          uri: [\(env["CES_TEST_LDAPS_URI"])]
          caFile: \(env["CES_TEST_CA_FILE"])
          bindDN: "\(env["CES_TEST_READER_DN"])"
          passwordFile: \(env["CES_TEST_READER_PASSWORD_FILE"])
        evidence: \(Self.evidence)
        output: {format: prometheus, path: \(textfile.path)}
        """.write(to: config, atomically: true, encoding: .utf8)
        // The config's output is the scheduled scan's: interactive runs write text to stdout, never into it.
        let fromFile = try CLI.run(["user", "bob", "--config", config.path])
        #expect(fromFile.status == 2, "\(fromFile.stderr)")
        #expect(fromFile.stdout.hasPrefix("ces-audit 0.1.0: user bob"), "\(fromFile.stdout.prefix(200))")
        let flagWins = try CLI.run(["user", "bob", "--config", config.path, "--format", "nagios"])
        #expect(flagWins.stdout.hasPrefix("CES-AUDIT CRITICAL"))
        #expect(!FileManager.default.fileExists(atPath: textfile.path))
        let scheduled = try CLI.run(["scan", "--config", config.path])
        #expect(scheduled.status == 2, "\(scheduled.stderr)")
        #expect(scheduled.stdout.isEmpty)
        let written = try String(contentsOf: textfile, encoding: .utf8)
        #expect(written.contains("ces_audit_exit_status{command=\"scan\"} 2"))
        // A flag replaces the config's output as a whole: --format text does not write text into the textfile.
        let interactive = try CLI.run(["scan", "--config", config.path, "--format", "text"])
        #expect(interactive.stdout.hasPrefix("ces-audit 0.1.0: scan"))
        #expect(try String(contentsOf: textfile, encoding: .utf8) == written)

        let bad = directory.appendingPathComponent("bad.yaml")
        try "schemaVersion: 1\nconnection:\n  url: ldaps://x\n".write(to: bad, atomically: true, encoding: .utf8)
        let rejected = try CLI.run(["user", "bob", "--config", bad.path])
        #expect(rejected.status == 64)
        #expect(rejected.stderr.contains("bad.yaml:3: connection.url: unknown key"), "\(rejected.stderr)")
    }

    /// The config file's `history.path` counts for `--keep-runs`, as every config setting does for its flag.
    @Test func keepRunsTakesTheHistoryFileFromTheConfig() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = directory.appendingPathComponent("runs.sqlite")
        let config = directory.appendingPathComponent("ces-audit.yaml")
        try "schemaVersion: 1\nhistory:\n  path: \(history.path)\n".write(to: config, atomically: true, encoding: .utf8)
        let kept = try CLI.run(
            ["scan", "--config", config.path, "--keep-runs", "1", "--format", "nagios"] + Self.connection())
        #expect([0, 1, 2].contains(kept.status), "\(kept.stderr)")
        #expect(FileManager.default.fileExists(atPath: history.path))
        let alone = try CLI.run(["scan", "--keep-runs", "1"] + Self.connection())
        #expect(alone.status == 64, "\(alone.stderr)")
        #expect(
            alone.stderr.contains(
                "--keep-runs (or history.keepRuns) needs --history or history.path in the config file"),
            "\(alone.stderr)")
    }

    /// `--base` (or `connection.base`) is where accounts are looked up: a requester outside it is not found, one
    /// inside is; a base outside the domain partition is a usage error, not an empty result.
    @Test func baseNarrowsTheAccountSearch() throws {
        let env = try TestBed()
        let bulk = env["CES_TEST_BULK_BASE"]
        let kerberos = "https://ces01.corp.example.test/corp-CA01_CES_Kerberos/service.svc/CES"
        let inside = try CLI.run(
            ["user", "bulk0001", "--base", bulk, "--endpoint", kerberos, "--format", "json"] + Self.connection())
        #expect([0, 1, 2, 3].contains(inside.status), "\(inside.stderr)")
        let report = try Self.json(inside.stdout)
        #expect(report["target"] as? String == "bulk0001")
        // The CES principal (CN=Users, outside the base) is still the HTTP/ holder: --base narrows requesters only.
        let principals = report["principals"] as? [[String: Any]] ?? []
        #expect(principals.first?["account"] as? String == "svc-ces", "\(principals)")
        let outside = try CLI.run(["user", "alice", "--base", bulk] + Self.connection())
        #expect(outside.status == 64, "\(outside.stderr)")
        #expect(outside.stderr.contains("no user or computer account 'alice'"), "\(outside.stderr)")
        let elsewhere = try CLI.run(["user", "alice", "--base", "OU=Bulk,DC=other,DC=test"] + Self.connection())
        #expect(elsewhere.status == 64, "\(elsewhere.stderr)")
        #expect(
            elsewhere.stderr.contains(
                "--base OU=Bulk,DC=other,DC=test is not inside the domain partition DC=corp,DC=example,DC=test"),
            "\(elsewhere.stderr)")

        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("ces-audit.yaml")
        try "schemaVersion: 1\nconnection:\n  base: \"\(bulk)\"\n".write(to: config, atomically: true, encoding: .utf8)
        let fromFile = try CLI.run(["user", "alice", "--config", config.path] + Self.connection())
        #expect(fromFile.status == 64, "\(fromFile.stderr)")
        #expect(fromFile.stderr.contains("no user or computer account 'alice'"), "\(fromFile.stderr)")
    }
}
