import ArgumentParser
import CESAuditCore
import CESAuditReport

/// Formats of the commands that print a listing, not an audit report (`doctor`, `rules`, `explain`).
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension OutputFormat: ExpressibleByArgument {}
