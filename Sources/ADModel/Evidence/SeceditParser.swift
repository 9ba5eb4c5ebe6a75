/// One entry of a privilege / logon-right list in a security template.
public enum RightHolder: Sendable, Hashable, CustomStringConvertible {
    /// `*S-1-5-32-568`.
    case sid(SID)
    /// A bare account name the exporter did not resolve (`Guest`, `SQLServerDTSUser$HOST`); must be
    /// resolved by the caller or reported as unresolved.
    case name(String)

    public var description: String {
        switch self {
        case .sid(let sid): "*" + sid.description
        case .name(let name): name
        }
    }
}

/// The `[Privilege Rights]` section of a `secedit /export` file or `GptTmpl.inf` (MS-GPSB 2.2.6).
public struct UserRightsAssignment: Sendable, Hashable {
    /// Right name (as written) → holders, in file order. A right that is absent is "not defined"; a
    /// right with an empty list is assigned to nobody.
    public var rights: [String: [RightHolder]]
    /// The names of every section found, in file order (for diagnostics).
    public var sectionNames: [String]

    /// Holders of `right` (case-insensitive name), or nil when the right is not defined.
    public func holders(of right: String) -> [RightHolder]? {
        if let exact = rights[right] { return exact }
        return rights.first { $0.key.lowercased() == right.lowercased() }?.value
    }

    /// Whether `token` holds `right`, naming the SID that matched.
    ///
    /// Unresolved bare names make a non-match ``UserRightDecision/unresolved(names:)`` rather than
    /// ``UserRightDecision/notGranted``: one of them may be the account (unknown is never pass or fail).
    public func decide(_ right: String, for token: AccessToken) -> UserRightDecision {
        guard let list = holders(of: right) else { return .notDefined }
        var names: [String] = []
        for holder in list {
            switch holder {
            case .sid(let sid) where token.contains(sid): return .granted(by: sid)
            case .sid: continue
            case .name(let name): names.append(name)
            }
        }
        return names.isEmpty ? .notGranted : .unresolved(names: names)
    }
}

/// The answer to "does this token hold that user right?".
public enum UserRightDecision: Sendable, Hashable {
    /// A SID of the token is listed.
    case granted(by: SID)
    /// The right is defined and no entry matches.
    case notGranted
    /// No SID matches, but bare names that were not resolved are listed.
    case unresolved(names: [String])
    /// The right is not defined in this template (a GPO template then leaves the local setting in force).
    case notDefined
}

/// Why a security template could not be parsed.
public enum SeceditParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case undecodableText
    case malformedLine(line: Int, text: String)
    case invalidSID(line: Int, entry: String, reason: String)
    case noPrivilegeRightsSection

    public var description: String {
        switch self {
        case .undecodableText: "security template is neither UTF-16LE (with BOM) nor UTF-8"
        case .malformedLine(let line, let text): "line \(line): expected 'Right = *S-1-…,…', found '\(text)'"
        case .invalidSID(let line, let entry, let reason): "line \(line): invalid SID entry '\(entry)': \(reason)"
        case .noPrivilegeRightsSection: "security template has no [Privilege Rights] section"
        }
    }
}

/// Parses `secedit /export` INF files: UTF-16LE with BOM (as MS-GPSB requires) or UTF-8, CRLF or LF.
public enum SeceditParser {
    /// Parses the raw file bytes (encoding detected from the BOM).
    public static func parse(_ bytes: [UInt8]) throws(SeceditParseError) -> UserRightsAssignment {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        return try parse(text: text)
    }

    /// Parses already decoded text.
    public static func parse(text: String) throws(SeceditParseError) -> UserRightsAssignment {
        var rights: [String: [RightHolder]] = [:]
        var sections: [String] = []
        var section: String?
        let lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            let line = String(rawLine).trimmingASCIISpaces()
            if line.isEmpty || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count >= 2 else { throw .malformedLine(line: number, text: line) }
                let name = String(line.dropFirst().dropLast()).trimmingASCIISpaces()
                sections.append(name)
                section = name
                continue
            }
            guard section?.lowercased() == "privilege rights" else { continue }
            guard let equals = line.firstIndex(of: "=") else { throw .malformedLine(line: number, text: line) }
            let name = String(line[..<equals]).trimmingASCIISpaces()
            guard !name.isEmpty else { throw .malformedLine(line: number, text: line) }
            var holders: [RightHolder] = []
            for entry in line[line.index(after: equals)...].split(separator: ",") {
                let item = String(entry).trimmingASCIISpaces()
                if item.isEmpty { continue }
                if item.hasPrefix("*") {
                    do { holders.append(.sid(try SID(string: item.dropFirst()))) } catch {
                        throw .invalidSID(line: number, entry: item, reason: error.description)
                    }
                } else {
                    holders.append(.name(item))
                }
            }
            rights[name] = holders
        }
        guard sections.contains(where: { $0.lowercased() == "privilege rights" }) else {
            throw .noPrivilegeRightsSection
        }
        return UserRightsAssignment(rights: rights, sectionNames: sections)
    }
}
