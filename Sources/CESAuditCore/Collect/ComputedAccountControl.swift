import ADModel
import Foundation

/// msDS-User-Account-Control-Computed (LOCKOUT 0x10, PASSWORD_EXPIRED 0x800000) worked out from stored attributes
/// where they settle it, so that `scan` asks the DC for the constructed value (which costs it a password-policy
/// lookup per account) only for the accounts they leave open. The DC's rules (MS-ADTS 3.1.1.4.5.17/.21):
///
/// - LOCKOUT: lockoutTime ≠ 0 and the lockout has not yet run out (lockoutDuration; 0 or
///   -0x8000000000000000 mean until an administrator unlocks); trust accounts are never locked out.
/// - PASSWORD_EXPIRED: unless DONT_EXPIRE_PASSWD, SMARTCARD_REQUIRED or a trust account, when pwdLastSet is 0
///   (must change at next logon) or older than maxPwdAge (0 or -0x8000000000000000 mean never).
///
/// The policy is the domain's or a fine-grained one (PSO) the account falls under; without working out which
/// applies, the bounds over all of them are used: the longest lockout and the shortest maximum password age. Near a
/// boundary (`margin`: clocks of the DC and this host, the scan's own duration) the value is left to the DC.
public struct ComputedAccountControl: Sendable, Equatable {
    /// Password and lockout settings in AD's encoding (negative 100 ns intervals); nil when not read.
    public struct Policy: Sendable, Equatable {
        public var lockoutDuration: Int64
        public var maxPasswordAge: Int64
        public init(lockoutDuration: Int64, maxPasswordAge: Int64) {
            self.lockoutDuration = lockoutDuration
            self.maxPasswordAge = maxPasswordAge
        }
    }

    /// The domain's policy and every PSO's; nil when one of them could not be read (then only what holds under
    /// any policy is decided).
    public let policies: [Policy]?
    public let margin: TimeInterval
    /// The bounds over `policies`, worked out once: the longest lockout and the shortest maximum password age.
    private let longestLockout: Int64?
    private let shortestPasswordAge: Int64?

    public init(policies: [Policy]?, margin: TimeInterval = 86_400) {
        self.policies = policies
        self.margin = margin
        longestLockout = policies?.map(\.lockoutDuration).map(Self.magnitude).max()
        shortestPasswordAge = policies?.map(\.maxPasswordAge).map(Self.magnitude).min()
    }

    /// A duration that never ends, above every real one (so `max` of lockouts and `min` of ages work).
    static let forever = Int64.max
    static let noExpiry: UserAccountControl = [
        .dontExpirePassword, .smartcardRequired, .workstationTrustAccount, .serverTrustAccount,
        .interdomainTrustAccount,
    ]
    static let trustAccounts: UserAccountControl = [
        .workstationTrustAccount, .serverTrustAccount, .interdomainTrustAccount,
    ]

    /// The value the DC would compute at `now`, or nil when the stored attributes do not settle it (read it).
    /// `lockoutTime` and `passwordLastSet` are FILETIMEs; nil when not returned.
    public func value(
        userAccountControl: UInt32?, lockoutTime: Int64?, passwordLastSet: Int64?, at now: Date
    ) -> UInt32? {
        guard let userAccountControl else { return nil }
        let flags = UserAccountControl(rawValue: userAccountControl)
        // An RODC's account may carry PARTIAL_SECRETS_ACCOUNT in the computed value too: leave it to the DC.
        guard !flags.contains(.partialSecretsAccount) else { return nil }
        let nowTime = AccountRecord.fileTime(now)
        let marginTime = Int64(margin * 10_000_000)
        var computed: UInt32 = 0

        if !flags.intersection(Self.trustAccounts).isEmpty || (lockoutTime ?? 0) == 0 {
            // not locked out (lockoutTime nil: absent, which the DC reads as 0)
        } else if let lockoutTime, let longest = longestLockout,
            longest != Self.forever, lockoutTime > 0, lockoutTime < Int64.max - longest - marginTime,
            lockoutTime + longest + marginTime < nowTime
        {
            // the longest lockout any policy sets ran out well before now
        } else {
            return nil
        }

        if !flags.intersection(Self.noExpiry).isEmpty {
            // the password never expires
        } else if passwordLastSet == 0 {
            computed |= UserAccountControl.passwordExpired.rawValue
        } else if let passwordLastSet, passwordLastSet > 0, let shortest = shortestPasswordAge {
            // forever only when every policy says never
            if shortest == Self.forever { return computed }
            guard passwordLastSet < Int64.max - shortest - marginTime,
                passwordLastSet + shortest > nowTime + marginTime
            else { return nil }
        } else {
            return nil
        }
        return computed
    }

    /// A duration's length in 100 ns intervals (AD stores them negative); `forever` for 0 and
    /// -0x8000000000000000, which both mean "never ends".
    static func magnitude(_ duration: Int64) -> Int64 {
        duration == 0 || duration == Int64.min ? forever : (duration < 0 ? -duration : duration)
    }
}
