/// What the KDC (or the local Kerberos library) answered to one step of a delegation probe, as Swift values.
/// Pure: no C pointers here (see KerberosDelegationProbe.swift).

/// A KRB-ERROR `error-code` (RFC 4120 §7.5.9, MS-KILE): number, name and what it means for CES.
public struct KDCError: Sendable, Hashable, CustomStringConvertible {
    public let number: Int
    public var name: String { Self.names[number] ?? "KRB_ERR_\(number)" }
    /// The meaning for a CES delegation (docs/rules.md §7), else the protocol meaning.
    public var meaning: String { Self.meanings[number] ?? "Kerberos protocol error \(number)" }

    public init(number: Int) { self.number = number }

    /// MIT krb5 returns KDC errors as com_err codes `ERROR_TABLE_BASE_krb5 + n` (0 ≤ n < 128 are the protocol's
    /// error numbers); nil for every other code (library, OS or configuration errors).
    public init?(comErr code: Int32) {
        let offset = Int64(code) - Self.errorTableBase
        guard (0..<128).contains(offset) else { return nil }
        number = Int(offset)
    }

    /// `ERROR_TABLE_BASE_krb5` of MIT's krb5_err.et.
    public static let errorTableBase: Int64 = -1_765_328_384

    public var description: String { "\(name) (\(number))" }

    static let names: [Int: String] = [
        0: "KDC_ERR_NONE", 1: "KDC_ERR_NAME_EXP", 2: "KDC_ERR_SERVICE_EXP", 3: "KDC_ERR_BAD_PVNO",
        4: "KDC_ERR_C_OLD_MAST_KVNO", 5: "KDC_ERR_S_OLD_MAST_KVNO", 6: "KDC_ERR_C_PRINCIPAL_UNKNOWN",
        7: "KDC_ERR_S_PRINCIPAL_UNKNOWN", 8: "KDC_ERR_PRINCIPAL_NOT_UNIQUE", 9: "KDC_ERR_NULL_KEY",
        10: "KDC_ERR_CANNOT_POSTDATE", 11: "KDC_ERR_NEVER_VALID", 12: "KDC_ERR_POLICY", 13: "KDC_ERR_BADOPTION",
        14: "KDC_ERR_ETYPE_NOSUPP", 15: "KDC_ERR_SUMTYPE_NOSUPP", 16: "KDC_ERR_PADATA_TYPE_NOSUPP",
        17: "KDC_ERR_TRTYPE_NOSUPP", 18: "KDC_ERR_CLIENT_REVOKED", 19: "KDC_ERR_SERVICE_REVOKED",
        20: "KDC_ERR_TGT_REVOKED", 21: "KDC_ERR_CLIENT_NOTYET", 22: "KDC_ERR_SERVICE_NOTYET",
        23: "KDC_ERR_KEY_EXPIRED", 24: "KDC_ERR_PREAUTH_FAILED", 25: "KDC_ERR_PREAUTH_REQUIRED",
        26: "KDC_ERR_SERVER_NOMATCH", 27: "KDC_ERR_MUST_USE_USER2USER", 28: "KDC_ERR_PATH_NOT_ACCEPTED",
        29: "KDC_ERR_SVC_UNAVAILABLE", 31: "KRB_AP_ERR_BAD_INTEGRITY", 32: "KRB_AP_ERR_TKT_EXPIRED",
        33: "KRB_AP_ERR_TKT_NYV", 34: "KRB_AP_ERR_REPEAT", 35: "KRB_AP_ERR_NOT_US", 36: "KRB_AP_ERR_BADMATCH",
        37: "KRB_AP_ERR_SKEW", 38: "KRB_AP_ERR_BADADDR", 39: "KRB_AP_ERR_BADVERSION", 40: "KRB_AP_ERR_MSG_TYPE",
        41: "KRB_AP_ERR_MODIFIED", 42: "KRB_AP_ERR_BADORDER", 44: "KRB_AP_ERR_BADKEYVER", 45: "KRB_AP_ERR_NOKEY",
        46: "KRB_AP_ERR_MUT_FAIL", 47: "KRB_AP_ERR_BADDIRECTION", 48: "KRB_AP_ERR_METHOD", 49: "KRB_AP_ERR_BADSEQ",
        50: "KRB_AP_ERR_INAPP_CKSUM", 51: "KRB_AP_PATH_NOT_ACCEPTED", 52: "KRB_ERR_RESPONSE_TOO_BIG",
        60: "KRB_ERR_GENERIC", 61: "KRB_ERR_FIELD_TOOLONG", 62: "KDC_ERR_CLIENT_NOT_TRUSTED",
        63: "KDC_ERR_KDC_NOT_TRUSTED", 64: "KDC_ERR_INVALID_SIG", 65: "KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED",
        66: "KDC_ERR_CERTIFICATE_MISMATCH", 67: "KRB_AP_ERR_NO_TGT", 68: "KDC_ERR_WRONG_REALM",
        69: "KRB_AP_ERR_USER_TO_USER_REQUIRED", 70: "KDC_ERR_CANT_VERIFY_CERTIFICATE",
        71: "KDC_ERR_INVALID_CERTIFICATE", 72: "KDC_ERR_REVOKED_CERTIFICATE", 73: "KDC_ERR_REVOCATION_STATUS_UNKNOWN",
        74: "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE", 75: "KDC_ERR_CLIENT_NAME_MISMATCH",
        76: "KDC_ERR_KDC_NAME_MISMATCH", 90: "KDC_ERR_PREAUTH_EXPIRED", 91: "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED",
        93: "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS",
    ]

