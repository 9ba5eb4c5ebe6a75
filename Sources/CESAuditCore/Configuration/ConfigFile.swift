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
        public var format: String?
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
            "collect",
            "probeEndpoints",
        ])
        if let version = try root.optional("schemaVersion"), try version.integer() != 1 {
            throw version.failure("unsupported schemaVersion (this version reads 1)")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
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
        if let connection = try root.optional("connection") {
            try connection.expectKeys([
                "uri", "domain", "starttls", "caFile", "tlsInsecure", "bindDN", "passwordFile", "keytab", "principal",
                "base", "timeout", "pageSize",
            ])
            if let uri = try connection.optional("uri") {
                if case .sequence = uri.node {
                    self.connection.uris = try uri.stringList()
                } else {
                    self.connection.uris = [try uri.nonEmptyString()]
                }
            }
            self.connection.domain = try connection.optional("domain")?.nonEmptyString()
            self.connection.starttls = try bool(try connection.optional("starttls"))
            self.connection.caFile = try path(try connection.optional("caFile"))
            self.connection.tlsInsecure = try bool(try connection.optional("tlsInsecure"))
            self.connection.bindDN = try connection.optional("bindDN")?.nonEmptyString()
            self.connection.passwordFile = try path(try connection.optional("passwordFile"))
            self.connection.keytab = try path(try connection.optional("keytab"))
            self.connection.principal = try connection.optional("principal")?.nonEmptyString()
            self.connection.base = try connection.optional("base")?.nonEmptyString()
            if let timeout = try connection.optional("timeout") {
                guard let seconds = Double(try timeout.string()), seconds > 0, seconds <= 3600 else {
                    throw timeout.failure("expected seconds between 0 and 3600")
                }
                self.connection.timeout = seconds
            }
            self.connection.pageSize = try connection.optional("pageSize")?.integer()
        }
        evidence = try path(try root.optional("evidence"))
        policies = try path(try root.optional("policies"))
        sitePolicy = try path(try root.optional("sitePolicy"))
        serviceAccount = try root.optional("serviceAccount")?.nonEmptyString()
        collect = try bool(try root.optional("collect"))
        probeEndpoints = try bool(try root.optional("probeEndpoints"))
        if let output = try root.optional("output") {
            try output.expectKeys(["format", "path"])
            if let format = try output.optional("format") {
                let name = try format.nonEmptyString()
                guard ["text", "json", "sarif", "junit", "nagios", "prometheus", "html"].contains(name) else {
                    throw format.failure("expected text, json, sarif, junit, nagios, prometheus or html")
                }
                self.output.format = name
            }
            self.output.path = try path(try output.optional("path"))
        }
        if let history = try root.optional("history") {
            try history.expectKeys(["path", "keepRuns"])
            self.history.path = try path(try history.optional("path"))
            if let keep = try history.optional("keepRuns") {
                let count = try keep.integer()
                guard count >= 1 else { throw keep.failure("must be at least 1") }
                self.history.keepRuns = count
            }
        }
    }
}
