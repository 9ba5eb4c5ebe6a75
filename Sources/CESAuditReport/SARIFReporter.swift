import CESAuditCore
import Foundation

/// SARIF 2.1.0 for code-scanning style viewers. AD objects have no file location, so each result carries the
/// physical location GitHub code scanning requires as a path naming the object (`ad/<kind>/<name>`), and a logical
/// location whose fully qualified name is the subject's DN (docs/conventions.md §2.3).
public struct SARIFReporter: Reporter {
    /// `sarif`.
    public static let format = OutputFormat.sarif

    /// `runs[0].tool.driver.informationUri`; omitted when nil (the project publishes no home page yet).
    public var informationUri: String?

    /// Creates the reporter.
    public init(informationUri: String? = nil) {
        self.informationUri = informationUri
    }

    /// The report as one SARIF log with one run, pretty printed with sorted keys; results are streamed.
    public func write(_ report: AuditReport, catalogue: RuleCatalogue, to output: OutputSink) throws {
        try StreamingJSONEncoder().write(log(report, catalogue: catalogue), to: output)
        try output.write("\n")
    }

    func log(_ report: AuditReport, catalogue: RuleCatalogue) -> Log {
        // Rules: those the results refer to, in catalogue order, then any the catalogue does not know (in order of
        // first use, named by that finding's title). Results carry an index into them, so a first pass over the
        // findings' heads finds them before results are written.
        var used: Set<String> = []
        var seen: Set<String> = []
        var firstUse: [(id: String, position: FindingList.Position)] = []
        for (position, head) in report.findings.heads() where seen.insert(head.ruleId).inserted {
            let id = head.ruleId.uppercased()
            if used.insert(id).inserted { firstUse.append((id, position)) }
        }
        var rules = catalogue.rules.filter { used.contains($0.id.uppercased()) }.map(rule)
        var ruleIndex: [String: Int] = [:]
        for (offset, rule) in rules.enumerated() { ruleIndex[rule.id.uppercased()] = offset }
        for (id, position) in firstUse where ruleIndex[id] == nil {
            guard let finding = report.findings.element(at: position) else { continue }
            ruleIndex[id] = rules.count
            rules.append(
                Rule(
                    id: finding.ruleId, name: finding.title, shortDescription: .init(text: finding.title),
                    fullDescription: nil, help: nil, helpUri: nil, defaultConfiguration: nil))
        }
        let results = Results(findings: report.findings) { finding in
            result(finding, ruleIndex: ruleIndex[finding.ruleId.uppercased()] ?? 0, catalogue: catalogue)
        }
        let driver = Driver(
            name: report.tool.name, version: report.tool.version, informationUri: informationUri, rules: rules)
        let invocation = Invocation(
            executionSuccessful: true, startTimeUtc: report.startedAt.iso8601UTC,
            endTimeUtc: report.startedAt.addingTimeInterval(Double(report.durationMs) / 1000).iso8601UTC,
            properties: .init(command: report.command, target: report.target, exitStatus: report.exitStatus))
        return Log(runs: [
            Run(
                tool: .init(driver: driver), invocations: [invocation], results: results,
                properties: report.fixes.map { Run.Properties(fixes: $0) })
        ])
    }

    private func rule(_ definition: RuleDefinition) -> Rule {
        var help = definition.remediation.summary
        if !definition.remediation.commands.isEmpty {
            help += "\n\nCommands (review before running; placeholders in braces):\n"
            help += definition.remediation.commands.map { "[\($0.shell)] \($0.text)" }.joined(separator: "\n")
        }
        return Rule(
            id: definition.id, name: definition.title, shortDescription: .init(text: definition.title),
            fullDescription: .init(text: definition.rationale), help: .init(text: help),
            helpUri: definition.helpUri ?? definition.references.first,
            defaultConfiguration: .init(level: Self.level(for: definition.severity)))
    }

    private func result(_ finding: Finding, ruleIndex: Int, catalogue: RuleCatalogue) -> Result {
        let (kind, level) = Self.kindAndLevel(finding.status, severity: finding.effectiveSeverity(in: catalogue))
        let identity = finding.identity
        let location = LogicalLocation(
            fullyQualifiedName: finding.subject.dn ?? finding.subject.name, name: finding.subject.name,
            kind: "object")
        let suppressions = finding.waiver.flatMap { waiver in
            waiver.expired
                ? nil
                : [Suppression(kind: "external", status: "accepted", justification: waiver.reason)]
        }
        return Result(
            ruleId: finding.ruleId, ruleIndex: ruleIndex, kind: kind, level: level,
            message: .init(text: finding.message),
            locations: [.init(physicalLocation: .init(finding.subject), logicalLocations: [location])],
            partialFingerprints: ["cesAuditIdentity/v1": Self.fingerprint(identity)],
            suppressions: suppressions,
            properties: .init(
                status: finding.status.rawValue, subjectKind: finding.subject.kind.rawValue,
                endpoint: finding.endpoint, endpointMode: finding.endpointMode, template: finding.template,
                errorCodes: finding.errorCodes, fixGroup: finding.fixGroup))
    }

