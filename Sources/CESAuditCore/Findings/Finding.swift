/// What a finding is about: a user, a CES principal, a CA, a template, an endpoint …
public struct Subject: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case user, computer, servicePrincipal, ca, template, endpoint, oid, host, domain
    }

    public var kind: Kind
    public var name: String
    public var dn: String?
    public var sid: String?

    public init(kind: Kind, name: String, dn: String? = nil, sid: String? = nil) {
        self.kind = kind
        self.name = name
        self.dn = dn
        self.sid = sid
    }
}

/// A JSON value for a finding's evidence: the raw values that decided the status.
public enum EvidenceValue: Sendable, Codable, Hashable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case list([EvidenceValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .list(try container.decode([EvidenceValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }
}

/// One rule's verdict for one subject (docs/contract.md, JSON v1 `findings[]`).
public struct Finding: Sendable, Codable, Hashable {
    public var ruleId: String
    public var status: Status
    public var title: String
    public var subject: Subject
    public var endpoint: String?
    /// The endpoint's authentication and renewal flags (`certificate, renewal-only`): one URL can be published
    /// more than once with different flags.
    public var endpointMode: String?
    /// The concrete values, e.g. `userAccountControl 0x110200 has NOT_DELEGATED (0x100000)`.
    public var message: String
    public var evidence: [String: EvidenceValue]
    public var remediation: String?
    public var errorCodes: [String]
    /// Set when a site policy overrides the catalogue severity.
    public var severity: Severity?
    /// Set when a site-policy waiver matches: active waivers accept the finding; expired ones are reported.
    public var waiver: WaiverNote?
    /// `scan`: the fix-list group (`FixGroup.id`) of a finding to fix (fail, unknown, warn, manual).
    public var fixGroup: String?

    public struct WaiverNote: Sendable, Codable, Hashable {
        public var reason: String
        public var expires: String
        public var expired: Bool
    }

    /// The template a requester's finding is about (B2, F1–F4: `evidence.template`); a template's own findings name
    /// it as their subject.
    public var template: String? {
        if case .string(let name) = evidence["template"] { return name }
        return nil
    }

    /// The CA a template's own finding is about (`evidence.ca`): a template is judged on every CA that publishes it.
    public var ca: String? {
        if case .string(let name) = evidence["ca"] { return name }
        return nil
    }

    /// Counts against the exit status: not passed, not skipped, not a manual check, not accepted by an active waiver.
    public var isOpen: Bool {
        status != .pass && status != .skipped && status != .manual && (waiver == nil || waiver?.expired == true)
    }

    public init(
        ruleId: String, status: Status, title: String, subject: Subject, endpoint: String? = nil, message: String,
        evidence: [String: EvidenceValue] = [:], remediation: String? = nil, errorCodes: [String] = []
    ) {
        self.ruleId = ruleId
        self.status = status
        self.title = title
        self.subject = subject
        self.endpoint = endpoint
        self.message = message
        self.evidence = evidence
        self.remediation = remediation
        self.errorCodes = errorCodes
    }
}
