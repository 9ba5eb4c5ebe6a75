import Foundation
import Testing

@testable import CESAuditCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The spool behind `FindingList`: every field round-trips, a list can be read again and again, and the temporary
/// file is gone from its directory as soon as it exists.
@Suite struct SpoolTests {
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    private func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory.path) }

    /// A finding with every field set, text that is hard to carry (non-ASCII, control characters, NUL, a long
    /// multi-line remediation) and nested evidence.
    static func awkward(_ number: Int) -> Finding {
        var finding = Finding(
            ruleId: "CES-F\(number % 9)", status: Status.allCases[number % Status.allCases.count],
            title: "Ünïcødé title \u{1F512} #\(number)",
            subject: Subject(
                kind: .user, name: "jürgen\u{0}\u{1B}[2J\(number)", dn: #"CN=Müller\, Jürgen,OU=Bulk,DC=corp"#,
                sid: "S-1-5-21-1-2-3-\(number)"),
            endpoint: "https://ces01.corp.example/CORP CA_CES_Kerberos/service.svc/CES",
            message: "line one\nline two\r\ttab \u{7}bell \u{2028} separator",
            evidence: [
                "userAccountControl": .integer(Int64(number) << 33 | 0x0200), "negative": .integer(-42),
                "mail": .string(""), "flag": .bool(number % 2 == 0),
                "nested": .list([.string("ä"), .list([.integer(Int64.min), .bool(false)]), .list([])]),
            ],
            // Every fifth is longer than a read window (64 KiB).
            remediation: String(
                repeating: "Set-ADUser -Identity 'x' -Replace @{a='ü'}\n", count: number % 5 == 0 ? 2_000 : 3),
            errorCodes: ["0x803D0013", "0x80094812"])
        finding.severity = number % 2 == 0 ? .info : nil
        finding.endpointMode = number % 4 == 0 ? nil : "certificate, renewal-only \u{1B}"
        finding.fixGroup = number % 2 == 0 ? nil : "CES-F\(number % 9)/fail/template/Üser/x"
        finding.waiver =
            number % 3 == 0
            ? Finding.WaiverNote(reason: "accepted — Tier 0", expires: "2027-01-31", expired: true) : nil
        return finding
    }

    @Test func everyFieldIsSpooled() {
        // FindingRecord.swift writes these fields one by one: a new stored property must be added there too, or it
        // would silently vanish from every report of a scan.
        #expect(Mirror(reflecting: Self.awkward(0)).children.count == 13)
        #expect(Mirror(reflecting: Self.awkward(0).subject).children.count == 4)
        #expect(Mirror(reflecting: Finding.WaiverNote(reason: "", expires: "", expired: false)).children.count == 3)
        #expect(Mirror(reflecting: FindingIdentity(ruleId: "", subject: "", endpoint: nil)).children.count == 6)
    }

    @Test(arguments: [1, 1 << 20])
    func everyFieldRoundTripsInMemoryAndOnDisk(memoryLimit: Int) throws {
        defer { cleanUp() }
        let findings =
            (0..<40).map(Self.awkward) + [
                Finding(ruleId: "", status: .pass, title: "", subject: .init(kind: .ca, name: ""), message: "")
            ]
        let builder = FindingList.Builder(memoryLimit: memoryLimit, directory: directory.path)
        for finding in findings { builder.append(finding) }
        let list = builder.list
        #expect(list.count == findings.count)
        #expect(Array(list) == findings)
        #expect((list.storedBytes.disk > 0) == (memoryLimit == 1))
        try list.throwIfUnreadable()
    }

    @Test func aListCanBeReadTwiceAndByTwoIteratorsAtOnce() throws {
        defer { cleanUp() }
        let builder = FindingList.Builder(memoryLimit: 4096, directory: directory.path)
        let findings = (0..<300).map { number in
            Finding(
                ruleId: "CES-A\(number)", status: .fail, title: "t", subject: .init(kind: .user, name: "u\(number)"),
                message: String(repeating: "m", count: number))
        }
        for finding in findings { builder.append(finding) }
        let list = builder.list
        #expect(Array(list) == findings)
        #expect(Array(list) == findings)
        var first = list.makeIterator()
        var second = list.makeIterator()
        _ = second.next()
        var pairs = 0
        while let a = first.next() {
            let b = second.next()
            #expect(b == findings.dropFirst(pairs + 1).first)
            #expect(a == findings[pairs])
            pairs += 1
        }
        #expect(pairs == findings.count)
        // Appending more does not change a list made before.
        builder.append(findings[0])
        #expect(list.count == 300)
        #expect(Array(list).count == 300)
        #expect(builder.list.count == 301)
    }

    @Test func theTemporaryFileIsUnlinkedAsSoonAsItExists() throws {
        defer { cleanUp() }
        let builder = FindingList.Builder(memoryLimit: 1024, directory: directory.path)
        #expect(builder.spool.fileDescriptor == -1)
        for number in 0..<20 { builder.append(Self.awkward(number)) }
        let descriptor = builder.spool.fileDescriptor
        #expect(descriptor >= 0)
        #expect(try entries().isEmpty, "the spool file must not be visible in \(directory.path)")
        var status = stat()
        #expect(fstat(descriptor, &status) == 0)
        #expect(status.st_nlink == 0)
        #expect(Int(status.st_size) == builder.list.storedBytes.disk)
        #expect(Array(builder.list) == (0..<20).map(Self.awkward))
    }

    @Test func smallListsStayInMemory() {
        let list = FindingList((0..<5).map(Self.awkward))
        #expect(list.storedBytes.disk == 0)
        #expect(list.storedBytes.memory > 0)
        #expect(list.spool.fileDescriptor == -1)
    }

    @Test func withoutAUsableDirectoryTheSpoolKeepsEverythingInMemory() throws {
        let missing = directory.appendingPathComponent("missing").path
        defer { cleanUp() }
        let builder = FindingList.Builder(memoryLimit: 512, directory: missing)
        for number in 0..<10 { builder.append(Self.awkward(number)) }
        let list = builder.list
        #expect(list.storageProblem?.hasPrefix("cannot create a temporary file in \(missing)") == true)
        #expect(list.storedBytes.disk == 0)
        #expect(Array(list) == (0..<10).map(Self.awkward))
        try list.throwIfUnreadable()
    }

    @Test func aSpoolThatCannotBeReadBackSaysSoInsteadOfEndingEarly() throws {
        defer { cleanUp() }
        let builder = FindingList.Builder(memoryLimit: 1024, directory: directory.path)
        for number in 0..<20 { builder.append(Self.awkward(number)) }
        let list = builder.list
        #expect(list.storedBytes.disk > 0)
        // Replace the spool file with an empty one behind the spool's back: reads now find nothing.
        let empty = open("/dev/null", O_RDONLY)
        #expect(empty >= 0)
        #expect(dup2(empty, builder.spool.fileDescriptor) >= 0)
        close(empty)
        #expect(Array(list).count < 20)
        #expect(throws: SpoolError.self) { try list.throwIfUnreadable() }
    }

    @Test func positionsReadersAndPartitions() throws {
        defer { cleanUp() }
        let findings = (0..<200).map(Self.awkward)
        let builder = FindingList.Builder(memoryLimit: 8192, directory: directory.path)
        for finding in findings { builder.append(finding) }
        let list = builder.list

        let heads = Array(list.heads())
        #expect(heads.count == 200)
        #expect(heads.map(\.element.ruleId) == findings.map(\.ruleId))
        #expect(heads.map(\.element.subject) == findings.map(\.subject))
        #expect(heads.map(\.element.isOpen) == findings.map(\.isOpen))
        #expect(heads.map(\.element.waiver) == findings.map(\.waiver))

        // Jump around with one reader, and read runs from positions.
        var reader = list.reader()
        for index in [150, 3, 199, 0, 151] {
            reader.seek(to: heads[index].position)
            #expect(reader.next() == findings[index])
        }
        #expect(list.element(at: heads[42].position) == findings[42])
        #expect(Array(list.elements(from: heads[10].position, count: 5).map(\.element)) == Array(findings[10..<15]))
        #expect(Array(list.elements(from: heads[198].position, count: 5).map(\.element)) == Array(findings[198...]))

        // Partitions keep report order within each part and lose nothing.
        var partOf: [String: Int] = [:]
        let parts = list.partitioned { head in
            if let part = partOf[head.ruleId] { return part }
            partOf[head.ruleId] = partOf.count
            return partOf.count - 1
        }
        #expect(parts.count == Set(findings.map(\.ruleId)).count)
        for (rule, part) in partOf {
            #expect(Array(parts[part]) == findings.filter { $0.ruleId == rule })
        }
        try list.throwIfUnreadable()
    }

    @Test func listsAreCodableAsJSONArraysAndEquatableByElements() throws {
        let findings = (0..<7).map(Self.awkward)
        let list = FindingList(findings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(list) == encoder.encode(findings))
        let decoded = try JSONDecoder().decode(FindingList.self, from: encoder.encode(findings))
        #expect(decoded == list)
        #expect(decoded != FindingList(findings.dropLast()))
        #expect(FindingIdentityList() == [])
        let identities: FindingIdentityList = [
            FindingIdentity(ruleId: "CES-A1", subject: "CN=ü", endpoint: nil),
            FindingIdentity(ruleId: "CES-F1", subject: "CN=ü", endpoint: nil, template: "User", ca: "corp-CA01"),
        ]
        #expect(identities.map(\.subject) == ["CN=ü", "CN=ü"])
        #expect(Array(identities).last?.template == "User" && Array(identities).last?.ca == "corp-CA01")
        #expect(identities.count == 2 && !identities.isEmpty)
    }

    @Test func aScanSizedTallyListsFromDiskWithASmallBuffer() throws {
        defer { cleanUp() }
        var tally = FindingTally(
            listsEverything: false, spool: FindingList.Builder(memoryLimit: 64 * 1024, directory: directory.path))
        var listed = 0
        for account in 0..<5_000 {
            let subject = Subject(kind: .user, name: "bulk\(account)", dn: "CN=bulk\(account),OU=Bulk,DC=corp")
            tally.add(
                (0..<10).map { rule in
                    Finding(
                        ruleId: "CES-A\(rule)", status: rule < 6 ? .fail : .pass, title: "title \(rule)",
                        subject: subject, endpoint: "https://ces01/CES", message: "account \(account) rule \(rule)",
                        remediation: String(repeating: "fix ", count: 20))
                })
            listed += 6
        }
        let report = tally.report(command: "scan", target: nil, startedAt: Date(), version: "t")
        #expect(report.findings.count == listed)
        #expect(report.summary.fail == listed && report.summary.pass == 20_000)
        #expect(report.subjectsScanned == 5_000)
        // Megabytes on disk, at most the buffer in memory.
        #expect(report.findings.storedBytes.disk > 4_000_000)
        #expect(report.findings.storedBytes.memory <= 64 * 1024 + 4096)
        var count = 0
        var misplaced = 0
        for finding in report.findings {
            if finding.message != "account \(count / 6) rule \(count % 6)" { misplaced += 1 }
            count += 1
        }
        #expect(count == listed)
        #expect(misplaced == 0)
        try report.throwIfUnreadable()
    }
}
