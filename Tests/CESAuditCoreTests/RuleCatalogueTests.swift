import Foundation
import Testing

@testable import CESAuditCore

@Suite struct RuleCatalogueLoadingTests {
    static let minimal = """
        schemaVersion: 1
        rules:
          - id: CES-A1
            family: A
            title: Requester is sensitive and cannot be delegated
            severity: fail
            appliesWhen: Kerberos or certificate endpoint
            data: [ad]
            check: NOT_DELEGATED set
            rationale: The KDC refuses S4U2proxy.
            remediation:
              summary: Clear the flag.
              commands:
                - shell: powershell
                  text: Set-ADUser -Identity '{account}' -Add @{'msDS-AllowedToDelegateTo'=@('HOST/{caHost}')}
            errorCodes: ["0x803D0013"]
        """

    @Test func loadsAValidCatalogue() throws {
        let catalogue = try RuleCatalogue(yaml: Self.minimal, file: "test.yaml")
        #expect(catalogue.rules.count == 1)
        let rule = try #require(catalogue["a1"])
        #expect(rule.id == "CES-A1")
        #expect(rule.severity == .fail)
        #expect(rule.remediation.commands.first?.shell == "powershell")
        #expect(catalogue["CES-A1"]?.title == rule.title)
        #expect(catalogue["CES-Z9"] == nil)
    }

    @Test func rendersPlaceholdersButNotPowerShellBraces() throws {
        let catalogue = try RuleCatalogue(yaml: Self.minimal, file: "test.yaml")
        let command = try #require(catalogue["CES-A1"]?.remediation.commands.first)
        #expect(RuleCatalogue.placeholderNames(in: command.text) == ["account", "caHost"])
        #expect(
            command.rendered(["account": "bob", "caHost": "ca01.corp.example.test"])
                == "Set-ADUser -Identity 'bob' -Add @{'msDS-AllowedToDelegateTo'=@('HOST/ca01.corp.example.test')}")
        #expect(command.rendered([:]) == command.text)
    }

    /// Values come from AD: a value that looks like a placeholder is text, never filled in a second time.
    @Test func rendersInOnePassAndKeepsUnknownPlaceholders() {
        let values = ["account": "{caHost}", "caHost": "ca01", "name": "Zoë 山田"]
        #expect(RuleCatalogue.render("{account} on {caHost}", values) == "{caHost} on ca01")
        #expect(RuleCatalogue.render("{missing} {name}{name}!", values) == "{missing} Zoë 山田Zoë 山田!")
        #expect(RuleCatalogue.render("@{'a'=1} {} {ca-Host} {", values) == "@{'a'=1} {} {ca-Host} {")
        #expect(RuleCatalogue.render("ü{caHost}ü", values) == "üca01ü")
    }

    @Test(arguments: [
        ("severity: fail", "severity: fatal", "rules[0].severity", "expected fail, warn or info"),
        ("    family: A\n", "    family: A\n    famliy: B\n", "rules[0].famliy", "unknown key"),
        (
            "-Identity '{account}'", "-Identity '{acount}'", "rules[0].remediation.commands[0].text",
            "unknown placeholder {acount}"
        ),
        ("    data: [ad]", "    data: [ldap]", "rules[0].data", "unknown data source 'ldap'"),
        ("    title: Requester is sensitive and cannot be delegated\n", "", "rules[0].title", "missing required key"),
        ("schemaVersion: 1", "schemaVersion: 2", "schemaVersion", "unsupported schemaVersion 2"),
    ])
    func badFilesNameFileLineAndField(original: String, replacement: String, field: String, message: String) {
        let yaml = Self.minimal.replacingOccurrences(of: original, with: replacement)
        #expect(yaml != Self.minimal)
        #expect {
            _ = try RuleCatalogue(yaml: yaml, file: "site/catalogue.yaml")
        } throws: { error in
            guard let error = error as? PolicyFileError else { return false }
            return error.file == "site/catalogue.yaml" && error.field == field && error.message.contains(message)
                && error.line != nil && error.description.hasPrefix("site/catalogue.yaml:")
        }
    }

    @Test func duplicateIDsAreRejected() {
        let rule = Self.minimal.components(separatedBy: "rules:\n")[1]
        let yaml = Self.minimal + "\n" + rule
        #expect(throws: PolicyFileError.self) { try RuleCatalogue(yaml: yaml, file: "x.yaml") }
    }

    @Test func invalidYAMLIsAnErrorWithALine() {
        #expect {
            _ = try RuleCatalogue(yaml: "schemaVersion: 1\nrules: [\n", file: "broken.yaml")
        } throws: { error in
            (error as? PolicyFileError)?.message.hasPrefix("not valid YAML") == true
        }
    }
}

/// Remediation that must not hurt (issue 21): localized groups by SID, B4's revert restores EnableDCOM.
@Suite struct RemediationSafetyTests {
    static func commands(_ id: String) throws -> (run: [String], revert: [String]) {
        let rule = try #require(RuleCatalogue.embedded[id])
        return (rule.remediation.commands.map(\.text), rule.remediation.revert.map(\.text))
    }

    @Test func localizedGroupsAreNamedBySID() throws {
        let names = [
            "'Protected Users'", "Windows Authorization Access Group", "Certificate Service DCOM Access",
            "NT AUTHORITY",
        ]
        for rule in RuleCatalogue.embedded.rules {
            for text in rule.remediation.commands.map(\.text) + rule.remediation.revert.map(\.text) {
                #expect(!names.contains { text.contains($0) }, "\(rule.id): \(text)")
            }
        }
        #expect(
            try Self.commands("CES-A2").run == [
                "Remove-ADGroupMember -Identity '{domainSID}-525' -Members '{account}' -Confirm:$false"
            ])
        #expect(try Self.commands("CES-C10").run.contains { $0.contains("'S-1-5-32-560'") })
        #expect(try Self.commands("CES-B4").run.contains { $0.contains("-SID 'S-1-5-32-574' -Member 'S-1-5-11'") })
    }

    @Test func domainSIDPlaceholderIsFilled() throws {
        let values = RuleContext.offline().placeholderValues(ca: .fixture(), endpoint: nil)
        #expect(values["domainSID"] == "S-1-5-21-1-2-3")
        let text = RuleDefinition.Command(shell: "powershell", text: "'{domainSID}-525'").rendered(values)
        #expect(text == "'S-1-5-21-1-2-3-525'")
    }

    @Test func dcomRevertRestoresThePreviousValueInsteadOfDisablingDCOM() throws {
        let (run, revert) = try Self.commands("CES-B4")
        #expect(!revert.contains { $0.contains("EnableDCOM") && $0.contains("/d N") })
        let saved = try #require(run.firstIndex { $0.hasPrefix("reg export \"HKLM\\Software\\Microsoft\\OLE\"") })
        let changed = try #require(run.firstIndex { $0.contains("/v EnableDCOM") })
        #expect(saved < changed, "the previous value is saved before it is changed")
        #expect(revert.contains { $0.hasPrefix("reg import ") })
    }
}
