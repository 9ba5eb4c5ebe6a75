import Foundation
import Testing

@testable import CESAuditCore

/// The catalogue the binary carries is exactly `Policies/catalogue.yaml`, and complete.
@Suite struct EmbeddedCatalogueTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every rule of docs/rules.md §3 (K1 came later).
    static let expectedIDs: [String] =
        (1...3).map { "CES-A\($0)" } + (1...5).map { "CES-B\($0)" } + (1...11).map { "CES-C\($0)" }
        + (1...4).map { "CES-D\($0)" } + (1...6).map { "CES-E\($0)" } + (1...8).map { "CES-F\($0)" } + ["CES-F6b"]
        + (1...5).map { "CES-G\($0)" }

    /// The compiled rules are what the loader reads from the file, field by field.
    @Test func embeddedCopyIsCurrent() throws {
        let source = try String(
            contentsOf: Self.repository.appendingPathComponent("Policies/catalogue.yaml"), encoding: .utf8)
        let file = try RuleCatalogue(yaml: source, file: "Policies/catalogue.yaml")
        #expect(file.rules.map(\.id) == EmbeddedCatalogue.rules.map(\.id), "run scripts/embed-policies")
        for (read, compiled) in zip(file.rules, EmbeddedCatalogue.rules) {
            #expect(read == compiled, "\(read.id) differs: run scripts/embed-policies")
        }
    }

    @Test func everyRuleOfTheDomainReferenceIsThere() {
        let ids = Set(RuleCatalogue.embedded.rules.map(\.id))
        #expect(Self.expectedIDs.count == 43)
        for id in Self.expectedIDs { #expect(ids.contains(id), "\(id) missing") }
    }

    @Test func everyRuleHasRemediationAndReferencesItsCodes() {
        for rule in RuleCatalogue.embedded.rules {
            #expect(!rule.remediation.summary.isEmpty, "\(rule.id)")
            #expect(rule.id.dropFirst(4).hasPrefix(rule.family), "\(rule.id) family \(rule.family)")
            for code in rule.errorCodes {
                let isHex = code.hasPrefix("0x") && code.count == 10 && UInt32(code.dropFirst(2), radix: 16) != nil
                let isSymbol = code.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }
                #expect(isHex || isSymbol, "\(rule.id): \(code)")
            }
        }
    }

    /// SARIF viewers link a rule's `helpUri`: every rule has one, a page about fixing it, over https.
    @Test func everyRuleHasAnHTTPSHelpPage() {
        for rule in RuleCatalogue.embedded.rules {
            let page = rule.helpUri.flatMap { URL(string: $0) }
            #expect(
                page?.scheme == "https" && page?.host?.isEmpty == false,
                "\(rule.id): helpUri \(rule.helpUri ?? "missing")")
        }
    }

    @Test func wrongPublicConstantsAreNotUsed() {
        // docs/rules.md §8: EDITF_ENABLERENEWONBEHALFOF is 0x04000000, not 0x00010000.
        let e2 = RuleCatalogue.embedded["CES-E2"]
        #expect(e2?.check.contains("0x04000000") == true)
        #expect(e2?.check.contains("0x00010000") == false)
        #expect(RuleCatalogue.embedded["CES-C3"]?.check.contains("0x01000000") == true)
    }
}

@Suite struct RuleRegistryTests {
    @Test func everyCatalogueRuleIsImplemented() {
        let implemented = Set(RuleRegistry.implementedIDs)
        let missing = RuleCatalogue.embedded.rules.map(\.id).filter { !implemented.contains($0) }
        #expect(missing.isEmpty, "not implemented: \(missing)")
    }

    /// Each registry list takes one shape protocol, so a rule in the wrong list does not compile; a rule with two
    /// shapes would slip through that check.
    @Test func everyRuleHasExactlyOneShape() {
        for rule in RuleRegistry.all {
            let shapes = [
                rule is any RequesterRule, rule is any EndpointRule, rule is any RequesterTemplateRule,
                rule is any TemplateOnlyRule, rule is any EndpointTemplateRule, rule is any ProbeRule,
                rule is any EndpointProbeRule,
            ]
            #expect(shapes.filter { $0 }.count == 1, "\(type(of: rule).id): \(shapes)")
        }
    }

    @Test func everyImplementedRuleIsInTheCatalogueOnce() {
        let ids = RuleRegistry.implementedIDs
        #expect(Set(ids).count == ids.count, "a rule is registered twice")
        for id in ids { #expect(RuleCatalogue.embedded[id] != nil, "\(id) is not in Policies/catalogue.yaml") }
    }
}
