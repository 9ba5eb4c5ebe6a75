import CLDAP
import Foundation

/// Asks the KDC itself whether a CES principal may act for a user at the CA: S4U2Self for the user, then
/// S4U2Proxy with that evidence ticket to each target SPN (MS-SFU; MIT krb5 API, no `kvno`).
///
/// The only credential used is the principal's key from the keytab, which is only read. Tickets live in a
/// process-private `MEMORY:` credential cache that is destroyed before `run` returns: nothing is written to disk
/// and the caller's `KRB5CCNAME` is neither read nor changed. Every krb5 object is freed on every path.
public struct KerberosDelegationProbe: Sendable {
    public var keytab: String
    public var servicePrincipal: String

    public init(keytab: String, servicePrincipal: String) {
        self.keytab = keytab
        self.servicePrincipal = servicePrincipal
    }

    /// S4U2Self for `user` (an enterprise name: UPN or `sAMAccountName@REALM`), then S4U2Proxy to every target
    /// (`HOST/ca01.corp.example.com`; the default realm is added). Blocking: a few round trips to the KDC.
    public func run(user: String, targets: [String]) -> DelegationProbeReport {
        var report = DelegationProbeReport(
            servicePrincipal: servicePrincipal, user: user, initial: .failed(Self.noContext), s4u2self: nil,
            targets: targets.map { .init(spn: $0, outcome: nil) })
        BrokenPipeSignal.ignore()
        var contextHandle: krb5_context?
        let initRC = krb5_init_context(&contextHandle)
        guard initRC == 0, let context = contextHandle else {
            report.initial = .failed(
                LocalKerberosFailure(
                    kind: .other, code: initRC, message: "krb5_init_context failed; check KRB5_CONFIG / krb5.conf",
                    step: "initialise Kerberos"))
            return report
        }
        defer { krb5_free_context(context) }
        var session = Session(context: context)

        // The CES principal's TGT from its key, in a fresh MEMORY: cache.
        let client: krb5_principal
        switch session.parse(servicePrincipal, enterprise: false, step: "parse the CES principal name") {
        case .success(let principal): client = principal
        case .failure(let failure):
            report.initial = failure.outcome
            return report
        }
        defer { krb5_free_principal(context, client) }
        let cache: krb5_ccache
        switch session.initialTicket(client: client, keytab: keytab) {
        case .success(let created): cache = created
        case .failure(let failure):
            report.initial = failure.outcome
            return report
        }
        // destroy (not close): a MEMORY: cache outlives krb5_cc_close.
        defer { krb5_cc_destroy(context, cache) }
        report.initial = .granted(session.lastFlags)
        report.initialEncryption = session.lastEncryption

        // S4U2Self: a ticket for the user to the CES principal itself.
        let userPrincipal: krb5_principal
        switch session.parse(user, enterprise: true, step: "parse the user name") {
        case .success(let principal): userPrincipal = principal
        case .failure(let failure):
            report.s4u2self = failure.outcome
            return report
        }
        defer { krb5_free_principal(context, userPrincipal) }
        var request = krb5_creds()
        request.client = userPrincipal
        request.server = client
        var evidenceHandle: UnsafeMutablePointer<krb5_creds>?
        let selfRC = krb5_get_credentials_for_user(context, 0, cache, &request, nil, &evidenceHandle)
        guard selfRC == 0, let evidence = evidenceHandle else {
            report.s4u2self = .error(
                selfRC, message: session.message(selfRC), step: "S4U2Self for \(user) to \(servicePrincipal)")
            return report
        }
        defer { krb5_free_creds(context, evidence) }
        report.s4u2self = .granted(TicketFlags(rawValue: evidence.pointee.ticket_flags))
        report.s4u2selfEncryption = session.encryption(of: evidence.pointee)

        // S4U2Proxy: the evidence ticket as additional ticket, one request per target, nothing stored.
        for index in report.targets.indices {
            (report.targets[index].outcome, report.targets[index].encryption) = session.proxy(
                to: report.targets[index].spn, client: client, evidence: evidence, cache: cache)
        }
        return report
    }

    static let noContext = LocalKerberosFailure(kind: .other, code: -1, message: "not run", step: "initialise Kerberos")
}

/// The krb5 calls of one probe on one context. Every pointer it hands out is freed by the caller's `defer`.
private struct Session {
    let context: krb5_context
    /// Flags and encryption of the last ticket obtained by `initialTicket`.
    var lastFlags = TicketFlags()
    var lastEncryption: TicketEncryption?

    init(context: krb5_context) { self.context = context }

    func message(_ code: krb5_error_code) -> String {
        guard let text = krb5_get_error_message(context, code) else { return "Kerberos error \(code)" }
        defer { krb5_free_error_message(context, text) }
        return String(cString: text)
    }

