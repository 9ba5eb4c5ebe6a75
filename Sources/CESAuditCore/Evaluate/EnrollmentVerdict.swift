/// One way an account enrolls through CES: a template, on a CA that publishes it, through one of that CA's CES
/// endpoints (`user`'s JSON `paths[]`).
public struct EnrollmentRoute: Sendable, Codable, Hashable {
    public var template: String
    /// The CA's common name.
    public var ca: String
    /// The endpoint URL (or the raw published value when it is not a URL).
    public var endpoint: String
    /// `Finding.endpointMode`: one URL can be published more than once with different flags.
    public var endpointMode: String?
    /// The CES principal's sAMAccountName; nil when unresolved.
    public var principal: String?
    /// Which findings belong to this route: the CA's DN and the endpoint's raw published value.
    var key: Key

    struct Key: Sendable, Hashable {
        var caDN: String
        var endpoint: String
        var template: String
    }

    public init(
        template: String, ca: String, caDN: String, endpoint: String, rawEndpoint: String, endpointMode: String?,
        principal: String?
    ) {
        self.template = template
        self.ca = ca
        self.endpoint = endpoint
        self.endpointMode = endpointMode
        self.principal = principal
        key = Key(caDN: caDN, endpoint: rawEndpoint, template: template.lowercased())
    }

    enum CodingKeys: String, CodingKey {
        case template, ca, endpoint, endpointMode, principal
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        template = try container.decode(String.self, forKey: .template)
        ca = try container.decode(String.self, forKey: .ca)
        endpoint = try container.decode(String.self, forKey: .endpoint)
        endpointMode = try container.decodeIfPresent(String.self, forKey: .endpointMode)
        principal = try container.decodeIfPresent(String.self, forKey: .principal)
        // A decoded report is only rendered, never added to: the names stand in for the DN and raw value.
        key = Key(caDN: ca, endpoint: endpoint, template: template.lowercased())
    }
}

/// What a batch of findings is about, so that each lands on the routes it decides.
public enum FindingScope: Sendable, Hashable {
    /// The account alone (A3): every route.
    case account
    /// One endpoint of a CA — the requester there, the CES principal, the CA: every template through it.
    case endpoint(caDN: String, endpoint: String)
    /// One template on a CA: every endpoint of that CA.
    case template(caDN: String, template: String)
    /// One template through one endpoint (E3 on a key-based-renewal endpoint).
    case endpointTemplate(caDN: String, endpoint: String, template: String)

    func covers(_ key: EnrollmentRoute.Key) -> Bool {
        switch self {
        case .account: true
        case .endpoint(let ca, let endpoint): key.caDN == ca && key.endpoint == endpoint
        case .template(let ca, let template): key.caDN == ca && key.template == template.lowercased()
        case .endpointTemplate(let ca, let endpoint, let template):
            key.caDN == ca && key.endpoint == endpoint && key.template == template.lowercased()
        }
    }

    var isAboutTemplate: Bool {
        switch self {
        case .template, .endpointTemplate: true
        case .account, .endpoint: false
        }
    }
}

/// The help desk's answer for one route.
public enum EnrollmentVerdict: String, Sendable, Codable, CaseIterable {
    /// Nothing on the route fails or is unknown (warnings may remain, and are counted).
    case canEnroll
    /// At least one rule on the route fails.
    case cannotEnroll
    /// Nothing fails, but at least one rule could not be judged: never a CAN ENROLL.
    case cannotTell

    /// `CAN ENROLL`, as the text report says it.
    public var words: String {
        switch self {
        case .canEnroll: "CAN ENROLL"
        case .cannotEnroll: "CANNOT ENROLL"
        case .cannotTell: "CANNOT TELL"
        }
    }

    /// Worst first: the order the reports list routes in.
    public var precedence: Int {
        switch self {
        case .cannotEnroll: 0
        case .cannotTell: 1
        case .canEnroll: 2
        }
    }
}

/// Where on the way from the requester to the certificate a rule looks: the first blocking cause of a route is the
/// earliest hop's (the request meets the requester's own state first, then the CES endpoint and its principal,
/// then the CA, then the template).
enum EnrollmentHop: Int, Comparable {
    case requester, endpoint, ca, template

    /// Rules not about a template and not of family A (requester) or B (the requester's rights on the CA) that are
    /// about the CA or the principal's rights on it; the other C/D/E/G/K rules are about the endpoint or principal.
    static let caRules: Set<String> = ["CES-D4", "CES-E1", "CES-E2", "CES-G1", "CES-G2", "CES-G4"]

    init(ruleId: String, scope: FindingScope) {
        if scope.isAboutTemplate {
            self = .template
        } else if ruleId.hasPrefix("CES-A") {
            self = .requester
        } else if ruleId.hasPrefix("CES-B") || Self.caRules.contains(ruleId) {
            self = .ca
        } else {
            self = .endpoint
        }
    }

