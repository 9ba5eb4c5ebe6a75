/// Security Descriptor Definition Language (MS-DTYP 2.5.1): parse and format.
///
/// Supports owner, group, DACL and SACL with allow/deny/audit/alarm/object/mandatory-label ACEs,
/// ACE flags, rights as aliases (`CCDC…`, `GA`, `FA`, `KA`) or numbers (`0x200`), object GUIDs and
/// SID aliases. Conditional (callback) ACEs and resource attributes are rejected with an error.
public struct SDDLContext: Sendable, Hashable {
    /// Domain SID for domain-relative aliases (`DA`, `DU`, `DC`, `AP`, …).
    public var domain: SID?
    /// Forest root domain SID for `EA`, `SA`, `EK`, `RO` (defaults to ``domain``).
    public var forestRoot: SID?

    /// Creates a context; without a domain SID, domain-relative aliases are errors.
    public init(domain: SID? = nil, forestRoot: SID? = nil) {
        self.domain = domain
        self.forestRoot = forestRoot
    }
}

/// Why an SDDL string could not be parsed or a descriptor could not be written as SDDL.
public enum SDDLError: Error, Sendable, Hashable, CustomStringConvertible {
    case unexpected(position: Int, expected: String)
    case duplicateComponent(position: Int, component: String)
    case unknownACEType(position: Int, token: String)
    case unknownACEFlag(position: Int, token: String)
    case unknownRight(position: Int, token: String)
    case invalidSID(position: Int, reason: String)
    case invalidGUID(position: Int, text: String)
    case unsupported(position: Int, feature: String)
    /// The descriptor holds something SDDL cannot express (opaque ACE, application data).
    case notRepresentable(String)

    public var description: String {
        switch self {
        case .unexpected(let position, let expected): "SDDL position \(position): expected \(expected)"
        case .duplicateComponent(let position, let component):
            "SDDL position \(position): component \(component) appears twice"
        case .unknownACEType(let position, let token): "SDDL position \(position): unknown ACE type '\(token)'"
        case .unknownACEFlag(let position, let token): "SDDL position \(position): unknown ACE flag '\(token)'"
        case .unknownRight(let position, let token): "SDDL position \(position): unknown right '\(token)'"
        case .invalidSID(let position, let reason): "SDDL position \(position): invalid SID: \(reason)"
        case .invalidGUID(let position, let text): "SDDL position \(position): invalid GUID '\(text)'"
        case .unsupported(let position, let feature): "SDDL position \(position): \(feature) is not supported"
        case .notRepresentable(let reason): "cannot be written as SDDL: \(reason)"
        }
    }
}

enum SDDLTables {
    static let aceTypes: [(String, ACEType)] = [
        ("A", .accessAllowed), ("D", .accessDenied), ("AU", .systemAudit), ("AL", .systemAlarm),
        ("OA", .accessAllowedObject), ("OD", .accessDeniedObject), ("OU", .systemAuditObject),
        ("OL", .systemAlarmObject), ("ML", .systemMandatoryLabel),
    ]
    static let aceFlags: [(String, ACEFlags)] = [
        ("CI", .containerInherit), ("OI", .objectInherit), ("NP", .noPropagateInherit), ("IO", .inheritOnly),
        ("ID", .inherited), ("CR", .critical), ("SA", .successfulAccess), ("FA", .failedAccess),
    ]
    /// Single-bit rights in the order they are written.
    static let rights: [(String, UInt32)] = [
        ("CC", 0x1), ("DC", 0x2), ("LC", 0x4), ("SW", 0x8), ("RP", 0x10), ("WP", 0x20), ("DT", 0x40), ("LO", 0x80),
        ("CR", 0x100), ("SD", 0x1_0000), ("RC", 0x2_0000), ("WD", 0x4_0000), ("WO", 0x8_0000),
        ("GA", 0x1000_0000), ("GX", 0x2000_0000), ("GW", 0x4000_0000), ("GR", 0x8000_0000),
    ]
    /// Composite rights accepted on input only.
    static let compositeRights: [String: UInt32] = [
        "FA": 0x1F_01FF, "FR": 0x12_0089, "FW": 0x12_0116, "FX": 0x12_00A0,
        "KA": 0xF_003F, "KR": 0x2_0019, "KW": 0x2_0006, "KX": 0x2_0019,
        "NR": 0x2, "NW": 0x1, "NX": 0x4,
    ]
    static let letterBits: UInt32 = rights.reduce(0) { $0 | $1.1 }
}

