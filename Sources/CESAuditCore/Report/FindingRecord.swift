/// The spool encoding of a finding. The fields that decide how a finding is grouped, counted and ordered come
/// first, so a pass that needs only those (`FindingHead`) stops reading early.
///
/// Every stored property of `Finding`, `Subject`, `Finding.WaiverNote` and `FindingIdentity` must be written here:
/// `SpoolTests.everyFieldIsSpooled` counts them and fails when one is added.
extension Finding: SpoolRecord {
    /// The fields, then an empty rendering (`FindingRendering`).
    public func write(to writer: inout RecordWriter) {
        writeFields(to: &writer)
        writer.appendRendering([], level: 0)
    }

    func writeFields(to writer: inout RecordWriter) {
        writer.write(ruleId)
        writer.write(status.rawValue)
        writer.write(waiver) { writer, waiver in
            writer.write(waiver.reason)
            writer.write(waiver.expires)
            writer.write(waiver.expired)
        }
        writer.write(subject.kind.rawValue)
        writer.write(subject.name)
        writer.write(subject.dn)
        writer.write(subject.sid)
        writer.write(title)
        writer.write(endpoint)
        writer.write(message)
        writer.write(evidence.count)
        for (key, value) in evidence {
            writer.write(key)
            value.write(to: &writer)
        }
        writer.write(remediation)
        writer.write(errorCodes.count)
        for code in errorCodes { writer.write(code) }
        writer.write(severity?.rawValue)
        writer.write(endpointMode)
        writer.write(fixGroup)
    }

    public init(from reader: inout RecordReader) throws(SpoolError) {
        let head = try FindingHead(from: &reader)
        let title = try reader.readString()
        let endpoint = try reader.readOptionalString()
        let message = try reader.readString()
        let evidenceCount = try reader.readInt()
        var evidence: [String: EvidenceValue] = [:]
        evidence.reserveCapacity(min(evidenceCount, reader.remaining))
        for _ in 0..<evidenceCount {
            let key = try reader.readString()
            evidence[key] = try EvidenceValue(from: &reader)
        }
        let remediation = try reader.readOptionalString()
        let codeCount = try reader.readInt()
        var errorCodes: [String] = []
        errorCodes.reserveCapacity(min(codeCount, reader.remaining))
        for _ in 0..<codeCount { errorCodes.append(try reader.readString()) }
        self.init(
            ruleId: head.ruleId, status: head.status, title: title, subject: head.subject, endpoint: endpoint,
            message: message, evidence: evidence, remediation: remediation, errorCodes: errorCodes)
        waiver = head.waiver
        severity = try reader.readOptional { reader throws(SpoolError) in
            let raw = try reader.readString()
            guard let severity = Severity(rawValue: raw) else { throw SpoolError.damaged }
            return severity
        }
        endpointMode = try reader.readOptionalString()
        fixGroup = try reader.readOptionalString()
    }
}

/// The leading fields of a spooled finding: enough to group, count and order findings without decoding the rest
/// (titles, messages, evidence, remediation are most of a record).
public struct FindingHead: Sendable, Equatable {
    public var ruleId: String
    public var status: Status
    public var waiver: Finding.WaiverNote?
    public var subject: Subject

    /// As `Finding.isOpen`.
    public var isOpen: Bool {
        status != .pass && status != .skipped && status != .manual && (waiver == nil || waiver?.expired == true)
    }

    /// Accepted by a waiver that has not expired.
    public var isWaived: Bool { waiver.map { !$0.expired } ?? false }

    /// Reads the head of a record written by `Finding.write(to:)`; the rest of the record is left unread.
    public init(from reader: inout RecordReader) throws(SpoolError) {
        ruleId = try reader.readString()
        guard let status = Status(rawValue: try reader.readString()) else {
            throw SpoolError.damaged
        }
        self.status = status
        waiver = try reader.readOptional { reader throws(SpoolError) in
            Finding.WaiverNote(
                reason: try reader.readString(), expires: try reader.readString(), expired: try reader.readBool())
        }
        guard let kind = Subject.Kind(rawValue: try reader.readString()) else {
            throw SpoolError.damaged
        }
        subject = Subject(
            kind: kind, name: try reader.readString(), dn: try reader.readOptionalString(),
            sid: try reader.readOptionalString())
    }
}

extension SpooledList.Reader where Element == Finding {
    /// The head of the finding at the current position, moving past it.
    public mutating func nextHead() -> FindingHead? {
        next { reader throws(SpoolError) in try FindingHead(from: &reader) }
    }
}

