import Testing

@testable import CESAuditCore

/// The scan's fix list: which target a finding's fix changes, and how groups are counted and ordered.
@Suite struct FixListTests {
    static func finding(
        _ ruleId: String, _ status: Status = .fail, kind: Subject.Kind, name: String,
        evidence: [String: EvidenceValue] = [:]
    ) -> Finding {
        Finding(
            ruleId: ruleId, status: status, title: "title of \(ruleId)", subject: Subject(kind: kind, name: name),
            message: "message about \(name)", evidence: evidence, remediation: "fix for \(name)")
    }

    static func grouped(_ finding: Finding, ca: String? = "corp-CA01") -> Finding {
        var grouped = finding
        grouped.assignFixGroup(ca: ca)
        return grouped
    }

    @Test func theTargetIsWhatTheFixChanges() {
        func target(_ finding: Finding, ca: String? = "corp-CA01") -> FixTarget? { FixTarget(of: finding, ca: ca) }
        // A requester's template rules: the template ("N accounts lacking mail for template User").
        #expect(
            target(Self.finding("CES-F1", kind: .user, name: "dave", evidence: ["template": .string("User")]))
                == FixTarget(kind: .template, name: "User"))
        // A requester's own state: each account.
        #expect(target(Self.finding("CES-A1", kind: .user, name: "dave")) == FixTarget(kind: .accounts, name: ""))
        #expect(target(Self.finding("CES-A3", kind: .computer, name: "WKS01$")) == FixTarget(kind: .accounts, name: ""))
        // The CA's rights and flags: the CA of the path, whoever the subject is.
        #expect(target(Self.finding("CES-B1", kind: .user, name: "dave")) == FixTarget(kind: .ca, name: "corp-CA01"))
        #expect(
            target(Self.finding("CES-E2", .warn, kind: .servicePrincipal, name: "svc-ces"), ca: "corp-CA02")
                == FixTarget(kind: .ca, name: "corp-CA02"))
        #expect(
            target(Self.finding("CES-B1", .unknown, kind: .ca, name: "corp-CA03"), ca: nil)
                == FixTarget(kind: .ca, name: "corp-CA03"))
        // A CA rule with no CA known falls back to its subject.
        #expect(
            target(Self.finding("CES-E1", kind: .servicePrincipal, name: "svc-ces"), ca: nil)
                == FixTarget(kind: .principal, name: "svc-ces"))
        // The CES principal's delegation and rights, a template's own settings.
        #expect(
            target(Self.finding("CES-C2", kind: .servicePrincipal, name: "svc-ces"))
                == FixTarget(kind: .principal, name: "svc-ces"))
        #expect(target(Self.finding("CES-F6", kind: .template, name: "Web")) == FixTarget(kind: .template, name: "Web"))
        #expect(
            target(Self.finding("CES-X9", kind: .domain, name: "corp"))
                == FixTarget(kind: .subject, name: "domain corp"))
        // Nothing to fix.
        #expect(target(Self.finding("CES-A1", .pass, kind: .user, name: "dave")) == nil)
        #expect(target(Self.finding("CES-A1", .skipped, kind: .user, name: "dave")) == nil)
        #expect(target(Self.finding("CES-G1", .manual, kind: .servicePrincipal, name: "svc-ces")) != nil)
    }

    @Test func theIDNamesRuleStatusAndTargetAndReadsBack() {
        let finding = Self.grouped(
            Self.finding("CES-F1", kind: .user, name: "dave", evidence: ["template": .string("Odd/Name")]))
        #expect(finding.fixGroup == "CES-F1/fail/template/Odd/Name")
        #expect(FixGroup.target(ofID: "CES-F1/fail/template/Odd/Name") == FixTarget(kind: .template, name: "Odd/Name"))
        #expect(FixGroup.target(ofID: "CES-F1/fail/nonsense/x") == nil)
        #expect(Self.grouped(Self.finding("CES-A1", .pass, kind: .user, name: "dave")).fixGroup == nil)
    }

    @Test func groupsCountFindingsAndAccountsAndKeepThreeExamples() {
        var builder = FixListBuilder()
        for number in 1...5 {
            let account = Self.finding(
                "CES-F1", kind: .user, name: "user\(number)", evidence: ["template": .string("User")])
            builder.add(Self.grouped(account), ca: nil)
            // The same account twice in a row (on two templates' CAs, say) is one account.
            if number == 2 { builder.add(Self.grouped(account), ca: nil) }
        }
        var waived = Self.grouped(
            Self.finding("CES-F1", kind: .user, name: "user6", evidence: ["template": .string("User")]))
        waived.waiver = Finding.WaiverNote(reason: "known", expires: "2099-01-01", expired: false)
        builder.add(waived, ca: nil)
        builder.add(Self.grouped(Self.finding("CES-A1", .pass, kind: .user, name: "user1")), ca: nil)

        let groups = builder.groups()
        #expect(groups.count == 1, "a pass is not grouped")
        let group = groups[0]
        #expect(group.id == "CES-F1/fail/template/User")
        #expect(group.count == 7)
        #expect(group.open == 6)
        #expect(group.accounts == 6)
        #expect(group.examples == ["user1 template User", "user2 template User", "user2 template User"])
        #expect(group.message == "message about user1")
        #expect(group.remediation == "fix for user1")
    }

    @Test func aPrincipalsOrTemplatesFindingsAffectTheAccountsThatEnrollThroughIt() {
        var builder = FixListBuilder()
        builder.add(Self.grouped(Self.finding("CES-C2", kind: .servicePrincipal, name: "svc-ces")), ca: "corp-CA01")
        builder.add(Self.grouped(Self.finding("CES-C2", kind: .servicePrincipal, name: "svc-ces")), ca: "corp-CA02")
        builder.add(
            Self.grouped(
                Self.finding("CES-B1", .unknown, kind: .ca, name: "corp-CA01", evidence: ["requesterCount": .integer(40)]),
                ca: "corp-CA01"), ca: "corp-CA01")
        // A template's own finding: the accounts that may enroll that template on the CA, not all of the CA's.
        builder.add(
            Self.grouped(
                Self.finding("CES-F6", kind: .template, name: "Web", evidence: ["ca": .string("corp-CA01")]), ca: nil),
            ca: nil)
        let groups = builder.groups(
            reach: FixReach(byCA: ["corp-CA01": 100, "corp-CA02": 20], byTemplate: ["corp-CA01": ["Web": 7]]))
        #expect(groups.first { $0.ruleId == "CES-C2" }?.accounts == 120)
        #expect(groups.first { $0.ruleId == "CES-B1" }?.accounts == 40)
        #expect(groups.first { $0.ruleId == "CES-F6" }?.accounts == 7)
    }

    @Test func failsComeFirstThenTheMostAccounts() {
        var builder = FixListBuilder()
        func add(_ ruleId: String, _ status: Status, accounts: Int, template: String) {
            for number in 0..<accounts {
                builder.add(
                    Self.grouped(
                        Self.finding(
                            ruleId, status, kind: .user, name: "\(template)-\(number)",
                            evidence: ["template": .string(template)])), ca: nil)
            }
        }
        add("CES-F2", .warn, accounts: 50, template: "A")
        add("CES-F1", .fail, accounts: 2, template: "B")
        add("CES-F1", .fail, accounts: 9, template: "C")
        add("CES-B2", .unknown, accounts: 30, template: "D")
        builder.add(Self.grouped(Self.finding("CES-G1", .manual, kind: .servicePrincipal, name: "svc")), ca: nil)
        let order = builder.groups().map(\.id)
        #expect(
            order == [
                "CES-F1/fail/template/C", "CES-F1/fail/template/B", "CES-B2/unknown/template/D",
                "CES-F2/warn/template/A", "CES-G1/manual/principal/svc",
            ])
    }
}