extension SecurityDescriptor {
    /// Parses an SDDL string.
    public init(sddl: String, context: SDDLContext = SDDLContext()) throws(SDDLError) {
        var parser = SDDLParser(text: sddl, context: context)
        self = try parser.parseDescriptor()
    }

    /// Writes the descriptor as SDDL (aliases for well-known SIDs, letters or hex for rights).
    public func sddl(context: SDDLContext = SDDLContext()) throws(SDDLError) -> String {
        var out = ""
        if let owner { out += "O:" + SDDLFormatter.sid(owner, context) }
        if let group { out += "G:" + SDDLFormatter.sid(group, context) }
        if dacl != nil || control.contains(.daclPresent) {
            out += "D:" + SDDLFormatter.aclFlags(control, dacl: true)
            if let dacl { out += try SDDLFormatter.aces(dacl, context) } else { out += "NO_ACCESS_CONTROL" }
        }
        if sacl != nil || control.contains(.saclPresent) {
            out += "S:" + SDDLFormatter.aclFlags(control, dacl: false)
            if let sacl { out += try SDDLFormatter.aces(sacl, context) } else { out += "NO_ACCESS_CONTROL" }
        }
        return out
    }
}

enum SDDLFormatter {
    static func sid(_ sid: SID, _ context: SDDLContext) -> String {
        SDDLAlias.alias(for: sid, domain: context.domain, forestRoot: context.forestRoot) ?? sid.description
    }

    static func aclFlags(_ control: SecurityDescriptorControl, dacl: Bool) -> String {
        var out = ""
        if control.contains(dacl ? .daclProtected : .saclProtected) { out += "P" }
        if control.contains(dacl ? .daclComputedInheritanceRequired : .saclComputedInheritanceRequired) { out += "AR" }
        if control.contains(dacl ? .daclAutoInherited : .saclAutoInherited) { out += "AI" }
        return out
    }

    static func aces(_ acl: ACL, _ context: SDDLContext) throws(SDDLError) -> String {
        var out = ""
        for (index, ace) in acl.aces.enumerated() {
            guard ace.opaqueBody == nil, ace.trailingBytes.isEmpty,
                let type = SDDLTables.aceTypes.first(where: { $0.1 == ace.type })?.0
            else { throw .notRepresentable("ACE \(index) (\(ace.type)) has no SDDL form") }
            guard ace.type.isObjectACE || (ace.objectType == nil && ace.inheritedObjectType == nil) else {
                throw .notRepresentable("ACE \(index) is not an object ACE but carries GUIDs")
            }
            let flags = SDDLTables.aceFlags.filter { ace.flags.contains($0.1) }.map(\.0).joined()
            guard flags.count / 2 == ace.flags.rawValue.nonzeroBitCount else {
                throw .notRepresentable(
                    "ACE \(index) has ACE flags without SDDL names (0x\(String(ace.flags.rawValue, radix: 16)))")
            }
            out += "(\(type);\(flags);\(rights(ace.mask));\(ace.objectType?.description ?? "");"
            out += "\(ace.inheritedObjectType?.description ?? "");\(sid(ace.sid, context)))"
        }
        return out
    }

    static func rights(_ mask: AccessMask) -> String {
        let raw = mask.rawValue
        guard raw != 0 else { return "" }
        guard raw & ~SDDLTables.letterBits == 0 else { return "0x" + String(raw, radix: 16) }
        return SDDLTables.rights.filter { raw & $0.1 != 0 }.map(\.0).joined()
    }
}

struct SDDLParser {
    let chars: [UInt8]
    let context: SDDLContext
    var position = 0

    init(text: String, context: SDDLContext) {
        self.chars = Array(text.utf8)
        self.context = context
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = position + offset
        return index >= 0 && index < chars.count ? chars[index] : nil
    }

    private func isComponentStart() -> Bool {
        guard let letter = peek(), peek(1) == UInt8(ascii: ":") else { return false }
        return [UInt8(ascii: "O"), UInt8(ascii: "G"), UInt8(ascii: "D"), UInt8(ascii: "S")].contains(letter)
    }

    private mutating func skipSpaces() {
        while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SDDLError) {
        guard peek() == byte else { throw .unexpected(position: position, expected: what) }
        position += 1
    }

