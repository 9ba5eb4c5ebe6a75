/// The error codes `ces-audit explain` knows (docs/rules.md §7), with messages and related rules.
public struct ErrorCodeEntry: Sendable, Hashable {
    /// The namespace a code belongs to.
    public enum Kind: String, Sendable, Hashable {
        /// A 32-bit HRESULT (includes HRESULT_FROM_WIN32 values).
        case hresult
        /// An NTSTATUS (KDC extended errors with KDC_ERR_BADOPTION).
        case ntstatus
        /// A Kerberos KRB-ERROR `error-code` (decimal).
        case kerberos
        /// A domain controller's System-log event of the KDC (`Kdcsvc 205`); the code is the event ID.
        case kdcEvent = "kdc-event"
    }

    /// The namespace of ``code``.
    public let kind: Kind
    /// The unsigned 32-bit value (the Kerberos number for Kerberos errors).
    public let code: UInt32
    /// The symbolic name (`WS_E_ENDPOINT_FAULT_RECEIVED`).
    public let symbol: String
    /// The system message (winerror.h / webservices.h text), or a meaning for Kerberos codes.
    public let message: String
    /// Where it shows up in a CES deployment.
    public let context: String
    /// Likely causes, most likely first.
    public let likelyCauses: [String]
    /// Related rule IDs with the `CES-` prefix.
    public let ruleIDs: [String]

    /// `0x803D0013`; Kerberos codes print as decimal.
    public var hex: String {
        let digits = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// The signed decimal form certutil and CertEnroll.log print (`-2143485933`).
    public var signedDecimal: Int32 { Int32(bitPattern: code) }

    /// The Win32 error number for facility-7 HRESULTs (`0x800706BA` → 1722).
    public var win32Code: UInt32? {
        kind == .hresult && code & 0xFFFF_0000 == 0x8007_0000 ? code & 0xFFFF : nil
    }
}

/// `HRESULT_FROM_WIN32(n)`: `0x80070000 | n` for 0 < n ≤ 0xFFFF; 0 stays 0 (S_OK); values that are
/// already HRESULTs pass through.
public func hresultFromWin32(_ code: UInt32) -> UInt32 {
    if code == 0 || code & 0x8000_0000 != 0 { return code }
    return 0x8007_0000 | (code & 0xFFFF)
}

/// How to read a bare number in ``ErrorCatalogue/explain(_:hint:)``.
public enum ErrorCodeHint: Sendable, Hashable {
    /// Try every reading and return the known ones.
    case automatic
    /// A Kerberos error number (`13`, `0xd`).
    case kerberos
    /// A Win32 error number, turned into HRESULT_FROM_WIN32.
    case win32
}

/// Why an `explain` argument was not understood.
public enum ErrorCodeParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case unrecognised(String)

    public var description: String {
        switch self {
        case .unrecognised(let text):
            "'\(text)' is not an error code: use 0x803d0013, 803D0013, -2143485933, 2151481363, WIN32: 1722 or a symbol"
        }
    }
}

/// The result of an explain lookup.
public struct ErrorExplanation: Sendable, Hashable {
    /// The normalised value(s) tried, e.g. `[0x803D0013]`.
    public var normalized: [UInt32]
    /// Matching catalogue entries (empty when the code is valid but not in the catalogue).
    public var entries: [ErrorCodeEntry]
    /// True when at least one entry matched.
    public var isKnown: Bool { !entries.isEmpty }
}

/// The catalogue and its lookup.
public enum ErrorCatalogue {
    /// Every entry: docs/rules.md §7 HRESULTs, the NTSTATUS extended errors and the Kerberos codes.
    public static let entries: [ErrorCodeEntry] = generatedEntries + supplementaryEntries + kdcEventEntries

    /// Explains `input`: `0x803d0013`, `803D0013`, `-2143485933`, `2151481363`, `WIN32: 1722`,
    /// `HRESULT_FROM_WIN32(1722)`, `0xC0000272`, Kerberos `13`/`0xd` (with ``ErrorCodeHint/kerberos``),
    /// a symbol name (case-insensitive; Win32 `ERROR_…` names too), a log fragment starting with one of these
    /// (`0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)`), or a whole log line with a code somewhere in it
    /// (`CertUtil: -getreg command FAILED: 0x80070002 …`, `Exception from HRESULT: 0x803D0013`).
    public static func explain(_ input: String, hint: ErrorCodeHint = .automatic) throws(ErrorCodeParseError)
        -> ErrorExplanation
    {
        do {
            return try explainCode(input, hint: hint)
        } catch {
            // Not a code itself: the first code the text holds, if any.
            guard input.utf8.count <= 4096, let code = codeInText(input.uppercased()) else { throw error }
            return try explainCode(code, hint: hint)
        }
    }

