import Yams

/// A bad policy or catalogue file: says which file, line and field, and what was expected.
public struct PolicyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let field: String
    public let message: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field.isEmpty ? "" : "\(field): ")\(message)"
    }
}

/// Reads a YAML mapping field by field, so every error names file, line and field, and keys the schema
/// does not know are errors rather than silently ignored (a typo in a waiver must not void it).
struct YAMLReader {
    let file: String
    let node: Node
    let path: String

    static func parse(_ text: String, file: String) throws(PolicyFileError) -> YAMLReader {
        let node: Node?
        do {
            // Every value is read as text and converted by the reader, so the basic resolver is enough; the
            // default one runs a regular expression per scalar (a third of the start-up time of every run).
            node = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw PolicyFileError(file: file, line: error.line, field: "", message: "not valid YAML: \(error.summary)")
        } catch {
            throw PolicyFileError(file: file, line: nil, field: "", message: "not valid YAML: \(error)")
        }
        guard let node else { throw PolicyFileError(file: file, line: 1, field: "", message: "the file is empty") }
        return YAMLReader(file: file, node: node, path: "")
    }

    var line: Int? { node.mark?.line }

    func failure(_ message: String, field: String? = nil) -> PolicyFileError {
        PolicyFileError(file: file, line: line, field: field ?? path, message: message)
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Fails on keys outside `allowed`.
    func expectKeys(_ allowed: Set<String>) throws(PolicyFileError) {
        guard let mapping = node.mapping else { throw failure("expected a mapping") }
        for (key, _) in mapping {
            guard let name = key.string else { throw failure("keys must be strings") }
            if !allowed.contains(name) {
                throw PolicyFileError(
                    file: file, line: key.mark?.line, field: childPath(name),
                    message: "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    func optional(_ key: String) throws(PolicyFileError) -> YAMLReader? {
        guard let mapping = node.mapping else { throw failure("expected a mapping") }
        guard let child = mapping[key] else { return nil }
        if case .scalar(let scalar) = child, scalar.style == .plain,
            ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        {
            return nil
        }
        return YAMLReader(file: file, node: child, path: childPath(key))
    }

    func required(_ key: String) throws(PolicyFileError) -> YAMLReader {
        guard let child = try optional(key) else { throw failure("missing required key", field: childPath(key)) }
        return child
    }

    func string() throws(PolicyFileError) -> String {
        guard case .scalar(let scalar) = node else { throw failure("expected a text value") }
        return scalar.string
    }

    func nonEmptyString() throws(PolicyFileError) -> String {
        var value = Substring(try string())
        while value.first?.isWhitespace == true { value.removeFirst() }
        while value.last?.isWhitespace == true { value.removeLast() }
        guard !value.isEmpty else { throw failure("must not be empty") }
        return String(value)
    }

    func integer() throws(PolicyFileError) -> Int {
        guard let value = Int(try string()) else { throw failure("expected a whole number") }
        return value
    }

    func sequence() throws(PolicyFileError) -> [YAMLReader] {
        guard case .sequence(let items) = node else { throw failure("expected a list") }
        return items.enumerated().map { YAMLReader(file: file, node: $0.element, path: "\(path)[\($0.offset)]") }
    }

    func stringList() throws(PolicyFileError) -> [String] {
        var values: [String] = []
        for item in try sequence() { values.append(try item.nonEmptyString()) }
        return values
    }

    func mappingEntries() throws(PolicyFileError) -> [(key: String, value: YAMLReader)] {
        guard let mapping = node.mapping else { throw failure("expected a mapping") }
        var entries: [(String, YAMLReader)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw failure("keys must be strings") }
            entries.append((name, YAMLReader(file: file, node: value, path: childPath(name))))
        }
        return entries
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return "\(self)"
        }
    }
}
