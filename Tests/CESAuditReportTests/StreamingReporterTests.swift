import Foundation
import Testing

@testable import CESAuditCore
@testable import CESAuditReport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The streaming reporters write exactly what the reporters wrote when findings were an array in memory
/// (`LegacyReporters.swift`), whether the findings are in memory or spooled to disk, and a scan-sized report renders
/// from disk through small buffers.
@Suite struct StreamingReporterTests {
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    static func legacy(_ format: OutputFormat, _ report: AuditReport) throws -> Data {
        switch format {
        case .text: try LegacyTextReporter().render(report, catalogue: .embedded)
        case .json: try LegacyJSONReporter().render(report, catalogue: .embedded)
        case .sarif: try LegacySARIFReporter().render(report, catalogue: .embedded)
        case .junit: try LegacyJUnitReporter().render(report, catalogue: .embedded)
        case .nagios: try LegacyNagiosReporter().render(report, catalogue: .embedded)
        case .prometheus: try LegacyPrometheusReporter().render(report, catalogue: .embedded)
        // No in-memory HTML reporter ever was: the same reporter with the findings held in memory.
        case .html: try HTMLReporter().render(inMemory(report), catalogue: .embedded)
        }
    }

    static func inMemory(_ report: AuditReport) -> AuditReport {
        var copy = report
        copy.findings = FindingList(Array(report.findings))
        return copy
    }