    static let meanings: [Int: String] = [
        6:
            "client (user) not found by the KDC; for S4U2Self also when the CES principal may not read the user's groups (CES-C10)",
        7: "service principal not found: the SPN is not registered on any account (or the CES principal has no SPN)",
        8: "the SPN is registered on more than one account (CES-C8)",
        12: "refused by KDC policy (e.g. resource-based delegation with down-level DCs)",
        13:
            "S4U2Proxy refused: target not in msDS-AllowedToDelegateTo, resource-based check failed, or the evidence ticket is not forwardable (NOT_DELEGATED, Protected Users, no protocol transition)",
        14: "no common encryption type (CES-C9)",
        18: "account disabled, locked or expired (CES-A3 / CES-C7)",
        24: "pre-authentication failed: the key in the keytab is not the account's current key",
        37: "clock skew too great between this host and the KDC",
        41: "ticket encrypted for another account (duplicate SPN, CES-C8)",
        68: "wrong realm: the principal belongs to another realm",
    ]
}

/// Ticket flags (RFC 4120 §5.3) of a ticket the KDC issued, as krb5_creds.ticket_flags carries them.
public struct TicketFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let forwardable = TicketFlags(rawValue: 0x4000_0000)
    public static let forwarded = TicketFlags(rawValue: 0x2000_0000)
    public static let proxiable = TicketFlags(rawValue: 0x1000_0000)
    public static let proxy = TicketFlags(rawValue: 0x0800_0000)
    public static let renewable = TicketFlags(rawValue: 0x0080_0000)
    public static let initial = TicketFlags(rawValue: 0x0040_0000)
    public static let preAuthenticated = TicketFlags(rawValue: 0x0020_0000)
    public static let transitPolicyChecked = TicketFlags(rawValue: 0x0008_0000)
    public static let okAsDelegate = TicketFlags(rawValue: 0x0004_0000)

    static let named: [(TicketFlags, String)] = [
        (.forwardable, "forwardable"), (.forwarded, "forwarded"), (.proxiable, "proxiable"), (.proxy, "proxy"),
        (.renewable, "renewable"), (.initial, "initial"), (.preAuthenticated, "pre-authenticated"),
        (.transitPolicyChecked, "transit-policy-checked"), (.okAsDelegate, "ok-as-delegate"),
    ]

    /// `["forwardable", "renewable", …]`
    public var names: [String] { Self.named.filter { contains($0.0) }.map(\.1) }
    public var description: String { names.isEmpty ? "none" : names.joined(separator: ",") }
}

/// The encryption types of a ticket the KDC issued: the ticket's (the key of the service it is for) and the
/// session key's, as RFC 3961 numbers (17/18 AES, 23 RC4).
public struct TicketEncryption: Sendable, Hashable, CustomStringConvertible {
    public var ticket: Int32
    public var sessionKey: Int32

    public init(ticket: Int32, sessionKey: Int32) {
        self.ticket = ticket
        self.sessionKey = sessionKey
    }

    public static let rc4HMAC: Int32 = 23

    /// `aes256-cts-hmac-sha1-96 (18)`
    public static func name(_ enctype: Int32) -> String {
        let names: [Int32: String] = [
            1: "des-cbc-crc", 3: "des-cbc-md5", 16: "des3-cbc-sha1", 17: "aes128-cts-hmac-sha1-96",
            18: "aes256-cts-hmac-sha1-96", 19: "aes128-cts-hmac-sha256-128", 20: "aes256-cts-hmac-sha384-192",
            23: "rc4-hmac", 24: "rc4-hmac-exp",
        ]
        return "\(names[enctype] ?? "enctype") (\(enctype))"
    }

