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
        if trimmed.hasPrefix("Windows Registry Editor") || trimmed.hasPrefix("REGEDIT4") || trimmed.hasPrefix("[") {
            let view: RegistryView
            do { view = try RegistryExportParser.parse(text) } catch { throw .registry(error) }
            return try descriptor(
                securityValues(
                    view.keys.values.sorted { $0.path < $1.path }.flatMap { key in
                        key.values.values.sorted { $0.name < $1.name }
                    }))
        }
        // `reg query … [/v Security]` prints `Security    REG_BINARY    0100…`, among other values of the key.
        if let values = try regQueryValues(text) { return try descriptor(securityValues(values)) }
        if trimmed.contains("REG_BINARY") || trimmed.hasPrefix("CertUtil:") || trimmed.hasPrefix("HKEY_") {
            do { return .certutil(try CertutilSecurityParser.parse(text)) } catch { throw .certutil(error) }
        }
        if let hex = HexDump.decode(trimmed) {
            do { return .descriptor(try SecurityDescriptor(selfRelative: hex)) } catch { throw .binary(error) }
        }
        throw .unrecognisedFormat
    }
}

extension CASecurityEvidence {
    static func descriptor(_ bytes: [UInt8]) throws(CASecurityEvidenceError) -> CASecurityEvidence {
        do { return .descriptor(try SecurityDescriptor(selfRelative: bytes)) } catch { throw .binary(error) }
    }

    /// The REG_BINARY value named `Security`: other binary values of the key are not the CA's DACL.
    static func securityValues(_ values: [RegistryKey.NamedValue]) throws(CASecurityEvidenceError) -> [UInt8] {
        let security = values.filter { $0.name.lowercased() == "security" }
        guard let value = security.first else {
            throw .noSecurityValue(found: values.filter { $0.value.typeNumber == 3 }.map(\.name))
        }
        guard case .binary(let bytes) = value.value else { throw .securityNotBinary(value.value.typeName) }
        return bytes
    }

    /// The value lines of `reg query` output (`NAME    REG_TYPE    DATA`), nil when the text has none. certutil's
    /// `Security REG_BINARY =` header ends in `=` and is not one.
    static func regQueryValues(_ text: String) throws(CASecurityEvidenceError) -> [RegistryKey.NamedValue]? {
        var values: [RegistryKey.NamedValue] = []
        for (index, raw) in text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingASCIISpaces()
            guard line.contains("REG_"), !line.hasSuffix("="), RegQueryParser.splitColumns(line).count >= 2 else {
                continue
            }
            do {
                let (name, value) = try RegQueryParser.parseValueLine(line, number: index + 1)
                values.append(.init(name: name, value: value))
            } catch {
                // A broken line matters only if it is the Security value itself.
                if line.lowercased().hasPrefix("security") { throw .registry(error) }
            }
        }
        return values.isEmpty ? nil : values
    }
}

/// Why CA `Security` evidence could not be read.
public enum CASecurityEvidenceError: Error, Sendable, Hashable, CustomStringConvertible {
    case binary(BinaryFormatError)
    case sddl(SDDLError)
    case certutil(CertutilParseError)
    case undecodableText
    case unrecognisedFormat
    case registry(RegistryParseError)
    /// A registry export or `reg query` output without a `Security` value (the binary values it has instead).
    case noSecurityValue(found: [String])
    case securityNotBinary(String)

    public var description: String {
        switch self {
        case .binary(let error): "CA Security descriptor: \(error)"
        case .sddl(let error): "CA Security SDDL: \(error)"
        case .certutil(let error): "CA Security certutil text: \(error)"
        case .undecodableText: "CA Security evidence is neither a binary descriptor nor UTF-8/UTF-16 text"
        case .unrecognisedFormat:
            "CA Security evidence is not a self-relative descriptor, hex dump, .reg export, SDDL or certutil text"
        case .registry(let error): "CA Security registry text: \(error)"
        case .noSecurityValue(let found):
            found.isEmpty
                ? "the registry text has no Security value"
                : "the registry text has no Security value (REG_BINARY values found: \(found.prefix(8).joined(separator: ", ")))"
        case .securityNotBinary(let type): "the Security value is \(type), not REG_BINARY"
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
        return String(validating: body, as: UTF8.self)
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
        return String(validating: units, as: UTF16.self)
    }
}
