import ADModel
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

/// Reads an `--evidence DIR` tree (docs/contract.md): one sub-folder per host, named by FQDN or short name, with
/// `ca-security.bin|.sddl|.txt`, `editflags.txt`, `secedit.inf` and, from domain controllers, `kdc.reg`.
/// Parsing is ADModel's; a file that is absent, too large or malformed becomes a missing datum with the reason,
/// never a crash and never "no rights".
public enum EvidenceLoader {
    /// Files above this size are refused as malformed (real evidence is a few KiB).
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
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        func path(_ file: String) -> String? {
            files.first { $0.lowercased() == file }.map { (folder as NSString).appendingPathComponent($0) }
        }
        func missing(_ file: String) -> String { "no \(file) for host \(host) in \(directory)" }

        var caSecurity: Collected<CASecurityRecord> = .missing(reason: missing("ca-security.bin/.sddl/.txt"))
        if let file = caSecurityFiles.first(where: { path($0) != nil }), let location = path(file) {
            caSecurity = read(location, file: file) { bytes in
                do {
                    return .value(
                        try CASecurityRecord(
                            CASecurityEvidence.parse(bytes, context: context), bytes: bytes, file: file))
                } catch {
                    return .missing(reason: "malformed \(file): \(error)")
                }
            }
        }
        var editFlags: Collected<UInt32> = .missing(reason: missing("editflags.txt"))
        if let location = path("editflags.txt") {
            editFlags = read(location, file: "editflags.txt") { bytes in
                do {
                    return .value(try EditFlagsParser.parse(bytes: bytes).value.rawValue)
                } catch {
                    return .missing(reason: "malformed editflags.txt: \(error)")
                }
            }
        }
        var userRights: Collected<UserRightsRecord> = .missing(reason: missing("secedit.inf"))
        if let location = path("secedit.inf") {
            userRights = read(location, file: "secedit.inf") { bytes in
                do {
                    return .value(UserRightsRecord(try SeceditParser.parse(bytes)))
                } catch {
                    return .missing(reason: "malformed secedit.inf: \(error)")
                }
            }
        }
        var kdcEncryption: Collected<KDCEncryptionSettings>?
        if let location = path("kdc.reg") {
            kdcEncryption = read(location, file: "kdc.reg") { bytes in
                do {
                    return .value(try KDCRegistryParser.parse(bytes))
                } catch {
                    return .missing(reason: "malformed kdc.reg: \(error)")
                }
            }
        }
        return HostEvidence(
            host: host, caSecurity: caSecurity, editFlags: editFlags, userRights: userRights,
            kdcEncryption: kdcEncryption)
    }

    /// Reads a file with the size limit, then hands its bytes to `parse`.
    /// Why a file cannot be read, as the system says it (`permission denied`).
    static func unreadableReason(_ location: String) -> String {
        let descriptor = open(location, O_RDONLY)
        guard descriptor >= 0 else { return String(cString: strerror(errno)).lowercased() }
        close(descriptor)
        return "read failed"
    }

    static func read<Value>(
        _ location: String, file: String, parse: ([UInt8]) -> Collected<Value>
    ) -> Collected<Value> {
        let size = (try? FileManager.default.attributesOfItem(atPath: location)[.size] as? NSNumber)?.intValue
        if let size, size > maximumFileSize {
            return .missing(reason: "malformed \(file): \(size) bytes, more than the \(maximumFileSize)-byte limit")
        }
        guard let data = FileManager.default.contents(atPath: location) else {
            return .missing(reason: "\(file) cannot be read: \(unreadableReason(location))")
        }
        guard data.count <= maximumFileSize else {
            return .missing(
                reason: "malformed \(file): \(data.count) bytes, more than the \(maximumFileSize)-byte limit")
        }
        return parse(Array(data))
    }
}

extension DirectorySnapshot {
    /// Adds the host evidence of `directory`; domain-relative SDDL aliases resolve against this domain's SID.
    public mutating func loadEvidence(from directory: String) throws(EvidenceError) {
        let context = SDDLContext(domain: domain.sid.flatMap { try? SID(string: $0) })
        evidence = try EvidenceLoader.load(directory: directory, context: context)
    }
}
