/// One rule of the catalogue (`Policies/catalogue.yaml`): what it checks, why, and how to fix it.
public struct RuleDefinition: Sendable, Codable, Equatable {
    public struct Command: Sendable, Codable, Equatable {
        public var shell: String
        public var text: String
    }

    public struct Remediation: Sendable, Codable, Equatable {
        public var summary: String
        public var steps: [String]
        public var commands: [Command]
        public var revert: [Command]
    }

    public var id: String
    public var family: String
    public var title: String
    public var severity: Severity
    public var appliesWhen: String
    public var data: [String]
    public var check: String
    public var rationale: String
    public var remediation: Remediation
    public var tradeOff: String?
    public var errorCodes: [String]
    public var events: [String]
    public var references: [String]
    /// The page that helps an administrator fix what the rule finds (SARIF `helpUri`); Microsoft's docs first.
    public var helpUri: String? = nil
}

/// The rule catalogue. The binary embeds `Policies/catalogue.yaml`; `--policies DIR` can replace it.
public struct RuleCatalogue: Sendable {
    public let rules: [RuleDefinition]
    private let index: [String: Int]

    public static let dataSources: Set<String> = [
        "ad", "ca-security", "editflags", "secedit-ces", "secedit-ca", "iis-config", "credential-guard",
        "network-probe", "operator-input", "kdc-probe", "kdc-config", "endpoint-probe",
    ]
    public static let shells: Set<String> = ["powershell", "cmd", "certutil", "setspn", "bash"]
    public static let placeholders: Set<String> = [
        "account", "principal", "principalDN", "caHost", "caShort", "caName", "caConfig", "cesHost", "template",
        "url", "domain", "domainSID", "missingTargets",
    ]

    /// The catalogue compiled into the binary (`scripts/embed-policies`; a test keeps it equal to the file).
    public static let embedded = RuleCatalogue(rules: EmbeddedCatalogue.rules)

