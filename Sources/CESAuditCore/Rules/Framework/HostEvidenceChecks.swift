import ADModel

extension RuleContext {
    /// One datum of a host's evidence, or why it is not there (no host, no folder, no file, malformed file).
    func hostDatum<Value>(
        _ datum: KeyPath<HostEvidence, Collected<Value>>, host: String?, file: String
    ) -> Collected<Value> {
        guard let host, !host.isEmpty else {
            return .missing(reason: "the host is unknown, so no \(file) can be matched")
        }
        guard let evidence = snapshot.evidence(for: host) else {
            return .missing(reason: "no \(file) for host \(host): no evidence folder for it (--evidence DIR/\(host)/)")
        }
        return evidence[keyPath: datum]
    }

    var domainSID: SID? { snapshot.domain.sid.flatMap { try? SID(string: $0) } }

    /// The certutil names of `host`'s `ca-security.txt` that were resolved to SIDs through AD.
    func certutilPrincipals(host: String?) -> [String: SID] {
        let names = snapshot.evidence(for: host)?.certutilPrincipals ?? [:]
        return names.compactMapValues { try? SID(string: $0) }
    }
}

/// A CA right decided from `Security` evidence, with the sentence that names the deciding ACE or line.
enum CARightOutcome: Equatable {
    case granted(String)
    case denied(String)
    case notGranted(String)
    case unknown(String)
}

/// Evaluates one CA right (B1: Enroll; E1: Read, explicit or implied) from either evidence form.
///
/// The descriptor forms are exact. certutil text names principals, so its lines are matched to the token by
/// name: `DOMAIN\name` principals resolved through AD (`resolved`, see `resolveCertutilPrincipals`), and — only for
/// this domain (its NetBIOS name), `NT AUTHORITY` and `BUILTIN` — the account's sAMAccountName and the names of
/// well-known and domain-RID SIDs. A line that may matter and cannot be matched (another domain's `OTHER\bob` or
/// `OTHER\Domain Users` is not ours by name) makes the answer unknown — never a guessed pass or fail.
enum CARightCheck {
    static func evaluate(
        _ record: CASecurityRecord, right: CAAccessMask, token: AccessToken, account: AccountRecord,
        domain: SID?, netbios: String?, resolved: [String: SID] = [:]
    ) -> CARightOutcome {
        let label = right == .enroll ? "0x200 (Enroll)" : "0x100 (Read)"
        switch record {
        case .descriptor:
            guard let descriptor = record.securityDescriptor else {
                return .unknown("\(record.file) holds a descriptor that no longer parses")
            }
            return right == .enroll
                ? enroll(descriptor, token: token, account: account, label: label)
                : read(descriptor, token: token, account: account)
        case .certutil:
            guard let report = record.certutilReport else {
                return .unknown("\(record.file) no longer parses as certutil text")
            }
            return certutil(
                report, file: record.file, right: right, label: label, token: token, account: account, domain: domain,
                netbios: netbios, resolved: resolved)
        }
    }

    static func enroll(_ descriptor: SecurityDescriptor, token: AccessToken, account: AccountRecord, label: String)
        -> CARightOutcome
    {
        let aces = descriptor.dacl?.aces ?? []
        switch descriptor.check(token, desired: CAAccessMask.enroll.accessMask) {
        case .granted(let indices):
            guard let first = indices.first, let ace = aces[safe: first] else {
                return .granted("the CA Security descriptor has a NULL DACL (grants everything)")
            }
            return .granted("CA DACL grants \(label) to \(ace.sid) by ACE \(first)")
        case .denied(let index, _):
            let sid = aces[safe: index].map { "\($0.sid)" } ?? "?"
            return .denied("CA DACL denies \(label) to \(sid) by ACE \(index)")
        case .notGranted:
            return .notGranted(
                "no ACE of the CA DACL (\(aces.count) ACEs) grants \(label) to any of the \(token.sids.count) SIDs of \(account.samAccountName)"
            )
        }
    }

