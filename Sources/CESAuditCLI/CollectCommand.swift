import ArgumentParser
import CESAuditCore
import CESAuditReport
import DirectoryAccess
import Foundation
import Synchronization

/// `ces-audit collect [HOST…] --output DIR`: read the CA and CES hosts' evidence remotely into the `--evidence`
/// layout (docs/host-evidence-collection.md).
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Read the CA and CES hosts' evidence remotely (SMB/DCE-RPC, Kerberos) into an --evidence folder.",
        discussion: """
            Default hosts: every CA host (dNSHostName of the enrollment services) and every CES host (the hosts of \
            the msPKI-Enrollment-Servers URLs). Read-only; SMB signing required; Kerberos only unless --allow-ntlm. \
            Exit 0 when every datum was collected, 3 when any is unknown (the manifest says why).
            """)

    @Argument(help: "Hosts to read (default: every CA and CES host the directory names).")
    var hosts: [String] = []

    @Option(help: "The evidence folder to write (one sub-folder per host, mode 0700).")
    var output: String

    @OptionGroup var collection: CollectOptions
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        for host in hosts where !HostAddressOverride.isHostName(HostCollectionPlan.normalized(host)) {
            throw ValidationError(HostCollectionError.badHost(host).description)
        }
        try collection.check()
    }

    func run() async throws {
        let file = try connection.configFile()
        let configuration = try connection.configuration(file: file)
        let snapshot: DirectorySnapshot
        do {
            let collector = SnapshotCollector(directory: try await DirectoryConnection.connect(configuration))
            snapshot = try await collector.collectInfrastructure()
        } catch {
            Console.error("ces-audit: cannot read AD: \(error)")
            throw ExitCode(ExitStatus.unknown)
        }
        let targets = HostCollectionPlan.targets(snapshot: snapshot, requested: hosts)
        guard !targets.isEmpty else {
            Console.error("ces-audit: the directory names no CA or CES host; name the hosts to read")
            throw ExitCode(ExitStatus.unknown)
        }
        try makePrivateDirectory(output)
        let manifests = try HostEvidenceCollector(
            options: collection, connection: connection.merged(with: file)
        ).collect(targets, into: output)
        for manifest in manifests {
            Console.out(
                "\(manifest.host): \(manifest.collectedCount) collected, \(manifest.unknown.count) unknown")
            for datum in manifest.unknown {
                Console.out("  unknown \(datum.label): \(datum.reason ?? "no reason given")")
            }
        }
        let unknown = manifests.contains { !$0.unknown.isEmpty }
        throw ExitCode(unknown ? ExitStatus.unknown : 0)
    }
}

/// The host-collection flags `collect` and the jobs' `--collect` share.
struct CollectOptions: ParsableArguments {
    @Option(help: "HOST=ADDRESS: connect to ADDRESS for HOST, keeping HOST for Kerberos (as curl --resolve).")
    var resolve: [String] = []

    @Option(help: "Keytab for reading the hosts (with --collect-principal; default: the bind's keytab or ccache).")
    var collectKeytab: String?

    @Option(help: "The principal to take from --collect-keytab.")
    var collectPrincipal: String?

    @Option(help: "Time limit per host in seconds (default 120): a host still busy then is killed and unknown.")
    var collectTimeout: Double?

    @Flag(help: "Encrypt the SMB session (SMB3), not only sign it.")
    var seal = false

    @Flag(name: .customLong("allow-ntlm"), help: "Let the host collection fall back to NTLM (never by default).")
    var allowNTLM = false

    func check() throws {
        if (collectKeytab == nil) != (collectPrincipal == nil) {
            throw ValidationError("--collect-keytab and --collect-principal go together")
        }
        if let collectTimeout, !(collectTimeout > 0 && collectTimeout <= 3600) {
            throw ValidationError("--collect-timeout must be between 0 and 3600 seconds")
        }
        do { _ = try overrides() } catch { throw ValidationError(error.description) }
    }

    func overrides() throws(HostCollectionError) -> [String: String] {
        var addresses: [String: String] = [:]
        for text in resolve {
            let override = try HostAddressOverride(parsing: text)
            addresses[override.host] = override.address
        }
        return addresses
    }
}