    /// Findings shaped like a scan's, with what makes grouping and ordering hard: subjects that come back after
    /// others (infrastructure), runs of one subject (accounts), families interleaved, every status, waivers active
    /// and expired, severity overrides, rule IDs the catalogue does not know (one in two spellings), subjects
    /// without a DN, with a DN equal to the name, and with an empty DN.
    static func scanLike(_ count: Int) -> [Finding] {
        let infrastructure = [
            Subject(kind: .ca, name: "CORP-CA"),
            Subject(kind: .servicePrincipal, name: "svc-ces", dn: "CN=svc-ces,DC=corp"),
            Subject(kind: .template, name: "User", dn: "User"),
            Subject(kind: .endpoint, name: "https://ces01/CES", dn: ""),
        ]
        let rules = [
            "CES-A1", "CES-B2", "CES-A2", "CES-F1", "CES-C2", "CES-E1", "CES-G4", "CES-Z9", "ces-z9", "local-1",
        ]
        var findings: [Finding] = []
        var number = 0
        while findings.count < count {
            let account = Subject(
                kind: number % 7 == 0 ? .computer : .user, name: "bülk\(number / 5)",
                dn: #"CN=bülk\#(number / 5)\, x,OU=Bulk,DC=corp"#, sid: "S-1-5-21-9-\(number / 5)")
            let subject = number % 5 == 4 ? infrastructure[(number / 5) % infrastructure.count] : account
            let status = Status.allCases[(number * 7 + number / 3) % Status.allCases.count]
            var finding = Finding(
                ruleId: rules[(number * 3) % rules.count], status: status, title: "title \(number % 4) ü",
                subject: subject, endpoint: number % 6 == 0 ? nil : "https://ces0\(number % 2)/CES",
                message: "message \(number) <&\"'> | pipe\nsecond line \u{1B}[31m",
                evidence: ["n": .integer(Int64(number)), "s": .string("ä/\(number)")],
                remediation: number % 4 == 0 ? nil : "Fix \(number).\nThen log on again.",
                errorCodes: number % 3 == 0 ? ["0x803D0013"] : [])
            if number % 11 == 0 { finding.waiver = Fixtures.waiver(expired: number % 22 == 0) }
            if number % 13 == 0 { finding.severity = .info }
            findings.append(finding)
            number += 1
        }
        return findings
    }

    static func report(_ findings: FindingList, changes: AuditReport.Changes? = nil) -> AuditReport {
        var summary = AuditReport.Summary()
        var open = AuditReport.Summary()
        for finding in findings {
            summary[finding.status] += 1
            if finding.isOpen || finding.status == .pass || finding.status == .skipped { open[finding.status] += 1 }
        }
        summary.pass += 17
        return AuditReport(
            tool: .init(version: "0.1.0"), command: "scan", startedAt: Fixtures.startedAt, durationMs: 83_021,
            summary: summary, findings: findings, target: "corp.example", subjectsScanned: 42,
            principals: Fixtures.full.principals, open: open, changes: changes)
    }

    /// The same findings spooled to disk (a buffer of 256 bytes).
    private func onDisk(_ findings: [Finding]) -> FindingList {
        let builder = FindingList.Builder(memoryLimit: 256, directory: directory.path)
        for finding in findings { builder.append(finding) }
        return builder.list
    }

    private func identitiesOnDisk(_ identities: [FindingIdentity]) -> FindingIdentityList {
        let builder = FindingIdentityList.Builder(memoryLimit: 256, directory: directory.path)
        for identity in identities { builder.append(identity) }
        return builder.list
    }

    @Test(arguments: OutputFormat.allCases)
    func sameBytesAsTheInMemoryReporters(format: OutputFormat) throws {
        defer { cleanUp() }
        let findings = Self.scanLike(600)
        let identities = findings.prefix(40).map(\.identity)
        var full = Fixtures.full
        full.findings = onDisk(Fixtures.findings)
        var empty = Fixtures.report(listing: [])
        empty.changes = .init(previousRunAt: nil, new: [], resolved: [], stillOpen: 0)
        let reports = [
            Fixtures.full, full, Fixtures.report(listing: [.warn, .unknown]), empty,
            Self.report(FindingList(findings)),
            Self.report(
                onDisk(findings),
                changes: .init(
                    previousRunAt: Fixtures.startedAt, new: identitiesOnDisk(identities),
                    resolved: identitiesOnDisk(identities.reversed()), stillOpen: 7)),
        ]
        for report in reports {
            let streamed = try format.reporter().render(report, catalogue: .embedded)
            let expected = try Self.legacy(format, report)
            #expect(streamed == expected, "\(format) differs for \(report.findings.count) findings")
            if streamed != expected {
                let lines = (String(decoding: streamed, as: UTF8.self), String(decoding: expected, as: UTF8.self))
                let first = zip(lines.0.split(separator: "\n"), lines.1.split(separator: "\n")).first { $0 != $1 }
                Issue.record("first differing line: \(String(describing: first))")
            }
        }
        #expect(full.findings.storedBytes.disk > 0)
    }

    /// A scan spools each listed finding with its JSON rendering (`JSONReporter.findingRendering`), made while it
    /// judges. Every format writes the same bytes as without: JSON copies renderings made at its level and encodes
    /// the rest (none, or made at another level); the other formats read past them.
    @Test(arguments: OutputFormat.allCases)
    func findingsSpooledWithTheirJSONRenderingReportTheSame(format: OutputFormat) throws {
        defer { cleanUp() }
        let findings = Self.scanLike(300)
        let builder = FindingList.Builder(memoryLimit: 4096, directory: directory.path)
        let rendering = JSONReporter.findingRendering
        for (index, finding) in findings.enumerated() {
            switch index % 3 {
            case 0: builder.append(finding, rendering: rendering.render(finding), level: rendering.level)
            case 1: builder.append(finding)
            default: builder.append(finding, rendering: Array("not at this level".utf8), level: rendering.level + 1)
            }
        }
        let spooled = Self.report(builder.list)
        let plain = Self.report(FindingList(findings))
        #expect(Array(builder.list) == findings)
        #expect(try format.reporter().render(spooled, catalogue: .embedded) == Self.legacy(format, plain))
        if format == .json {
            var copied = 0
            try builder.list.forEachRendered(at: rendering.level) { if case .rendering = $0 { copied += 1 } }
            #expect(copied == 100)
        }
    }

    @Test func colouredTextIsTheSameToo() throws {
        let report = Self.report(FindingList(Self.scanLike(100)))
        #expect(
            try TextReporter(useColor: true).render(report, catalogue: .embedded)
                == LegacyTextReporter(useColor: true).render(report, catalogue: .embedded))
    }

