import CESAuditCore
import Foundation
import Testing

@testable import CESAuditReport

/// The hand-written finding writer must produce exactly what JSONEncoder produces, so that the JSON output does not
/// depend on which of the two wrote a finding.
@Suite struct FindingJSONWriterTests {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    struct Wrapper: Encodable {
        var findings: [Finding]
    }

    static let awkward = [
        "", "plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\rcr", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
        "Zoë Ωmega 山田 🙂", "{account} @{'x'=1}", String(repeating: "long remediation line\n", count: 50),
    ]

    static func findings() -> [Finding] {
        var result: [Finding] = []
        for (index, text) in awkward.enumerated() {
            var finding = Finding(
                ruleId: "CES-B\(index)", status: Status.allCases[index % Status.allCases.count], title: text,
                subject: Subject(
                    kind: .user, name: text, dn: index % 2 == 0 ? "CN=\(text),DC=corp" : nil,
                    sid: index % 3 == 0 ? "S-1-5-21-1-2-3-\(index)" : nil),
                endpoint: index % 2 == 1 ? "https://ces01/\(text)" : nil, message: text,
                evidence: [:], remediation: index % 2 == 0 ? text : nil,
                errorCodes: Array(["0x803D0013", "0x80094012", text].prefix(index % 4)))
            if index % 3 == 1 {
                finding.evidence = [
                    "userAccountControl": .integer(Int64(index) * -70_000), "b": .bool(index % 2 == 0),
                    "Zeta": .string(text), "msDS-User-Account-Control-Computed": .integer(Int64.max),
                    "list": .list([.string(text), .integer(7), .list([]), .list([.bool(true), .string("x")])]),
                    "empty": .list([]), text: .string("key is \(index)"),
                ]
            }
            if index % 4 == 2 { finding.severity = .info }
            if index % 2 == 1 { finding.fixGroup = "CES-B\(index)/fail/template/\(text)" }
            if index % 3 == 2 {
                let waiver = ["reason": text, "expires": "2027-01-31", "expired": index % 2 == 0] as [String: Any]
                finding.waiver = try? JSONDecoder().decode(
                    Finding.WaiverNote.self, from: try JSONSerialization.data(withJSONObject: waiver))
                #expect(finding.waiver != nil)
            }
            result.append(finding)
        }
        return result
    }

    @Test func topLevelFindingsMatchTheEncoder() throws {
        for finding in Self.findings() {
            var writer = FindingJSONWriter()
            writer.append(finding, level: 0)
            let expected = try Self.encoder().encode(finding)
            #expect(
                String(decoding: writer.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
                "\(finding.ruleId)")
        }
    }

    /// In a report the findings are array elements at level 2 (`{ "findings" : [ … ] }`).
    @Test func nestedFindingsMatchTheEncoder() throws {
        let findings = Self.findings()
        var writer = FindingJSONWriter()
        var text = "{\n  \"findings\" : [\n"
        for (index, finding) in findings.enumerated() {
            text += index == 0 ? "    " : ",\n    "
            writer.append(finding, level: 2)
            text += String(decoding: writer.take(), as: UTF8.self)
        }
        text += "\n  ]\n}"
        let expected = String(decoding: try Self.encoder().encode(Wrapper(findings: findings)), as: UTF8.self)
        #expect(text == expected)
        #expect(writer.bytes.isEmpty)
    }
}
