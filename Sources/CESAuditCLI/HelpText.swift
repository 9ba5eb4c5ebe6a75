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

    /// `user`'s: counted over the paths the account takes (template × CES endpoint) and the account itself; a path
    /// it does not take (a CA whose templates it may not enroll) does not set it, with or without `--all`.
    static let userExitStatus = """
          0   every check on the account's paths passed or was not applicable
          1   at least one warning on them (CAN ENROLL, with warnings)
          2   at least one failure on them (CANNOT ENROLL on a path)
          3   something unknown on them (CANNOT TELL), or AD unreachable
          64  usage error: bad flag, unknown account/endpoint/template/CA,
              malformed file (--format nagios: 3 and an UNKNOWN line)
        """

    static let listingExitStatus = """
          0   listed
          64  usage error
        """
}
