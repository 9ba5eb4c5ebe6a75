import ADModel
import Crypto
import Foundation

/// Why an `--evidence` directory could not be used at all (the CLI exits 64). Problems with single files
/// are not errors: they become `Collected.missing` reasons and the dependent rules `unknown`.
public enum EvidenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case notADirectory(String)
    case unreadable(String, reason: String)

    public var description: String {
        switch self {
        case .notADirectory(let path): "evidence directory \(path) does not exist or is not a directory"
        case .unreadable(let path, let reason): "evidence directory \(path) cannot be read: \(reason)"
        }
    }
}

/// Reads an `--evidence DIR` tree (docs/contract.md; layout v2 in docs/host-evidence.md): one sub-folder per host, named
/// by FQDN or short name (a domain controller's folder may hold `kdc.reg` for CES-C9). Parsing is ADModel's; a file
/// that is absent, too large or malformed becomes a missing datum with the reason, never a crash and never "no rights". A `manifest.json` written by `ces-audit collect` gives the
/// reason for a datum the collector could not read (access denied and the right that grants it, timeout, …), and its
/// SHA-256 per file is checked: a file that differs, is missing or is not listed is not used, and the datum it feeds
/// is `missing` with the reason (docs/host-evidence-collection.md).
///
/// Precedence when several files give one datum (exact sources first): the CA's `Security` comes from the registry
/// (`*.reg`, then `ca-config.txt`), else `ca-security.bin`, `ca-security.sddl`, `ca-security.txt`; EditFlags from
/// the registry, else `editflags.txt`. A source that is present but unusable gives way to the next one; when none
/// is usable the first problem is the reason.
public enum EvidenceLoader {
    /// Files above this size are refused as malformed (real evidence is a few KiB; applicationHost.config tens).
    public static let maximumFileSize = 4 * 1024 * 1024

    /// CA `Security` files in order of preference: exact binary, then SDDL, then certutil text.
    static let caSecurityFiles = ["ca-security.bin", "ca-security.sddl", "ca-security.txt"]

