import Foundation
import Testing

@testable import CESAuditCore

/// The help desk's verdict per enrollment route (issue 17 item 1), from findings as `user` evaluates them.
@Suite struct EnrollmentVerdictTests {
    static let caDN = "CN=corp-CA01,CN=Enrollment Services"
    static let kerberos = "1\n2\n0\nhttps://ces01/corp-CA01_CES_Kerberos/service.svc/CES\n0"
    static let certificate = "3\n8\n0\nhttps://ces01/corp-CA01_CES_Certificate/service.svc/CES\n"

    static func route(_ template: String, _ endpoint: String = kerberos) -> EnrollmentRoute {
        EnrollmentRoute(
            template: template, ca: "corp-CA01", caDN: caDN, endpoint: endpoint, rawEndpoint: endpoint,
            endpointMode: nil, principal: "svc-ces")
    }

    static func finding(_ rule: String, _ status: Status, _ subject: String = "alice") -> Finding {
        Finding(
            ruleId: rule, status: status, title: rule, subject: Subject(kind: .user, name: subject),
            message: "\(rule) \(status.rawValue) for \(subject)", remediation: status == .fail ? "fix \(rule)" : nil)
    }

    static let endpointScope = FindingScope.endpoint(caDN: caDN, endpoint: kerberos)

    @Test func everythingPassingCanEnroll() throws {
        var tally = RouteVerdictTally(routes: [Self.route("User")])
        tally.add([Self.finding("CES-A3", .pass)], scope: .account)
        tally.add([Self.finding("CES-A1", .pass), Self.finding("CES-G1", .manual)], scope: Self.endpointScope)
        tally.add([Self.finding("CES-F1", .skipped)], scope: .template(caDN: Self.caDN, template: "user"))
        let verdict = try #require(tally.verdicts.first)
        #expect(verdict.verdict == .canEnroll)
        #expect(verdict.firstCause == nil)
        #expect(verdict.counts.pass == 2 && verdict.counts.skipped == 1 && verdict.counts.manual == 1)
        #expect(tally.open.fail == 0 && tally.open.unknown == 0 && tally.open.warn == 0)
    }

    @Test func warningsOnlyStillEnrollAndNameTheFirstWarning() throws {
        var tally = RouteVerdictTally(routes: [Self.route("Modern")])
        tally.add([Self.finding("CES-E5", .warn, "Modern")], scope: .template(caDN: Self.caDN, template: "Modern"))
        tally.add([Self.finding("CES-B5", .warn)], scope: Self.endpointScope)
        let verdict = try #require(tally.verdicts.first)
        #expect(verdict.verdict == .canEnroll)
        #expect(verdict.counts.warn == 2)
        // The CA hop (B5) comes before the template (E5), whatever order they were added in.
        #expect(verdict.firstCause?.ruleId == "CES-B5")
    }

    @Test func unknownIsNeverCanEnroll() throws {
        var tally = RouteVerdictTally(routes: [Self.route("User")])
        tally.add([Self.finding("CES-A1", .pass), Self.finding("CES-B4", .unknown)], scope: Self.endpointScope)
        let verdict = try #require(tally.verdicts.first)
        #expect(verdict.verdict == .cannotTell)
        #expect(verdict.firstCause?.ruleId == "CES-B4")
        #expect(tally.open.unknown == 1)
    }

    /// A fail anywhere decides; among fails the enrollment order does: requester → endpoint/principal → CA → template.
    @Test func firstBlockingCauseFollowsTheEnrollmentOrder() throws {
        var tally = RouteVerdictTally(routes: [Self.route("User")])
        tally.add([Self.finding("CES-F1", .fail)], scope: .template(caDN: Self.caDN, template: "User"))
        tally.add([Self.finding("CES-B1", .fail)], scope: Self.endpointScope)
        tally.add(
            [Self.finding("CES-C2", .fail, "svc-ces"), Self.finding("CES-C8", .unknown, "svc-ces")],
            scope: Self.endpointScope)
        var verdict = try #require(tally.verdicts.first)
        #expect(verdict.verdict == .cannotEnroll)
        #expect(verdict.firstCause?.ruleId == "CES-C2")
        #expect(verdict.firstCause?.subject == "svc-ces")
        #expect(verdict.firstCause?.remediation == "fix CES-C2")
        tally.add([Self.finding("CES-A2", .fail)], scope: Self.endpointScope)
        verdict = try #require(tally.verdicts.first)
        #expect(verdict.firstCause?.ruleId == "CES-A2")
    }