    /// The ticket's encryption type (from its decoded enc-part header; nil if it does not decode) and the session
    /// key's.
    func encryption(of credentials: krb5_creds) -> TicketEncryption? {
        var encoded = credentials.ticket
        var decoded: UnsafeMutablePointer<krb5_ticket>?
        guard krb5_decode_ticket(&encoded, &decoded) == 0, let ticket = decoded else { return nil }
        defer { krb5_free_ticket(context, ticket) }
        return TicketEncryption(ticket: ticket.pointee.enc_part.enctype, sessionKey: credentials.keyblock.enctype)
    }

    func parse(_ name: String, enterprise: Bool, step: String) -> Result<krb5_principal, StepFailure> {
        var principal: krb5_principal?
        let flags = enterprise ? Int32(KRB5_PRINCIPAL_PARSE_ENTERPRISE) : 0
        let rc = krb5_parse_name_flags(context, name, flags, &principal)
        guard rc == 0, let principal else {
            return .failure(StepFailure(.error(rc, message: message(rc), step: "\(step) '\(name)'")))
        }
        return .success(principal)
    }

    /// AS exchange with the keytab's key, stored in a new unique MEMORY: cache (returned; destroy it).
    mutating func initialTicket(client: krb5_principal, keytab path: String) -> Result<krb5_ccache, StepFailure> {
        let step = "get the CES principal's ticket with the key from \(path)"
        var keytabHandle: krb5_keytab?
        var rc = krb5_kt_resolve(context, path.hasPrefix("FILE:") ? path : "FILE:\(path)", &keytabHandle)
        guard rc == 0, let keytab = keytabHandle else {
            return .failure(StepFailure(.error(rc, message: message(rc), step: "open keytab \(path)")))
        }
        defer { krb5_kt_close(context, keytab) }

        var options: UnsafeMutablePointer<krb5_get_init_creds_opt>?
        rc = krb5_get_init_creds_opt_alloc(context, &options)
        guard rc == 0 else { return .failure(StepFailure(.error(rc, message: message(rc), step: step))) }
        defer { krb5_get_init_creds_opt_free(context, options) }
        // S4U2Self needs a forwardable TGT for the evidence ticket to be forwardable.
        krb5_get_init_creds_opt_set_forwardable(options, 1)

        var credentials = krb5_creds()
        rc = krb5_get_init_creds_keytab(context, &credentials, client, keytab, 0, nil, options)
        guard rc == 0 else { return .failure(StepFailure(.error(rc, message: message(rc), step: step))) }
        defer { krb5_free_cred_contents(context, &credentials) }
        lastFlags = TicketFlags(rawValue: credentials.ticket_flags)
        lastEncryption = encryption(of: credentials)

        var cacheHandle: krb5_ccache?
        rc = krb5_cc_new_unique(context, "MEMORY", nil, &cacheHandle)
        guard rc == 0, let cache = cacheHandle else {
            return .failure(StepFailure(.error(rc, message: message(rc), step: "create an in-memory credential cache")))
        }
        rc = krb5_cc_initialize(context, cache, client)
        if rc == 0 { rc = krb5_cc_store_cred(context, cache, &credentials) }
        guard rc == 0 else {
            krb5_cc_destroy(context, cache)
            return .failure(StepFailure(.error(rc, message: message(rc), step: "store the ticket in memory")))
        }
        return .success(cache)
    }

    /// S4U2Proxy to `spn` with the S4U2Self ticket as evidence (KRB5_GC_CONSTRAINED_DELEGATION), and the
    /// encryption of the ticket when granted.
    func proxy(
        to spn: String, client: krb5_principal, evidence: UnsafeMutablePointer<krb5_creds>, cache: krb5_ccache
    ) -> (KerberosStepOutcome, TicketEncryption?) {
        let target: krb5_principal
        switch parse(spn, enterprise: false, step: "parse the target SPN") {
        case .success(let principal): target = principal
        case .failure(let failure): return (failure.outcome, nil)
        }
        defer { krb5_free_principal(context, target) }
        var request = krb5_creds()
        request.client = client
        request.server = target
        request.second_ticket = evidence.pointee.ticket
        var ticketHandle: UnsafeMutablePointer<krb5_creds>?
        let options = krb5_flags(KRB5_GC_CONSTRAINED_DELEGATION | KRB5_GC_NO_STORE)
        let rc = krb5_get_credentials(context, options, cache, &request, &ticketHandle)
        guard rc == 0, let ticket = ticketHandle else {
            return (.error(rc, message: message(rc), step: "S4U2Proxy to \(spn)"), nil)
        }
        defer { krb5_free_creds(context, ticket) }
        return (.granted(TicketFlags(rawValue: ticket.pointee.ticket_flags)), encryption(of: ticket.pointee))
    }
}

/// A step's failure carried through `Result`.
private struct StepFailure: Error {
    let outcome: KerberosStepOutcome
    init(_ outcome: KerberosStepOutcome) { self.outcome = outcome }
}