    static func read(_ descriptor: SecurityDescriptor, token: AccessToken, account: AccountRecord) -> CARightOutcome {
        let permissions = CAPermissions(descriptor: descriptor, token: token)
        let aces = descriptor.dacl?.aces ?? []
        if case .denied(let index, _) = permissions.read {
            let sid = aces[safe: index].map { "\($0.sid)" } ?? "?"
            return .denied("CA DACL denies 0x100 (Read) to \(sid) by ACE \(index)")
        }
        let mask = permissions.effective.rawValue.hex
        if permissions.canRead {
            return .granted(
                "effective CA rights of \(account.samAccountName) are \(mask), which include or imply 0x100 (Read)")
        }
        return .notGranted(
            "effective CA rights of \(account.samAccountName) are \(mask): none of 0x100 (Read), 0x200 (Enroll), 0x2 (Officer), 0x1 (Administrator)"
        )
    }

    static func certutil(
        _ report: CertutilSecurityReport, file: String, right: CAAccessMask, label: String, token: AccessToken,
        account: AccountRecord, domain: SID?, netbios: String?, resolved: [String: SID]
    ) -> CARightOutcome {
        var members: Set<String> = []
        var unidentified: [CertutilSecurityEntry] = []
        for entry in report.entries {
            switch isMember(
                entry.principal, token: token, account: account, domain: domain, netbios: netbios, resolved: resolved)
            {
            case true?: members.insert(entry.principal)
            case false?: continue
            case nil: unidentified.append(entry)
            }
        }
        let decision = report.decide(right, forNames: members)
        let cutoff: Int
        switch decision {
        case .granted(let lines): cutoff = lines.last ?? .max
        case .denied(let line): cutoff = line
        case .notGranted: cutoff = .max
        case .unknown(let line):
            let principal = report.entries.first { $0.line == line }?.principal ?? "?"
            return .unknown(
                "\(file) line \(line) names \(principal) with rights certutil printed in a form that was not understood"
            )
        }
        let mayMatter = unidentified.first { entry in
            guard entry.line < cutoff else { return false }
            guard entry.rightsKnown else { return true }
            return !(entry.isAllow ? entry.rights.withImpliedRead : entry.rights).intersection(right).isEmpty
        }
        if let entry = mayMatter {
            return .unknown(
                "\(file) line \(entry.line) (\(entry.isAllow ? "Allow" : "Deny")) names \(entry.principal), which was not resolved to a SID through AD (not this domain's NetBIOS name, or no such sAMAccountName), so it cannot be tied to \(account.samAccountName); supply ca-config.reg, ca-security.bin or ca-security.sddl"
            )
        }
        func principal(_ line: Int) -> String { report.entries.first { $0.line == line }?.principal ?? "?" }
        switch decision {
        case .granted(let lines):
            return .granted("\(file) line \(lines.last ?? 0) grants \(label) to \(principal(lines.last ?? 0))")
        case .denied(let line):
            return .denied("\(file) line \(line) denies \(label) to \(principal(line))")
        default:
            return .notGranted(
                "no line of \(file) grants \(label) to \(account.samAccountName) or a group recognisable by name")
        }
    }

    /// Whether a certutil principal name is one of the token's SIDs: true, false, or nil when it cannot be told.
    static func isMember(
        _ principal: String, token: AccessToken, account: AccountRecord, domain: SID?, netbios: String?,
        resolved: [String: SID] = [:]
    ) -> Bool? {
        let full = principal.lowercased()
        if let sid = resolved[full] { return token.contains(sid) }
        let parts = full.split(separator: "\\", maxSplits: 1).map(String.init)
        let authority = parts.count == 2 ? parts[0] : nil
        let name = parts.last ?? full
        let fixedAuthority = authority == "nt authority" || authority == "builtin"
        // Another domain's `OTHER\bob` or `OTHER\Domain Users` is not this domain's account or group of that name;
        // without this domain's NetBIOS name no prefixed domain name can be told apart.
        guard fixedAuthority || authority == nil || authority == netbios?.lowercased() else { return nil }
        if !fixedAuthority && name == account.samAccountName.lowercased() { return true }
        var names: Set<String> = []
        var unnamed = false
        for sid in token.sids {
            if let known = sid.wellKnownName(domain: domain) {
                names.insert(known.lowercased())
            } else if sid.description != account.sid {
                unnamed = true
            }
        }
        if names.contains(full) || names.contains(name) { return true }
        // Names of SIDs we can recognise that are not in the token: a known non-member.
        if fixedAuthority || full == "everyone" || DomainRID.allCases.contains(where: { $0.name.lowercased() == name })
        {
            return false
        }
        return unnamed ? nil : false
    }
}

