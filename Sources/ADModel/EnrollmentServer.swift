/// `X509EnrollmentAuthFlags`: the authentication a CES endpoint accepts (docs/rules.md §2.7).
public enum EnrollmentAuthentication: UInt32, Sendable, Hashable, CaseIterable {
    case none = 0
    case anonymous = 1
    /// Windows integrated (Kerberos or NTLM): `<CA>_CES_Kerberos`.
    case kerberos = 2
    /// `<CA>_CES_UsernamePassword`.
    case usernamePassword = 4
    /// `<CA>_CES_Certificate`.
    case certificate = 8

    /// The IIS application suffix of the CES instance for this authentication type.
    public var instanceSuffix: String? {
        switch self {
        case .kerberos: "Kerberos"
        case .usernamePassword: "UsernamePassword"
        case .certificate: "Certificate"
        case .none, .anonymous: nil
        }
    }
}

/// One value of `msPKI-Enrollment-Servers`: `<priority>\n<authFlags>\n<renewalOnly>\n<URI>[\n<keyBasedRenewal>]`.
public struct EnrollmentServerEntry: Sendable, Hashable {
    /// Lower numbers are tried first.
    public var priority: Int
    /// The raw auth flag (kept even when it is not one of the defined values, CES-E4).
    public var authenticationFlag: UInt32
    /// Renewal-only endpoint: CES submits under its own identity (no delegation).
    public var renewalOnly: Bool
    /// The endpoint URL as stored.
    public var url: String
    /// The optional fifth field; nil when the value has the older four-field form.
    public var keyBasedRenewal: Bool?

    /// Creates an entry from its fields.
    public init(priority: Int, authenticationFlag: UInt32, renewalOnly: Bool, url: String, keyBasedRenewal: Bool?) {
        self.priority = priority
        self.authenticationFlag = authenticationFlag
        self.renewalOnly = renewalOnly
        self.url = url
        self.keyBasedRenewal = keyBasedRenewal
    }

    /// Parses one attribute value. Accepts LF or CRLF separators.
    public init(value: String) throws(EnrollmentServerError) {
        let normalized = value.replacingCRLF()
        let fields = normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4 || fields.count == 5 else { throw .wrongFieldCount(fields.count) }
        guard let priority = Int(fields[0].trimmingASCIISpaces()), priority >= 0 else {
            throw .invalidField(name: "priority", value: fields[0])
        }
        guard let auth = UInt32(fields[1].trimmingASCIISpaces()) else {
            throw .invalidField(name: "authentication flag", value: fields[1])
        }
        guard let renewalOnly = Self.bit(fields[2]) else { throw .invalidField(name: "renewal-only", value: fields[2]) }
        let url = fields[3].trimmingASCIISpaces()
        guard !url.isEmpty else { throw .invalidField(name: "URL", value: fields[3]) }
        var keyBased: Bool?
        // A trailing LF leaves an empty fifth field: the older four-field form (docs/testbed.md §7).
        if fields.count == 5, !fields[4].trimmingASCIISpaces().isEmpty {
            guard let value = Self.bit(fields[4]) else {
                throw .invalidField(name: "key-based renewal", value: fields[4])
            }
            keyBased = value
        }
        self.init(
            priority: priority, authenticationFlag: auth, renewalOnly: renewalOnly, url: url, keyBasedRenewal: keyBased)
    }

    private static func bit(_ text: String) -> Bool? {
        switch text.trimmingASCIISpaces() {
        case "0": false
        case "1": true
        default: nil
        }
    }

    /// The attribute value (LF separators; the fifth field only when present).
    public var value: String {
        var fields = [String(priority), String(authenticationFlag), renewalOnly ? "1" : "0", url]
        if let keyBasedRenewal { fields.append(keyBasedRenewal ? "1" : "0") }
        return fields.joined(separator: "\n")
    }

    /// The authentication type, or nil for an undefined flag value.
    public var authentication: EnrollmentAuthentication? { EnrollmentAuthentication(rawValue: authenticationFlag) }

    /// The parsed URL, or nil when it is not an absolute http(s) URL.
    public var endpoint: EndpointURL? { try? EndpointURL(url) }

    /// Consistency problems with the value itself (CES-E4); empty when consistent.
    public var consistencyProblems: [String] {
        var problems: [String] = []
        if authentication == nil || authentication == EnrollmentAuthentication.none {
            problems.append("authentication flag \(authenticationFlag) is not 1, 2, 4 or 8")
        }
        guard let endpoint else {
            problems.append("URL '\(url)' is not an absolute http(s) URL")
            return problems
        }
        if endpoint.scheme != "https" { problems.append("URL does not use https") }
        if keyBasedRenewal == true && (authentication != .certificate || !renewalOnly) {
            problems.append("key-based renewal entry must use certificate authentication (8) and be renewal-only")
        }
        if let instance = endpoint.cesInstance, let suffix = authentication?.instanceSuffix,
            instance.authenticationSuffix.lowercased() != suffix.lowercased()
        {
            problems.append(
                "URL instance suffix '\(instance.authenticationSuffix)' does not match authentication \(suffix)")
        }
        return problems
    }
}

