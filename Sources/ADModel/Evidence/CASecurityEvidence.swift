/// The CA `Security` value from a host's evidence folder, in whichever form it was collected
/// (`ca-security.bin`, `ca-security.sddl`, `ca-security.txt`; docs/contract.md).
public enum CASecurityEvidence: Sendable, Hashable {
    /// A security descriptor from raw bytes, a hex dump / `.reg` export, or SDDL: SIDs are exact.
    case descriptor(SecurityDescriptor)
    /// certutil text: principal names instead of SIDs, best effort.
    case certutil(CertutilSecurityReport)

    /// Detects the form and parses it. `context` resolves domain-relative SDDL aliases.
    public static func parse(_ bytes: [UInt8], context: SDDLContext = SDDLContext()) throws(CASecurityEvidenceError)
        -> CASecurityEvidence
    {
        if bytes.count >= 2, bytes[0] == 1, bytes[1] == 0 {
            do { return .descriptor(try SecurityDescriptor(selfRelative: bytes)) } catch { throw .binary(error) }
        }
        guard let text = TextDecoding.decode(bytes) else { throw .undecodableText }
        let trimmed = text.trimmingASCIISpaces()
        if let first = trimmed.unicodeScalars.first, "OGDS".unicodeScalars.contains(first),
            trimmed.unicodeScalars.dropFirst().first == ":"
        {
            do { return .descriptor(try SecurityDescriptor(sddl: trimmed, context: context)) } catch {
                throw .sddl(error)
            }
        }
        // `reg query … /v Security` prints `Security    REG_BINARY    0100…` on one line.
        for line in trimmed.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let marker = line.firstRange(of: "REG_BINARY") else { continue }
            let value = line[marker.upperBound...].trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            guard !value.isEmpty, !value.hasPrefix("="), let hex = HexDump.decode(String(value)) else { continue }
            do { return .descriptor(try SecurityDescriptor(selfRelative: hex)) } catch { throw .binary(error) }
        }
        if trimmed.contains("REG_BINARY") || trimmed.hasPrefix("CertUtil:") || trimmed.hasPrefix("HKEY_") {
            do { return .certutil(try CertutilSecurityParser.parse(text)) } catch { throw .certutil(error) }
        }
        if let hex = HexDump.decode(trimmed) {
            do { return .descriptor(try SecurityDescriptor(selfRelative: hex)) } catch { throw .binary(error) }
        }
        throw .unrecognisedFormat
    }
}

/// Why CA `Security` evidence could not be read.
public enum CASecurityEvidenceError: Error, Sendable, Hashable, CustomStringConvertible {
    case binary(BinaryFormatError)
    case sddl(SDDLError)
    case certutil(CertutilParseError)
    case undecodableText
    case unrecognisedFormat

    public var description: String {
        switch self {
        case .binary(let error): "CA Security descriptor: \(error)"
        case .sddl(let error): "CA Security SDDL: \(error)"
        case .certutil(let error): "CA Security certutil text: \(error)"
        case .undecodableText: "CA Security evidence is neither a binary descriptor nor UTF-8/UTF-16 text"
        case .unrecognisedFormat:
            "CA Security evidence is not a self-relative descriptor, hex dump, .reg export, SDDL or certutil text"
        }
    }
}

/// Hex dumps of binary values: `01 00 04 80 …`, `0100048014…`, `.reg` `hex:01,00,…\` continuations,
/// or PowerShell byte lists (`1`, `0`, `4`, … one decimal per line are not accepted: ambiguous).
enum HexDump {
    static func decode(_ text: String) -> [UInt8]? {
        var body = Substring(text)
        // .reg export: take what follows the last `=hex:` or `hex:` marker.
        if let marker = body.ranges(of: "hex:").last { body = body[marker.upperBound...] }
        var digits: [UInt8] = []
        for scalar in body.unicodeScalars {
            switch scalar {
            case "0"..."9", "a"..."f", "A"..."F": digits.append(UInt8(ascii: scalar))
            case " ", "\t", "\r", "\n", ",", "\\", "-": continue
            default: return nil
            }
        }
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Text decoding for evidence files: UTF-16LE/BE with BOM, UTF-8 with or without BOM.
public enum TextDecoding {
    /// Decodes `bytes`, or nil when they are not valid text in one of the accepted encodings.
    public static func decode(_ bytes: [UInt8]) -> String? {
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return utf16(bytes.dropFirst(2), littleEndian: true) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return utf16(bytes.dropFirst(2), littleEndian: false)
        }
        var body = bytes[...]
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { body = bytes.dropFirst(3) }
        var decoded = ""
        var iterator = body.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): decoded.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        return decoded
    }

    static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let first = UInt16(bytes[index])
            let second = UInt16(bytes[index + 1])
            units.append(littleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        var decoded = ""
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): decoded.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        return decoded
    }
}
