import DirectoryAccess
import Foundation
import Testing

@testable import CESAuditCore

/// `resolveHosts` without a directory: what it asks (`HostResolutionPlan`) and which account it picks from the
/// answers (`HostAnswers.principal`). The same choices against the test bed: DelegationRulesAgainstTestBedTests,
/// MoreEndpointRulesAgainstTestBedTests and ScenarioTests.
@Suite struct HostResolutionPlanTests {
    static let host = "ces01.corp.example.test"

    static func entry(_ name: String, classes: [String] = ["user"]) -> LDAPEntry {
        LDAPEntry(
            dn: "CN=\(name),DC=corp",
            attributes: [
                ("sAMAccountName", [Data(name.utf8)]), ("objectClass", classes.map { Data($0.utf8) }),
            ])
    }

    static func answers(
        holders: [LDAPEntry] = [], computer: LDAPEntry? = nil, configured: LDAPEntry? = nil
    ) -> HostAnswers {
        HostAnswers(
            httpSPNHolders: [host: holders], computers: computer.map { [host: $0] } ?? [:], configured: configured)
    }

    static let error = LDAPError(kind: .insufficientAccess, code: 50, operation: "search", message: "denied")

    @Test func asksHoldersAndComputerOfEachEndpointHostThenCAHostsThenTheNamedAccounts() {
        let plan = HostResolutionPlan(
            endpointHosts: [Self.host, "ces02"], caHosts: ["ca01.corp.example.test"], configured: "svc-ces",
            requester: "CN=alice,DC=corp", base: "DC=corp")
        #expect(
            plan.searches.map(\.question) == [
                .httpSPNHolders(host: Self.host), .computer(host: Self.host), .httpSPNHolders(host: "ces02"),
                .computer(host: "ces02"), .computer(host: "ca01.corp.example.test"),
                .configured(AccountName("svc-ces", dnsDomain: "corp")),
                .requester(AccountName("CN=alice,DC=corp", dnsDomain: "corp")),
            ])
        #expect(
            plan.requests[0].filter
                == "(|(servicePrincipalName=HTTP/ces01.corp.example.test)(servicePrincipalName=HTTP/ces01))")
        #expect(plan.requests[1].filter == "(&(objectClass=computer)(dNSHostName=ces01.corp.example.test))")
        #expect(plan.requests[6].base == "CN=alice,DC=corp" && plan.requests[6].scope == .base)
        let bare = HostResolutionPlan(endpointHosts: [], caHosts: [], configured: nil, requester: nil, base: "DC=corp")
        #expect(bare.searches.isEmpty)
    }

    @Test func answersComeBackByQuestion() throws {
        let plan = HostResolutionPlan(
            endpointHosts: [Self.host], caHosts: ["ca01"], configured: "svc-ces", requester: nil, base: "DC=corp")
        let svc = Self.entry("svc-ces")
        let answers = try plan.answers([
            .success([svc]), .success([Self.entry("CES01$")]), .success([]),
            .success([Self.entry("svc-ces-old"), svc]),
        ])
        #expect(answers.httpSPNHolders == [Self.host: [svc]])
        #expect(answers.computers == [Self.host: Self.entry("CES01$")])
        #expect(answers.configured == svc)
        #expect(answers.requester == nil)
    }

    @Test func aFailedSearchIsThrownButAMissingDNIsNotFound() throws {
        let plan = HostResolutionPlan(
            endpointHosts: [Self.host], caHosts: [], configured: nil, requester: "CN=gone,DC=corp", base: "DC=corp")
        let noSuchObject = LDAPError(kind: .noSuchObject, code: 32, operation: "search", message: "no such object")
        #expect(try plan.answers([.success([]), .success([]), .failure(noSuchObject)]).requester == nil)
        #expect(throws: Self.error) { try plan.answers([.success([]), .failure(Self.error), .failure(noSuchObject)]) }
        let byName = HostResolutionPlan(
            endpointHosts: [], caHosts: [], configured: "svc-ces", requester: nil, base: "DC=corp")
        #expect(throws: Self.error) { try byName.answers([.failure(Self.error)]) }
    }

    @Test func theConfiguredAccountWinsAndIsReportedWhenMissing() {
        let svc = Self.entry("svc-ces")
        let chosen = Self.answers(holders: [Self.entry("other")], configured: svc)
            .principal(of: Self.host, configured: "svc-ces")
        #expect(chosen.entry == svc)
        #expect(chosen.resolution.source == .configured && chosen.resolution.problem == nil)
        #expect(chosen.resolution.httpSPNHolders == ["other"])
        let missing = Self.answers(computer: Self.entry("CES01$")).principal(of: Self.host, configured: "gone")
        #expect(missing.entry == nil)
        #expect(missing.resolution.source == .configured)
        #expect(missing.resolution.problem == "service account 'gone' not found")
    }

    @Test func theSingleHTTPHolderComesBeforeTheComputer() {
        let svc = Self.entry("svc-ces")
        let chosen = Self.answers(holders: [svc], computer: Self.entry("CES01$")).principal(
            of: Self.host, configured: nil)
        #expect(chosen.entry == svc)
        #expect(chosen.resolution.source == .httpSPN && chosen.resolution.problem == nil)
    }

    @Test func noneOrSeveralHoldersFallBackToTheComputer() {
        let computer = Self.entry("CES01$", classes: ["computer"])
        let none = Self.answers(computer: computer).principal(of: Self.host, configured: nil)
        #expect(none.entry == computer && none.resolution.source == .hostComputer)
        let several = Self.answers(holders: [Self.entry("a"), Self.entry("b")], computer: computer)
            .principal(of: Self.host, configured: nil)
        #expect(several.entry == computer && several.resolution.source == .hostComputer)
        #expect(several.resolution.httpSPNHolders == ["a", "b"])
    }

    @Test func withoutHolderOrComputerTheProblemSaysWhy() {
        let nothing = Self.answers().principal(of: Self.host, configured: nil)
        #expect(nothing.entry == nil && nothing.resolution.source == nil)
        #expect(
            nothing.resolution.problem
                == "no account holds HTTP/ces01.corp.example.test and no computer has dNSHostName ces01.corp.example.test"
        )
        // A holder without sAMAccountName is named by its DN.
        let several = Self.answers(holders: [Self.entry("a"), LDAPEntry(dn: "CN=b,DC=other")])
            .principal(of: Self.host, configured: nil)
        #expect(
            several.resolution.problem
                == "HTTP/ces01.corp.example.test is held by a, CN=b,DC=other and no computer has dNSHostName ces01.corp.example.test"
        )
    }

    @Test func onlyAGMSAPrincipalBringsItsHostComputer() {
        let computer = Self.entry("CES01$", classes: ["computer"])
        let gmsa = Self.entry("gmsa-ces$", classes: ["top", "computer", "msDS-GroupManagedServiceAccount"])
        let viaHolder = Self.answers(holders: [gmsa], computer: computer).principal(of: Self.host, configured: nil)
        #expect(viaHolder.hostComputer == computer)
        let lowerCase = Self.entry("gmsa-ces$", classes: ["msds-groupmanagedserviceaccount"])
        #expect(
            Self.answers(computer: computer, configured: lowerCase).principal(of: Self.host, configured: "gmsa-ces$")
                .hostComputer == computer)
        let user = Self.answers(holders: [Self.entry("svc-ces")], computer: computer)
        #expect(user.principal(of: Self.host, configured: nil).hostComputer == nil)
        #expect(Self.answers(holders: [gmsa]).principal(of: Self.host, configured: nil).hostComputer == nil)
    }
}