    private static func explainCode(_ input: String, hint: ErrorCodeHint) throws(ErrorCodeParseError)
        -> ErrorExplanation
    {
        let text = input.trimmingASCIISpaces()
        guard !text.isEmpty, text.utf8.count <= 256 else { throw .unrecognised(input) }
        let upper = text.uppercased()
        if let event = kdcEventArgument(upper) {
            return ErrorExplanation(
                normalized: [event], entries: entries.filter { $0.kind == .kdcEvent && $0.code == event })
        }
        if let entry = entries.first(where: { $0.symbol == upper }) {
            return ErrorExplanation(normalized: [entry.code], entries: [entry])
        }
        if let win32 = win32Symbols[upper] {
            return lookup(hresults: [hresultFromWin32(win32)])
        }
        if let win32 = win32Argument(upper) {
            return lookup(hresults: [hresultFromWin32(win32)])
        }
        // A log fragment: use its first token.
        let token = String(upper.prefix { !$0.isWhitespace && $0 != "(" && $0 != ":" && $0 != "," })
        guard !token.isEmpty else { throw .unrecognised(input) }
        if token.hasPrefix("0X") {
            guard token.count <= 10, let value = UInt32(token.dropFirst(2), radix: 16) else {
                throw .unrecognised(input)
            }
            return lookupNumber(value, isHexForm: true, hint: hint)
        }
        if token.hasPrefix("-") {
            guard let value = Int32(token) else { throw .unrecognised(input) }
            return lookup(hresults: [UInt32(bitPattern: value)])
        }
        let isDecimal = token.allSatisfy(\.isASCIIDigit)
        let isHex = token.allSatisfy(\.isASCIIHexDigit)
        guard isHex else { throw .unrecognised(input) }
        var candidates: [UInt32] = []
        if isDecimal, let value = UInt32(token) {
            if value <= 0xFFFF {
                return lookupNumber(value, isHexForm: false, hint: hint)
            }
            candidates.append(value)
        }
        // 8 hex digits without 0x (certutil style), also when they happen to be all decimal digits.
        if token.count <= 8, let value = UInt32(token, radix: 16), value > 0xFFFF { candidates.append(value) }
        guard !candidates.isEmpty else { throw .unrecognised(input) }
        return lookup(hresults: candidates)
    }

    /// `Kdcsvc 205`, `KDCSVC event 205`, `Kdcsvc:205`, `Microsoft-Windows-Kerberos-Key-Distribution-Center 205`.
    private static func kdcEventArgument(_ upper: String) -> UInt32? {
        var rest: Substring
        if upper.hasPrefix("KDCSVC") {
            rest = upper.dropFirst(6)
        } else if upper.hasPrefix("MICROSOFT-WINDOWS-KERBEROS-KEY-DISTRIBUTION-CENTER") {
            rest = upper.dropFirst("MICROSOFT-WINDOWS-KERBEROS-KEY-DISTRIBUTION-CENTER".count)
        } else {
            return nil
        }
        rest = rest.drop { $0 == " " || $0 == ":" }
        if rest.hasPrefix("EVENT") { rest = rest.dropFirst(5).drop { $0 == " " || $0 == ":" } }
        if rest.hasPrefix("ID") { rest = rest.dropFirst(2).drop { $0 == " " || $0 == ":" } }
        guard !rest.isEmpty, rest.count <= 5, rest.allSatisfy(\.isASCIIDigit) else { return nil }
        return UInt32(rest)
    }

    /// Win32 names of codes the catalogue lists under their HRESULT name (`ERROR_ACCESS_DENIED` is E_ACCESSDENIED).
    static let win32Symbols: [String: UInt32] = ["ERROR_ACCESS_DENIED": 5]

