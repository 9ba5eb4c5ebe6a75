import ADModel
import Testing

@Suite("Access check")
struct AccessCheckTests {
    static let alice = try! SID(string: "S-1-5-21-1-2-3-1105")
    static let domainUsers = try! SID(string: "S-1-5-21-1-2-3-513")
    static let token = AccessToken.authenticated(user: alice, groups: [domainUsers])
    static let enroll = AccessMask(rawValue: 0x200)
    static let read = AccessMask(rawValue: 0x100)

    func dacl(_ aces: ACE...) -> ACL { ACL(aces: aces) }

    @Test("NULL DACL grants everything; empty DACL grants nothing")
    func nullAndEmpty() {
        #expect(AccessCheck.check(dacl: nil, token: Self.token, desired: Self.enroll) == .granted(aceIndices: []))
        #expect(
            AccessCheck.check(dacl: ACL(aces: []), token: Self.token, desired: Self.enroll)
                == .notGranted(missing: Self.enroll, partiallyGrantedBy: []))
    }

    @Test("allow then deny of the same bit: granted by the allow (Windows stops once all bits are granted)")
    func allowBeforeDeny() {
        let acl = dacl(.allow(.authenticatedUsers, Self.enroll), .deny(Self.domainUsers, Self.enroll))
        #expect(AccessCheck.check(dacl: acl, token: Self.token, desired: Self.enroll) == .granted(aceIndices: [0]))
    }

    @Test("deny then allow of the same bit: denied by ACE 0")
    func denyBeforeAllow() {
        let acl = dacl(.deny(Self.domainUsers, Self.enroll), .allow(.authenticatedUsers, Self.enroll))
        #expect(
            AccessCheck.check(dacl: acl, token: Self.token, desired: Self.enroll)
                == .denied(aceIndex: 0, deniedBits: Self.enroll))
    }

    @Test("a deny for other bits or other SIDs does not stop the walk")
    func irrelevantDeny() {
        let acl = dacl(
            .deny(Self.domainUsers, AccessMask(rawValue: 0x2)), .deny(.anonymousLogon, Self.enroll),
            .allow(.authenticatedUsers, Self.enroll))
        #expect(AccessCheck.check(dacl: acl, token: Self.token, desired: Self.enroll) == .granted(aceIndices: [2]))
    }

    @Test("bits accumulate across ACEs; a deny after partial grant hits the missing bit")
    func accumulation() {
        let both = Self.enroll.union(Self.read)
        let granted = dacl(.allow(.everyone, Self.read), .allow(Self.alice, Self.enroll))
        #expect(AccessCheck.check(dacl: granted, token: Self.token, desired: both) == .granted(aceIndices: [0, 1]))
        let denied = dacl(.allow(.everyone, Self.read), .deny(Self.alice, both), .allow(Self.alice, Self.enroll))
        #expect(
            AccessCheck.check(dacl: denied, token: Self.token, desired: both)
                == .denied(aceIndex: 1, deniedBits: Self.enroll))
        let partial = dacl(.allow(.everyone, Self.read))
        #expect(
            AccessCheck.check(dacl: partial, token: Self.token, desired: both)
                == .notGranted(missing: Self.enroll, partiallyGrantedBy: [0]))
    }

    @Test("inherit-only ACEs are ignored")
    func inheritOnly() {
        let acl = dacl(
            .deny(Self.domainUsers, Self.enroll, flags: [.inheritOnly, .containerInherit]),
            .allow(.authenticatedUsers, Self.enroll, flags: .inheritOnly))
        #expect(
            AccessCheck.check(dacl: acl, token: Self.token, desired: Self.enroll)
                == .notGranted(missing: Self.enroll, partiallyGrantedBy: []))
    }

    @Test("object ACEs apply to their object type only; no object type applies to all")
    func objectTypes() throws {
        let enrollGUID = ExtendedRight.certificateEnrollment
        let autoGUID = ExtendedRight.certificateAutoEnrollment
        let acl = dacl(.allow(.authenticatedUsers, .controlAccess, objectType: enrollGUID))
        #expect(
            AccessCheck.check(dacl: acl, token: Self.token, desired: .controlAccess, objectType: enrollGUID).isGranted)
        #expect(
            !AccessCheck.check(dacl: acl, token: Self.token, desired: .controlAccess, objectType: autoGUID).isGranted)
        #expect(!AccessCheck.check(dacl: acl, token: Self.token, desired: .controlAccess).isGranted)
        let allRights = dacl(ACE(type: .accessAllowedObject, mask: .controlAccess, sid: .authenticatedUsers))
        #expect(
            AccessCheck.check(dacl: allRights, token: Self.token, desired: .controlAccess, objectType: autoGUID)
                .isGranted)
        let deniedOther = dacl(
            .deny(.everyone, .controlAccess, objectType: autoGUID),
            .allow(.everyone, .controlAccess, objectType: enrollGUID))
        #expect(
            AccessCheck.check(dacl: deniedOther, token: Self.token, desired: .controlAccess, objectType: enrollGUID)
                == .granted(aceIndices: [1]))
    }

    @Test("effective rights: first ACE mentioning a bit decides it")
    func effective() {
        let acl = dacl(
            .deny(Self.domainUsers, AccessMask(rawValue: 0x2)),
            .allow(.authenticatedUsers, AccessMask(rawValue: 0x203)),
            .deny(.everyone, Self.enroll))
        #expect(AccessCheck.effectiveRights(dacl: acl, token: Self.token) == AccessMask(rawValue: 0x201))
    }

    @Test("generic rights are mapped before the check when a mapping is given")
    func genericMapping() {
        let acl = dacl(.allow(.authenticatedUsers, .genericAll))
        #expect(
            AccessCheck.check(dacl: acl, token: Self.token, desired: .controlAccess, mapping: .directoryService)
                .isGranted)
        #expect(!AccessCheck.check(dacl: acl, token: Self.token, desired: .controlAccess).isGranted)
    }

    @Test("decision descriptions name the ACE")
    func descriptions() {
        #expect(AccessDecision.denied(aceIndex: 3, deniedBits: Self.enroll).description == "denied by ACE 3 (0x200)")
        #expect(AccessDecision.granted(aceIndices: [0, 2]).description == "granted by ACE 0, 2")
    }
}