    /// Findings land on the routes their scope covers only: an endpoint's on every template through it, a template's
    /// on every endpoint of its CA, the account's on every route.
    @Test func findingsLandOnTheRoutesTheyConcern() throws {
        let routes = [
            Self.route("User"), Self.route("Modern"), Self.route("User", Self.certificate),
        ]
        var tally = RouteVerdictTally(routes: routes)
        tally.add(
            [Self.finding("CES-C3", .fail, "svc-ces")], scope: .endpoint(caDN: Self.caDN, endpoint: Self.certificate))
        tally.add([Self.finding("CES-F1", .unknown)], scope: .template(caDN: Self.caDN, template: "Modern"))
        tally.add(
            [Self.finding("CES-E3", .warn, "User")],
            scope: .endpointTemplate(caDN: Self.caDN, endpoint: Self.kerberos, template: "User"))
        tally.add([Self.finding("CES-A3", .pass)], scope: .account)
        let verdicts = tally.verdicts
        // Worst first.
        #expect(verdicts.map(\.verdict) == [.cannotEnroll, .cannotTell, .canEnroll])
        #expect(verdicts[0].route.template == "User" && verdicts[0].route.endpoint == Self.certificate)
        #expect(verdicts[1].route.template == "Modern")
        #expect(verdicts[2].route.endpoint == Self.kerberos && verdicts[2].counts.warn == 1)
        #expect(verdicts.allSatisfy { $0.counts.pass == 1 })
    }

    /// A path the account does not take does not count against it: its findings are not in `open`, and are named
    /// off-path; a finding on several routes counts once.
    @Test func findingsOffTheRoutesDoNotCount() throws {
        var tally = RouteVerdictTally(routes: [Self.route("User"), Self.route("Modern")])
        let other = Self.finding("CES-C9", .fail, "svc-ces")
        tally.add([other], scope: .endpoint(caDN: "CN=corp CA02", endpoint: "1\n4\n0\nhttps://ces01/x\n0"))
        tally.add([Self.finding("CES-B5", .warn)], scope: Self.endpointScope)
        #expect(tally.open.fail == 0)
        #expect(tally.open.warn == 1)
        #expect(tally.offPath == [other.identity])
        #expect(tally.verdicts.allSatisfy { $0.verdict == .canEnroll })
    }

    /// A waived fail still blocks the route (it is the truth about enrolling), says it is waived, and does not
    /// count against the exit status.
    @Test func aWaivedFailBlocksButDoesNotCount() throws {
        var waived = Self.finding("CES-A1", .fail)
        waived.waiver = .init(reason: "tier 0", expires: "2099-01-01", expired: false)
        var tally = RouteVerdictTally(routes: [Self.route("User")])
        tally.add([waived], scope: Self.endpointScope)
        let verdict = try #require(tally.verdicts.first)
        #expect(verdict.verdict == .cannotEnroll)
        #expect(verdict.firstCause?.waived == true)
        #expect(tally.open.fail == 0)
    }

    /// `user`'s exit status: from the paths when it has them, else as before.
    @Test func exitStatusFollowsThePaths() throws {
        var tally = FindingTally(listsEverything: true)
        let offPath = Self.finding("CES-C9", .fail, "svc-ces")
        tally.add([offPath, Self.finding("CES-A1", .pass)])
        var verdicts = RouteVerdictTally(routes: [Self.route("User")])
        verdicts.add([offPath], scope: .endpoint(caDN: "CN=corp CA02", endpoint: "x"))
        verdicts.add([Self.finding("CES-A1", .pass)], scope: Self.endpointScope)
        #expect(tally.report(command: "user", target: "alice", startedAt: Date(), version: "t").exitStatus == 2)
        tally.note(verdicts)
        let report = tally.report(command: "user", target: "alice", startedAt: Date(), version: "t")
        #expect(report.exitStatus == 0)
        #expect(report.paths?.first?.verdict == .canEnroll)
        #expect(report.offPathFindings == [offPath.identity])
        // No route at all: nothing to hold the findings against but every finding.
        var none = FindingTally(listsEverything: true)
        none.add([offPath])
        none.note(RouteVerdictTally(routes: []))
        #expect(none.report(command: "user", target: "alice", startedAt: Date(), version: "t").exitStatus == 2)
    }

    @Test func theJSONShapeIsFlatAndRoundTrips() throws {
        var tally = RouteVerdictTally(routes: [Self.route("User")])
        tally.add([Self.finding("CES-A1", .fail)], scope: Self.endpointScope)
        let verdict = try #require(tally.verdicts.first)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try #require(
            try JSONSerialization.jsonObject(with: try encoder.encode(verdict)) as? [String: Any])
        #expect(Set(object.keys) == ["template", "ca", "endpoint", "principal", "verdict", "firstCause", "counts"])
        #expect(object["verdict"] as? String == "cannotEnroll")
        let cause = try #require(object["firstCause"] as? [String: Any])
        #expect(cause["ruleId"] as? String == "CES-A1")
        #expect(cause["remediation"] as? String == "fix CES-A1")
        let decoded = try JSONDecoder().decode(RouteVerdict.self, from: try encoder.encode(verdict))
        #expect(decoded.verdict == verdict.verdict && decoded.firstCause == verdict.firstCause)
        #expect(decoded.route.template == "User")
    }
}
