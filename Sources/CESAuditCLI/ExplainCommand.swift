import ADModel
import ArgumentParser
import CESAuditCore
import Foundation

/// `ces-audit explain CODE`: what an error code means in a CES deployment and which rules to check.
/// Exit 0 when the code is known, 64 when it is not. Needs no AD.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain an error code: symbol, message, where it shows up, likely causes, rules to check.",
        discussion:
            "CODE as 0x803d0013, 803D0013, -2143485933, 2151481363, 'WIN32: 1722', 0xC0000272, a symbol name (WS_E_ENDPOINT_FAULT_RECEIVED, ERROR_ACCESS_DENIED, KRB_AP_ERR_SKEW) a KDC event as 'Kdcsvc 205', or a whole log line holding one.\n\n"
            + HelpText.discussion(
                examples: [
                    "ces-audit explain 0x803d0013", "ces-audit explain -- -2143485933",
                    "ces-audit explain 'CertUtil: -getreg command FAILED: 0x80070002 (WIN32: 2)'",
                    "ces-audit explain 13 --kerberos", "ces-audit explain 'Kdcsvc 205'",
                ],
                exitStatus: """
                      0   the code is known
                      64  unknown code, or no code in the text
                    """))

    // Collects unrecognised words too, so negative decimals (-2143485933) and `WIN32: 1722` unquoted work.
    @Argument(parsing: .allUnrecognized, help: "The error code or symbol.")
    var words: [String] = []

    /// The words after a leading `--` (which ends options, as everywhere: `explain -- -2143485933`).
    var code: String { (words.first == "--" ? words.dropFirst() : words[...]).joined(separator: " ") }

    @Flag(help: "Read a bare number as a Kerberos error code (e.g. 13 = KDC_ERR_BADOPTION).")
    var kerberos = false

    @Flag(help: "Read a bare number as a Win32 error code (HRESULT_FROM_WIN32).")
    var win32 = false

    @Option(help: "Output format: text or json.")
    var format: ListingFormat = .text

    func validate() throws {
        if words.isEmpty { throw ValidationError("give an error code, e.g. ces-audit explain 0x803d0013") }
        if kerberos && win32 { throw ValidationError("--kerberos and --win32 exclude each other") }
    }

    func run() throws {
        let explanation: ErrorExplanation
        do {
            explanation = try ErrorCatalogue.explain(code, hint: kerberos ? .kerberos : win32 ? .win32 : .automatic)
        } catch {
            throw UsageError(error.description)
        }
        let catalogue = RuleCatalogue.embedded
        let report = ExplainReport(input: code, explanation: explanation, catalogue: catalogue)
        switch format {
        case .text: if explanation.isKnown { Console.out(report.text) }
        case .json: Console.out(try JSONOutput.encode(report))
        }
        guard explanation.isKnown else {
            let tried = explanation.normalized.map { String(format: "0x%08X", $0) }.joined(separator: ", ")
            throw UsageError("unknown error code '\(code)'\(tried.isEmpty ? "" : " (\(tried))"): not in the catalogue")
        }
    }
}

extension ErrorCodeEntry {
    /// Kerberos codes and event IDs are printed in decimal, HRESULTs and NTSTATUS values in hex.
    var isNumberedInDecimal: Bool { kind == .kerberos || kind == .kdcEvent }
}

struct ExplainReport: Encodable {
    struct Rule: Encodable {
        let id: String
        let title: String?
    }

    struct Code: Encodable {
        let kind: String
        let code: String
        let signedDecimal: Int32?
        let unsignedDecimal: UInt32
        let symbol: String
        let message: String
        let context: String
        let likelyCauses: [String]
        let rules: [Rule]
    }

    let schemaVersion = 1
    let tool = ToolInfo()
    let command = "explain"
    let input: String
    let known: Bool
    let codes: [Code]

    init(input: String, explanation: ErrorExplanation, catalogue: RuleCatalogue) {
        self.input = input
        known = explanation.isKnown
        codes = explanation.entries.map { entry in
            Code(
                kind: entry.kind.rawValue, code: entry.isNumberedInDecimal ? String(entry.code) : entry.hex,
                signedDecimal: entry.isNumberedInDecimal ? nil : entry.signedDecimal, unsignedDecimal: entry.code,
                symbol: entry.symbol, message: entry.message,
                context: Self.isBareRuleList(entry.context) ? "" : entry.context,
                likelyCauses: Self.causes(entry, catalogue),
                rules: entry.ruleIDs.map { Rule(id: $0, title: catalogue[$0]?.title) })
        }
    }

    /// Causes as the error table gives them; a cause that is only rule IDs ("F1") becomes those rules'
    /// titles and checks from the catalogue, which say what is actually wrong.
    static func causes(_ entry: ErrorCodeEntry, _ catalogue: RuleCatalogue) -> [String] {
        entry.likelyCauses.flatMap { cause -> [String] in
            guard isBareRuleList(cause) else { return [cause] }
            return ruleTokens(cause).compactMap { id in catalogue[id].map { "\($0.title) (\($0.id): \($0.check))" } }
        }
    }

    static func ruleTokens(_ text: String) -> [String] {
        text.split(whereSeparator: { " ,;/".contains($0) }).map(String.init)
    }

    /// "F1", "B4, G1", "CES-C2/CES-C3": nothing but rule IDs.
    static func isBareRuleList(_ text: String) -> Bool {
        let tokens = ruleTokens(text)
        return !tokens.isEmpty
            && tokens.allSatisfy { token in
                let id = token.uppercased().hasPrefix("CES-") ? String(token.dropFirst(4)) : token
                guard let family = id.first, "ABCDEFGK".contains(family) else { return false }
                let rest = id.dropFirst()
                let digits = rest.hasSuffix("b") ? rest.dropLast() : rest
                return !digits.isEmpty && digits.allSatisfy(\.isNumber)
            }
    }

    var text: String {
        codes.map { code in
            var lines: [String] = []
            if code.kind == "kerberos" {
                lines.append("Kerberos error \(code.code) \(code.symbol)")
            } else if code.kind == ErrorCodeEntry.Kind.kdcEvent.rawValue {
                lines.append("Domain controller event \(code.symbol)")
            } else {
                lines.append(
                    "\(code.code) (\(code.signedDecimal.map(String.init) ?? "?"), \(code.unsignedDecimal)) \(code.symbol)"
                )
            }
            lines.append("  message:  \(code.message)")
            if !code.context.isEmpty { lines.append("  shows up: \(code.context)") }
            if !code.likelyCauses.isEmpty {
                lines.append("  likely causes, most likely first:")
                lines += code.likelyCauses.enumerated().map { "    \($0.offset + 1). \($0.element)" }
            }
            if !code.rules.isEmpty {
                lines.append("  rules to check:")
                lines += code.rules.map { "    \($0.id)\($0.title.map { "  \($0)" } ?? "")" }
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}
