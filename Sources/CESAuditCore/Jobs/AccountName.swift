/// An account as a Windows user types it: a sAMAccountName (`alice`; a computer as `WKS01$` or just `WKS01`), a UPN
/// (`alice@corp.example.com`, including the implicit one, sAMAccountName@DNS domain, that every account has),
/// `DOMAIN\alice` (the down-level logon name; the domain part is the one being read), or a DN.
public struct AccountName: Sendable, Equatable {
    /// As typed.
    public let typed: String
    /// Set when `typed` is a DN: the account is read at it.
    public let dn: String?
    /// The sAMAccountNames it may stand for, best first (`WKS01`, then the computer `WKS01$`).
    public let samAccountNames: [String]
    /// Set when `typed` is `name@domain`.
    public let userPrincipalName: String?

    /// `dnsDomain` (e.g. `corp.example.com`) decides whether `name@domain` may also be an implicit UPN.
    public init(_ typed: String, dnsDomain: String?) {
        self.typed = typed
        if typed.contains("="), typed.contains(",") {
            dn = typed
            samAccountNames = []
            userPrincipalName = nil
            return
        }
        dn = nil
        // A UPN may hold a backslash; a sAMAccountName never does, so only a name without @ is DOMAIN\user.
        if let at = typed.lastIndex(of: "@") {
            userPrincipalName = typed
            let domain = typed[typed.index(after: at)...]
            let implicit = dnsDomain.map { domain.caseInsensitiveCompare($0) == .orderedSame } ?? false
            samAccountNames = implicit ? [String(typed[..<at])] : []
        } else {
            let name = typed.split(separator: "\\", omittingEmptySubsequences: false).last.map(String.init) ?? typed
            userPrincipalName = nil
            samAccountNames = name.hasSuffix("$") || name.isEmpty ? [name] : [name, name + "$"]
        }
    }

    /// `corp.example.com` from `DC=corp,DC=example,DC=com`; nil when the DN has no DC components.
    public static func dnsDomain(ofNamingContext dn: String) -> String? {
        let labels = dn.split(separator: ",").compactMap { component -> String? in
            let parts = component.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingASCIISpaces().lowercased() == "dc" else { return nil }
            return String(parts[1]).trimmingASCIISpaces()
        }
        return labels.isEmpty ? nil : labels.joined(separator: ".")
    }

    /// How well an account matches, lower is better: the explicit UPN or DN, then the sAMAccountNames in order; nil
    /// when it does not.
    public func rank(samAccountName: String?, userPrincipalName: String?, dn: String) -> Int? {
        func same(_ a: String?, _ b: String) -> Bool { a?.caseInsensitiveCompare(b) == .orderedSame }
        if let wanted = self.dn { return same(dn, wanted) ? 0 : nil }
        if let wanted = self.userPrincipalName, same(userPrincipalName, wanted) { return 0 }
        return samAccountNames.firstIndex { same(samAccountName, $0) }.map { $0 + 1 }
    }
}

extension Substring {
    fileprivate func trimmingASCIISpaces() -> Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}

extension String {
    fileprivate func trimmingASCIISpaces() -> String { String(Substring(self).trimmingASCIISpaces()) }
}