    private mutating func consume(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard position + bytes.count <= chars.count, Array(chars[position..<(position + bytes.count)]) == bytes else {
            return false
        }
        position += bytes.count
        return true
    }

    mutating func parseDescriptor() throws(SDDLError) -> SecurityDescriptor {
        var descriptor = SecurityDescriptor(dacl: nil)
        var seen: Set<UInt8> = []
        skipSpaces()
        while position < chars.count {
            guard isComponentStart(), let letter = peek() else {
                throw .unexpected(position: position, expected: "O:, G:, D: or S:")
            }
            guard seen.insert(letter).inserted else {
                throw .duplicateComponent(position: position, component: String(UnicodeScalar(letter)))
            }
            position += 2
            switch letter {
            case UInt8(ascii: "O"): descriptor.owner = try parseOwnerSID()
            case UInt8(ascii: "G"): descriptor.group = try parseOwnerSID()
            case UInt8(ascii: "D"):
                descriptor.control.insert(.daclPresent)
                descriptor.dacl = try parseACL(isDACL: true, control: &descriptor.control)
            default:
                descriptor.control.insert(.saclPresent)
                descriptor.sacl = try parseACL(isDACL: false, control: &descriptor.control)
            }
            skipSpaces()
        }
        return descriptor
    }

    /// Owner/group: `S-1-…` or a two-letter alias.
    private mutating func parseOwnerSID() throws(SDDLError) -> SID {
        let start = position
        if peek() == UInt8(ascii: "S") && peek(1) == UInt8(ascii: "-") {
            // Digits and dashes only, plus a `-0x…` hex authority: a following `D:` must not be eaten as hex.
            position += 2
            while let c = peek() {
                if isDecimalDigit(c) || c == UInt8(ascii: "-") {
                    position += 1
                } else if c == UInt8(ascii: "x") || c == UInt8(ascii: "X"), peek(-1) == UInt8(ascii: "0"),
                    peek(-2) == UInt8(ascii: "-")
                {
                    // Windows writes hex authorities as exactly 12 digits; stopping there keeps `…D:` unambiguous.
                    position += 1
                    var digits = 0
                    while digits < 12, let h = peek(), HexDump.hexValue(h) != nil {
                        position += 1
                        digits += 1
                    }
                } else {
                    break
                }
            }
        } else {
            position = min(chars.count, position + 2)
        }
        return try sid(from: start, to: position)
    }

    private func isDecimalDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private func text(_ start: Int, _ end: Int) -> String {
        guard start >= 0, start <= end, end <= chars.count else { return "" }
        return String(decoding: chars[start..<end], as: UTF8.self)
    }

    private func sid(from start: Int, to end: Int) throws(SDDLError) -> SID {
        try sid(token: text(start, end), at: start)
    }

    private func sid(token: String, at start: Int) throws(SDDLError) -> SID {
        guard !token.isEmpty else { throw .invalidSID(position: start, reason: "empty") }
        do {
            if token.count == 2 && !token.hasPrefix("S-") {
                return try SDDLAlias.resolve(token, domain: context.domain, forestRoot: context.forestRoot)
            }
            return try SID(string: token)
        } catch {
            throw .invalidSID(position: start, reason: error.description)
        }
    }

    private mutating func parseACL(isDACL: Bool, control: inout SecurityDescriptorControl) throws(SDDLError) -> ACL? {
        var isNull = false
        while let c = peek(), c != UInt8(ascii: "("), !isComponentStart() {
            if consume("NO_ACCESS_CONTROL") {
                isNull = true
            } else if consume("P") {
                control.insert(isDACL ? .daclProtected : .saclProtected)
            } else if consume("AI") {
                control.insert(isDACL ? .daclAutoInherited : .saclAutoInherited)
            } else if consume("AR") {
                control.insert(isDACL ? .daclComputedInheritanceRequired : .saclComputedInheritanceRequired)
            } else if c == 0x20 {
                position += 1
            } else {
                throw .unexpected(position: position, expected: "ACL flag (P, AI, AR, NO_ACCESS_CONTROL) or '('")
            }
        }
        var aces: [ACE] = []
        while peek() == UInt8(ascii: "(") {
            position += 1
            aces.append(try parseACE())
            skipSpaces()
        }
        if isNull {
            guard aces.isEmpty else {
                throw .unexpected(position: position, expected: "no ACEs after NO_ACCESS_CONTROL")
            }
            return nil
        }
        return ACL(aces: aces)
    }