/// An absolute http(s) URL split into the parts the rules need.
public struct EndpointURL: Sendable, Hashable {
    /// `https` or `http`, lower case.
    public var scheme: String
    /// The host, lower case.
    public var host: String
    /// The explicit port, if any.
    public var port: Int?
    /// The path, percent-decoded (`/Contoso Root CA_CES_Kerberos/service.svc/CES`).
    public var path: String

    /// Parses an absolute http(s) URL. Its delimiters are ASCII (RFC 3986), so it is read byte by byte.
    public init(_ text: String) throws(EnrollmentServerError) {
        guard let schemeEnd = text.asciiRanges(of: "://").first else { throw .invalidURL(text) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { throw .invalidURL(text) }
        let rest = text[schemeEnd.upperBound...]
        func isByte(_ ascii: Unicode.Scalar...) -> (UInt8) -> Bool {
            { byte in ascii.contains { UInt8(ascii: $0) == byte } }
        }
        let authorityEnd = rest.utf8.firstIndex(where: isByte("/", "?", "#")) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) {
            authority = authority[authority.utf8.index(after: at)...]
        }
        var host = authority
        var port: Int?
        if let colon = authority.utf8.lastIndex(of: UInt8(ascii: ":")),
            !authority.hasPrefix("[") || authority[..<colon].hasSuffix("]")
        {
            guard let value = Int(authority[authority.utf8.index(after: colon)...]), (1...65535).contains(value) else {
                throw .invalidURL(text)
            }
            port = value
            host = authority[..<colon]
        }
        guard !host.isEmpty, !host.utf8.contains(UInt8(ascii: " ")) else { throw .invalidURL(text) }
        let pathEnd = rest.utf8[authorityEnd...].firstIndex(where: isByte("?", "#")) ?? rest.endIndex
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.path = percentDecoded(String(rest[authorityEnd..<pathEnd]))
    }

    /// The CES instance named by the first path segment (`<CAName>_CES_<Auth>`), if the path has that form.
    public var cesInstance: CESInstance? {
        guard let first = path.split(separator: "/").first, let marker = first.asciiRanges(of: "_CES_").last
        else { return nil }
        let caName = String(first[..<marker.lowerBound])
        let suffix = String(first[marker.upperBound...])
        guard !caName.isEmpty, !suffix.isEmpty else { return nil }
        return CESInstance(caName: caName, authenticationSuffix: suffix)
    }
}

/// A CES IIS application: `<CAName>_CES_<Kerberos|UsernamePassword|Certificate>`.
public struct CESInstance: Sendable, Hashable {
    /// Creates an instance name from its parts.
    public init(caName: String, authenticationSuffix: String) {
        self.caName = caName
        self.authenticationSuffix = authenticationSuffix
    }

    /// The CA common name (percent-decoded).
    public var caName: String
    /// `Kerberos`, `UsernamePassword` or `Certificate`.
    public var authenticationSuffix: String
}

/// Why an `msPKI-Enrollment-Servers` value or endpoint URL could not be parsed.
public enum EnrollmentServerError: Error, Sendable, Hashable, CustomStringConvertible {
    case wrongFieldCount(Int)
    case invalidField(name: String, value: String)
    case invalidURL(String)

    public var description: String {
        switch self {
        case .wrongFieldCount(let count):
            "msPKI-Enrollment-Servers value has \(count) line(s); expected 4 or 5 (priority, auth, renewal-only, URL[, KBR])"
        case .invalidField(let name, let value): "invalid \(name) '\(value)' in msPKI-Enrollment-Servers value"
        case .invalidURL(let text): "'\(text)' is not an absolute http(s) URL"
        }
    }
}

func percentDecoded(_ text: String) -> String {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
            let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
        {
            out.append(value)
            index += 3
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

extension String {
    func replacingCRLF() -> String {
        var out = ""
        var previousCR = false
        for scalar in unicodeScalars {
            if previousCR && scalar != "\n" { out.unicodeScalars.append("\n") }
            previousCR = scalar == "\r"
            if !previousCR { out.unicodeScalars.append(scalar) }
        }
        if previousCR { out.unicodeScalars.append("\n") }
        return out
    }
}

extension StringProtocol {
    /// The non-overlapping ranges of an ASCII `needle`, found byte by byte, as URL syntax is defined (RFC 3986).
    /// An ASCII byte never occurs inside a multi-byte UTF-8 sequence, so a range never splits a scalar. (The
    /// standard library's generic `ranges(of:)` costs a `user` check milliseconds of first-use set-up.)
    func asciiRanges(of needle: StaticString) -> [Range<Index>] {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        let bytes = utf8
        var found: [Range<Index>] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            var index = start
            var matched = 0
            while matched < pattern.count, index < bytes.endIndex, bytes[index] == pattern[matched] {
                index = bytes.index(after: index)
                matched += 1
            }
            if matched == pattern.count, matched > 0 {
                found.append(start..<index)
                start = index
            } else {
                start = bytes.index(after: start)
            }
        }
        return found
    }
}