    /// `rule|subject|endpoint`, then `|mode|template|CA` when the finding has any of them: unique per listed finding,
    /// and unchanged for findings that were already told apart by the first three.
    static func fingerprint(_ identity: FindingIdentity) -> String {
        var parts = [identity.ruleId, identity.subject, identity.endpoint ?? ""]
        if identity.endpointMode != nil || identity.template != nil || identity.ca != nil {
            parts += [identity.endpointMode ?? "", identity.template ?? "", identity.ca ?? ""]
        }
        return parts.joined(separator: "|")
    }

    /// docs/conventions.md §1: the SARIF kind and level of a status. If the kind is not `fail`, the level is `none`
    /// (SARIF §3.27.9); info-severity failures are notes.
    static func kindAndLevel(_ status: Status, severity: Severity) -> (kind: String, level: String) {
        switch status {
        case .pass: ("pass", "none")
        case .skipped: ("notApplicable", "none")
        // SARIF §3.27.9: "review" — a person must look; the finding names the command to run.
        case .manual: ("review", "none")
        case .unknown: ("open", "none")
        case .warn: ("fail", severity == .info ? "note" : "warning")
        case .fail: ("fail", severity == .info ? "note" : "error")
        }
    }

    static func level(for severity: Severity) -> String {
        switch severity {
        case .fail: "error"
        case .warn: "warning"
        case .info: "note"
        }
    }

    // A compact Encodable model of the SARIF subset written (after SwiftFormat's SARIFReporter).

    struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    struct Run: Encodable {
        /// `scan`: the fix list (`FixGroup`, as in JSON's `fixes`) in the run's property bag (SARIF §3.8).
        struct Properties: Encodable {
            var fixes: [FixGroup]
        }

        var tool: Tool
        var invocations: [Invocation]
        var results: Results
        var properties: Properties?
    }

    /// The results, made from the findings as they are written: a JSON array, streamed by `StreamingJSONEncoder`.
    struct Results: Encodable, StreamableJSONArray {
        let findings: FindingList
        let result: (Finding) -> Result

        var isEmpty: Bool { findings.isEmpty }

        func forEachEncodable(_ body: (any Encodable) throws -> Void) throws {
            for finding in findings { try body(result(finding)) }
            try findings.throwIfUnreadable()
        }

        func encode(to encoder: any Encoder) throws {
            if !isEmpty, let streams = encoder.userInfo[JSONArrayStreams.userInfoKey] as? JSONArrayStreams {
                var container = encoder.singleValueContainer()
                try container.encode(streams.placeholder(for: self))
                return
            }
            var container = encoder.unkeyedContainer()
            try forEachEncodable { try container.encode($0) }
        }
    }

    struct Tool: Encodable {
        var driver: Driver
    }

    struct Driver: Encodable {
        var name: String
        var version: String
        var informationUri: String?
        var rules: [Rule]
    }

    struct Invocation: Encodable {
        struct Properties: Encodable {
            var command: String
            var target: String?
            var exitStatus: Int32
        }

        var executionSuccessful: Bool
        var startTimeUtc: String
        var endTimeUtc: String
        var properties: Properties
    }

    struct Text: Encodable {
        var text: String
    }

    struct Rule: Encodable {
        struct Configuration: Encodable {
            var level: String
        }

        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text?
        var help: Text?
        var helpUri: String?
        var defaultConfiguration: Configuration?
    }

    struct LogicalLocation: Encodable {
        var fullyQualifiedName: String
        var name: String
        var kind: String
    }

    /// GitHub code scanning accepts a result only with a physical location whose URI is a path relative to the
    /// repository root (no scheme). AD objects are not files, so the path names the object, `ad/<kind>/<name>`:
    /// stable across runs, and one per subject.
    struct PhysicalLocation: Encodable {
        struct ArtifactLocation: Encodable {
            var uri: String
        }

        struct Region: Encodable {
            var startLine = 1
        }

        var artifactLocation: ArtifactLocation
        var region = Region()

        init(_ subject: Subject) {
            let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
            let name = subject.name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "_"
            artifactLocation = ArtifactLocation(uri: "ad/\(subject.kind.rawValue)/\(name.isEmpty ? "_" : name)")
        }
    }

    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
        var logicalLocations: [LogicalLocation]
    }

    struct Suppression: Encodable {
        var kind: String
        var status: String
        var justification: String
    }

    struct Result: Encodable {
        struct Properties: Encodable {
            var status: String
            var subjectKind: String
            var endpoint: String?
            var endpointMode: String?
            var template: String?
            var errorCodes: [String]
            /// `scan`: the finding's group in the run's fix list.
            var fixGroup: String?
        }

        var ruleId: String
        var ruleIndex: Int
        var kind: String
        var level: String
        var message: Text
        var locations: [Location]
        var partialFingerprints: [String: String]
        var suppressions: [Suppression]?
        var properties: Properties
    }
}
