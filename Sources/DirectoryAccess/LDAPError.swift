import CLDAP

/// A failed LDAP, SASL or Kerberos operation, typed by what the caller can do about it.
///
/// `code` is the LDAP result code (negative values are libldap's client-side codes), `diagnostic` the server's
/// diagnostic text when it sent one.
public struct LDAPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case invalidCredentials
        case strongerAuthRequired
        case confidentialityRequired
        case insufficientAccess
        case sizeLimitExceeded
        case timeLimitExceeded
        case adminLimitExceeded
        case noSuchObject
        case busy
        case unavailable
        case unwillingToPerform
        case serverDown
        case connectError
        case timeout
        case tlsFailure
        case authenticationFailure
        case filterError
        case decodingError
        case protocolError
        case other
    }

    public var kind: Kind
    public var code: Int32
    /// What was being done, e.g. `bind to ldaps://dc01`.
    public var operation: String
    public var message: String
    public var diagnostic: String?
    /// The transport broke after TCP connected (a reset or close during the TLS handshake): worth one retry of
    /// the same URI, since a loaded DC drops a handshake now and then.
    public var transportBroke = false
    public var matchedDN: String?

    public init(
        kind: Kind, code: Int32, operation: String, message: String, diagnostic: String? = nil,
        matchedDN: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.operation = operation
        self.message = message
        self.diagnostic = diagnostic.flatMap { $0.isEmpty ? nil : $0 }
        self.matchedDN = matchedDN.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether another URI may succeed where this one failed. Authentication failures are not retried
    /// elsewhere: a wrong password tried against every DC only locks the account out faster.
    public var isConnectivityFailure: Bool {
        switch kind {
        case .serverDown, .connectError, .timeout, .busy, .unavailable, .tlsFailure: return true
        default: return false
        }
    }

    public var description: String {
        var text = "\(operation): \(message) (\(code))"
        if let diagnostic { text += ": \(diagnostic)" }
        if let matchedDN { text += " [matched DN: \(matchedDN)]" }
        return text
    }

    /// The kind for an LDAP result code (RFC 4511 §4.1.9 and libldap's negative client codes).
    public static func kind(forResultCode code: Int32) -> Kind {
        switch code {
        case LDAP_INVALID_CREDENTIALS: return .invalidCredentials
        case LDAP_STRONG_AUTH_REQUIRED: return .strongerAuthRequired
        case LDAP_CONFIDENTIALITY_REQUIRED: return .confidentialityRequired
        case LDAP_INSUFFICIENT_ACCESS: return .insufficientAccess
        case LDAP_SIZELIMIT_EXCEEDED: return .sizeLimitExceeded
        case LDAP_TIMELIMIT_EXCEEDED: return .timeLimitExceeded
        case LDAP_ADMINLIMIT_EXCEEDED: return .adminLimitExceeded
        case LDAP_NO_SUCH_OBJECT: return .noSuchObject
        case LDAP_BUSY: return .busy
        case LDAP_UNAVAILABLE: return .unavailable
        case LDAP_UNWILLING_TO_PERFORM: return .unwillingToPerform
        case LDAP_PROTOCOL_ERROR: return .protocolError
        case LDAP_AUTH_METHOD_NOT_SUPPORTED, LDAP_INAPPROPRIATE_AUTH: return .authenticationFailure
        case LDAP_SERVER_DOWN: return .serverDown
        case LDAP_CONNECT_ERROR: return .connectError
        case LDAP_TIMEOUT: return .timeout
        case LDAP_FILTER_ERROR: return .filterError
        case LDAP_DECODING_ERROR: return .decodingError
        case LDAP_LOCAL_ERROR, LDAP_AUTH_UNKNOWN: return .authenticationFailure  // SASL/GSSAPI fail locally
        default: return .other
        }
    }
}