    public var ticketIsRC4: Bool { ticket == Self.rc4HMAC || ticket == 24 }

    public var description: String { "ticket \(Self.name(ticket)), session key \(Self.name(sessionKey))" }
}

/// A failure of the local side: the probe could not ask the KDC the question.
public struct LocalKerberosFailure: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The keytab has no key for the principal (or the keytab cannot be read).
        case noKey
        /// No KDC of the realm answered (or none is configured).
        case kdcUnreachable
        /// A principal name could not be parsed.
        case badName
        /// Anything else (library, memory, configuration).
        case other
    }

    public var kind: Kind
    /// The com_err code as MIT krb5 returned it.
    public var code: Int32
    public var message: String
    /// What the probe was doing.
    public var step: String

    public init(kind: Kind, code: Int32, message: String, step: String) {
        self.kind = kind
        self.code = code
        self.message = message
        self.step = step
    }

    public var description: String { "\(step): \(message) (krb5 error \(code))" }

    /// The kind of a com_err code that is not a KDC error.
    public static func kind(ofComErr code: Int32) -> Kind {
        switch Int64(code) - KDCError.errorTableBase {
        case 154, 156, 220: .kdcUnreachable  // KRB5_REALM_UNKNOWN, KRB5_KDC_UNREACH, KRB5_REALM_CANT_RESOLVE
        // KRB5_KT_NOTFOUND, KRB5_KT_END, KRB5_PREAUTH_NO_KEY, KRB5_PREAUTH_FAILED (no keytab), KRB5_KT_KVNONOTFOUND
        case 181, 182, 209, 210, 230: .noKey
        case 133, 134, 224: .badName  // KRB5_PARSE_ILLCHAR, KRB5_PARSE_MALFORMED, KRB5_CONFIG_NODEFREALM
        default: code == 2 || code == 13 ? .noKey : .other  // ENOENT / EACCES on the keytab file
        }
    }
}

/// One step's answer: the KDC issued a ticket, the KDC refused with an error, or the request never got an answer.
public enum KerberosStepOutcome: Sendable, Hashable, CustomStringConvertible {
    case granted(TicketFlags)
    case refused(KDCError, message: String)
    case failed(LocalKerberosFailure)

    /// A krb5 return code that is not 0, as a refusal (KDC error) or a local failure.
    public static func error(_ code: Int32, message: String, step: String) -> KerberosStepOutcome {
        if let kdc = KDCError(comErr: code) { return .refused(kdc, message: message) }
        return .failed(
            LocalKerberosFailure(
                kind: LocalKerberosFailure.kind(ofComErr: code), code: code, message: message, step: step)
        )
    }

    public var isGranted: Bool { if case .granted = self { true } else { false } }

    public var description: String {
        switch self {
        case .granted(let flags): "granted (flags: \(flags))"
        case .refused(let error, let message): "refused: \(error) — \(message)"
        case .failed(let failure): "not asked: \(failure)"
        }
    }
}

/// Everything one probe learned: the initial ticket from the keytab, S4U2Self for the user, and S4U2Proxy to
/// each target (nil when S4U2Self gave no evidence ticket to present).
public struct DelegationProbeReport: Sendable, Hashable {
    public struct Target: Sendable, Hashable {
        public var spn: String
        public var outcome: KerberosStepOutcome?
        /// The encryption of the S4U2Proxy ticket (encrypted in the target's key: the CA computer's).
        public var encryption: TicketEncryption?
        public init(spn: String, outcome: KerberosStepOutcome?, encryption: TicketEncryption? = nil) {
            self.spn = spn
            self.outcome = outcome
            self.encryption = encryption
        }
    }

    public var servicePrincipal: String
    public var user: String
    /// AS exchange with the key from the keytab (the CES principal's TGT).
    public var initial: KerberosStepOutcome
    /// S4U2Self: a ticket for `user` to the CES principal (nil when there was no TGT).
    public var s4u2self: KerberosStepOutcome?
    public var targets: [Target]
    /// The encryption of the initial ticket (the TGT) when granted.
    public var initialEncryption: TicketEncryption?
    /// The encryption of the S4U2Self ticket when granted: it is encrypted in the CES principal's own key.
    public var s4u2selfEncryption: TicketEncryption?

    public init(
        servicePrincipal: String, user: String, initial: KerberosStepOutcome, s4u2self: KerberosStepOutcome?,
        targets: [Target]
    ) {
        self.servicePrincipal = servicePrincipal
        self.user = user
        self.initial = initial
        self.s4u2self = s4u2self
        self.targets = targets
    }
}
