/// The examples and exit statuses each command's `--help` (and the man page generated from it) shows.
enum HelpText {
    /// `Examples:` with one command per line, then the exit statuses.
    static func discussion(examples: [String], exitStatus: String) -> String {
        "Examples:\n" + examples.map { "  " + $0 }.joined(separator: "\n") + "\n\nExit status:\n" + exitStatus
    }

    /// The jobs' statuses (contract: Nagios semantics, first match wins).
    static let jobExitStatus = """
          0   every check passed or was not applicable
          1   at least one warning
          2   at least one failure
          3   something unknown (data not readable), or AD unreachable
          64  usage error: bad flag, unknown account/endpoint/template/CA,
              malformed file (--format nagios: 3 and an UNKNOWN line)
        """

    static let listingExitStatus = """
          0   listed
          64  usage error
        """
}
