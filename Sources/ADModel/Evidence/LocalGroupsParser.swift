/// Members of a host's local groups, by group SID (`local-groups.txt`): a group present with no members was read
/// and is empty; a group absent was not collected.
public struct LocalGroupMembers: Sendable, Hashable {
    public var groups: [SID: [SID]]

    public init(groups: [SID: [SID]]) { self.groups = groups }

    /// The members of `group`, or nil when it was not collected.
    public func members(of group: SID) -> [SID]? { groups[group] }
}

public enum LocalGroupsParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case undecodableText
    case memberOutsideGroup(line: Int)
    case malformedHeader(line: Int, text: String)
    case invalidSID(line: Int, text: String, reason: String)
    case duplicateGroup(line: Int, group: String)

    public var description: String {
        switch self {
        case .undecodableText: "local-groups.txt is neither UTF-16 with a byte-order mark nor UTF-8"
        case .memberOutsideGroup(let line): "line \(line): a member before any [S-1-5-32-…] group header"
        case .malformedHeader(let line, let text): "line \(line): malformed group header '\(text.prefix(80))'"
        case .invalidSID(let line, let text, let reason): "line \(line): '\(text.prefix(80))' is not a SID: \(reason)"
        case .duplicateGroup(let line, let group): "line \(line): group \(group) listed twice"
        }
    }
}

/// Reads `local-groups.txt`, as the PowerShell loop of the evidence layout writes it:
/// `[S-1-5-32-568]` then one member SID per line; `#` starts a comment.
public enum LocalGroupsParser {
    public static func parse(bytes: [UInt8]) throws(LocalGroupsParseError) -> LocalGroupMembers {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        return try parse(text)
    }

    public static func parse(_ text: String) throws(LocalGroupsParseError) -> LocalGroupMembers {
        var groups: [SID: [SID]] = [:]
        var current: SID?
        for (index, raw) in text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(raw).trimmingASCIISpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw .malformedHeader(line: number, text: line) }
                let inner = String(line.dropFirst().dropLast()).trimmingASCIISpaces()
                let group: SID
                do { group = try SID(string: inner) } catch {
                    throw .invalidSID(line: number, text: inner, reason: error.description)
                }
                guard groups[group] == nil else { throw .duplicateGroup(line: number, group: inner) }
                groups[group] = []
                current = group
                continue
            }
            guard let group = current else { throw .memberOutsideGroup(line: number) }
            do { groups[group, default: []].append(try SID(string: line)) } catch {
                throw .invalidSID(line: number, text: line, reason: error.description)
            }
        }
        return LocalGroupMembers(groups: groups)
    }
}
