import ADModel
import Foundation
import Testing

@testable import CESAuditCore

/// `ces-audit collect`'s pure parts: which hosts, what each is asked for, --resolve, the manifest after a timeout.
@Suite struct HostCollectionPlanTests {
    static let spaceCA = "1\n4\n0\nhttps://CES02.corp.example.test./corp%20CA02_CES_UsernamePassword/service.svc/CES"

    @Test func everyCAHostAndEveryCESHostOfTheDirectoryIsATarget() throws {
        var snapshot = try EngineOfflineTests.snapshot(
            endpoints: [EngineOfflineTests.kerberos, EngineOfflineTests.username, Self.spaceCA], cas: 2)
        // a hostile endpoint host (no DNS name can be that long) is no host to connect to
        let hostile = "1\n2\n0\nhttps://\(String(repeating: "h", count: 300)).test/x_CES_Kerberos/service.svc/CES"
        if var services = snapshot.enrollmentServices.value {
            services[1].endpoints = [EnrollmentServiceRecord.Endpoint(raw: hostile)]
            snapshot.enrollmentServices = .value(services)
        }
        let targets = HostCollectionPlan.targets(snapshot: snapshot)
        #expect(
            targets.map(\.host) == [
                "ca01.corp.example.test", "ca02.corp.example.test", "ces01.corp.example.test",
                "ces02.corp.example.test",
            ])
        #expect(targets[0].caNames == ["corp-CA01"])
        #expect(targets[0].cesInstances.isEmpty)
        #expect(targets[2].caNames.isEmpty)
        #expect(targets[2].cesInstances == ["corp-CA01_CES_Kerberos", "corp-CA01_CES_UsernamePassword"])
        // percent-decoded instance, host lower-cased without its trailing dot
        #expect(targets[3].cesInstances == ["corp CA02_CES_UsernamePassword"])
    }

    @Test func requestedHostsLimitThePlanAndMayBeUnknownToTheDirectory() throws {
        let snapshot = try EngineOfflineTests.snapshot()
        let targets = HostCollectionPlan.targets(
            snapshot: snapshot, requested: ["CA01.corp.example.test", "web09.test"])
        #expect(
            targets == [
                HostCollectionTarget(host: "ca01.corp.example.test", caNames: ["corp-CA01"]),
                HostCollectionTarget(host: "web09.test"),
            ])
    }

    @Test func aJobReadsOnlyTheHostsItHasRulesFor() throws {
        let ca02Endpoint = "https://ces02.corp.example.test/corp-CA02_CES_Kerberos/service.svc/CES"
        var snapshot = try EngineOfflineTests.snapshot(cas: 2)
        if var services = snapshot.enrollmentServices.value {
            services[1].endpoints = [EnrollmentServiceRecord.Endpoint(raw: "1\n2\n0\n\(ca02Endpoint)\n0")]
            snapshot.enrollmentServices = .value(services)
        }
        func hosts(_ scope: CollectionScope) -> [String] {
            HostCollectionPlan.targets(snapshot: snapshot, scope: scope).map(\.host)
        }
        #expect(hosts(.everyHost).count == 4)
        #expect(hosts(.endpoint(ca02Endpoint.uppercased())) == ["ca02.corp.example.test", "ces02.corp.example.test"])
        #expect(
            hosts(.cesHost("CES01.corp.example.test", ca: nil)) == [
                "ca01.corp.example.test", "ces01.corp.example.test",
            ])
        #expect(
            hosts(.cesHost("ces09.corp.example.test", ca: "corp-CA02")) == [
                "ca02.corp.example.test", "ces09.corp.example.test",
            ])
        // an unpublished CES host and no --ca: every CA host (the job itself insists on one CA then)
        #expect(hosts(.cesHost("ces09.corp.example.test", ca: nil)).count == 3)
        // `server --ca --auth` checks instances AD need not publish: their files are asked for too (CES-C8, G3)
        let planned = HostCollectionPlan.targets(
            snapshot: snapshot,
            scope: .cesHost("ces09.corp.example.test", ca: "corp-CA02", authentications: [.kerberos]))
        #expect(planned.first { $0.host == "ces09.corp.example.test" }?.cesInstances == ["corp-CA02_CES_Kerberos"])
        #expect(planned.first { $0.host == "ca02.corp.example.test" }?.cesInstances == [])
        // without --ca the job checks the only CA's instances, or none when there are several (it stops then)
        let onlyCA = HostCollectionPlan.targets(
            snapshot: try EngineOfflineTests.snapshot(),
            scope: .cesHost("ces09.corp.example.test", ca: nil, authentications: [.kerberos]))
        #expect(onlyCA.first { $0.host == "ces09.corp.example.test" }?.cesInstances == ["corp-CA01_CES_Kerberos"])
        let severalCAs = HostCollectionPlan.targets(
            snapshot: snapshot, scope: .cesHost("ces09.corp.example.test", ca: nil, authentications: [.kerberos]))
        #expect(severalCAs.first { $0.host == "ces09.corp.example.test" }?.cesInstances == [])
    }

    @Test func resolveTakesHostEqualsAddress() throws {
        let override = try HostAddressOverride(parsing: "CA01.corp.example.test=127.0.0.5")
        #expect(override.host == "ca01.corp.example.test")
        #expect(override.address == "127.0.0.5")
        #expect(try HostAddressOverride(parsing: "ca01=::1").address == "::1")
        for bad in [
            "ca01", "=127.0.0.1", "ca01=", "ca01=dc01.corp.example.test", "ca 01=127.0.0.1", "ca01=1.2.3",
            "-x=127.0.0.1",
        ] {
            #expect(throws: HostCollectionError.badResolve(bad)) { try HostAddressOverride(parsing: bad) }
        }
    }

    @Test func hostNamesAreDNSNames() {
        #expect(HostAddressOverride.isHostName("ces01.corp.example.test"))
        #expect(!HostAddressOverride.isHostName(String(repeating: "a", count: 64) + ".test"))
        #expect(!HostAddressOverride.isHostName("a..b"))
        #expect(!HostAddressOverride.isHostName("ces01;rm"))
        #expect(!HostAddressOverride.isHostName(""))
    }

    @Test func aTimeoutMarksOnlyWhatTheCollectorHadNotReached() throws {
        let json = """
            {"schemaVersion":1,"host":"ca01.corp.example.test","collectedAt":"2026-12-06T08:00:00Z",
             "method":"smb+dcerpc/kerberos","identity":"ces-reader@CORP.EXAMPLE.TEST","files":{"ole.reg":"ab"},
             "data":[{"datum":"ole","status":"collected"},
                     {"datum":"ca-config","ca":"corp-CA01","status":"unknown","reason":"access denied (needs …)"},
                     {"datum":"lsa","status":"unknown","reason":"not reached"}]}
            """
        var manifest = try JSONDecoder().decode(CollectionManifest.self, from: Data(json.utf8))
        manifest.finishUnreached(reason: "timeout: 5 s")
        #expect(manifest.data.map(\.reason) == [nil, "access denied (needs …)", "timeout: 5 s"])
        #expect(manifest.collectedCount == 1)
        #expect(manifest.unknown.map(\.label) == ["ca-config corp-CA01", "lsa"])
    }

    @Test func aHostThatNeverAnsweredGetsEveryDatumUnknown() {
        let target = HostCollectionTarget(
            host: "ca01.corp.example.test", caNames: ["corp-CA01"], cesInstances: ["corp-CA01_CES_Kerberos"])
        let manifest = CollectionManifest(
            target: target, address: "127.0.0.9", identity: nil, method: "smb+dcerpc/kerberos", reason: "timeout")
        #expect(
            manifest.data.map(\.label) == [
                "ca-config corp-CA01", "ole", "lsa", "deviceguard", "user-rights", "local-groups",
                "web.config corp-CA01_CES_Kerberos", "applicationHost.config",
            ])
        #expect(manifest.data.allSatisfy { $0.status == "unknown" && $0.reason == "timeout" })
        #expect(manifest.files.isEmpty)
    }
}
