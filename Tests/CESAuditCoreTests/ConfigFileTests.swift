import Testing

@testable import CESAuditCore

/// The configuration file's output section takes the names `--format` takes, from the one list (`OutputFormat`).
@Suite struct ConfigFileTests {
    @Test(arguments: OutputFormat.allCases)
    func everyOutputFormatIsAccepted(format: OutputFormat) throws {
        let config = try ConfigFile(yaml: "output: {format: \(format.rawValue)}", file: "ces-audit.yaml")
        #expect(config.output.format == format.rawValue)
    }

    @Test func anUnknownFormatNamesTheKnownOnes() {
        #expect(
            throws: PolicyFileError(
                file: "ces-audit.yaml", line: 1, field: "output.format",
                message: "expected text, json, sarif, junit, nagios or prometheus")
        ) { try ConfigFile(yaml: "output: {format: xml}", file: "ces-audit.yaml") }
    }
}