    @Test(arguments: [OutputFormat.json, .sarif, .text, .junit, .nagios, .prometheus])
    func fiftyThousandFindingsRenderFromDiskThroughSmallBuffers(format: OutputFormat) throws {
        defer { cleanUp() }
        let count = 50_000
        let builder = FindingList.Builder(directory: directory.path)
        for finding in Self.scanLike(count) { builder.append(finding) }
        let findings = builder.list
        // What is held in memory is the spool's buffer, not the findings.
        #expect(findings.storedBytes.disk > 9_000_000)
        #expect(findings.storedBytes.memory <= 512 * 1024 + 4096)  // the spool keeps 512 KiB in memory
        let report = Self.report(findings)

        let path = directory.appendingPathComponent("report.\(format.fileExtension)").path
        try AtomicFileWriter.write(to: path) { output in
            try format.reporter().write(report, catalogue: .embedded, to: output)
        }
        try report.throwIfUnreadable()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == (try Self.legacy(format, report)))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.\(format.fileExtension)"])
        if format == .json {
            let json = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
            #expect((json["findings"] as? [Any])?.count == count)
        }
    }

    @Test func everyArrayOfADocumentIsStreamedInPlace() throws {
        // Nested, sibling and empty lists, against JSONEncoder's one-piece output.
        struct Document: Encodable {
            var a: FindingIdentityList
            var nested: [String: [String: FindingIdentityList]]
            var empty: FindingIdentityList
            var z: [FindingIdentityList]
        }
        let identities = (0..<5).map { FindingIdentity(ruleId: "CES-A\($0)", subject: "CN=\($0)/ü", endpoint: nil) }
        let list = FindingIdentityList(identities)
        let document = Document(
            a: list, nested: ["x": ["y": list, "w": []]], empty: [],
            z: [list, FindingIdentityList(identities.prefix(1))])
        let encoder = StreamingJSONEncoder()
        let output = OutputSink.memory()
        try encoder.write(document, to: output)
        try output.flush()
        #expect(output.data == (try encoder.plain.encode(document)))
        #expect(!String(decoding: output.data, as: UTF8.self).contains("@ces-audit-array-"))
    }

    @Test func aReportWhoseSpoolCannotBeReadIsNeverPublished() throws {
        defer { cleanUp() }
        let builder = FindingList.Builder(memoryLimit: 1024, directory: directory.path)
        for finding in Self.scanLike(200) { builder.append(finding) }
        let report = Self.report(builder.list)
        // The spool file replaced by an empty one: every read now comes back short.
        let descriptor = builder.spool.fileDescriptor
        #expect(descriptor >= 0)
        let empty = open("/dev/null", O_RDONLY)
        #expect(dup2(empty, descriptor) >= 0)
        close(empty)

        let path = directory.appendingPathComponent("out.json").path
        try AtomicFileWriter.write(Data("previous\n".utf8), to: path)
        #expect(throws: SpoolError.self) {
            try AtomicFileWriter.write(to: path) { output in
                try JSONReporter().write(report, catalogue: .embedded, to: output)
                try report.throwIfUnreadable()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.json"])
        #expect(throws: SpoolError.self) { try TextReporter().render(report, catalogue: .embedded) }
    }

    @Test func subjectsWhoseHashesCollideAreStillToldApart() throws {
        defer { cleanUp() }
        let findings = Self.scanLike(500)
        let list = onDisk(findings)
        let hashed = TextReporter.SubjectRuns(list)
        let colliding = TextReporter.SubjectRuns(list, hash: { _ in 0 })
        func shape(_ runs: TextReporter.SubjectRuns) -> [[Int]] {
            runs.runs.map { [Int($0.group), Int($0.count)] }
        }
        #expect(shape(hashed) == shape(colliding))
        #expect(hashed.runs.map(\.position) == colliding.runs.map(\.position))
        // The groups are the subjects, in order of first appearance.
        var order: [String] = []
        for finding in findings {
            let key = "\(finding.subject.kind) \(finding.subject.name)\u{0}\(finding.subject.dn ?? "")"
            if !order.contains(key) { order.append(key) }
        }
        #expect(Set(colliding.runs.map(\.group)).count == order.count)
        #expect(colliding.runs.map(\.count).reduce(0) { $0 + Int($1) } == findings.count)
        #expect(colliding.passes == findings.filter { $0.status == .pass }.count)
    }
}