    /// Loads every host folder under `directory`, keyed by lower-cased folder name. `context` resolves
    /// domain-relative SDDL aliases (`DU`, `DA`, …) in `ca-security.sddl`.
    public static func load(directory: String, context: SDDLContext = SDDLContext()) throws(EvidenceError)
        -> [String: HostEvidence]
    {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notADirectory(directory)
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(directory, reason: error.localizedDescription)
        }
        var hosts: [String: HostEvidence] = [:]
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = (directory as NSString).appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else { continue }
            hosts[name.lowercased()] = loadHost(folder: folder, host: name, directory: directory, context: context)
        }
        return hosts
    }

    /// One host folder. File names are matched case-insensitively (evidence is often copied from Windows).
    static func loadHost(folder: String, host: String, directory: String, context: SDDLContext) -> HostEvidence {
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var manifest = Manifest(
            present.first { $0.lowercased() == "manifest.json" }.map { (folder as NSString).appendingPathComponent($0) }
        )
        // Files the manifest does not vouch for are never read; the data they feed are missing (below).
        let refused = manifest.integrityProblems(folder: folder, present: present)
        manifest.refuse(refused)
        let files = present.filter { refused[$0.lowercased()] == nil }
        func path(_ file: String) -> String? {
            files.first { $0.lowercased() == file }.map { (folder as NSString).appendingPathComponent($0) }
        }
        func missing<Value>(_ file: String, datum: String) -> Collected<Value> {
            .missing(reason: manifest.reason(datum, host: host) ?? "no \(file) for host \(host) in \(directory)")
        }
        // Data whose file is there but could not be read or parsed: supplied, so what they feed is unknown, not
        // "not checked" (`HostEvidence.uncollected`).
        var unusable: Set<String> = []
        func load<Value>(_ file: String, datum: String, _ parse: ([UInt8]) throws -> Value) -> Collected<Value> {
            guard let location = path(file) else { return missing(file, datum: datum) }
            let loaded: Collected<Value> = read(location, file: file).flatMap { bytes in
                do { return .value(try parse(bytes)) } catch { return .missing(reason: "malformed \(file): \(error)") }
            }
            if loaded.value == nil { unusable.insert(datum.lowercased()) }
            return loaded
        }

        let registry = Registry(files: files, path: path)
        let caConfiguration = registry.caConfiguration

        var caSecurity: Collected<CASecurityRecord> = missing(B1CAEnrollPermission.evidenceFile, datum: "ca-config")
        var securityProblem = caConfiguration.problem
        if let configuration = caConfiguration.configuration {
            switch configuration.security {
            case .value(let bytes):
                do {
                    let descriptor = try SecurityDescriptor(selfRelative: bytes)
                    caSecurity = .value(.descriptor(Data(try descriptor.selfRelativeBytes()), file: registry.caFiles))
                } catch {
                    securityProblem = "\(registry.caFiles): \(configuration.keyPath)\\Security: \(error)"
                }
            case .invalid(let reason): securityProblem = "\(registry.caFiles): \(reason)"
            case .absent: break
            }
        }
        if caSecurity.value == nil {
            for file in caSecurityFiles {
                guard let location = path(file) else { continue }
                let loaded: Collected<CASecurityRecord> = read(location, file: file).flatMap { bytes in
                    do {
                        return .value(
                            try CASecurityRecord(
                                CASecurityEvidence.parse(bytes, context: context), bytes: bytes, file: file))
                    } catch {
                        return .missing(reason: "malformed \(file): \(error)")
                    }
                }
                if loaded.value != nil {
                    caSecurity = loaded
                    break
                }
                securityProblem = securityProblem ?? loaded.missingReason
            }
        }
        if caSecurity.value == nil, let securityProblem { caSecurity = .missing(reason: securityProblem) }

        var editFlags: Collected<UInt32> =
            path("editflags.txt") == nil
            ? missing("ca-config.reg or editflags.txt", datum: "ca-config")
            : load("editflags.txt", datum: "ca-config") { bytes in
                try EditFlagsParser.parse(bytes: bytes).value.rawValue
            }
        var interfaceFlags: Collected<UInt32> = missing("InterfaceFlags (ca-config.reg)", datum: "ca-config")
        if let configuration = caConfiguration.configuration {
            switch configuration.editFlags {
            case .value(let value): editFlags = .value(value)
            case .invalid(let reason) where editFlags.value == nil:
                editFlags = .missing(reason: "\(registry.caFiles): \(reason)")
            case .absent(let reason) where editFlags.value == nil && path("editflags.txt") == nil:
                editFlags = .missing(reason: "\(registry.caFiles): \(reason)")
            default: break
            }
            switch configuration.interfaceFlags {
            case .value(let value): interfaceFlags = .value(value)
            case .invalid(let reason), .absent(let reason):
                interfaceFlags = .missing(reason: "\(registry.caFiles): \(reason)")
            }
        } else if let problem = caConfiguration.problem {
            if editFlags.value == nil { editFlags = .missing(reason: problem) }
            interfaceFlags = .missing(reason: problem)
        }

        let userRights: Collected<UserRightsRecord> = load("secedit.inf", datum: "user-rights") { bytes in
            UserRightsRecord(try SeceditParser.parse(bytes))
        }
        let localGroups: Collected<LocalGroupsRecord> = load("local-groups.txt", datum: "local-groups") { bytes in
            LocalGroupsRecord(try LocalGroupsParser.parse(bytes: bytes))
        }
        let enableDCOM: Collected<Bool>
        do {
            if let enabled = try DCOMConfiguration.enableDCOM(registry.view) {
                enableDCOM = .value(enabled)
            } else {
                enableDCOM =
                    registry.problem("ole.reg").map { .missing(reason: $0) } ?? missing("ole.reg", datum: "ole")
            }
        } catch {
            enableDCOM = .missing(reason: "ole.reg: \(error)")
        }
        let credentialGuard = loadCredentialGuard(
            registry, suppliedLSA: path("lsa.reg") != nil, lsaReason: manifest.reason("lsa", host: host),
            policyReason: manifest.reason("deviceguard", host: host))
        // Parsed once per datum: a few hundred KiB at most, and the two data stay independent.
        let iisSites: Collected<[IISSiteRecord]> = load("applicationhost.config", datum: "applicationHost.config") {
            bytes in IISConfiguration.sites(try ConfigXML.elements(bytes: bytes)).map(IISSiteRecord.init)
        }
        let windowsAuthentication: Collected<[WindowsAuthenticationRecord]> = load(
            "applicationhost.config", datum: "applicationHost.config"
        ) { bytes in
            IISConfiguration.windowsAuthentication(try ConfigXML.elements(bytes: bytes))
                .map(WindowsAuthenticationRecord.init)
        }
        // A DC's KDC key (CES-C9) has its own reader; like every .reg file it is in the registry view too.
        let kdcEncryption: Collected<KDCEncryptionSettings>? =
            path("kdc.reg") == nil ? nil : load("kdc.reg", datum: "kdc") { try KDCRegistryParser.parse($0) }
        let webConfigs = loadWebConfigs(files: files, path: path, missing: missing("web.config", datum: "web.config"))
        var evidence = HostEvidence(
            host: host, caSecurity: caSecurity, editFlags: editFlags, userRights: userRights,
            interfaceFlags: interfaceFlags, localGroups: localGroups, enableDCOM: enableDCOM,
            credentialGuard: credentialGuard, iisSites: iisSites, windowsAuthentication: windowsAuthentication,
            webConfigs: webConfigs, kdcEncryption: kdcEncryption)
        let uncollected = Set(manifest.unknown.keys).union(manifest.refused.keys).union(unusable)
        if !uncollected.isEmpty { evidence.uncollected = uncollected }
        // A datum that one refused file feeds is not decided by the others (a CA key half verified, one web.config
        // of several): missing as a whole.
        for datum in Set(refused.keys.compactMap(Manifest.datum(ofFile:))) {
            guard let reason = manifest.reason(datum, host: host) else { continue }
            switch datum {
            case "ca-config":
                evidence.caSecurity = .missing(reason: reason)
                evidence.editFlags = .missing(reason: reason)
                evidence.interfaceFlags = .missing(reason: reason)
            case "ole": evidence.enableDCOM = .missing(reason: reason)
            case "lsa", "deviceguard": evidence.credentialGuard = .missing(reason: reason)
            case "user-rights": evidence.userRights = .missing(reason: reason)
            case "local-groups": evidence.localGroups = .missing(reason: reason)
            case "applicationHost.config":
                evidence.iisSites = .missing(reason: reason)
                evidence.windowsAuthentication = .missing(reason: reason)
            case "web.config": evidence.webConfigs = .missing(reason: reason)
            case "kdc": evidence.kdcEncryption = .missing(reason: reason)
            default: break
            }
        }
        return evidence
    }

    /// `web.config` and `ces-<Auth>.web.config`: one record per file.
    static func loadWebConfigs(
        files: [String], path: (String) -> String?, missing: Collected<[WebConfigRecord]>
    ) -> Collected<[WebConfigRecord]> {
        let names = files.filter {
            let lowered = $0.lowercased()
            return lowered == "web.config" || (lowered.hasPrefix("ces-") && lowered.hasSuffix(".web.config"))
        }
        guard !names.isEmpty else { return missing }
        var records: [WebConfigRecord] = []
        for name in names {
            guard let location = path(name.lowercased()) else { continue }
            switch read(location, file: name) {
            case .value(let bytes):
                do {
                    let elements = try ConfigXML.elements(bytes: bytes)
                    records.append(
                        WebConfigRecord(
                            file: name,
                            multipleSiteBindingsEnabled: IISConfiguration.multipleSiteBindingsEnabled(elements)
                        ))
                } catch {
                    return .missing(reason: "malformed \(name): \(error)")
                }
            case .missing(let reason): return .missing(reason: reason)
            }
        }
        return .value(records)
    }

    /// Why a file cannot be read, as the system says it (`permission denied`).
    static func unreadableReason(_ location: String) -> String {
        let descriptor = open(location, O_RDONLY)
        guard descriptor >= 0 else { return String(cString: strerror(errno)).lowercased() }
        close(descriptor)
        return "read failed"
    }

    /// Reads a regular file (symbolic links followed) with the size limit: a FIFO, a device or a huge file is
    /// refused without reading it all.
    static func read(_ location: String, file: String) -> Collected<[UInt8]> {
        let resolved = (location as NSString).resolvingSymlinksInPath
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else {
            return .missing(reason: "\(file) cannot be read: \(unreadableReason(resolved))")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {  // dangling
                return .missing(reason: "\(file) cannot be read: \(unreadableReason(resolved))")
            }
            return .missing(reason: "malformed \(file): not a regular file")
        }
        let limitMessage = "more than the \(maximumFileSize)-byte limit"
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > maximumFileSize {
            return .missing(reason: "malformed \(file): \(size) bytes, \(limitMessage)")
        }
        guard let handle = FileHandle(forReadingAtPath: resolved) else {
            return .missing(reason: "\(file) cannot be read: \(unreadableReason(resolved))")
        }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumFileSize + 1) ?? Data() else {
            return .missing(reason: "malformed \(file): cannot be read")
        }
        guard data.count <= maximumFileSize else { return .missing(reason: "malformed \(file): \(limitMessage)") }
        return .value(Array(data))
    }

    /// Credential Guard (C4). `.value(nil)` when nothing was supplied and no collector reported a reason: the rule
    /// then keeps its default instead of becoming unknown.
    static func loadCredentialGuard(
        _ registry: Registry, suppliedLSA: Bool, lsaReason: String?, policyReason: String?
    ) -> Collected<CredentialGuardRecord?> {
        do {
            if let configuration = try CredentialGuardConfiguration(registry.view) {
                // The policy copy wins; if the collector could not read it, the local value does not decide. A policy
                // key the collector did not find is simply not set.
                if registry.view.key(CredentialGuardConfiguration.policyPath) == nil, let policyReason,
                    !policyReason.lowercased().contains(": not found")
                {
                    return .missing(reason: policyReason)
                }
                return .value(CredentialGuardRecord(configuration))
            }
        } catch {
            return .missing(reason: "lsa.reg/deviceguard.reg: \(error)")
        }
        if let reason = registry.problem("lsa.reg") ?? lsaReason { return .missing(reason: reason) }
        if suppliedLSA { return .missing(reason: "lsa.reg holds no \(CredentialGuardConfiguration.lsaPath) key") }
        return .value(nil)
    }

    /// The host's registry files merged: `ca-config.txt` (reg query) first, every `*.reg` over it in name order.
    struct Registry {
        var view = RegistryView()
        /// Files that could not be parsed, with the reason.
        var problems: [(file: String, reason: String)] = []
        /// The files that hold a CA configuration key, for messages and the record's `file`.
        var caFiles = "ca-config.reg"

        init(files: [String], path: (String) -> String?) {
            var sources: [(String, String)] = []
            if let location = path("ca-config.txt") {
                sources.append((files.first { $0.lowercased() == "ca-config.txt" } ?? "ca-config.txt", location))
            }
            for file in files where file.lowercased().hasSuffix(".reg") {
                if let location = path(file.lowercased()) { sources.append((file, location)) }
            }
            var withCA: [String] = []
            for (file, location) in sources {
                switch read(location, file: file) {
                case .value(let bytes):
                    do {
                        let fileView =
                            file.lowercased().hasSuffix(".txt")
                            ? try RegQueryParser.parse(bytes: bytes) : try RegistryExportParser.parse(bytes: bytes)
                        if fileView.keys.keys.contains(where: {
                            $0.hasPrefix(CARegistryConfiguration.configurationPath.lowercased() + "\\")
                        }) {
                            withCA.append(file)
                        }
                        view.merge(fileView)
                    } catch {
                        problems.append((file, "malformed \(file): \(error)"))
                    }
                case .missing(let reason): problems.append((file, reason))
                }
            }
            if !withCA.isEmpty { caFiles = withCA.joined(separator: "+") }
        }

        /// The problem of the file named `file` (case-insensitive), if it could not be parsed.
        func problem(_ file: String) -> String? {
            problems.first { $0.file.lowercased() == file }?.reason
        }

        /// The CA configuration key, or the problem that hides it; both nil when no file holds one.
        var caConfiguration: (configuration: CARegistryConfiguration?, problem: String?) {
            do {
                if let configuration = try CARegistryConfiguration(view) { return (configuration, nil) }
            } catch {
                return (nil, "\(caFiles): \(error)")
            }
            return (nil, problems.first { $0.file.lowercased().hasPrefix("ca-config") }?.reason)
        }
    }

    /// `manifest.json` of `ces-audit collect`: the reason for each datum it could not collect.
    struct Manifest {
        struct Contents: Decodable {
            struct Datum: Decodable {
                var datum: String
                var status: String
                var reason: String?
            }
            var schemaVersion: Int
            var host: String?
            /// File name → SHA-256 (lower-case hex) of every file the collector wrote.
            var files: [String: String]?
            var data: [Datum]?
        }

        var unknown: [String: String] = [:]
        /// Datum → why its files were not used (see `integrityProblems`).
        var refused: [String: String] = [:]
        var problem: String?
        var files: [String: String]?

        init(_ location: String?) {
            guard let location else { return }
            switch EvidenceLoader.read(location, file: "manifest.json") {
            case .value(let bytes):
                do {
                    let contents = try JSONDecoder().decode(Contents.self, from: Data(bytes))
                    guard contents.schemaVersion == 1 else {
                        problem = "manifest.json has schemaVersion \(contents.schemaVersion); this version reads 1"
                        return
                    }
                    for datum in contents.data ?? [] where datum.status.lowercased() != "collected" {
                        unknown[datum.datum.lowercased()] = datum.reason ?? datum.status
                    }
                    files = contents.files
                } catch {
                    problem = "malformed manifest.json: \(error)"
                }
            case .missing(let reason): problem = reason
            }
        }

        /// The collector's reason for `datum`, if it reported one (or why the manifest could not be read).
        func reason(_ datum: String, host: String) -> String? {
            // The collector's own reason first: a stray file does not explain why the datum was not collected.
            if let reason = unknown[datum.lowercased()] { return "\(datum) not collected from \(host): \(reason)" }
            if let reason = refused[datum.lowercased()] { return "\(datum) from \(host) not used: \(reason)" }
            return problem.map { "no \(datum) evidence for host \(host) (\($0))" }
        }

        /// The files of a collected folder that its `files` list does not vouch for, lower-cased name → reason: a
        /// SHA-256 that differs, a listed file that is missing, a file that is not listed; every file when the
        /// manifest is there but cannot be read (nothing vouches for them). Empty for a hand-made folder (no
        /// manifest, or one without `files`).
        func integrityProblems(folder: String, present: [String]) -> [String: String] {
            if let problem {
                let files = present.filter { $0.lowercased() != "manifest.json" }
                return Dictionary(files.map { ($0.lowercased(), "\($0) is not verified: \(problem)") }) { a, _ in a }
            }
            guard let files else { return [:] }
            let listed = Dictionary(
                files.map { ($0.key.lowercased(), (name: $0.key, digest: $0.value.lowercased())) },
                uniquingKeysWith: { a, _ in a })
            var problems: [String: String] = [:]
            for name in present where name.lowercased() != "manifest.json" {
                guard let digest = listed[name.lowercased()]?.digest else {
                    problems[name.lowercased()] = "\(name) is not listed in manifest.json (added after the collection)"
                    continue
                }
                switch EvidenceLoader.read((folder as NSString).appendingPathComponent(name), file: name) {
                case .value(let bytes):
                    let actual = Self.sha256(bytes)
                    if actual != digest {
                        problems[name.lowercased()] =
                            "\(name) does not match its SHA-256 in manifest.json (\(actual), listed \(digest))"
                    }
                case .missing(let reason): problems[name.lowercased()] = reason
                }
            }
            let names = Set(present.map { $0.lowercased() })
            for (lowered, entry) in listed where !names.contains(lowered) {
                problems[lowered] = "\(entry.name) is listed in manifest.json but missing"
            }
            return problems
        }

        /// Lower-case hex, as the collector writes it.
        static func sha256(_ bytes: [UInt8]) -> String {
            SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        }

        /// Records why each refused file's datum is not used (the first problem by file name).
        mutating func refuse(_ problems: [String: String]) {
            for (file, reason) in problems.sorted(by: { $0.key < $1.key }) {
                guard let datum = Self.datum(ofFile: file)?.lowercased(), refused[datum] == nil else { continue }
                refused[datum] = reason
            }
        }

        /// The manifest datum a file of the layout feeds (docs/host-evidence-collection.md), nil for others.
        static func datum(ofFile name: String) -> String? {
            switch name.lowercased() {
            case "ca-config.reg", "ca-config.txt", "editflags.txt", "ca-security.bin", "ca-security.sddl",
                "ca-security.txt":
                "ca-config"
            case "ole.reg": "ole"
            case "lsa.reg": "lsa"
            case "deviceguard.reg": "deviceguard"
            case "kdc.reg": "kdc"
            case "secedit.inf": "user-rights"
            case "local-groups.txt": "local-groups"
            case "applicationhost.config": "applicationHost.config"
            case let other where other == "web.config" || (other.hasPrefix("ces-") && other.hasSuffix(".web.config")):
                "web.config"
            default: nil
            }
        }
    }
}

extension Collected {
    func flatMap<Other>(_ transform: (Value) -> Collected<Other>) -> Collected<Other> {
        switch self {
        case .value(let value): transform(value)
        case .missing(let reason): .missing(reason: reason)
        }
    }
}

extension DirectorySnapshot {
    /// Adds the host evidence of `directory`; domain-relative SDDL aliases resolve against this domain's SID.
    public mutating func loadEvidence(from directory: String) throws(EvidenceError) {
        let context = SDDLContext(domain: domain.sid.flatMap { try? SID(string: $0) })
        evidence = try EvidenceLoader.load(directory: directory, context: context)
    }
}