/// Runs `libexec/ces-audit-collect.py` (Samba's Python bindings) once per host, under a per-host time limit,
/// with a Kerberos credential cache as its only credential: a `FILE:` cache in a private folder, made from a
/// keytab, or the caller's own cache. Its argv names hosts, CAs and instances, never a secret or a keytab.
struct HostEvidenceCollector {
    static let python = "/usr/bin/python3"
    static let scriptName = "ces-audit-collect.py"
    static let method = "smb+dcerpc/kerberos"

    let options: CollectOptions
    let connection: ConnectionOptions

    func collect(_ targets: [HostCollectionTarget], into directory: String) throws -> [CollectionManifest] {
        let script = try Self.locateScript()
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw HostCollectionSetupError(
                message: "host collection needs \(Self.python) with Samba's Python bindings (python3-samba)")
        }
        let overrides = try options.overrides()
        let timeout = options.collectTimeout ?? 120
        let scratch = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (credentials, identity) = try credentialCache(in: scratch)
        var environment = ["KRB5CCNAME": credentials.name]
        if let config = ProcessInfo.processInfo.environment["KRB5_CONFIG"] { environment["KRB5_CONFIG"] = config }

        // Hosts in parallel (a few at a time: each is a Python child with its own SMB connections), so one
        // silent host costs its time limit once, not once per host after it.
        let run = HostRun(script: script, environment: environment, timeout: timeout, identity: identity)
        let results = ResultSlots<CollectionManifest>(count: targets.count)
        let parallel = min(4, targets.count)
        DispatchQueue.concurrentPerform(iterations: parallel) { worker in
            for index in stride(from: worker, to: targets.count, by: parallel) {
                let target = targets[index]
                results[index] = Result {
                    try run.collect(
                        target, into: (directory as NSString).appendingPathComponent(target.host),
                        address: overrides[target.host], options: options)
                }
            }
        }
        withExtendedLifetime(credentials) {}
        return try results.values.map { try $0.get() }
    }

    /// The credential the child gets through KRB5CCNAME: a ticket from --collect-keytab, else from the bind's
    /// keytab, else the caller's credential cache (which must be one another process can open).
    private func credentialCache(in scratch: String) throws -> (CredentialCacheHandle, String?) {
        let keytab = options.collectKeytab ?? connection.keytab
        let principal = options.collectKeytab != nil ? options.collectPrincipal : connection.principal
        if let keytab, let principal {
            guard FileManager.default.isReadableFile(atPath: keytab) else {
                throw UsageError("cannot read keytab \(keytab)")
            }
            let path = (scratch as NSString).appendingPathComponent("ccache")
            do {
                let cache = try KerberosCredentialCache(keytab: keytab, principal: principal, cacheName: "FILE:\(path)")
                return (.owned(cache), principal)
            } catch {
                throw HostCollectionSetupError(
                    message: "cannot get a Kerberos ticket for the host collection: \(error)")
            }
        }
        if connection.bindDN != nil {
            throw UsageError(
                "host collection uses Kerberos: give --collect-keytab and --collect-principal (the bind is a simple one)"
            )
        }
        guard let name = KerberosCredentialCache.defaultCacheName(), !name.hasPrefix("MEMORY:") else {
            throw UsageError("host collection needs a credential cache another process can read (kinit) or a keytab")
        }
        return (.borrowed(name), nil)
    }

    /// Next to the executable (`<prefix>/bin/ces-audit` → `<prefix>/libexec/ces-audit/`), in the source tree (a
    /// build in `.build/…`), or where CES_AUDIT_COLLECTOR says.
    static func locateScript() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CES_AUDIT_COLLECTOR"], !path.isEmpty {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw HostCollectionSetupError(message: "CES_AUDIT_COLLECTOR: cannot read \(path)")
            }
            return path
        }
        var candidates: [String] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        candidates.append(folder.appendingPathComponent(scriptName).path)
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("libexec/ces-audit/\(scriptName)").path)
            candidates.append(folder.appendingPathComponent("libexec/\(scriptName)").path)
            folder = folder.deletingLastPathComponent()
        }
        candidates += ["/usr/libexec/ces-audit/\(scriptName)", "/usr/local/libexec/ces-audit/\(scriptName)"]
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw HostCollectionSetupError(
                message:
                    "cannot find \(scriptName) (install it in <prefix>/libexec/ces-audit/ or set CES_AUDIT_COLLECTOR)")
        }
        return found
    }
}