/// A report format's rendering of a listed finding, made while a scan judges — on every core, while the directory
/// works — and spooled after the finding, so that writing the report copies it instead of encoding the finding
/// then, when the directory is done and the whole run waits for it.
public struct FindingRendering: Sendable {
    /// Where the bytes fit: the nesting level the format writes findings at. A writer uses a rendering only at the
    /// level it was made for.
    public let level: UInt8
    public let render: @Sendable (Finding) -> [UInt8]

    public init(level: UInt8, render: @escaping @Sendable (Finding) -> [UInt8]) {
        self.level = level
        self.render = render
    }
}

extension RecordWriter {
    /// After a finding's fields: the rendering's bytes, its level (1 byte) and its length (4 bytes, little endian),
    /// read from the end of the record (`RecordReader.rendering(at:)`). An empty rendering is five bytes.
    mutating func appendRendering(_ rendering: [UInt8], level: UInt8) {
        bytes.append(contentsOf: rendering)
        bytes.append(level)
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: rendering.count).littleEndian) { bytes.append(contentsOf: $0) }
    }
}

extension SpooledList.Builder where Element == Finding {
    /// Appends `finding` with its rendering (`FindingRendering`).
    public func append(_ finding: Finding, rendering: [UInt8], level: UInt8) {
        spool.append { writer in
            finding.writeFields(to: &writer)
            writer.appendRendering(rendering, level: level)
        }
    }
}

extension SpooledList where Element == Finding {
    /// A finding, or the rendering spooled with it.
    public enum Rendered {
        case finding(Finding)
        case rendering([UInt8])
    }

    /// Every finding in order, as the rendering spooled with it when that was made at `level`, else decoded.
    public func forEachRendered(at level: UInt8, _ body: (Rendered) throws -> Void) throws {
        var reader = reader()
        while let element = reader.next({ record throws(SpoolError) -> Rendered in
            if let rendering = record.rendering(at: level) { return .rendering(rendering) }
            return .finding(try Finding(from: &record))
        }) {
            try body(element)
        }
        try throwIfUnreadable()
    }

    /// Every finding's head with its position: the cheap first pass of a reporter that groups or counts.
    public func heads() -> Decoded<FindingHead> {
        decoded { reader throws(SpoolError) in try FindingHead(from: &reader) }
    }

    /// The findings split into lists by `partition` (0, 1, 2, … — a new number opens the next list), each in report
    /// order: records are copied as they are, to new spools, so memory stays flat however many there are.
    public func partitioned(by partition: (FindingHead) -> Int) -> [FindingList] {
        var builders: [Builder] = []
        forEachPayload { _, payload throws(SpoolError) in
            var reader = RecordReader(payload)
            let index = partition(try FindingHead(from: &reader))
            while builders.count <= index { builders.append(Builder()) }
            builders[index].append(payload: payload)
        }
        return builders.map(\.list)
    }
}

extension EvidenceValue {
    func write(to writer: inout RecordWriter) {
        switch self {
        case .string(let value):
            writer.write(tag: 0)
            writer.write(value)
        case .integer(let value):
            writer.write(tag: 1)
            writer.write(value)
        case .bool(let value):
            writer.write(tag: 2)
            writer.write(value)
        case .list(let values):
            writer.write(tag: 3)
            writer.write(values.count)
            for value in values { value.write(to: &writer) }
        }
    }

    init(from reader: inout RecordReader) throws(SpoolError) {
        switch try reader.readTag() {
        case 0: self = .string(try reader.readString())
        case 1: self = .integer(try reader.readInt64())
        case 2: self = .bool(try reader.readBool())
        case 3:
            let count = try reader.readInt()
            var values: [EvidenceValue] = []
            values.reserveCapacity(min(count, reader.remaining))
            for _ in 0..<count { values.append(try EvidenceValue(from: &reader)) }
            self = .list(values)
        default:
            throw SpoolError.damaged
        }
    }
}

extension FindingIdentity: SpoolRecord {
    public func write(to writer: inout RecordWriter) {
        writer.write(ruleId)
        writer.write(subject)
        writer.write(endpoint)
        writer.write(endpointMode)
        writer.write(template)
        writer.write(ca)
    }

    public init(from reader: inout RecordReader) throws(SpoolError) {
        self.init(
            ruleId: try reader.readString(), subject: try reader.readString(), endpoint: try reader.readOptionalString(),
            endpointMode: try reader.readOptionalString(), template: try reader.readOptionalString(),
            ca: try reader.readOptionalString())
    }
}
