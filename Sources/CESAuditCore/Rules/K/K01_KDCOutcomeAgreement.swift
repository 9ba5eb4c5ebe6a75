import ADModel
import DirectoryAccess

/// A rule about one endpoint and the live probe's answer for a requester (CES-K1).
public protocol ProbeRule: AuditRule {
    func evaluate(_ path: EndpointPath, requester: AccountRecord?, probe: ProbeState, in context: RuleContext)
        -> Finding
}

/// What a job knows about the live probe for one endpoint.
public enum ProbeState: Sendable, Equatable {
    /// No probe was asked for (`--probe-user` / `--probe-keytab` not given).
    case notAsked
    /// A probe was asked for but could not be run for this endpoint (why).
    case notRun(String)
    /// The probe ran for `user` (the Kerberos name asked for) with the CES principal's key.
    case ran(DelegationProbeReport)
}

/// The KDC's answer for one target, reduced to what K1 compares.
public enum KDCVerdict: Sendable, Equatable {
    case granted(TicketFlags)
    /// Refused by the KDC at `step` (S4U2Self or S4U2Proxy).
    case refused(KDCError, step: String, message: String)
    /// The question never reached the KDC or got no answer (why).
    case notAnswered(String)

    public init(report: DelegationProbeReport, target: String) {
        switch report.initial {
        case .granted: break
        case .refused(let error, let message):
            self = .notAnswered("no ticket for \(report.servicePrincipal) from its key: \(error) — \(message)")
            return
        case .failed(let failure):
            self = .notAnswered("\(failure)")
            return
        }
        switch report.s4u2self {
        case .granted?: break
        case .refused(let error, let message)?:
            self = .refused(error, step: "S4U2Self", message: message)
            return
        case .failed(let failure)?:
            self = .notAnswered("\(failure)")
            return
        case nil:
            self = .notAnswered("S4U2Self was not attempted")
            return
        }
        switch report.targets.first(where: { $0.spn.caseInsensitiveCompare(target) == .orderedSame })?.outcome {
        case .granted(let flags)?: self = .granted(flags)
        case .refused(let error, let message)?: self = .refused(error, step: "S4U2Proxy", message: message)
        case .failed(let failure)?: self = .notAnswered("\(failure)")
        case nil: self = .notAnswered("\(target) was not probed")
        }
    }

    /// `granted`, `refused` or `unknown` (evidence value).
    public var word: String {
        switch self {
        case .granted: "granted"
        case .refused: "refused"
        case .notAnswered: "unknown"
        }
    }

    public var text: String {
        switch self {
        case .granted(let flags): "granted (ticket flags: \(flags))"
        case .refused(let error, let step, let message): "refused at \(step): \(error) — \(message)"
        case .notAnswered(let why): "not answered: \(why)"
        }
    }
}

/// How one target's static prediction and KDC answer compare.
public enum ProbeComparison: String, Sendable, Equatable {
    case agree
    case disagree
    /// The KDC that answered cannot judge the case (Samba: Protected Users, RBCD) — never counted as agreement.
    case notJudgeable = "not-judgeable"
    /// The probe's path is not the endpoint's, or a side has no answer.
    case unknown

    public static func compare(_ prediction: DelegationPrediction, _ kdc: KDCVerdict) -> ProbeComparison {
        if prediction.notJudgeable != nil { return .notJudgeable }
        if prediction.notReproducible != nil { return .unknown }
        guard let expected = prediction.expectation else { return .unknown }
        switch (expected, kdc) {
        case (_, .notAnswered): return .unknown
        case (.granted, .granted), (.refused, .refused): return .agree
        default: return .disagree
        }
    }
}

/// CES-K1: the KDC's answer to a live S4U2Self + S4U2Proxy probe (HOST/ and RPCSS/ on the CA) compared with
/// what the static rules predict. Produced by the probe stage of `user` and `server`, not by the evaluator.
public struct K1KDCOutcomeAgreement: ProbeRule {
    public static let id = "CES-K1"
    public init() {}