    /// The first code in a line of log text (upper-cased): a `0x` hex number of at most 8 digits, else a known symbol
    /// (`KRB_AP_ERR_SKEW(Clock skew too great)`), else a negative decimal HRESULT; nil when there is none.
    static func codeInText(_ upper: String) -> String? {
        let tokens = upper.split { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-")) }
        if let hex = tokens.first(where: { token in
            token.hasPrefix("0X") && (3...10).contains(token.count) && UInt32(token.dropFirst(2), radix: 16) != nil
        }) {
            return String(hex)
        }
        if let symbol = tokens.first(where: { token in
            win32Symbols[String(token)] != nil || entries.contains { $0.symbol == token }
        }) {
            return String(symbol)
        }
        return tokens.first { $0.hasPrefix("-") && $0.count >= 7 && Int32($0) != nil }.map(String.init)
    }

    /// `WIN32: 1722`, `WIN32 1722`, `HRESULT_FROM_WIN32(1722)`.
    private static func win32Argument(_ upper: String) -> UInt32? {
        var rest: Substring
        if upper.hasPrefix("HRESULT_FROM_WIN32(") && upper.hasSuffix(")") {
            rest = upper.dropFirst("HRESULT_FROM_WIN32(".count).dropLast()
        } else if upper.hasPrefix("WIN32") {
            rest = upper.dropFirst(5).drop { $0 == ":" || $0 == " " }
        } else {
            return nil
        }
        rest = rest.prefix { !$0.isWhitespace }
        if rest.hasPrefix("0X") { return UInt32(rest.dropFirst(2), radix: 16).flatMap { $0 <= 0xFFFF ? $0 : nil } }
        return UInt32(rest).flatMap { $0 <= 0xFFFF ? $0 : nil }
    }

    private static func lookupNumber(_ value: UInt32, isHexForm: Bool, hint: ErrorCodeHint) -> ErrorExplanation {
        switch hint {
        case .kerberos:
            return ErrorExplanation(
                normalized: [value], entries: entries.filter { $0.kind == .kerberos && $0.code == value })
        case .win32:
            return lookup(hresults: [hresultFromWin32(value)])
        case .automatic:
            guard value <= 0xFFFF else { return lookup(hresults: [value]) }
            // Small numbers: a Kerberos code or a Win32 code; report every known reading.
            let kerberos = entries.filter { $0.kind == .kerberos && $0.code == value }
            let win32 = lookup(hresults: [hresultFromWin32(value)])
            return ErrorExplanation(normalized: [value, hresultFromWin32(value)], entries: kerberos + win32.entries)
        }
    }

    private static func lookup(hresults: [UInt32]) -> ErrorExplanation {
        let found = hresults.flatMap { value in
            entries.filter { ($0.kind == .hresult || $0.kind == .ntstatus) && $0.code == value }
        }
        return ErrorExplanation(normalized: hresults, entries: found)
    }

    private static func hresult(
        _ code: UInt32, _ symbol: String, _ message: String, _ context: String, _ rules: [String], _ causes: [String]
    ) -> ErrorCodeEntry {
        ErrorCodeEntry(
            kind: code & 0xF000_0000 == 0xC000_0000 ? .ntstatus : .hresult, code: code, symbol: symbol,
            message: message,
            context: context, likelyCauses: causes, ruleIDs: rules.map { "CES-" + $0 })
    }

    private static func kerberos(
        _ code: UInt32, _ symbol: String, _ meaning: String, _ rules: [String], _ causes: [String]
    ) -> ErrorCodeEntry {
        ErrorCodeEntry(
            kind: .kerberos, code: code, symbol: symbol, message: meaning, context: "KRB-ERROR error-code \(code)",
            likelyCauses: causes, ruleIDs: rules.map { "CES-" + $0 })
    }

    /// Kdcsvc System-log events the January 2026 updates added (KB5073381, CVE-2026-20833). Four pairs of an audit
    /// warning and its enforcement error, logged for service-ticket requests: the service account has no
    /// msDS-SupportedEncryptionTypes (201/203 the client offers only RC4, 202/204 the account has only RC4 keys) or is
    /// set to AES only (206/208, 207/209); and 205, an insecure DefaultDomainSupportedEncTypes. Sources: docs/rules.md §7.
    private static func kdcEvent(_ id: UInt32, _ meaning: String, _ causes: [String]) -> ErrorCodeEntry {
        ErrorCodeEntry(
            kind: .kdcEvent, code: id, symbol: "KDCSVC \(id)", message: meaning,
            context:
                "System log of a domain controller, source Kdcsvc (Microsoft-Windows-Kerberos-Key-Distribution-Center), event ID \(id)",
            likelyCauses: causes, ruleIDs: ["CES-C9"])
    }

    /// The service named in a Kdcsvc event, as CES sees it.
    private static let kdcEventServices =
        "the CES principal for HTTP/<CES host>, or the CA computer for the S4U2Proxy ticket"
    private static let kdcEventClientOnlyRC4 =
        "The client (the enrolling computer, or the CES server asking for the CA's ticket) offers only RC4: enable AES on it (Group Policy 'Network security: Configure encryption types allowed for Kerberos'); until then RC4 and AES together (0x1C) in msDS-SupportedEncryptionTypes of the service account named in the event (\(kdcEventServices)) keep it working (CES-C9 checks that value)."
    private static let kdcEventNoAESKeys =
        "The service account named in the event (\(kdcEventServices)) has no AES keys: its password predates the domain's AES support. Reset the password so that AES keys are made (for a user account also update the CES application pool identity), and give an account without msDS-SupportedEncryptionTypes the value 0x18 (CES-C9: keys may be RC4 only)."

    static let kdcEventEntries: [ErrorCodeEntry] = [
        kdcEvent(
            201,
            "Audit warning: the KDC detected RC4 usage that will be unsupported in the enforcement phase: the service account has no msDS-SupportedEncryptionTypes and the client advertises only insecure encryption types (RC4). Enforcement blocks it as Kdcsvc 203.",
            [kdcEventClientOnlyRC4]),
        kdcEvent(
            202,
            "Audit warning: the KDC detected RC4 usage that will be unsupported in the enforcement phase: the service account has no msDS-SupportedEncryptionTypes and has only insecure keys (RC4, no AES). Enforcement blocks it as Kdcsvc 204.",
            [kdcEventNoAESKeys]),
        kdcEvent(
            203,
            "Enforcement error: the KDC blocked a service ticket because the service account has no msDS-SupportedEncryptionTypes and the client advertises only insecure encryption types (RC4). The audit-phase warning is Kdcsvc 201.",
            [kdcEventClientOnlyRC4]),
        kdcEvent(
            204,
            "Enforcement error: the KDC blocked a service ticket because the service account has no msDS-SupportedEncryptionTypes and has only insecure keys (RC4, no AES). The audit-phase warning is Kdcsvc 202.",
            [kdcEventNoAESKeys]),
        kdcEvent(
            205,
            "The DC's DefaultDomainSupportedEncTypes registry value is insecure (it allows RC4); KB5073381 leaves a set value in force and logs this audit event.",
            [
                "DefaultDomainSupportedEncTypes under HKLM\\SYSTEM\\CurrentControlSet\\Services\\Kdc includes RC4: CES-C9 uses it (kdc.reg host evidence) instead of the 2026 default."
            ]),
        kdcEvent(
            206,
            "Audit warning: the service account's msDS-SupportedEncryptionTypes allows only AES-SHA1 but the client does not advertise AES-SHA1. Enforcement blocks it as Kdcsvc 208.",
            [kdcEventClientOnlyRC4]),
        kdcEvent(
            207,
            "Audit warning: the service account's msDS-SupportedEncryptionTypes allows only AES-SHA1 but the account has no AES-SHA1 keys. Enforcement blocks it as Kdcsvc 209.",
            [kdcEventNoAESKeys]),
        kdcEvent(
            208,
            "Enforcement error: the KDC blocked a service ticket because the service account's msDS-SupportedEncryptionTypes allows only AES-SHA1 and the client does not advertise AES-SHA1. The audit-phase warning is Kdcsvc 206.",
            [kdcEventClientOnlyRC4]),
        kdcEvent(
            209,
            "Enforcement error: the KDC blocked a service ticket because the service account's msDS-SupportedEncryptionTypes allows only AES-SHA1 and the account has no AES-SHA1 keys. The audit-phase warning is Kdcsvc 207.",
            [kdcEventNoAESKeys]),
    ]

    /// NTSTATUS extended errors returned with KDC_ERR_BADOPTION (MS-SFU) and related codes from the rules.
    private static let supplementaryEntries: [ErrorCodeEntry] = [
        hresult(
            0x8007_0002, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified.",
            "certutil -getreg on a host that is not the CA (or with a mistyped value name): the evidence files "
                + "ca-security.txt and editflags.txt must come from the CA host",
            ["B1", "E2"],
            [
                "The registry value does not exist where certutil looked: run certutil -getreg CA\\Security and "
                    + "certutil -getreg policy\\EditFlags on the CA host itself (CES-B1, CES-E2)."
            ]),
        hresult(
            0xC000_00BB, "STATUS_NOT_SUPPORTED", "The request is not supported.",
            "KDC extended error with KDC_ERR_BADOPTION: msDS-AllowedToDelegateTo of the CES principal is empty",
            ["C2"], ["The CES principal has no constrained delegation targets (CES-C2)."]),
        hresult(
            0xC000_0272, "STATUS_NO_MATCH", "There was no match for the specified key in the index.",
            "KDC extended error with KDC_ERR_BADOPTION: SPN not in msDS-AllowedToDelegateTo, or evidence ticket not forwardable",
            ["C2", "C3", "A1", "A2"],
            [
                "HOST/ or RPCSS/ of the CA missing from msDS-AllowedToDelegateTo (CES-C2).",
                "No protocol transition for certificate authentication, so the S4U2self ticket is not forwardable (CES-C3).",
                "Requester is sensitive and cannot be delegated, or in Protected Users (CES-A1, CES-A2).",
            ]),
        hresult(
            0xC000_0225, "STATUS_NOT_FOUND", "The object was not found.",
            "KDC extended error with KDC_ERR_BADOPTION: RBCD access check on the resource failed", ["C5"],
            ["The CA computer's msDS-AllowedToActOnBehalfOfOtherIdentity does not allow the CES principal (CES-C5)."]),
        hresult(
            0xC000_006E, "STATUS_ACCOUNT_RESTRICTION",
            "Indicates a referenced user name and authentication information are valid, but some user account restriction has prevented successful authentication (such as time-of-day restrictions).",
            "KDC extended error with KDC_ERR_BADOPTION under RBCD: non-forwardable evidence ticket", ["A1", "A2"],
            ["Requester is sensitive and cannot be delegated, or in Protected Users (CES-A1, CES-A2)."]),
        hresult(
            0x8007_0532, "ERROR_PASSWORD_EXPIRED", "The password for this account has expired.",
            "username/password CES (auth 4) with an expired requester password", ["A3"],
            ["The requester's password has expired (CES-A3)."]),
    ]

    private static let generatedEntries: [ErrorCodeEntry] = [
        hresult(
            0x803D_0013, "WS_E_ENDPOINT_FAULT_RECEIVED",
            "A message containing a fault was received from the remote endpoint.",
            "wrapper; look for inner code; all rules",
            [
                "A1", "A2", "A3", "B1", "B2", "B3", "B4", "C2", "C3", "C4", "C8", "C10", "D1", "D2", "E1", "E2", "F1",
                "F2", "F3", "F5", "F6", "G1", "G2", "G3",
            ],
            [
                "The CES caught an error and returned a SOAP fault: look for the inner HRESULT (SOAP detail ErrorCode, CertEnroll.log, CA event 53).",
                "Kerberos delegation from the CES principal to the CA (HOST/ and RPCSS/) is missing or unusable (CES-C2, CES-C3, CES-C4).",
                "The requester cannot be delegated: 'sensitive and cannot be delegated' or Protected Users (CES-A1, CES-A2).",
                "CA or template permissions: Enroll or Read missing or denied (CES-B1, CES-B2, CES-E1).",
                "SeImpersonatePrivilege missing for the CES application pool identity (CES-D1, CES-D2).",
                "Renewal-only / key-based renewal prerequisites: EDITF_ENABLERENEWONBEHALFOF or CA Read (CES-E1, CES-E2).",
                "The CA's policy module denied the request: name flags, RA signatures, issuance policies (CES-F1…CES-F6).",
                "RPC/DCOM blocked between CES, CA and domain controllers, or IIS configuration (CES-G1…CES-G3).",
            ]),
        hresult(
            0x803D_0000, "WS_E_INVALID_FORMAT",
            "The input data was not in the expected format or did not have the expected value.",
            "wrong URL / missing -UserName/-p", ["E4"], ["wrong URL / missing -UserName/-p"]),
        hresult(
            0x803D_0005, "WS_E_ENDPOINT_ACCESS_DENIED", "Access was denied by the remote endpoint.", "HTTP auth at IIS",
            ["C8"], ["HTTP auth at IIS"]),
        hresult(
            0x803D_0006, "WS_E_OPERATION_TIMED_OUT", "The operation did not complete within the time allotted.", "G1",
            ["G1"], ["G1"]),
        hresult(
            0x803D_000A, "WS_E_SECURITY_VERIFICATION_FAILURE",
            "Security verification was not successful for the received data.", "TLS/message security", [],
            ["TLS/message security"]),
        hresult(
            0x803D_000D, "WS_E_ENDPOINT_NOT_FOUND", "The remote endpoint does not exist or could not be located.",
            "E4 URL", ["E4"], ["E4 URL"]),
        hresult(
            0x803D_000E, "WS_E_ENDPOINT_NOT_AVAILABLE",
            "The remote endpoint is not currently in service at this location.", "app pool stopped (C7, D3)",
            ["C7", "D3"], ["app pool stopped (C7, D3)"]),
        hresult(0x803D_000F, "WS_E_ENDPOINT_FAILURE", "The remote endpoint could not process the request.", "", [], []),
        hresult(
            0x803D_0010, "WS_E_ENDPOINT_UNREACHABLE", "The remote endpoint was not reachable.", "network", ["G1"],
            ["network"]),
        hresult(
            0x803D_0014, "WS_E_ENDPOINT_DISCONNECTED", "The connection with the remote endpoint was terminated.", "",
            [], []),
        hresult(
            0x803D_001F, "WS_E_SERVER_REQUIRES_NEGOTIATE_AUTH",
            "The remote endpoint requires HTTP authentication scheme 'negotiate'.", "client auth type mismatch",
            ["E4", "C8"], ["client auth type mismatch"]),
        hresult(0x803D_0020, "WS_E_INVALID_ENDPOINT_URL", "The endpoint address URL is invalid.", "E4", ["E4"], ["E4"]),
        hresult(
            0x803D_0022, "WS_E_SECURITY_TOKEN_EXPIRED",
            "A security token was rejected by the server because it has expired.", "", [], []),
        hresult(
            0x8009_4011, "CERTSRV_E_ENROLL_DENIED",
            "The permissions on this CA do not allow the current user to enroll for certificates.", "B1", ["B1"], ["B1"]
        ),
        hresult(
            0x8009_4012, "CERTSRV_E_TEMPLATE_DENIED",
            "The permissions on the certificate template do not allow the current user to enroll for this type of certificate.",
            "B2", ["B2"], ["B2"]),
        hresult(
            0x8009_4800, "CERTSRV_E_UNSUPPORTED_CERT_TYPE",
            "The requested certificate template is not supported by this CA.", "B3", ["B3"], ["B3"]),
        hresult(
            0x8009_4801, "CERTSRV_E_NO_CERT_TYPE", "The request contains no certificate template information.", "", [],
            []),
        hresult(
            0x8009_4802, "CERTSRV_E_TEMPLATE_CONFLICT", "The request contains conflicting template information.",
            "F (P3)", ["F8"], ["F (P3)"]),
        hresult(
            0x8009_4803, "CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED",
            "The request is missing a required Subject Alternate name extension.", "", ["F4"], []),
        hresult(
            0x8009_4806, "CERTSRV_E_BAD_RENEWAL_SUBJECT",
            "The request was made on behalf of a subject other than the caller. The certificate template must be configured to require at least one signature to authorize the request.",
            "E (renew-on-behalf)", ["E2"], ["E (renew-on-behalf)"]),
        hresult(
            0x8009_4809, "CERTSRV_E_SIGNATURE_POLICY_REQUIRED",
            "The request is missing required signature policy information.", "F5", ["F5"], ["F5"]),
        hresult(
            0x8009_480A, "CERTSRV_E_SIGNATURE_COUNT", "The request is missing one or more required signatures.", "F5",
            ["F5"], ["F5"]),
        hresult(
            0x8009_480D, "CERTSRV_E_SUBJECT_UPN_REQUIRED",
            "The UPN is unavailable and cannot be added to the Subject Alternate name.", "F2", ["F2"], ["F2"]),
        hresult(
            0x8009_480E, "CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED",
            "The Active Directory GUID is unavailable and cannot be added to the Subject Alternate name.", "F4", ["F4"],
            ["F4"]),
        hresult(
            0x8009_480F, "CERTSRV_E_SUBJECT_DNS_REQUIRED",
            "The Domain Name System (DNS) name is unavailable and cannot be added to the Subject Alternate name.", "F3",
            ["F3"], ["F3"]),
        hresult(
            0x8009_4811, "CERTSRV_E_KEY_LENGTH",
            "The public key does not meet the minimum size required by the specified certificate template.", "F8",
            ["F8"], ["F8"]),
        hresult(
            0x8009_4812, "CERTSRV_E_SUBJECT_EMAIL_REQUIRED",
            "The email name is unavailable and cannot be added to the Subject or Subject Alternate name.", "F1", ["F1"],
            ["F1"]),
        hresult(
            0x8009_4813, "CERTSRV_E_UNKNOWN_CERT_TYPE",
            "One or more certificate templates to be enabled on this CA could not be found.", "B3", ["B3"], ["B3"]),
        hresult(
            0x8009_4814, "CERTSRV_E_CERT_TYPE_OVERLAP",
            "The certificate template renewal period is longer than the certificate validity period. …", "E6", ["E6"],
            ["E6"]),
        hresult(
            0x8009_4816, "CERTSRV_E_RENEWAL_BAD_PUBLIC_KEY",
            "The key used in a renewal request does not match one of the certificates being renewed.", "E", ["E3"],
            ["E"]),
        hresult(
            0x8009_400E, "CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE",
            "The request contains an invalid renewal certificate attribute.", "E", ["E3"], ["E"]),
        hresult(0x800B_0113, "CERT_E_INVALID_POLICY", "The certificate has invalid policy.", "F6", ["F6"], ["F6"]),
        hresult(
            0x800B_0109, "CERT_E_UNTRUSTEDROOT",
            "A certificate chain processed, but terminated in a root certificate that is not trusted by the trust provider.",
            "TLS/KBR chain", [], ["TLS/KBR chain"]),
        hresult(
            0x800B_010A, "CERT_E_CHAINING", "A certificate chain could not be built to a trusted root authority.", "",
            ["F6"], []),
        hresult(
            0x8009_2013, "CRYPT_E_REVOCATION_OFFLINE",
            "The revocation function was unable to check revocation because the revocation server was offline.",
            "client-cert auth (8)", [], ["client-cert auth (8)"]),
        hresult(
            0x8007_0005, "E_ACCESSDENIED", "General access denied error.", "B1, C2, D1",
            ["B1", "B2", "C2", "D1", "E1"],
            [
                "CA Enroll permission missing or denied (CES-B1).", "Template Enroll permission missing (CES-B2).",
                "Delegation to the CA not configured, so the CA sees the CES account (CES-C2).",
                "SeImpersonatePrivilege missing on the CES host (CES-D1).",
                "CES principal lacks CA Read in renewal-only mode (CES-E1).",
            ]),
        hresult(
            0x8007_06BA, "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable.", "B4, G1", ["B4", "G1"],
            [
                "RPC/DCOM blocked from the CES to the CA (TCP 135 + dynamic range) (CES-G1).",
                "The requester may not log on to the CA over the network, or is not in Certificate Service DCOM Access (CES-B4).",
                "Kerberos failed and DCOM fell back to ANONYMOUS LOGON (DCOM event 10027 on the CA) (CES-B4).",
            ]),
        hresult(
            0x8007_0721, "RPC_S_SEC_PKG_ERROR", "A security package specific error occurred.",
            "C2/C3/C4 Kerberos delegation", ["C2", "C3", "C4"],
            [
                "Constrained delegation to HOST/ and RPCSS/ of the CA missing (CES-C2).",
                "Protocol transition missing for certificate authentication (CES-C3).",
                "Only unconstrained delegation configured while Credential Guard runs (CES-C4).",
            ]),
        hresult(
            0x8007_052E, "ERROR_LOGON_FAILURE", "The user name or password is incorrect.", "auth 4", ["A3"], ["auth 4"]),
        hresult(
            0x8007_052F, "ERROR_ACCOUNT_RESTRICTION",
            "Account restrictions are preventing this user from signing in. …", "A2 (Protected Users + NTLM)", ["A2"],
            ["A2 (Protected Users + NTLM)"]),
        hresult(
            0x8007_0533, "ERROR_ACCOUNT_DISABLED",
            "This user can't sign in because this account is currently disabled.", "A3", ["A3"], ["A3"]),
        hresult(
            0x8007_0775, "ERROR_ACCOUNT_LOCKED_OUT",
            "The referenced account is currently locked out and may not be logged on to.", "A3", ["A3"], ["A3"]),
        hresult(
            0x8007_051F, "ERROR_NO_LOGON_SERVERS",
            "There are currently no logon servers available to service the logon request.", "G2", ["G2"], ["G2"]),
        hresult(0x8009_030C, "SEC_E_LOGON_DENIED", "The logon attempt failed.", "", ["A3", "C8"], []),
        hresult(
            0x8009_030E, "SEC_E_NO_CREDENTIALS", "No credentials are available in the security package.",
            "C4 (Credential Guard)", ["C4"], ["C4 (Credential Guard)"]),
        hresult(
            0x8009_0311, "SEC_E_NO_AUTHENTICATING_AUTHORITY", "No authority could be contacted for authentication.",
            "G2", ["G2"], ["G2"]),
        hresult(
            0x8009_0322, "SEC_E_WRONG_PRINCIPAL", "The target principal name is incorrect.", "C8 SPN", ["C8"],
            ["C8 SPN"]),
        hresult(
            0x8009_0022, "NTE_SILENT_CONTEXT",
            "Provider could not perform the action since the context was acquired as silent.",
            "G5 (misleading; look for 0x803D0013)", ["G5"], ["G5 (misleading; look for 0x803D0013)"]),
        kerberos(
            6, "KDC_ERR_C_PRINCIPAL_UNKNOWN", "S4U2self could not read user groups (C10)", ["C10"],
            ["S4U2self could not read user groups (C10)"]),
        kerberos(
            7, "KDC_ERR_S_PRINCIPAL_UNKNOWN", "SPN not registered (C8, HTTP/ or RPCSS alias)", ["C8"],
            ["SPN not registered (C8, HTTP/ or RPCSS alias)"]),
        kerberos(8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE", "duplicate SPN (C8)", ["C8"], ["duplicate SPN (C8)"]),
        kerberos(
            12, "KDC_ERR_POLICY", "policy / RBCD with down-level DCs (M9 hotfix note)", ["C5"],
            ["policy / RBCD with down-level DCs (M9 hotfix note)"]),
        kerberos(
            13, "KDC_ERR_BADOPTION",
            "S4U2proxy refused: target not in A2D2, RBCD check failed, or evidence ticket not forwardable (NOT_DELEGATED / Protected Users / no T2A4D)",
            ["A1", "A2", "C2", "C3", "C5", "C6"],
            [
                "Target SPN not in msDS-AllowedToDelegateTo of the CES principal (CES-C2).",
                "RBCD access check on the CA failed (CES-C5).",
                "Evidence ticket not forwardable: requester NOT_DELEGATED or in Protected Users (CES-A1, CES-A2), or no protocol transition for certificate authentication (CES-C3).",
            ]),
        kerberos(
            14, "KDC_ERR_ETYPE_NOSUPP",
            "no common encryption type: since the 2026 updates (KB5073381) the KDC issues AES-only tickets to accounts without msDS-SupportedEncryptionTypes, so an account limited to RC4 or without AES keys gets none (CES-C9)",
            ["C9"],
            [
                "The CES principal (HTTP/ ticket) or the CA computer (S4U2Proxy target) has msDS-SupportedEncryptionTypes without AES (CES-C9).",
                "No msDS-SupportedEncryptionTypes and a password older than the domain's AES support: RC4 keys only; reset the password (CES-C9).",
            ]),
        kerberos(
            18, "KDC_ERR_CLIENT_REVOKED", "account disabled/locked (A3)", ["A3"], ["account disabled/locked (A3)"]),
        kerberos(24, "KDC_ERR_PREAUTH_FAILED", "wrong password (auth 4)", ["A3"], ["wrong password (auth 4)"]),
        kerberos(37, "KRB_AP_ERR_SKEW", "clock skew", [], ["clock skew"]),
        kerberos(
            41, "KRB_AP_ERR_MODIFIED",
            "ticket encrypted for another account (duplicate SPN / kernel-mode auth with custom account, C8)", ["C8"],
            ["ticket encrypted for another account (duplicate SPN / kernel-mode auth with custom account, C8)"]),
    ]
}
