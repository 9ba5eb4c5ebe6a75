/// One ACE line of `certutil -getreg CA\Security` text output.
public struct CertutilSecurityEntry: Sendable, Hashable {
    /// True for `Allow`, false for `Deny`.
    public var isAllow: Bool
    /// The rights named on the line; meaningful only when ``rightsKnown`` is true.
    public var rights: CAAccessMask
    /// False when the line had no right phrase or a phrase this parser does not know: the rights are
    /// *unknown*, never "none" (docs/conventions.md §1).
    public var rightsKnown: Bool
    /// Phrases that were not recognised (e.g. localised output).
    public var unknownPhrases: [String]
    /// The principal as printed (`FRIES\Domain Users`); certutil prints names, not SIDs.
    public var principal: String
    /// 1-based line number in the input.
    public var line: Int
}

/// The parsed `certutil -getreg CA\Security` output.
public struct CertutilSecurityReport: Sendable, Hashable {
    /// The registry path printed in the header, if present.
    public var registryPath: String?
    /// ACE lines in the order printed (which is the DACL order).
    public var entries: [CertutilSecurityEntry]
    /// Non-empty lines inside the value block that were neither ACEs nor known decoration.
    public var unparsedLines: [Int]

    /// True when every ACE line had known rights and nothing was left unparsed.
    public var isComplete: Bool { unparsedLines.isEmpty && entries.allSatisfy(\.rightsKnown) }

    /// Evaluates a right for a principal known by the names certutil prints (case-insensitive), e.g.
    /// `["FRIES\\alice", "FRIES\\Domain Users", "NT AUTHORITY\\Authenticated Users", "Everyone"]`.
    ///
    /// Walks the lines like a DACL. A line with unknown rights for a matching name makes the answer
    /// ``CertutilRightDecision/unknown(line:)`` unless an earlier line already decided.
    public func decide(_ right: CAAccessMask, forNames names: Set<String>) -> CertutilRightDecision {
        let wanted = Set(names.map { $0.lowercased() })
        var grantedBy: [Int] = []
        for entry in entries where wanted.contains(entry.principal.lowercased()) {
            guard entry.rightsKnown else { return .unknown(line: entry.line) }
            let hits = entry.isAllow ? entry.rights.withImpliedRead : entry.rights
            guard !hits.intersection(right).isEmpty else { continue }
            if entry.isAllow {
                grantedBy.append(entry.line)
                if hits.isSuperset(of: right) { return .granted(lines: grantedBy) }
            } else {
                return .denied(line: entry.line)
            }
        }
        return .notGranted
    }
}

/// A right decided from certutil text, naming the lines responsible.
public enum CertutilRightDecision: Sendable, Hashable {
    case granted(lines: [Int])
    case denied(line: Int)
    case notGranted
    /// A matching line's rights could not be read: the rule is `unknown`, not `pass`/`fail`.
    case unknown(line: Int)
}

/// Why certutil output could not be used.
public enum CertutilParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// certutil reported a failure, e.g. `0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)` → cannot verify.
    case commandFailed(code: UInt32?, line: Int, text: String)
    /// No `<name> REG_… =` value line was found.
    case valueNotFound(expected: String)
    /// The value line was found but could not be read.
    case malformedValue(line: Int, text: String)
    /// The file is neither UTF-8 nor UTF-16 with a BOM.
    case undecodableText

    public var description: String {
        switch self {
        case .commandFailed(let code, let line, let text):
            "certutil failed (line \(line))\(code.map { ": 0x" + String($0, radix: 16, uppercase: true) } ?? ""): \(text)"
        case .valueNotFound(let expected): "certutil output has no '\(expected)' value line"
        case .malformedValue(let line, let text): "line \(line): cannot read the value in '\(text)'"
        case .undecodableText: "certutil output is neither UTF-8 nor UTF-16 with a byte-order mark"
        }
    }
}

/// Parses `certutil -getreg CA\Security` text (docs/rules.md §5.1).
///
/// Columns may be separated by TABs or runs of spaces; several right phrases can share a line. Right
/// phrases are matched greedily from a known list; the principal is the rest. Lines with no known
/// phrase yield unknown rights.
public enum CertutilSecurityParser {
    /// Right phrases certutil prints, longest first for greedy matching.
    static let phrases: [(String, CAAccessMask)] = [
        ("CA Administrator", .manageCA), ("Certificate Manager", .manageCertificates), ("Enroll", .enroll),
        ("Read", .read),
    ]

    /// Parses a `ca-security.txt` evidence file: UTF-8, or UTF-16LE with BOM as PowerShell's `>` writes it.
    public static func parse(bytes: [UInt8]) throws(CertutilParseError) -> CertutilSecurityReport {
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        return try parse(text)
    }

