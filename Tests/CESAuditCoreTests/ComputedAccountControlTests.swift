import DirectoryAccess
import Foundation
import TestSupport
import Testing

@testable import CESAuditCore

/// `ComputedAccountControl`: when lockoutTime, pwdLastSet and the policies settle msDS-User-Account-Control-Computed
/// (the scan then does not ask the DC for it), and when they leave it open (nil: read it).
@Suite struct ComputedAccountControlTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: Int64 = 864_000_000_000
    static var nowTime: Int64 { AccountRecord.fileTime(now) }
    static let normal: UInt32 = 0x200
    static let expired: UInt32 = 0x80_0000
    /// 30-minute lockout, 42-day password age, as a fresh domain has them.
    static let domain = ComputedAccountControl.Policy(lockoutDuration: -18_000_000_000, maxPasswordAge: -42 * day)

    func value(
        _ policies: [ComputedAccountControl.Policy]?, uac: UInt32? = Self.normal, lockoutTime: Int64? = 0,
        pwdLastSet: Int64?
    ) -> UInt32? {
        ComputedAccountControl(policies: policies).value(
            userAccountControl: uac, lockoutTime: lockoutTime, passwordLastSet: pwdLastSet, at: Self.now)
    }

    @Test func recentPasswordAndNoLockoutIsZero() {
        #expect(value([Self.domain], pwdLastSet: Self.nowTime - 10 * Self.day) == 0)
        // absent lockoutTime reads as 0, as the DC reads it
        #expect(value([Self.domain], lockoutTime: nil, pwdLastSet: Self.nowTime - 10 * Self.day) == 0)
    }

    @Test func passwordOlderThanMaxAgeOrNearItIsLeftToTheDC() {
        #expect(value([Self.domain], pwdLastSet: Self.nowTime - 50 * Self.day) == nil)
        // within the margin (a day) of the boundary: the DC's clock decides
        #expect(value([Self.domain], pwdLastSet: Self.nowTime - 42 * Self.day + Self.day / 2) == nil)
    }

    @Test func pwdLastSetZeroIsExpiredWhateverThePolicy() {
        #expect(value(nil, pwdLastSet: 0) == Self.expired)
        let never = ComputedAccountControl.Policy(lockoutDuration: 0, maxPasswordAge: Int64.min)
        #expect(value([never], pwdLastSet: 0) == Self.expired)
    }

    @Test func noExpiryFlagsNeverExpire() {
        for flag: UInt32 in [0x1_0000, 0x4_0000, 0x1000, 0x2000, 0x800] {  // DONT_EXPIRE, SMARTCARD, trust accounts
            #expect(value(nil, uac: Self.normal | flag, pwdLastSet: 0) == 0)
            #expect(value(nil, uac: Self.normal | flag, pwdLastSet: 1) == 0)
        }
    }

    @Test func maxPwdAgeNeverInEveryPolicy() {
        for never in [Int64.min, 0] {
            let policy = ComputedAccountControl.Policy(lockoutDuration: -18_000_000_000, maxPasswordAge: never)
            #expect(value([policy], pwdLastSet: 1) == 0)
        }
    }

    @Test func unreadPolicyOrPwdLastSetLeavesExpiryOpen() {
        #expect(value(nil, pwdLastSet: Self.nowTime - Self.day) == nil)
        #expect(value([Self.domain], pwdLastSet: nil) == nil)
        #expect(value(nil, uac: nil, pwdLastSet: 0) == nil)
    }

    @Test func aPSOWithAShorterMaxAgeDecidesForEveryAccount() {
        let pso = ComputedAccountControl.Policy(lockoutDuration: -18_000_000_000, maxPasswordAge: -5 * Self.day)
        let tenDaysOld = Self.nowTime - 10 * Self.day
        #expect(value([Self.domain], pwdLastSet: tenDaysOld) == 0)
        #expect(value([Self.domain, pso], pwdLastSet: tenDaysOld) == nil)
        // a PSO whose passwords never expire does not lift the domain's bound
        let never = ComputedAccountControl.Policy(lockoutDuration: -1, maxPasswordAge: Int64.min)
        #expect(value([Self.domain, never], pwdLastSet: Self.nowTime - 50 * Self.day) == nil)
    }

    @Test func lockoutTimeSetIsLeftToTheDCUnlessEveryLockoutRanOut() {
        let lockedAnHourAgo = Self.nowTime - Self.day / 24
        #expect(value([Self.domain], lockoutTime: lockedAnHourAgo, pwdLastSet: 0) == nil)
        let longAgo = Self.nowTime - 3 * Self.day
        #expect(value([Self.domain], lockoutTime: longAgo, pwdLastSet: 0) == Self.expired)
        // a PSO with a week's lockout keeps it open
        let pso = ComputedAccountControl.Policy(lockoutDuration: -7 * Self.day, maxPasswordAge: -42 * Self.day)
        #expect(value([Self.domain, pso], lockoutTime: longAgo, pwdLastSet: 0) == nil)
        // unread policy: open
        #expect(value(nil, lockoutTime: longAgo, pwdLastSet: 0) == nil)
    }

    @Test func lockoutDurationForeverLocksUntilUnlocked() {
        for forever in [Int64.min, 0] {
            let policy = ComputedAccountControl.Policy(lockoutDuration: forever, maxPasswordAge: -42 * Self.day)
            #expect(value([policy], lockoutTime: 1, pwdLastSet: 0) == nil)
            #expect(value([Self.domain, policy], lockoutTime: Self.nowTime - 300 * Self.day, pwdLastSet: 0) == nil)
        }
    }

    @Test func trustAccountsAreNeverLockedOut() {
        #expect(value(nil, uac: 0x1000, lockoutTime: Self.nowTime, pwdLastSet: 0) == 0)
    }

    @Test func readOnlyDomainControllerAccountsAreLeftToTheDC() {
        #expect(value([Self.domain], uac: 0x1000 | 0x400_0000, pwdLastSet: 0) == nil)
    }
}

