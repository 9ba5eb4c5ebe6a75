import Testing

@testable import CESAuditCore

/// The configuration file's output section takes the names `--format` takes, from the one list (`OutputFormat`).
@Suite struct ConfigFileTests {
    @Test(arguments: OutputFormat.allCases)
    func everyOutputFormatIsAccepted(format: OutputFormat) throws {
        let config = try ConfigFile(yaml: "output: {format: \(format.rawValue)}", file: "ces-audit.yaml")
        #expect(config.output.format == format)
    }

    @Test func anUnknownFormatNamesTheKnownOnes() {
        #expect(
            throws: PolicyFileError(
                file: "ces-audit.yaml", line: 1, field: "output.format",
                message: "expected text, json, sarif, junit, nagios, prometheus or html")
        ) { try ConfigFile(yaml: "output: {format: xml}", file: "ces-audit.yaml") }
    }

    @Test func eachSectionReadsItsValuesPathsRelativeToTheFile() throws {
        let config = try ConfigFile(
            yaml: """
                schemaVersion: 1
                connection: {uri: [ldaps://dc01, ldaps://dc02], keytab: ces.keytab, starttls: no, timeout: 2.5}
                evidence: /srv/evidence
                collect: yes
                output: {format: sarif, path: out/report.sarif}
                history: {path: history.sqlite, keepRuns: 30}
                """, file: "/etc/ces-audit/ces-audit.yaml")
        #expect(config.connection.uris == ["ldaps://dc01", "ldaps://dc02"])
        #expect(config.connection.keytab == "/etc/ces-audit/ces.keytab")
        #expect(config.connection.starttls == false && config.connection.timeout == 2.5)
        #expect(config.evidence == "/srv/evidence" && config.collect == true)
        #expect(config.output == .init(format: .sarif, path: "/etc/ces-audit/out/report.sarif"))
        #expect(config.history == .init(path: "/etc/ces-audit/history.sqlite", keepRuns: 30))
    }

    @Test(arguments: [
        ("connection: {timeout: 0}", "connection.timeout", "expected seconds between 0 and 3600"),
        ("history: {keepRuns: 0}", "history.keepRuns", "must be at least 1"),
        ("collect: maybe", "collect", "expected true or false"),
        ("output: {form: json}", "output.form", "unknown key"),
    ])
    func badValuesNameTheirField(yaml: String, field: String, message: String) throws {
        let error = try #require(throws: PolicyFileError.self) { try ConfigFile(yaml: yaml, file: "c.yaml") }
        #expect(error.field == field, "\(error)")
        #expect(error.message.hasPrefix(message), "\(error)")
    }
}