    /// Parses the output; throws when certutil reported a failure or no value block is present.
    public static func parse(_ text: String) throws(CertutilParseError) -> CertutilSecurityReport {
        let lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        var report = CertutilSecurityReport(registryPath: nil, entries: [], unparsedLines: [])
        var inValue = false
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            let line = String(rawLine).trimmingASCIISpaces()
            if line.isEmpty { continue }
            if let failure = certutilFailure(line, number: number) { throw failure }
            if line.hasPrefix("CertUtil:") {
                inValue = false
                continue
            }
            if line.hasPrefix("HKEY_") {
                report.registryPath = line.hasSuffix(":") ? String(line.dropLast()) : line
                continue
            }
            if line.contains("REG_BINARY") && line.hasSuffix("=") {
                inValue = true
                continue
            }
            guard inValue else { continue }
            if let entry = parseEntry(String(rawLine), number: number) {
                report.entries.append(entry)
            } else {
                report.unparsedLines.append(number)
            }
        }
        guard inValue || !report.entries.isEmpty || !report.unparsedLines.isEmpty else {
            throw .valueNotFound(expected: "Security REG_BINARY =")
        }
        return report
    }

    static func certutilFailure(_ line: String, number: Int) -> CertutilParseError? {
        guard line.hasPrefix("CertUtil:"), line.contains("FAILED") else { return nil }
        var code: UInt32?
        if let range = line.firstRange(of: "0x") {
            let digits = line[range.upperBound...].prefix { $0.isASCIIHexDigit }
            code = UInt32(digits, radix: 16)
        }
        return .commandFailed(code: code, line: number, text: line)
    }

    /// Splits `Allow CA Administrator Enroll\tFRIES\x` into action, rights and principal.
    static func parseEntry(_ rawLine: String, number: Int) -> CertutilSecurityEntry? {
        let line = rawLine.trimmingASCIISpaces()
        let isAllow: Bool
        var rest: Substring
        if line.lowercased().hasPrefix("allow") && line.dropFirst(5).first?.isWhitespace == true {
            isAllow = true
            rest = line.dropFirst(5)
        } else if line.lowercased().hasPrefix("deny") && line.dropFirst(4).first?.isWhitespace == true {
            isAllow = false
            rest = line.dropFirst(4)
        } else {
            return nil
        }
        rest = rest.drop { $0.isWhitespace }
        // A column break (TAB or 2+ spaces) separates rights from the principal when present.
        let columns = splitColumns(rest)
        var rights: CAAccessMask = []
        var unknown: [String] = []
        var principal: String
        if columns.count >= 2 {
            principal = columns.dropFirst().joined(separator: " ")
            var phraseText = Substring(columns[0])
            while !phraseText.isEmpty {
                if let (length, right) = matchPhrase(phraseText) {
                    rights.insert(right)
                    phraseText = phraseText.dropFirst(length).drop { $0.isWhitespace }
                } else {
                    let word = phraseText.prefix { !$0.isWhitespace }
                    unknown.append(String(word))
                    phraseText = phraseText.dropFirst(word.count).drop { $0.isWhitespace }
                }
            }
        } else {
            // Whitespace collapsed: take known phrases greedily, the remainder is the principal.
            var remaining = rest
            while let (length, right) = matchPhrase(remaining) {
                rights.insert(right)
                remaining = remaining.dropFirst(length).drop { $0.isWhitespace }
            }
            principal = String(remaining)
        }
        principal = principal.trimmingASCIISpaces()
        guard !principal.isEmpty else {
            // Only phrases and no principal: treat what was taken as the principal, rights unknown.
            return CertutilSecurityEntry(
                isAllow: isAllow, rights: [], rightsKnown: false, unknownPhrases: unknown,
                principal: String(rest).trimmingASCIISpaces(), line: number)
        }
        let known = !rights.isEmpty && unknown.isEmpty
        return CertutilSecurityEntry(
            isAllow: isAllow, rights: known ? rights : [], rightsKnown: known, unknownPhrases: unknown,
            principal: principal, line: number)
    }

    /// A known phrase at the start of `text`, followed by whitespace or the end.
    static func matchPhrase(_ text: Substring) -> (Int, CAAccessMask)? {
        for (phrase, right) in phrases {
            guard text.count >= phrase.count else { continue }
            let head = text.prefix(phrase.count)
            guard head.lowercased() == phrase.lowercased() else { continue }
            let next = text.dropFirst(phrase.count).first
            if next == nil || next?.isWhitespace == true { return (phrase.count, right) }
        }
        return nil
    }

    /// Splits on TABs or runs of two or more spaces.
    static func splitColumns(_ text: Substring) -> [String] {
        var columns: [String] = []
        var current = ""
        var spaces = 0
        for character in text {
            if character == "\t" {
                if !current.isEmpty { columns.append(current) }
                current = ""
                spaces = 0
            } else if character == " " {
                spaces += 1
            } else {
                if spaces >= 2 {
                    if !current.isEmpty { columns.append(current) }
                    current = ""
                } else if spaces == 1 && !current.isEmpty {
                    current.append(" ")
                }
                spaces = 0
                current.append(character)
            }
        }
        if !current.isEmpty { columns.append(current) }
        return columns
    }
}