/// On the test bed, the value `scan` settles for each enabled account (worked out, or read for the accounts left
/// open) is the value the DC constructs when asked for it, so CES-A3 and CES-C7 judge exactly as before.
@Suite(.requiresTestBed)
struct ComputedAccountControlAgainstTestBedTests {
    @Test func scanValueEqualsTheDCsForEveryEnabledAccount() async throws {
        let bed = try await TestBedSnapshot.collect()
        let source = LiveDirectorySource(collector: bed.collector, snapshot: bed.context.snapshot)
        var settled: [String: UInt32] = [:]
        try await source.enabledAccounts(exactGroups: false) { batch throws(JobError) in
            for account in batch { settled[account.dn] = account.userAccountControlComputed.value }
        }
        #expect(settled.count > 2_100)
        // the test bed has no PSO: an empty Password Settings Container may be hiding them from the reader, so
        // only what holds under any policy is decided locally (pwdLastSet 0, lockoutTime 0, never-expiring flags)
        #expect(try await bed.collector.passwordPolicies(domainNC: bed.base) == nil)
        // the DC's own value, read as `user` reads it (msDS-User-Account-Control-Computed with every account)
        let name = "msDS-User-Account-Control-Computed"
        let answers = await bed.collector.directory.searchAll(
            settled.keys.sorted().map { SearchRequest(base: $0, scope: .base, attributes: [name]) })
        var differing: [String] = []
        for (dn, answer) in zip(settled.keys.sorted(), answers) {
            let fromDC = try answer.get().first?.integer(name).map { UInt32(truncatingIfNeeded: $0) }
            if settled[dn] != fromDC {
                differing.append("\(dn): scan \(String(describing: settled[dn])), DC \(String(describing: fromDC))")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        // both values occur: bulk users must change their password (pwdLastSet 0: PASSWORD_EXPIRED), alice need not
        #expect(settled.first { $0.key.hasPrefix("CN=bulk-user-0005,") }?.value == 0x80_0000)
        #expect(settled.first { $0.key.hasPrefix("CN=alice,") }?.value == 0)
    }
}
