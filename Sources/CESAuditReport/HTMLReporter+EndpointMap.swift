import CESAuditCore
import Foundation

extension HTMLReporter {
    /// `server` and `scan`: each CES endpoint as requesters → principal → CA, every hop with the worst status and the
    /// rules found on it. One pass over the findings; memory is per endpoint, CA and rule, not per finding.
    struct EndpointMap {
        struct HopTally {
            var worst: Status?
            /// Per rule: the worst status, how many findings, and the first one's label.
            var rules: [String: (status: Status, count: Int, example: String)] = [:]

            mutating func add(_ finding: Finding) {
                if worst.map({ finding.status.precedence < $0.precedence }) ?? true { worst = finding.status }
                if var entry = rules[finding.ruleId] {
                    entry.count += 1
                    if finding.status.precedence < entry.status.precedence { entry.status = finding.status }
                    rules[finding.ruleId] = entry
                } else {
                    rules[finding.ruleId] = (finding.status, 1, finding.label)
                }
            }

            mutating func merge(_ other: HopTally) {
                if let status = other.worst, worst.map({ status.precedence < $0.precedence }) ?? true {
                    worst = status
                }
                for (rule, entry) in other.rules {
                    if var mine = rules[rule] {
                        mine.count += entry.count
                        if entry.status.precedence < mine.status.precedence { mine.status = entry.status }
                        rules[rule] = mine
                    } else {
                        rules[rule] = entry
                    }
                }
            }
        }

        struct Row {
            /// The endpoint as published (its modes share one row: they share the principal and the CA).
            var endpoint: String
            var principal: String?
            var cas: Set<String> = []
            var hops = [HopTally](repeating: HopTally(), count: HTMLReporter.Hop.allCases.count)
        }

        private(set) var rows: [Row] = []
        /// Findings (not passes or not applicable) that lie on no endpoint's path: a template no CA publishes, a
        /// host or domain finding.
        private(set) var elsewhere = 0

        init(_ report: AuditReport) {
            var index: [String: Int] = [:]
            var byCA: [String: [HopTally]] = [:]
            var byPrincipal: [String: HopTally] = [:]
            var everyEndpoint = HopTally()
            func row(_ endpoint: String) -> Int {
                if let known = index[endpoint] { return known }
                rows.append(Row(endpoint: endpoint))
                index[endpoint] = rows.count - 1
                return rows.count - 1
            }
            for note in report.principals ?? [] {
                rows[row(note.endpoint)].principal = note.account
            }
            let empty = [HopTally](repeating: HopTally(), count: Hop.allCases.count)
            for finding in report.findings where finding.status != .pass && finding.status != .skipped {
                let hop = Self.hop(of: finding)
                if let endpoint = finding.endpoint {
                    let at = row(endpoint)
                    if let ca = finding.ca { rows[at].cas.insert(ca) }
                    if finding.subject.kind == .servicePrincipal, rows[at].principal == nil {
                        rows[at].principal = finding.subject.name
                    }
                    rows[at].hops[hop.rawValue].add(finding)
                } else if let ca = finding.ca ?? (finding.subject.kind == .ca ? finding.subject.name : nil) {
                    byCA[ca, default: empty][hop.rawValue].add(finding)
                } else if hop == .requester {
                    everyEndpoint.add(finding)
                } else if finding.subject.kind == .servicePrincipal {
                    byPrincipal[finding.subject.name.lowercased(), default: HopTally()].add(finding)
                } else {
                    elsewhere += 1
                }
            }
            for at in rows.indices {
                rows[at].hops[Hop.requester.rawValue].merge(everyEndpoint)
                if let principal = rows[at].principal?.lowercased(), let tally = byPrincipal[principal] {
                    rows[at].hops[Hop.endpoint.rawValue].merge(tally)
                }
                for ca in rows[at].cas {
                    for (hop, tally) in (byCA[ca] ?? empty).enumerated() { rows[at].hops[hop].merge(tally) }
                }
            }
            let onEndpoints = Set(rows.flatMap(\.cas))
            for (ca, tallies) in byCA where !onEndpoints.contains(ca) {
                elsewhere += tallies.reduce(0) { $0 + $1.rules.values.reduce(0) { $0 + $1.count } }
            }
            if rows.isEmpty { elsewhere += everyEndpoint.rules.values.reduce(0) { $0 + $1.count } }
        }

        /// The requester for accounts, the CA for CAs, templates and the rules decided on the CA, else the endpoint
        /// and its principal.
        static func hop(of finding: Finding) -> Hop {
            switch finding.subject.kind {
            case .user, .computer: finding.ruleId.hasPrefix("CES-B") ? .ca : .requester
            case .ca, .template: .ca
            case .servicePrincipal, .endpoint, .oid, .host, .domain: finding.ruleId.hasPrefix("CES-B") ? .ca : .endpoint
            }
        }
    }
}