    /// Reads up to the next `;` (consumed) or `)` (not consumed).
    private mutating func field(last: Bool) throws(SDDLError) -> (String, Int) {
        let start = position
        while let c = peek(), c != UInt8(ascii: ";"), c != UInt8(ascii: ")"), c != UInt8(ascii: "(") { position += 1 }
        let value = text(start, position)
        if last {
            if peek() == UInt8(ascii: ";") {
                throw .unsupported(position: position, feature: "conditional expression or resource attribute")
            }
            try expect(UInt8(ascii: ")"), "')' closing the ACE")
        } else {
            try expect(UInt8(ascii: ";"), "';' between ACE fields")
        }
        return (value.trimmingASCIISpaces(), start)
    }

    private mutating func parseACE() throws(SDDLError) -> ACE {
        let (typeText, typePosition) = try field(last: false)
        guard let type = SDDLTables.aceTypes.first(where: { $0.0 == typeText.uppercased() })?.1 else {
            if ["XA", "XD", "XU", "ZA", "RA", "SP", "SC", "TL"].contains(typeText.uppercased()) {
                throw .unsupported(position: typePosition, feature: "ACE type '\(typeText)'")
            }
            throw .unknownACEType(position: typePosition, token: typeText)
        }
        let (flagsText, flagsPosition) = try field(last: false)
        let flags = try parseFlags(flagsText, at: flagsPosition)
        let (rightsText, rightsPosition) = try field(last: false)
        let mask = try parseRights(rightsText, at: rightsPosition)
        let (objectText, objectPosition) = try field(last: false)
        let (inheritedText, inheritedPosition) = try field(last: false)
        let (sidText, sidPosition) = try field(last: true)
        let objectType = try guid(objectText, at: objectPosition)
        let inheritedObjectType = try guid(inheritedText, at: inheritedPosition)
        guard type.isObjectACE || (objectType == nil && inheritedObjectType == nil) else {
            throw .unexpected(position: objectPosition, expected: "empty object GUID fields for a non-object ACE")
        }
        let sid = try sid(token: sidText, at: sidPosition)
        return ACE(
            type: type, flags: flags, mask: mask, sid: sid, objectType: objectType,
            inheritedObjectType: inheritedObjectType)
    }

    private func guid(_ text: String, at position: Int) throws(SDDLError) -> GUID? {
        guard !text.isEmpty else { return nil }
        do { return try GUID(string: text) } catch { throw .invalidGUID(position: position, text: text) }
    }

    private func parseFlags(_ text: String, at position: Int) throws(SDDLError) -> ACEFlags {
        var flags: ACEFlags = []
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { throw .unknownACEFlag(position: position, token: text) }
        for index in stride(from: 0, to: bytes.count, by: 2) {
            let token = String(decoding: bytes[index..<(index + 2)], as: UTF8.self).uppercased()
            guard let flag = SDDLTables.aceFlags.first(where: { $0.0 == token })?.1 else {
                throw .unknownACEFlag(position: position + index, token: token)
            }
            flags.insert(flag)
        }
        return flags
    }

    private func parseRights(_ text: String, at position: Int) throws(SDDLError) -> AccessMask {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            guard let value = UInt32(text.dropFirst(2), radix: 16) else {
                throw .unknownRight(position: position, token: text)
            }
            return AccessMask(rawValue: value)
        }
        if let first = text.first, first.isASCIIDigit {
            // As Windows reads it (wcstoul, base 0): a leading 0 makes the number octal.
            let octal = first == "0" && text.count > 1
            guard let value = octal ? UInt32(text.dropFirst(), radix: 8) : UInt32(text) else {
                throw .unknownRight(position: position, token: text)
            }
            return AccessMask(rawValue: value)
        }
        var mask: UInt32 = 0
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { throw .unknownRight(position: position, token: text) }
        for index in stride(from: 0, to: bytes.count, by: 2) {
            let token = String(decoding: bytes[index..<(index + 2)], as: UTF8.self).uppercased()
            if let bit = SDDLTables.rights.first(where: { $0.0 == token })?.1 {
                mask |= bit
            } else if let bits = SDDLTables.compositeRights[token] {
                mask |= bits
            } else {
                throw .unknownRight(position: position + index, token: token)
            }
        }
        return AccessMask(rawValue: mask)
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