/// One host's collector child and what becomes of its manifest.
struct HostRun: Sendable {
    let script: String
    let environment: [String: String]
    let timeout: Double
    let identity: String?

    func collect(
        _ target: HostCollectionTarget, into folder: String, address: String?, options: CollectOptions
    ) throws -> CollectionManifest {
        try makePrivateDirectory(folder)
        var arguments = [script, "--host", target.host, "--output", folder]
        if let address { arguments += ["--address", address] }
        for ca in target.caNames { arguments += ["--ca", ca] }
        for instance in target.cesInstances { arguments += ["--ces-instance", instance] }
        if options.seal { arguments.append("--seal") }
        if options.allowNTLM { arguments.append("--allow-ntlm") }
        let child = ChildProcess(
            executable: HostEvidenceCollector.python, arguments: arguments, environment: environment)
        let manifestPath = (folder as NSString).appendingPathComponent("manifest.json")
        // The host's folder holds one collection: files of an earlier run (another identity, other instances)
        // would be read as this run's, or refused against its manifest with the wrong reason.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = (folder as NSString).appendingPathComponent(name)
            let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            if type == .typeRegular || type == .typeSymbolicLink { try? FileManager.default.removeItem(atPath: path) }
        }
        let outcome: ChildProcess.Outcome
        do { outcome = try child.run(timeout: timeout) } catch {
            throw HostCollectionSetupError(message: error.description)
        }
        var manifest = FileManager.default.contents(atPath: manifestPath).flatMap {
            try? JSONDecoder().decode(CollectionManifest.self, from: $0)
        }
        let failure: String? =
            if outcome.timedOut {
                "timeout: the host did not finish within \(Int(timeout)) s (the per-host limit, --collect-timeout)"
            } else if outcome.status != 0 {
                "the collector failed (exit status \(outcome.status)): "
                    + (outcome.standardError.split(separator: "\n").last.map(String.init) ?? "no message")
            } else { nil }
        if let failure {
            if manifest == nil {
                manifest = CollectionManifest(
                    target: target, address: address, identity: identity, method: HostEvidenceCollector.method,
                    reason: failure)
            }
            manifest?.finishUnreached(reason: failure)
        }
        guard var manifest else {
            throw HostCollectionSetupError(message: "the collector wrote no readable manifest for \(target.host)")
        }
        // whatever a killed child left half-written is not evidence
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in files where name.hasSuffix(".partial") {
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
        if failure != nil {
            manifest.files = manifest.files.filter {
                FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0.key))
            }
            try manifest.encoded().write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        }
        return manifest
    }
}

/// One result per index, written by concurrent workers (each index by one worker).
final class ResultSlots<Value: Sendable>: Sendable {
    private let slots: Mutex<[Result<Value, any Error>?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    subscript(index: Int) -> Result<Value, any Error>? {
        get { slots.withLock { $0[index] } }
        set { slots.withLock { $0[index] = newValue } }
    }

    /// Every slot, in order; a slot no worker filled is an error.
    var values: [Result<Value, any Error>] {
        slots.withLock { $0.map { $0 ?? .failure(HostCollectionSetupError(message: "a host was not collected")) } }
    }
}

/// A credential cache the collection owns (destroyed with it) or borrows (the caller's).
enum CredentialCacheHandle {
    case owned(KerberosCredentialCache)
    case borrowed(String)

    var name: String {
        switch self {
        case .owned(let cache): cache.name
        case .borrowed(let name): name
        }
    }
}

/// The collection cannot run at all (no collector or Python bindings, no ticket, a collector that broke its
/// contract): one line and exit 3, like an unreachable DC — not a usage error.
struct HostCollectionSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A folder only the owner can enter (evidence can name every privileged account of a host).
func makePrivateDirectory(_ path: String) throws {
    do {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        throw UsageError("cannot create \(path): \(error.localizedDescription)")
    }
}

/// A fresh private temporary folder (mode 0700; a random name, created without intermediate folders, so it
/// cannot be one somebody prepared).
func makeTemporaryDirectory() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("ces-audit.\(UUID().uuidString)")
    do {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    } catch {
        throw UsageError("cannot create a temporary folder in \(NSTemporaryDirectory()): \(error.localizedDescription)")
    }
    return path
}