/// A user right decided from `secedit.inf`, with the deny right honoured.
enum UserRightCheck {
    enum Outcome: Equatable {
        case granted(String)
        case notGranted(String)
        case denied(String)
        case unknown(String)
    }

    /// `right` must list a SID of `token` (or the account's bare name) and `denyRight`, when given, must not.
    static func evaluate(
        _ rights: UserRightsRecord, right: String, denyRight: String?, token: AccessToken, account: AccountRecord?,
        host: String
    ) -> Outcome {
        let assignment = rights.assignment
        let who = account?.samAccountName ?? "the principal"
        if let denyRight {
            switch decide(assignment, denyRight, token: token, account: account) {
            case .granted(let by):
                return .denied("\(denyRight) on \(host) lists \(by), which \(who) holds")
            case .unresolved(let names):
                if case .granted = decide(assignment, right, token: token, account: account) {
                    if let reason = notCollected(names) {
                        return .unknown("\(denyRight) on \(host) was not collected: \(reason)")
                    }
                    return .unknown(
                        "\(denyRight) on \(host) lists unresolved names \(names.joined(separator: ", ")); one may be \(who) or a group of it"
                    )
                }
            case .notGranted, .notDefined: break
            }
        }
        let listed = (assignment.holders(of: right) ?? []).map(\.description).joined(separator: ",")
        switch decide(assignment, right, token: token, account: account) {
        case .granted(let by):
            return .granted("\(right) on \(host) lists \(by), which \(who) holds")
        case .notGranted:
            return .notGranted(
                "\(right) on \(host) is \(listed.isEmpty ? "empty" : listed): none is \(who) or one of its groups")
        case .notDefined:
            return .notGranted("\(right) is not in secedit.inf of \(host) (assigned to nobody)")
        case .unresolved(let names):
            if let reason = notCollected(names) { return .unknown("\(right) on \(host) was not collected: \(reason)") }
            return .unknown(
                "\(right) on \(host) matches no SID of \(who) but lists unresolved names \(names.joined(separator: ", ")); resolve them to SIDs"
            )
        }
    }

    /// `ces-audit collect` writes `Right = <not collected: reason>` for a right the host did not answer for: the
    /// reason, when a listed name is that marker.
    static func notCollected(_ names: [String]) -> String? {
        let marker = "<not collected:"
        guard let name = names.first(where: { $0.hasPrefix(marker) && $0.hasSuffix(">") }) else { return nil }
        return name.dropFirst(marker.count).dropLast().trimmingCharacters(in: .whitespaces)
    }

    enum Decision {
        case granted(String)
        case notGranted
        case unresolved([String])
        case notDefined
    }

    /// ADModel's decision, plus bare names equal to the account's sAMAccountName (`svc-ces`, `CORP\svc-ces`).
    static func decide(_ assignment: UserRightsAssignment, _ right: String, token: AccessToken, account: AccountRecord?)
        -> Decision
    {
        switch assignment.decide(right, for: token) {
        case .granted(let sid): return .granted("*\(sid)")
        case .notGranted: return .notGranted
        case .notDefined: return .notDefined
        case .unresolved(let names):
            let sam = account?.samAccountName.lowercased()
            func accountPart(_ name: String) -> String {
                name.lowercased().split(separator: "\\").last.map(String.init) ?? ""
            }
            if let sam, let match = names.first(where: { accountPart($0) == sam }) { return .granted(match) }
            // Built-in user accounts (Guest, Administrator, krbtgt) are not groups: unless they are the
            // principal itself, they cannot be in its token.
            let builtinAccounts = Set([DomainRID.administrator, .guest, .krbtgt].map { $0.name.lowercased() })
            let open = names.filter { !builtinAccounts.contains(accountPart($0)) }
            return open.isEmpty ? .notGranted : .unresolved(open)
        }
    }
}