    /// `requester` is the probed user (nil when no probe was asked or the account is unknown).
    public func evaluate(
        _ path: EndpointPath, requester: AccountRecord?, probe: ProbeState, in context: RuleContext
    ) -> Finding {
        let (early, _) = context.delegationPreconditions(Self.id, path)
        if let early { return early }
        let report: DelegationProbeReport
        switch probe {
        case .notAsked:
            return context.finding(
                Self.id, .skipped, path: path,
                message: "no live probe asked for (--probe-user ACCOUNT --probe-keytab PATH)")
        case .notRun(let why):
            return context.finding(Self.id, .unknown, path: path, message: "the probe could not run: \(why)")
        case .ran(let ran):
            report = ran
        }
        guard let requester else {
            return context.finding(Self.id, .unknown, path: path, message: "the probed user was not read from AD")
        }
        guard !path.requiredTargets.isEmpty else {
            return context.finding(Self.id, .unknown, path: path, message: "the CA host name is unknown")
        }
        var evidence: [String: EvidenceValue] = [
            "probeUser": .string(report.user), "probePrincipal": .string(report.servicePrincipal),
            "initialTicket": .string(report.initial.description),
            "s4u2self": .string(report.s4u2self?.description ?? "not attempted"),
        ]
        // Without the principal's own ticket nothing was asked about delegation: one reason, not one per target.
        if !report.initial.isGranted {
            return context.finding(
                Self.id, .unknown, path: path,
                message: "the probe could not run: no ticket for \(report.servicePrincipal): \(report.initial)",
                evidence: evidence)
        }
        var lines: [String] = []
        var comparisons: [ProbeComparison] = []
        for target in path.requiredTargets {
            let prediction = DelegationPrediction.predict(
                requester: requester, path: path, target: target, domain: context.snapshot.domain)
            let kdc = KDCVerdict(report: report, target: target)
            let comparison = ProbeComparison.compare(prediction, kdc)
            comparisons.append(comparison)
            evidence["static:\(target)"] = .string(prediction.expectation?.rawValue ?? "unknown")
            evidence["staticReasons:\(target)"] = .list(prediction.reasons.map { .string($0) })
            evidence["kdc:\(target)"] = .string(kdc.word)
            evidence["kdcDetail:\(target)"] = .string(kdc.text)
            if case .refused(let error, _, _) = kdc {
                evidence["kdcError:\(target)"] = .string("\(error.name) (\(error.number))")
                evidence["kdcMeaning:\(target)"] = .string(error.meaning)
            }
            evidence["comparison:\(target)"] = .string(comparison.rawValue)
            let predicted =
                prediction.expectation?.rawValue ?? "unknown (\(prediction.reasons.joined(separator: "; ")))"
            var line = "\(target): static \(predicted), KDC \(kdc.text)"
            switch comparison {
            case .agree: line += " — agree"
            case .disagree: line += " — DISAGREE (static: \(prediction.reasons.joined(separator: "; ")))"
            case .notJudgeable:
                let note = prediction.notJudgeable ?? ""
                evidence["comparisonNote:\(target)"] = .string(note)
                line += " — not judgeable: \(note)"
            case .unknown:
                let note = prediction.notReproducible ?? kdcOrStaticGap(prediction, kdc)
                evidence["comparisonNote:\(target)"] = .string(note)
                line += " — cannot compare: \(note)"
            }
            lines.append(line)
        }
        for check in EncryptionCheck.checks(path: path, report: report, context: context) {
            evidence["ticketEncryption:\(check.step)"] = .string(check.observed)
            if let note = check.note { evidence["encryptionComparison:\(check.step)"] = .string(note) }
            // Only a contradiction changes the status; a case the KDC cannot judge is shown, never agreement.
            if check.disagrees {
                comparisons.append(.disagree)
                lines.append("\(check.step): \(check.observed) — DISAGREE (\(check.note ?? "CES-C9"))")
            } else if let note = check.note {
                lines.append("\(check.step): \(check.observed) — \(note)")
            }
        }
        let summary = "probe \(report.servicePrincipal) for \(report.user): " + lines.joined(separator: "; ")
        let status: Status =
            comparisons.contains(.disagree)
            ? .fail : comparisons.allSatisfy { $0 == .agree } ? .pass : .unknown
        return context.finding(Self.id, status, path: path, message: summary, evidence: evidence)
    }