    public init(rules: [RuleDefinition]) {
        self.rules = rules
        index = Dictionary(
            rules.enumerated().map { ($0.element.id.uppercased(), $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// Looks a rule up by ID, case-insensitively, with or without the `CES-` prefix.
    public subscript(id: String) -> RuleDefinition? {
        // Rules ask with their exact ID on every finding; only people type `a1` or `ces-a1`.
        if let position = index[id] { return rules[position] }
        let key = id.uppercased().hasPrefix("CES-") ? id.uppercased() : "CES-" + id.uppercased()
        return index[key].map { rules[$0] }
    }

    public init(yaml: String, file: String) throws(PolicyFileError) {
        let root = try YAMLReader.parse(yaml, file: file)
        try root.expectKeys(["schemaVersion", "rules"])
        let version = try root.required("schemaVersion").integer()
        guard version == 1 else {
            throw root.failure("unsupported schemaVersion \(version) (this version reads 1)", field: "schemaVersion")
        }
        var rules: [RuleDefinition] = []
        var seen: Set<String> = []
        for item in try root.required("rules").sequence() {
            let rule = try Self.rule(item)
            guard seen.insert(rule.id.uppercased()).inserted else {
                throw item.failure("duplicate rule ID \(rule.id)", field: "\(item.path).id")
            }
            rules.append(rule)
        }
        guard !rules.isEmpty else { throw root.failure("no rules", field: "rules") }
        self.init(rules: rules)
    }

    private static func rule(_ item: YAMLReader) throws(PolicyFileError) -> RuleDefinition {
        try item.expectKeys([
            "id", "family", "title", "severity", "appliesWhen", "data", "check", "rationale", "remediation", "tradeOff",
            "errorCodes", "events", "references", "helpUri",
        ])
        let idReader = try item.required("id")
        let id = try idReader.nonEmptyString()
        guard id.hasPrefix("CES-"), id.count >= 6 else { throw idReader.failure("rule IDs look like CES-A1") }
        let severityReader = try item.required("severity")
        guard let severity = Severity(rawValue: try severityReader.string()) else {
            throw severityReader.failure("expected fail, warn or info")
        }
        let dataReader = try item.required("data")
        let data = try dataReader.stringList()
        if let unknown = data.first(where: { !dataSources.contains($0) }) {
            throw dataReader.failure(
                "unknown data source '\(unknown)' (expected one of: \(dataSources.sorted().joined(separator: ", ")))")
        }
        let remediationReader = try item.required("remediation")
        try remediationReader.expectKeys(["summary", "steps", "commands", "revert"])
        let remediation = RuleDefinition.Remediation(
            summary: try remediationReader.required("summary").nonEmptyString(),
            steps: try remediationReader.optional("steps")?.stringList() ?? [],
            commands: try commands(remediationReader.optional("commands")),
            revert: try commands(remediationReader.optional("revert")))
        return RuleDefinition(
            id: id, family: try item.required("family").nonEmptyString(),
            title: try item.required("title").nonEmptyString(),
            severity: severity, appliesWhen: try item.required("appliesWhen").nonEmptyString(), data: data,
            check: try item.required("check").nonEmptyString(),
            rationale: try item.required("rationale").nonEmptyString(),
            remediation: remediation, tradeOff: try item.optional("tradeOff")?.nonEmptyString(),
            errorCodes: try item.optional("errorCodes")?.stringList() ?? [],
            events: try item.optional("events")?.stringList() ?? [],
            references: try item.optional("references")?.stringList() ?? [],
            helpUri: try item.optional("helpUri")?.nonEmptyString())
    }

    private static func commands(_ reader: YAMLReader?) throws(PolicyFileError) -> [RuleDefinition.Command] {
        guard let reader else { return [] }
        var commands: [RuleDefinition.Command] = []
        for item in try reader.sequence() {
            try item.expectKeys(["shell", "text"])
            let shellReader = try item.required("shell")
            let shell = try shellReader.nonEmptyString()
            guard shells.contains(shell) else {
                throw shellReader.failure(
                    "unknown shell '\(shell)' (expected one of: \(shells.sorted().joined(separator: ", ")))")
            }
            let textReader = try item.required("text")
            let text = try textReader.nonEmptyString()
            if let unknown = placeholderNames(in: text).first(where: { !placeholders.contains($0) }) {
                throw textReader.failure("unknown placeholder {\(unknown)}")
            }
            commands.append(.init(shell: shell, text: text))
        }
        return commands
    }

    /// `{name}` placeholders (a brace, letters only, a brace) in a remediation text. PowerShell braces such as
    /// `@{'msDS-AllowedToDelegateTo'=…}` are not placeholders.
    static func placeholderNames(in text: String) -> [String] {
        var names: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            if characters[index] == "{" {
                var end = index + 1
                while end < characters.count, characters[end].isLetter, characters[end].isASCII { end += 1 }
                if end < characters.count, characters[end] == "}", end > index + 1 {
                    names.append(String(characters[(index + 1)..<end]))
                    index = end
                }
            }
            index += 1
        }
        return names
    }
}

extension RuleCatalogue {
    /// `text` with its placeholders filled in; unknown values stay as `{name}` so nothing is guessed.
    /// One pass over the text: a value read from AD that itself contains `{name}` is never filled in again.
    static func render(_ text: String, _ values: [String: String]) -> String {
        let bytes = text.utf8
        guard bytes.contains(UInt8(ascii: "{")) else { return text }
        var result = ""
        result.reserveCapacity(bytes.count + 64)
        var literalStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "{") else {
                index = bytes.index(after: index)
                continue
            }
            let nameStart = bytes.index(after: index)
            var nameEnd = nameStart
            while nameEnd < bytes.endIndex, Self.isASCIILetter(bytes[nameEnd]) { nameEnd = bytes.index(after: nameEnd) }
            if nameEnd > nameStart, nameEnd < bytes.endIndex, bytes[nameEnd] == UInt8(ascii: "}"),
                let value = values[String(text[nameStart..<nameEnd])]
            {
                result += text[literalStart..<index]
                result += value
                index = bytes.index(after: nameEnd)
                literalStart = index
            } else {
                index = nameStart
            }
        }
        result += text[literalStart...]
        return result
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}

extension RuleDefinition.Command {
    public func rendered(_ values: [String: String]) -> String { RuleCatalogue.render(text, values) }
}

extension RuleDefinition.Remediation {
    public func renderedSummary(_ values: [String: String]) -> String { RuleCatalogue.render(summary, values) }
}
