import Foundation
import TestSupport
import Testing
import Yams

/// The files shipped for users next to the binary — docker-compose.yml and its Dockerfiles, the systemd
/// units, the shell completions — stay consistent with the repository and with the CLI's real flags.
/// Docker and systemd do not run here: these tests check the files, not a deployment.
@Suite struct ShippingFilesTests {
    // MARK: docker-compose.yml

    @Test func composeDeclaresTheDCAndTheAuditor() throws {
        let services = try ShippingFiles.composeServices()
        #expect(services["dc"] != nil, "docker-compose.yml: no service dc")
        #expect(services["ces-audit"] != nil, "docker-compose.yml: no service ces-audit")
        #expect(services["dc"]?["healthcheck"]?["test"] != nil, "service dc has no healthcheck")
    }

    @Test func composeBuildContextsAndDockerfilesExist() throws {
        let services = try ShippingFiles.composeServices()
        for (name, service) in services {
            guard let build = service["build"] else { continue }
            let context = build.string ?? build["context"]?.string ?? "."
            let contextURL = ShippingFiles.repo(context)
            #expect(ShippingFiles.isDirectory(contextURL), "\(name): build context \(context) is not a directory")
            guard let dockerfile = build["dockerfile"]?.string else { continue }
            let dockerfileURL = contextURL.appendingPathComponent(dockerfile)
            #expect(
                FileManager.default.fileExists(atPath: dockerfileURL.path), "\(name): no Dockerfile \(dockerfile)")
        }
        for name in ["dc", "ces-audit"] {
            #expect(services[name]?["build"]?["dockerfile"] != nil, "\(name) is not built from a Dockerfile")
        }
    }

    /// The Dockerfiles install from the same list as scripts/setup (scripts/packages.tsv, which
    /// scripts/check-packages proves complete): a package named only in one place is how the DC image lost
    /// samba-ad-provision.
    @Test func dockerfilesInstallThePackagesOfTheManifest() throws {
        let manifest = try String(contentsOf: ShippingFiles.repo("scripts/packages.tsv"), encoding: .utf8)
        var packagesByRole: [String: Set<String>] = [:]
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count >= 2 else { continue }
            packagesByRole[fields[1], default: []].insert(fields[0])
        }
        #expect(packagesByRole["testbed"]?.contains("samba-ad-provision") == true)
        let dc = try String(contentsOf: ShippingFiles.repo("contrib/docker/dc.Dockerfile"), encoding: .utf8)
        #expect(dc.contains("COPY scripts/packages.tsv"), "dc.Dockerfile does not install from scripts/packages.tsv")
        #expect(dc.contains(#"$2 == "testbed" || $2 == "run""#), "dc.Dockerfile does not select the testbed rows")
        let auditor = try String(
            contentsOf: ShippingFiles.repo("contrib/docker/ces-audit.Dockerfile"), encoding: .utf8)
        for package in packagesByRole["build", default: []].union(packagesByRole["run", default: []]) {
            #expect(auditor.contains(" \(package) "), "ces-audit.Dockerfile does not install \(package)")
        }
    }

    @Test func composeHostPathsExistAndNamedVolumesAreDeclared() throws {
        let root = try ShippingFiles.compose()
        let volumeKeys = root["volumes"]?.mapping.map { Array($0.keys) } ?? []
        let declared = Set(volumeKeys.compactMap(\.string))
        for (name, service) in try ShippingFiles.composeServices() {
            for volume in service["volumes"]?.array() ?? [] {
                let (source, isBind) = ShippingFiles.volumeSource(volume)
                guard let source, !source.isEmpty else { continue }  // anonymous volume
                if isBind {
                    #expect(!source.hasPrefix("/"), "\(name): host path \(source) is outside the repository")
                    #expect(
                        FileManager.default.fileExists(atPath: ShippingFiles.repo(source).path),
                        "\(name): host path \(source) does not exist in the repository")
                } else {
                    #expect(declared.contains(source), "\(name): volume \(source) is not declared under volumes:")
                }
            }
            let envFiles = (service["env_file"]?.array() ?? []).compactMap(\.string)
            for file in envFiles + [service["env_file"]?.string].compactMap({ $0 }) {
                #expect(
                    FileManager.default.fileExists(atPath: ShippingFiles.repo(file).path),
                    "\(name): env_file \(file) does not exist")
            }
        }
    }

    /// Samba binds 127.0.0.1 only (scripts/testbed), so the auditor must share the DC's network namespace,
    /// and it reads the DC's test bed directory (CA file, reader password) from the shared volume, read-only.
    @Test func auditorSharesTheDCsNetworkAndTestBedVolumeReadOnly() throws {
        let services = try ShippingFiles.composeServices()
        let auditor = try #require(services["ces-audit"])
        #expect(auditor["network_mode"]?.string == "service:dc")
        let dcVolumes = Set((services["dc"]?["volumes"]?.array() ?? []).compactMap { ShippingFiles.volumeSource($0).0 })
        let shared = (auditor["volumes"]?.array() ?? []).compactMap(\.string).filter { entry in
            dcVolumes.contains(String(entry.split(separator: ":").first ?? ""))
        }
        #expect(!shared.isEmpty, "ces-audit mounts none of the dc's volumes")
        for entry in shared {
            #expect(entry.hasSuffix(":ro"), "\(entry) is not read-only")
        }
    }

    /// The default command is a `scan` with flags `ces-audit scan --help` knows, and the test bed paths and
    /// DN it uses are those `scripts/testbed env` prints for CES_TESTBED_DIR=/testbed.
    @Test func auditorCommandMatchesTheCLIAndTheTestBed() throws {
        let services = try ShippingFiles.composeServices()
        let commandNode = try #require(services["ces-audit"]?["command"], "ces-audit has no command")
        let command = commandNode.array().compactMap(\.string)
        #expect(command.first == "scan")
        let known = try ShippingFiles.scanFlags()
        for flag in ShippingFiles.flags(in: command) {
            #expect(known.contains(flag), "docker-compose.yml: ces-audit scan has no \(flag)")
        }
        let environment = try ShippingFiles.testBedEnvironment(directory: "/testbed")
        let expected = [
            "--uri": "CES_TEST_LDAPS_URI", "--ca-file": "CES_TEST_CA_FILE", "--bind-dn": "CES_TEST_READER_DN",
            "--password-file": "CES_TEST_READER_PASSWORD_FILE",
        ]
        for (flag, variable) in expected {
            let value = command.firstIndex(of: flag).flatMap {
                command.indices.contains($0 + 1) ? command[$0 + 1] : nil
            }
            #expect(value != nil, "docker-compose.yml: the scan has no \(flag)")
            if let value { #expect(value == environment[variable], "\(flag) \(value) is not \(variable)") }
        }
    }

    @Test func dockerfileSourcesExist() throws {
        let services = try ShippingFiles.composeServices()
        for (name, service) in services {
            guard let build = service["build"], let dockerfile = build["dockerfile"]?.string else { continue }
            let context = ShippingFiles.repo(build["context"]?.string ?? ".")
            let text = try String(contentsOf: context.appendingPathComponent(dockerfile), encoding: .utf8)
            let instructions = ShippingFiles.logicalLines(text)
            for line in instructions {
                let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
                guard let keyword = words.first?.uppercased(), keyword == "COPY" || keyword == "ADD" else { continue }
                let arguments = words.dropFirst()
                guard !arguments.contains(where: { $0.hasPrefix("--from") }), arguments.first?.hasPrefix("[") != true
                else { continue }
                let paths = arguments.filter { !$0.hasPrefix("--") }
                for source in paths.dropLast() where !source.contains(where: { "*?[".contains($0) }) {
                    #expect(
                        FileManager.default.fileExists(atPath: context.appendingPathComponent(source).path),
                        "\(name): \(dockerfile): \(keyword) source \(source) does not exist")
                }
            }
        }
        let entrypoint = ShippingFiles.repo("contrib/docker/dc-entrypoint.sh").path
        #expect(FileManager.default.isExecutableFile(atPath: entrypoint), "\(entrypoint) is not executable")
    }

    // MARK: systemd units

    @Test func serviceRunsAScanWithFlagsTheCLIAccepts() throws {
        let unit = try ShippingFiles.unit("contrib/systemd/ces-audit-scan.service")
        #expect(unit.values("Service", "Type") == ["oneshot"])
        let execStart = try #require(unit.values("Service", "ExecStart").last)
        let words = ShippingFiles.commandWords(execStart)
        #expect(words.first?.hasSuffix("/ces-audit") == true, "ExecStart does not run ces-audit: \(execStart)")
        #expect(words.dropFirst().first == "scan", "ExecStart does not run a scan: \(execStart)")
        let known = try ShippingFiles.scanFlags()
        let used = ShippingFiles.flags(in: words)
        #expect(!used.isEmpty)
        for flag in used {
            #expect(known.contains(flag), "ExecStart: ces-audit scan has no \(flag) (ces-audit scan --help)")
        }
        // %d is $CREDENTIALS_DIRECTORY: every credential used must be loaded
        let credentials = Set(unit.values("Service", "LoadCredential").compactMap { $0.split(separator: ":").first })
        for word in words where word.hasPrefix("%d/") {
            #expect(credentials.contains(word.dropFirst(3)), "\(word) without LoadCredential=")
        }
    }

    /// Findings (1 warn, 2 fail) are the job's result; 3 (unknown, AD unreachable) must fail the unit.
    @Test func findingsSucceedButUnknownFailsTheUnit() throws {
        let unit = try ShippingFiles.unit("contrib/systemd/ces-audit-scan.service")
        let statuses = Set(
            unit.values("Service", "SuccessExitStatus").flatMap { $0.split(whereSeparator: \.isWhitespace) })
        #expect(statuses.contains("1") && statuses.contains("2"), "SuccessExitStatus \(statuses)")
        #expect(!statuses.contains("3"), "exit 3 (unknown / AD unreachable) must fail the unit")
        #expect(!statuses.contains("64"), "exit 64 (usage error) must fail the unit")
    }

    @Test func serviceCanWriteItsOutputsAndNothingElse() throws {
        let unit = try ShippingFiles.unit("contrib/systemd/ces-audit-scan.service")
        #expect(unit.values("Service", "ProtectSystem") == ["strict"])
        #expect(unit.values("Service", "NoNewPrivileges") == ["yes"])
        #expect(unit.values("Service", "CapabilityBoundingSet") == [""])
        let words = ShippingFiles.commandWords(try #require(unit.values("Service", "ExecStart").last))
        let readWrite: [String] = unit.values("Service", "ReadWritePaths")
            .flatMap { $0.split(whereSeparator: \.isWhitespace) }
            .map { path in String(path.drop { $0 == "-" }) }
        let state: [String] = unit.values("Service", "StateDirectory")
            .flatMap { $0.split(whereSeparator: \.isWhitespace) }
            .map { "/var/lib/\($0)" }
        let writable = readWrite + state
        for flag in ["--output", "--history"] {
            guard let index = words.firstIndex(of: flag), words.indices.contains(index + 1) else {
                Issue.record("ExecStart has no \(flag)")
                continue
            }
            let directory = URL(fileURLWithPath: words[index + 1]).deletingLastPathComponent().path
            #expect(
                writable.contains { directory == $0 || directory.hasPrefix($0 + "/") },
                "\(flag) \(words[index + 1]): \(directory) is not writable under ProtectSystem=strict")
        }
    }

    @Test func timerRunsTheServiceDailyAndCatchesUp() throws {
        let timer = try ShippingFiles.unit("contrib/systemd/ces-audit-scan.timer")
        #expect(timer.values("Timer", "OnCalendar") == ["daily"])
        #expect(timer.values("Timer", "Persistent") == ["true"])
        #expect(!timer.values("Timer", "RandomizedDelaySec").isEmpty)
        let unit = timer.values("Timer", "Unit").last ?? "ces-audit-scan.service"
        #expect(FileManager.default.fileExists(atPath: ShippingFiles.repo("contrib/systemd/\(unit)").path))
        #expect(timer.values("Install", "WantedBy").contains("timers.target"))
    }

    // MARK: shell completions

    @Test func completionsScriptIsExecutable() {
        let script = ShippingFiles.repo("scripts/completions").path
        #expect(FileManager.default.isExecutableFile(atPath: script), "\(script) missing or not executable")
    }

    /// The committed completions are what swift-argument-parser generates for today's commands and flags.
    @Test(arguments: [("bash", "ces-audit.bash"), ("zsh", "_ces-audit"), ("fish", "ces-audit.fish")])
    func committedCompletionsAreCurrent(shell: String, file: String) throws {
        let url = ShippingFiles.repo("contrib/completions/\(file)")
        let committed = try String(contentsOf: url, encoding: .utf8)
        let result = try CLI.run(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.stderr)")
        guard committed != result.stdout else { return }
        // name the first difference only: the scripts are hundreds of lines long
        let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let new = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let line =
            zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
        Issue.record(
            """
            contrib/completions/\(file) is stale (line \(line + 1): \
            committed "\(line < old.count ? old[line] : "<end>")", \
            generated "\(line < new.count ? new[line] : "<end>")"): \
            run scripts/completions \(CLI.binary) and commit the result
            """)
    }

    // MARK: man page

    /// The committed man page is generated from the command definitions (scripts/manpage): it names every command and
    /// every flag `--experimental-dump-help` lists, with the examples and exit statuses, and the packaging installs it.
    @Test func manPageCoversEveryCommandAndFlagAndIsInstalled() throws {
        let page = try String(contentsOf: ShippingFiles.repo("contrib/man/ces-audit.1"), encoding: .utf8)
        let dump = try CLI.run(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let command = try #require(root["command"] as? [String: Any])
        var missing: [String] = []
        for sub in command["subcommands"] as? [[String: Any]] ?? [] {
            let name = sub["commandName"] as? String ?? "?"
            if !page.contains(".It Em \(name)") { missing.append(name) }
            for argument in sub["arguments"] as? [[String: Any]] ?? [] {
                for long in (argument["names"] as? [[String: Any]] ?? []).filter({ $0["kind"] as? String == "long" }) {
                    let flag = long["name"] as? String ?? ""
                    if !flag.isEmpty, !page.contains("Fl -\(flag)") { missing.append("\(name) --\(flag)") }
                }
            }
        }
        #expect(missing.isEmpty, "contrib/man/ces-audit.1 is stale (missing \(missing.prefix(5))): run scripts/manpage")
        #expect(page.components(separatedBy: "Exit status:").count - 1 == 8, "every command's exit statuses")
        let dockerfile = try String(
            contentsOf: ShippingFiles.repo("contrib/docker/ces-audit.Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("COPY contrib/man/ces-audit.1 /usr/local/share/man/man1/ces-audit.1"))
        let systemd = try String(contentsOf: ShippingFiles.repo("contrib/systemd/README.md"), encoding: .utf8)
        #expect(systemd.contains("contrib/man/ces-audit.1 /usr/local/share/man/man1/ces-audit.1"))
        #expect(FileManager.default.isExecutableFile(atPath: ShippingFiles.repo("scripts/manpage").path))
    }
}

/// Reading the shipped files.
private enum ShippingFiles {
    /// The repository root: this file is Tests/CESAuditCLITests/ShippingFilesTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func repo(_ relative: String) -> URL { root.appendingPathComponent(relative).standardizedFileURL }

    static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    // MARK: compose

    static func compose() throws -> Node {
        let text = try String(contentsOf: repo("docker-compose.yml"), encoding: .utf8)
        return try #require(try Yams.compose(yaml: text), "docker-compose.yml is empty")
    }

    static func composeServices() throws -> [String: Node] {
        let services = try #require(try compose()["services"]?.mapping, "docker-compose.yml: no services")
        var result: [String: Node] = [:]
        for (key, value) in services {
            if let name = key.string { result[name] = value }
        }
        return result
    }

    /// A service's volume entry: its source and whether that is a host path (bind mount).
    static func volumeSource(_ volume: Node) -> (String?, Bool) {
        if let short = volume.string {
            let parts = short.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { return (nil, false) }  // "/container/path": anonymous
            let source = parts[0]
            return (source, source.hasPrefix("/") || source.hasPrefix(".") || source.hasPrefix("~"))
        }
        let source = volume["source"]?.string
        return (source, volume["type"]?.string == "bind")
    }

    // MARK: the CLI

    /// Every `--flag` that `ces-audit scan --help` lists.
    static func scanFlags() throws -> Set<String> {
        let result = try CLI.run(["scan", "--help"])
        guard result.status == 0 else {
            Issue.record("ces-audit scan --help exited \(result.status): \(result.stderr)")
            return []
        }
        return Set(flags(in: result.stdout.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)))
    }

    /// The `--flag` names among command-line words (`--flag=value` counts as `--flag`).
    static func flags(in words: [String]) -> [String] {
        words.compactMap { word -> String? in
            guard word.hasPrefix("--") else { return nil }
            // "--flag=value" -> "--flag"; prose in help text: "--flag)." -> "--flag"
            var name = Substring(word.prefix { $0 != "=" })
            while let last = name.last, !(last.isLetter || last.isNumber) { name = name.dropLast() }
            guard name.count > 2, name.dropFirst(2).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                return nil
            }
            return String(name)
        }
    }

    /// `scripts/testbed env` for a test bed directory, as NAME → value.
    static func testBedEnvironment(directory: String) throws -> [String: String] {
        let result = try runProcess(
            "/bin/bash", [repo("scripts/testbed").path, "env"], environment: ["CES_TESTBED_DIR": directory])
        #expect(result.status == 0, "scripts/testbed env: \(result.stderr)")
        var variables: [String: String] = [:]
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix("export "), let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[line.index(line.startIndex, offsetBy: 7)..<equals])
            var value = String(line[line.index(after: equals)...])
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            variables[name] = value
        }
        return variables
    }

    // MARK: Dockerfiles and unit files

    /// Lines with backslash continuations joined; comments and blank lines dropped.
    static func logicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if current.isEmpty && (line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";")) { continue }
            if line.hasPrefix("#") { continue }  // a comment inside a continued line
            if line.hasSuffix("\\") {
                current += String(line.dropLast()) + " "
            } else {
                lines.append(current + line)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    struct Unit {
        var entries: [(section: String, key: String, value: String)] = []

        /// Every value of a key in a section, in file order (an empty value is kept: it resets a list).
        func values(_ section: String, _ key: String) -> [String] {
            entries.filter { $0.section == section && $0.key == key }.map(\.value)
        }
    }

    /// A systemd unit file, INI-ish: [Section], Key=Value, comments, continuation lines.
    static func unit(_ relative: String) throws -> Unit {
        let text = try String(contentsOf: repo(relative), encoding: .utf8)
        var unit = Unit()
        var section = ""
        for line in logicalLines(text) {
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                Issue.record("\(relative): not Key=Value: \(line)")
                continue
            }
            unit.entries.append(
                (
                    section, line[..<equals].trimmingCharacters(in: .whitespaces),
                    line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        #expect(!unit.entries.isEmpty, "\(relative) is empty")
        return unit
    }

    /// ExecStart= words: the special prefixes (-, @, :, +, !) dropped, quotes honoured.
    static func commandWords(_ command: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in command {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        if let first = words.first {
            words[0] = String(first.drop { "-@:+!".contains($0) })
        }
        return words
    }
}