    static func < (lhs: EnrollmentHop, rhs: EnrollmentHop) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The verdict on one route (`paths[]` in `user`'s JSON): the route, CAN / CANNOT ENROLL / CANNOT TELL, the first
/// cause that decides it, and the counts of the route's findings.
public struct RouteVerdict: Sendable, Codable, Equatable {
    public var route: EnrollmentRoute
    public var verdict: EnrollmentVerdict
    /// For CANNOT ENROLL the first failing rule, for CANNOT TELL the first unknown one, for CAN ENROLL the first
    /// warning (nil when everything passed).
    public var firstCause: Cause?
    /// Every finding on the route, by status.
    public var counts: AuditReport.Summary

    /// The finding behind a verdict, in one line, and its fix.
    public struct Cause: Sendable, Codable, Hashable {
        public var ruleId: String
        public var status: Status
        public var title: String
        /// Who or what the rule judged (the requester, the CES principal, the template).
        public var subject: String
        /// The concrete values behind the status.
        public var message: String
        public var remediation: String?
        /// True when an active site-policy waiver accepts the finding: the route is still blocked, but the finding
        /// does not count against the exit status.
        public var waived: Bool?

        init(_ finding: Finding) {
            ruleId = finding.ruleId
            status = finding.status
            title = finding.title
            subject = finding.subject.name
            message = finding.message
            remediation = finding.remediation
            waived = finding.waiver.map { !$0.expired }
        }
    }

    public init(route: EnrollmentRoute, verdict: EnrollmentVerdict, firstCause: Cause?, counts: AuditReport.Summary) {
        self.route = route
        self.verdict = verdict
        self.firstCause = firstCause
        self.counts = counts
    }

    enum CodingKeys: String, CodingKey {
        case verdict, firstCause, counts
    }

    // The route's fields sit beside the verdict: {template, ca, endpoint, …, verdict, firstCause, counts}.
    public init(from decoder: any Decoder) throws {
        route = try EnrollmentRoute(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        verdict = try container.decode(EnrollmentVerdict.self, forKey: .verdict)
        firstCause = try container.decodeIfPresent(Cause.self, forKey: .firstCause)
        counts = try container.decode(AuditReport.Summary.self, forKey: .counts)
    }

    public func encode(to encoder: any Encoder) throws {
        try route.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(verdict, forKey: .verdict)
        try container.encodeIfPresent(firstCause, forKey: .firstCause)
        try container.encode(counts, forKey: .counts)
    }
}

/// Works out each route's verdict from the findings of a `user` run as they are added, batch by batch with the scope
/// the job evaluated them in. It keeps per route only the counts and the best cause so far, not the findings.
///
/// The verdict is the route's truth: a fail accepted by a waiver still blocks enrollment (and says it is waived).
/// What counts against the exit status is `open`: the findings that lie on at least one route, each once, counted as
/// `FindingTally.open` counts (an active waiver accepts a finding) — findings about paths the account does not take
/// are not held against it.
public struct RouteVerdictTally: Sendable {
    private struct Candidate {
        var hop: EnrollmentHop
        var cause: RouteVerdict.Cause
    }

    private struct State {
        var route: EnrollmentRoute
        var counts = AuditReport.Summary()
        /// The earliest-hop finding of each deciding status (fail, unknown, warn).
        var fail: Candidate?
        var unknown: Candidate?
        var warn: Candidate?
    }

    private var states: [State]
    /// The findings on at least one route, by status, waived ones left out: what `user`'s exit status is computed
    /// from.
    public private(set) var open = AuditReport.Summary()
    /// Findings added that lie on no route.
    public private(set) var offPath: Set<FindingIdentity> = []

    public init(routes: [EnrollmentRoute]) {
        states = routes.map { State(route: $0) }
    }

    public var isEmpty: Bool { states.isEmpty }

    /// Adds findings that were evaluated for `scope`.
    public mutating func add(_ findings: [Finding], scope: FindingScope) {
        let covered = states.indices.filter { scope.covers(states[$0].route.key) }
        guard !covered.isEmpty else {
            offPath.formUnion(findings.map(\.identity))
            return
        }
        for finding in findings {
            // As `FindingTally.open`: every open finding, and the passes, skips and manual checks.
            if finding.isOpen || finding.status == .pass || finding.status == .skipped || finding.status == .manual {
                open[finding.status] += 1
            }
            let hop = EnrollmentHop(ruleId: finding.ruleId, scope: scope)
            for index in covered {
                states[index].counts[finding.status] += 1
                switch finding.status {
                case .fail: Self.keepEarliest(&states[index].fail, hop, finding)
                case .unknown: Self.keepEarliest(&states[index].unknown, hop, finding)
                case .warn: Self.keepEarliest(&states[index].warn, hop, finding)
                case .pass, .skipped, .manual: break
                }
            }
        }
    }

    private static func keepEarliest(_ candidate: inout Candidate?, _ hop: EnrollmentHop, _ finding: Finding) {
        if let candidate, candidate.hop <= hop { return }
        candidate = Candidate(hop: hop, cause: RouteVerdict.Cause(finding))
    }

    /// The verdicts, worst first, in the order the routes were given within a verdict.
    public var verdicts: [RouteVerdict] {
        let verdicts = states.map { state -> RouteVerdict in
            let (verdict, cause): (EnrollmentVerdict, Candidate?) =
                if let fail = state.fail {
                    (.cannotEnroll, fail)
                } else if let unknown = state.unknown {
                    (.cannotTell, unknown)
                } else {
                    (.canEnroll, state.warn)
                }
            return RouteVerdict(route: state.route, verdict: verdict, firstCause: cause?.cause, counts: state.counts)
        }
        return verdicts.enumerated().sorted {
            ($0.element.verdict.precedence, $0.offset) < ($1.element.verdict.precedence, $1.offset)
        }
        .map(\.element)
    }
}
