import ArgumentParser
import CESAuditCore
import Foundation

/// `ces-audit rules`: the rule catalogue (ID, severity, title). Needs no AD.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List the rule catalogue (ID, severity, title).",
        discussion: HelpText.discussion(
            examples: ["ces-audit rules", "ces-audit rules --format json"], exitStatus: HelpText.listingExitStatus))

    @Option(help: "Output format: text or json.")
    var format: ListingFormat = .text

    @Option(help: "Directory holding a catalogue.yaml that replaces the embedded one.")
    var policies: String?

    func run() throws {
        let catalogue = try CatalogueSource.load(policies)
        switch format {
        case .text:
            let width = catalogue.rules.map(\.id.count).max() ?? 6
            let lines = catalogue.rules.map {
                $0.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + $0.severity.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0) + "  " + $0.title
            }
            Console.out(lines.joined(separator: "\n"))
        case .json:
            Console.out(try JSONOutput.encode(RulesReport(rules: catalogue.rules)))
        }
    }
}

struct RulesReport: Encodable {
    let schemaVersion = 1
    let tool = ToolInfo()
    let command = "rules"
    let rules: [RuleDefinition]
}

struct ToolInfo: Encodable {
    let name = "ces-audit"
    let version = CESAudit.version
}

enum JSONOutput {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// The embedded catalogue, or `DIR/catalogue.yaml` when `--policies DIR` is given.
enum CatalogueSource {
    static func load(_ directory: String?) throws -> RuleCatalogue {
        guard let directory else { return RuleCatalogue.embedded }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("catalogue.yaml").path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read \(path)")
        }
        do {
            return try RuleCatalogue(yaml: String(decoding: data, as: UTF8.self), file: path)
        } catch {
            throw UsageError("\(error)")
        }
    }
}
