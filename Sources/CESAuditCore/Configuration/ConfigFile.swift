import Foundation

/// `--config PATH` (docs/contract.md): the same settings as the flags, for cron jobs and timers. Flags win over the
/// file; unknown keys are errors that name the key, file and line. Relative paths are taken relative to the
/// file's folder, so a config can sit next to its keytab and evidence.
public struct ConfigFile: Sendable, Equatable {
    public struct Connection: Sendable, Equatable {
        public var uris: [String] = []
        public var domain: String?
        public var starttls: Bool?
        public var caFile: String?
        public var tlsInsecure: Bool?
        public var bindDN: String?
        public var passwordFile: String?
        public var keytab: String?
        public var principal: String?
        public var base: String?
        public var timeout: Double?
        public var pageSize: Int?
    }

    public struct Output: Sendable, Equatable {
        public var format: OutputFormat?
        public var path: String?
    }

    public struct History: Sendable, Equatable {
        public var path: String?
        public var keepRuns: Int?
    }

    public var connection = Connection()
    public var evidence: String?
    public var policies: String?
    public var sitePolicy: String?
    public var serviceAccount: String?
    /// `collect: true`: the jobs read the CA and CES hosts' evidence remotely (as `--collect`).
    public var collect: Bool?
    /// `probeEndpoints: true`: `server` and `scan` probe each endpoint live (`--probe-endpoints`, CES-K2).
    public var probeEndpoints: Bool?
    public var output = Output()
    public var history = History()

    public init() {}

    public init(contentsOf path: String) throws(PolicyFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyFileError(file: path, line: nil, field: "", message: "cannot read the file")
        }
        try self.init(yaml: String(decoding: data, as: UTF8.self), file: path)
    }

    public init(yaml: String, file: String) throws(PolicyFileError) {
        let root = try YAMLReader.parse(yaml, file: file)
        try root.expectKeys([
            "schemaVersion", "connection", "evidence", "policies", "sitePolicy", "serviceAccount", "output", "history",
            "collect", "probeEndpoints",
        ])
        if let version = try root.optional("schemaVersion"), try version.integer() != 1 {
            throw version.failure("unsupported schemaVersion (this version reads 1)")
        }
        let values = Values(folder: URL(fileURLWithPath: file).deletingLastPathComponent())
        if let connection = try root.optional("connection") { self.connection = try Connection(connection, values) }
        evidence = try values.path(try root.optional("evidence"))
        policies = try values.path(try root.optional("policies"))
        sitePolicy = try values.path(try root.optional("sitePolicy"))
        serviceAccount = try root.optional("serviceAccount")?.nonEmptyString()
        collect = try values.bool(try root.optional("collect"))
        probeEndpoints = try values.bool(try root.optional("probeEndpoints"))
        if let output = try root.optional("output") { self.output = try Output(output, values) }
        if let history = try root.optional("history") { self.history = try History(history, values) }
    }

    /// How the file's values read: paths relative to the file's folder, booleans as true/false or yes/no.
    struct Values {
        let folder: URL

        func path(_ reader: YAMLReader?) throws(PolicyFileError) -> String? {
            guard let value = try reader?.nonEmptyString() else { return nil }
            return value.hasPrefix("/") ? value : folder.appendingPathComponent(value).path
        }

        func bool(_ reader: YAMLReader?) throws(PolicyFileError) -> Bool? {
            guard let reader else { return nil }
            switch try reader.string().lowercased() {
            case "true", "yes": return true
            case "false", "no": return false
            default: throw reader.failure("expected true or false")
            }
        }
    }
}

extension ConfigFile.Connection {
    init(_ section: YAMLReader, _ values: ConfigFile.Values) throws(PolicyFileError) {
        try section.expectKeys([
            "uri", "domain", "starttls", "caFile", "tlsInsecure", "bindDN", "passwordFile", "keytab", "principal",
            "base", "timeout", "pageSize",
        ])
        if let uri = try section.optional("uri") {
            if case .sequence = uri.node {
                uris = try uri.stringList()
            } else {
                uris = [try uri.nonEmptyString()]
            }
        }
        domain = try section.optional("domain")?.nonEmptyString()
        starttls = try values.bool(try section.optional("starttls"))
        caFile = try values.path(try section.optional("caFile"))
        tlsInsecure = try values.bool(try section.optional("tlsInsecure"))
        bindDN = try section.optional("bindDN")?.nonEmptyString()
        passwordFile = try values.path(try section.optional("passwordFile"))
        keytab = try values.path(try section.optional("keytab"))
        principal = try section.optional("principal")?.nonEmptyString()
        base = try section.optional("base")?.nonEmptyString()
        if let timeout = try section.optional("timeout") {
            guard let seconds = Double(try timeout.string()), seconds > 0, seconds <= 3600 else {
                throw timeout.failure("expected seconds between 0 and 3600")
            }
            self.timeout = seconds
        }
        pageSize = try section.optional("pageSize")?.integer()
    }
}

extension ConfigFile.Output {
    init(_ section: YAMLReader, _ values: ConfigFile.Values) throws(PolicyFileError) {
        try section.expectKeys(["format", "path"])
        if let format = try section.optional("format") {
            guard let known = OutputFormat(rawValue: try format.nonEmptyString()) else {
                let names = OutputFormat.allCases.map(\.rawValue)
                throw format.failure("expected \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")")
            }
            self.format = known
        }
        path = try values.path(try section.optional("path"))
    }
}

extension ConfigFile.History {
    init(_ section: YAMLReader, _ values: ConfigFile.Values) throws(PolicyFileError) {
        try section.expectKeys(["path", "keepRuns"])
        path = try values.path(try section.optional("path"))
        if let keep = try section.optional("keepRuns") {
            let count = try keep.integer()
            guard count >= 1 else { throw keep.failure("must be at least 1") }
            keepRuns = count
        }
    }
}
