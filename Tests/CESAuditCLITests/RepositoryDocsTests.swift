import Foundation
import Testing

/// The repository documents itself: what its files cite exists in the repository, the docs' links resolve, the
/// rule reference covers every rule of the catalogue, and the rule counts the READMEs state are what `rules` lists.
@Suite struct RepositoryDocsTests {
    /// Reference files that lived outside the repository once; a clone has none of them. (Spelled in pieces so
    /// that a grep of the repository for them finds no file, this one included.)
    static let outsideFolder = "shared"
    static let outsideReferences = [
        "../\(outsideFolder)", "/work/\(outsideFolder)", "\(outsideFolder)/docs", "\(outsideFolder) docs",
    ]

    @Test func noFileCitesDocumentsOutsideTheRepository() throws {
        for (path, text) in try RepositoryFiles.texts() {
            for reference in Self.outsideReferences where text.contains(reference) {
                Issue.record("\(path) cites \(reference), which a clone does not contain")
            }
        }
    }

    /// Every `NAME.md` a file names (outside URLs; bare, or as `docs/NAME.md`, `../docs/NAME.md`, …) exists.
    @Test func everyCitedMarkdownFileExists() throws {
        let files = try RepositoryFiles.texts()
        let present = Set(files.keys.map { ($0 as NSString).lastPathComponent })
        let url = try Regex(#"https?://\S+"#)
        // The character before a citation is not part of a longer path (Swift's Regex has no lookbehind).
        let citation = try Regex(#"(?:^|[^\w/.-])((?:\.\./|\./|docs/|Policies/)*)([\w-]+\.md)\b"#)
            .anchorsMatchLineEndings()
        for (path, text) in files where !path.hasSuffix("/RepositoryDocsTests.swift") {
            for match in text.replacing(url, with: "").matches(of: citation) {
                let prefix = match.output[1].substring.map(String.init) ?? ""
                guard let name = match.output[2].substring.map(String.init) else { continue }
                let exists = prefix.hasSuffix("docs/") ? files["docs/" + name] != nil : present.contains(name)
                #expect(exists, "\(path) cites \(prefix)\(name), which is not in the repository")
            }
        }
    }

    /// Relative links in the Markdown files point to files that exist (anchors are not checked).
    @Test func relativeLinksInMarkdownResolve() throws {
        let link = try Regex(#"\]\(([^)\s]+)\)"#)
        let markdown = try RepositoryFiles.texts().filter { $0.key.hasSuffix(".md") }
        #expect(markdown["docs/contract.md"] != nil && markdown["docs/rules.md"] != nil)
        for (path, text) in markdown {
            for match in text.matches(of: link) {
                guard let target = match.output[1].substring.map(String.init) else { continue }
                if target.hasPrefix("#") || target.contains("://") || target.hasPrefix("mailto:") { continue }
                let file = String(target.split(separator: "#", maxSplits: 1).first ?? "")
                let folder = RepositoryFiles.root.appendingPathComponent(path).deletingLastPathComponent()
                let resolved = folder.appendingPathComponent(file).standardizedFileURL
                #expect(
                    FileManager.default.fileExists(atPath: resolved.path), "\(path): link \(target) does not resolve")
            }
        }
    }

    /// docs/rules.md has, for every rule `ces-audit rules` lists, the block scripts/rule-docs generates and the
    /// hand-written "As coded" text after it.
    /// Each rule has one file in its family folder, numbered with two digits so that C10 sorts after C09
    /// (docs/architecture.md): CES-C10 is `Sources/CESAuditCore/Rules/C/C10_….swift`, CES-F6b `F/F06b_….swift`.
    @Test func everyRuleHasOneFileInItsFamilyFolder() throws {
        let rulesFolder = RepositoryFiles.root.appendingPathComponent("Sources/CESAuditCore/Rules")
        for rule in try RepositoryFiles.catalogueRules() {
            let code = rule.id.replacingOccurrences(of: "CES-", with: "")
            let family = String(code.prefix(1))
            let digits = code.dropFirst().prefix { $0.isNumber }.count
            let prefix = family + String(repeating: "0", count: max(0, 2 - digits)) + code.dropFirst() + "_"
            let files = try FileManager.default.contentsOfDirectory(
                atPath: rulesFolder.appendingPathComponent(family).path)
            #expect(
                files.filter { $0.hasPrefix(prefix) }.count == 1, "\(rule.id): no single \(family)/\(prefix)….swift")
        }
    }

    @Test func ruleReferenceCoversEveryCatalogueRule() throws {
        let rules = try RepositoryFiles.catalogueRules()
        #expect(rules.count >= 44)
        let doc = try String(contentsOf: RepositoryFiles.root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        for rule in rules {
            guard let begin = doc.range(of: "<!-- catalogue \(rule.id) begin"),
                let end = doc.range(of: "<!-- catalogue \(rule.id) end -->", range: begin.upperBound..<doc.endIndex)
            else {
                Issue.record("docs/rules.md has no block for \(rule.id): run scripts/rule-docs")
                continue
            }
            let block = doc[begin.lowerBound..<end.upperBound]
            #expect(block.contains("### \(rule.id) — \(rule.title)"), "\(rule.id): heading; run scripts/rule-docs")
            #expect(block.contains("<\(rule.helpUri)>"), "\(rule.id): help page; run scripts/rule-docs")
            let after = doc[end.upperBound...].drop { $0.isWhitespace }
            #expect(after.hasPrefix("**As coded.** "), "\(rule.id): no 'As coded' text after its block")
            let text = after.prefix { $0 != "\n" }
            #expect(!text.contains("TODO") && text.count > 60, "\(rule.id): the 'As coded' text is not written")
        }
    }

    /// README.md and Policies/README.md state the number of rules `ces-audit rules` lists.
    @Test func readmesStateTheCatalogueRuleCount() throws {
        let count = try RepositoryFiles.catalogueRules().count
        for (file, pattern) in [
            ("README.md", #"(\d+) rules \(`ces-audit rules`\)"#), ("Policies/README.md", #"catalogue: (\d+) rules"#),
        ] {
            let text = try String(contentsOf: RepositoryFiles.root.appendingPathComponent(file), encoding: .utf8)
            let stated = try text.firstMatch(of: Regex(pattern)).flatMap { $0.output[1].substring.map(String.init) }
            #expect(stated == String(count), "\(file) says \(stated ?? "no number of") rules; `rules` lists \(count)")
        }
    }
}

private enum RepositoryFiles {
    /// The repository root: this file is Tests/CESAuditCLITests/RepositoryDocsTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Build output, version control and local test beds are not the repository's files.
    static let skippedFolders: Set<String> = [".build", ".git", ".testbed", ".swiftpm"]

    /// Every UTF-8 text file of the repository by relative path (hidden folders other than .ci are skipped).
    static func texts() throws -> [String: String] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey, .fileSizeKey])
        else { throw CocoaError(.fileReadUnknown) }
        var texts: [String: String] = [:]
        let prefix = root.standardizedFileURL.path + "/"
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isDirectoryKey, .fileSizeKey])
            let name = url.lastPathComponent
            if values.isDirectory == true {
                if skippedFolders.contains(name) || (name.hasPrefix(".") && name != ".ci") { walker.skipDescendants() }
                continue
            }
            guard (values.fileSize ?? 0) < 2_000_000, let data = manager.contents(atPath: url.path),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            texts[String(url.standardizedFileURL.path.dropFirst(prefix.count))] = text
        }
        return texts
    }

    struct CatalogueRule {
        let id: String
        let title: String
        let helpUri: String
    }

    /// The rules as `ces-audit rules --format json` lists them.
    static func catalogueRules() throws -> [CatalogueRule] {
        let result = try CLI.run(["rules", "--format", "json"])
        #expect(result.status == 0, "rules --format json: \(result.stderr)")
        let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rules = root?["rules"] as? [[String: Any]] ?? []
        return rules.map {
            CatalogueRule(
                id: $0["id"] as? String ?? "", title: $0["title"] as? String ?? "",
                helpUri: $0["helpUri"] as? String ?? "")
        }
    }
}
