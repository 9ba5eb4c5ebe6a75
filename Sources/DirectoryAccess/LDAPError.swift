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
        case 49: return .invalidCredentials
        case 8: return .strongerAuthRequired
        case 13: return .confidentialityRequired
        case 50: return .insufficientAccess
        case 4: return .sizeLimitExceeded
        case 3: return .timeLimitExceeded
        case 11: return .adminLimitExceeded
        case 32: return .noSuchObject
        case 51: return .busy
        case 52: return .unavailable
        case 53: return .unwillingToPerform
        case 2: return .protocolError
        case 7, 48: return .authenticationFailure  // authMethodNotSupported, inappropriateAuthentication
        case -1: return .serverDown
        case -11: return .connectError
        case -5: return .timeout
        case -7: return .filterError
        case -4: return .decodingError
        case -2, -6: return .authenticationFailure  // local error (SASL/GSSAPI), auth unknown
        default: return .other
        }
    }
}