    private func kdcOrStaticGap(_ prediction: DelegationPrediction, _ kdc: KDCVerdict) -> String {
        if case .notAnswered(let why) = kdc { return why }
        return "static side unknown: \(prediction.reasons.joined(separator: "; "))"
    }
}

/// CES-C9 against the KDC: the encryption of each ticket the probe got (S4U2Self: the CES principal's key;
/// S4U2Proxy: the CA computer's key), and KDC_ERR_ETYPE_NOSUPP at any step.
struct EncryptionCheck: Equatable {
    var step: String
    /// `ticket aes256-cts-hmac-sha1-96 (18), session key …`, or the refusal.
    var observed: String
    var disagrees = false
    /// Why it disagrees, or why it cannot be judged.
    var note: String?

    static func checks(path: EndpointPath, report: DelegationProbeReport, context: RuleContext) -> [EncryptionCheck] {
        let kdc = C9PrincipalEncryptionTypes.KDCDefaults(context.snapshot)
        let domain = context.snapshot.domain
        var checks: [EncryptionCheck] = []
        if let encryption = report.initialEncryption {
            checks.append(EncryptionCheck(step: "initial", observed: encryption.description))
        }
        if let principal = path.principal.account {
            let verdict = C9PrincipalEncryptionTypes.judge(principal, role: "CES principal", kdc: kdc, domain: domain)
            checks += compare(
                step: "S4U2Self", outcome: report.s4u2self, encryption: report.s4u2selfEncryption,
                account: principal, verdict: verdict, domain: domain)
            if case .refused(let error, _) = report.initial, error.number == 14 {
                checks.append(etypeRefusal(step: "initial", account: principal, verdict: verdict))
            }
        }
        if let computer = path.caComputer {
            let verdict = C9PrincipalEncryptionTypes.judge(computer, role: "CA computer", kdc: kdc, domain: domain)
            for target in report.targets {
                checks += compare(
                    step: target.spn, outcome: target.outcome, encryption: target.encryption, account: computer,
                    verdict: verdict, domain: domain)
            }
        }
        return checks
    }

    static func compare(
        step: String, outcome: KerberosStepOutcome?, encryption: TicketEncryption?, account: AccountRecord,
        verdict: C9PrincipalEncryptionTypes.Verdict, domain: DirectorySnapshot.Domain
    ) -> [EncryptionCheck] {
        if case .refused(let error, _)? = outcome, error.number == 14 {
            return [etypeRefusal(step: step, account: account, verdict: verdict)]
        }
        guard let encryption else { return [] }
        var check = EncryptionCheck(step: step, observed: encryption.description)
        guard encryption.ticketIsRC4, verdict.status == .pass else { return [check] }
        guard verdict.predictsAES else {
            check.note = "agrees with CES-C9: \(verdict.message)"
            return [check]
        }
        let explicit = (account.supportedEncryptionTypes ?? 0) != 0
        if !explicit && domain.vendorName?.lowercased().contains("samba") == true {
            check.note =
                "not judgeable: Samba's KDC does not apply the 2026 AES-only default to \(account.samAccountName), which has no msDS-SupportedEncryptionTypes"
        } else {
            check.disagrees = true
            check.note =
                "CES-C9 judged \(account.samAccountName) AES-capable, but the KDC issued an RC4 ticket: \(verdict.message)"
        }
        return [check]
    }

    static func etypeRefusal(
        step: String, account: AccountRecord, verdict: C9PrincipalEncryptionTypes.Verdict
    ) -> EncryptionCheck {
        var check = EncryptionCheck(step: step, observed: "refused: KDC_ERR_ETYPE_NOSUPP (14)")
        if verdict.status == .fail {
            check.note = "agrees with CES-C9: \(verdict.message)"
        } else {
            check.disagrees = true
            check.note =
                "CES-C9 said \(verdict.status.rawValue) for \(account.samAccountName), but the KDC found no common encryption type: \(verdict.message)"
        }
        return check
    }
}
