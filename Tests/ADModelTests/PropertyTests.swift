import ADModel
import PropertyBased
import Testing

/// Generators for random but valid model values.
enum ModelGen {
    static let sidPool: [SID] = [
        .everyone, .authenticatedUsers, .builtinAdministrators, .iisIUSRS, .certificateServiceDCOMAccess,
        try! SID(string: "S-1-5-21-1-2-3-513"), try! SID(string: "S-1-5-21-1-2-3-1105"),
        try! SID(string: "S-1-5-21-7-8-9-525"),
    ]

    static let sid = zip(
        Gen.element(of: [0, 1, 5, 16, 0x1_0000_0000] as [UInt64]), Gen.uint32().array(of: 0...6)
    ).map { authority, subs in
        (try? SID(identifierAuthority: authority ?? 5, subAuthorities: subs)) ?? .everyone
    }

    static let guid = Gen.uint8().array(of: 16).map { (try? GUID(bytes: $0)) ?? .zero }

    static let sddlFlags: ACEFlags = [.objectInherit, .containerInherit, .noPropagateInherit, .inheritOnly, .inherited]

    /// ACEs that SDDL can express (allow/deny, plain or object).
    static let ace = zip(
        Gen.element(of: [ACEType.accessAllowed, .accessDenied, .accessAllowedObject, .accessDeniedObject]),
        Gen.uint8(in: 0...0x1F), Gen.uint32(), Gen.element(of: sidPool), guid.optional, guid.optional
    ).map { type, flags, mask, sid, objectType, inherited -> ACE in
        let type = type ?? .accessAllowed
        return ACE(
            type: type, flags: ACEFlags(rawValue: flags).intersection(sddlFlags), mask: AccessMask(rawValue: mask),
            sid: sid ?? .everyone, objectType: type.isObjectACE ? objectType : nil,
            inheritedObjectType: type.isObjectACE ? inherited : nil)
    }

    static let acl = ace.array(of: 0...8).map { ACL(aces: $0) }

    /// Descriptors whose control word holds only what SDDL and the encoder preserve.
    static let descriptor = zip(
        Gen.element(of: sidPool).optional, sid.optional, acl.optional, acl.optional, Gen.uint8(in: 0...7)
    ).map { owner, group, dacl, sacl, aclFlags -> SecurityDescriptor in
        var control: SecurityDescriptorControl = []
        if dacl != nil { control.insert(.daclPresent) }
        if sacl != nil { control.insert(.saclPresent) }
        if aclFlags & 1 != 0 && dacl != nil { control.insert(.daclProtected) }
        if aclFlags & 2 != 0 && dacl != nil { control.insert(.daclAutoInherited) }
        if aclFlags & 4 != 0 && sacl != nil { control.insert(.saclAutoInherited) }
        return SecurityDescriptor(control: control, owner: owner ?? nil, group: group, sacl: sacl, dacl: dacl)
    }

    /// Small masks over a few bits so that ACEs overlap often.
    static let smallMask = Gen.uint32(in: 0...15).map { AccessMask(rawValue: $0) }
    static let tokenSIDs = Gen.element(of: sidPool).array(of: 0...4).map { Set($0.compactMap { $0 }) }
    static let basicACE = zip(Gen.bool, smallMask, Gen.element(of: sidPool), Gen.bool).map {
        allow, mask, sid, inheritOnly -> ACE in
        let flags: ACEFlags = inheritOnly ? .inheritOnly : []
        return allow ? .allow(sid ?? .everyone, mask, flags: flags) : .deny(sid ?? .everyone, mask, flags: flags)
    }
}

/// The reference semantics: each requested bit is decided by the first applicable ACE that mentions it.
func referenceGranted(_ aces: [ACE], token: AccessToken, desired: AccessMask) -> Bool {
    var remaining = desired
    var granted: AccessMask = []
    for ace in aces where !ace.flags.contains(.inheritOnly) && token.contains(ace.sid) {
        let bits = ace.mask.intersection(remaining)
        if ace.type.isAllow { granted.formUnion(bits) }
        remaining.subtract(bits)
    }
    return granted == desired
}

@Suite("Properties")
struct PropertyTests {
    @Test("SID: string → SID → string and binary → SID → binary")
    func sidRoundTrip() async {
        await propertyCheck(count: 300, input: ModelGen.sid) { sid in
            #expect((try? SID(string: sid.description)) == sid)
            #expect((try? SID(bytes: sid.bytes)) == sid)
        }
    }

    @Test("security descriptor: model → binary → model, and binary → model → binary is byte-identical")
    func binaryRoundTrip() async {
        await propertyCheck(count: 300, input: ModelGen.descriptor) { descriptor in
            let encoded = try descriptor.selfRelativeBytes()
            var expected = descriptor
            expected.control.insert(.selfRelative)
            let decoded = try SecurityDescriptor(selfRelative: encoded)
            #expect(decoded == expected)
            #expect(try decoded.selfRelativeBytes() == encoded)
        }
    }

    @Test("security descriptor: SDDL → model → SDDL and model → SDDL → model")
    func sddlRoundTrip() async {
        let context = SDDLContext(domain: try! SID(string: "S-1-5-21-1-2-3"))
        await propertyCheck(count: 300, input: ModelGen.descriptor) { descriptor in
            let sddl = try descriptor.sddl(context: context)
            let parsed = try SecurityDescriptor(sddl: sddl, context: context)
            #expect(parsed.owner == descriptor.owner)
            #expect(parsed.group == descriptor.group)
            #expect(parsed.dacl?.aces == descriptor.dacl?.aces)
            #expect(parsed.sacl?.aces == descriptor.sacl?.aces)
            #expect(parsed.control == descriptor.control)
            #expect(try parsed.sddl(context: context) == sddl)
        }
    }

    @Test("adding a deny ACE anywhere never grants more")
    func denyNeverGrants() async {
        await propertyCheck(
            count: 500,
            input: ModelGen.basicACE.array(of: 0...6), ModelGen.basicACE, Gen.int(in: 0...6), ModelGen.tokenSIDs,
            ModelGen.smallMask
        ) { aces, extra, position, sids, desired in
            let token = AccessToken(sids: sids)
            let deny = ACE.deny(extra.sid, extra.mask)
            var withDeny = aces
            withDeny.insert(deny, at: min(position, aces.count))
            let before = AccessCheck.check(dacl: ACL(aces: aces), token: token, desired: desired)
            let after = AccessCheck.check(dacl: ACL(aces: withDeny), token: token, desired: desired)
            if after.isGranted { #expect(before.isGranted) }
            let rightsBefore = AccessCheck.effectiveRights(dacl: ACL(aces: aces), token: token)
            let rightsAfter = AccessCheck.effectiveRights(dacl: ACL(aces: withDeny), token: token)
            #expect(rightsBefore.isSuperset(of: rightsAfter))
        }
    }

    @Test("any order of ACEs gives the outcome Windows' first-match-per-bit rule gives")
    func reorderingMatchesWindows() async {
        await propertyCheck(
            count: 500, input: ModelGen.basicACE.array(of: 0...6), Gen.int(in: 0...5), ModelGen.tokenSIDs,
            ModelGen.smallMask
        ) { aces, swapAt, sids, desired in
            let token = AccessToken(sids: sids)
            var reordered = aces
            if aces.count >= 2 { reordered.swapAt(swapAt % (aces.count - 1), swapAt % (aces.count - 1) + 1) }
            for order in [aces, reordered] {
                let decision = AccessCheck.check(dacl: ACL(aces: order), token: token, desired: desired)
                #expect(decision.isGranted == referenceGranted(order, token: token, desired: desired))
                let effective = AccessCheck.effectiveRights(dacl: ACL(aces: order), token: token)
                #expect(effective.isSuperset(of: desired) == referenceGranted(order, token: token, desired: desired))
                if case .denied(let index, let bits) = decision {
                    #expect(order[index].type.isDeny)
                    #expect(token.contains(order[index].sid))
                    #expect(!bits.isEmpty && desired.isSuperset(of: bits))
                }
                if case .granted(let indices) = decision {
                    #expect(indices.allSatisfy { order[$0].type.isAllow && token.contains(order[$0].sid) })
                }
            }
        }
    }

    @Test("moving a matching deny in front of the allow it overlaps turns granted into denied")
    func denyFirstDenies() async {
        await propertyCheck(count: 200, input: Gen.element(of: ModelGen.sidPool), ModelGen.smallMask) { sid, mask in
            guard let sid, !mask.isEmpty else { return }
            let token = AccessToken(sids: [sid])
            let allowFirst = ACL(aces: [.allow(sid, mask), .deny(sid, mask)])
            let denyFirst = ACL(aces: [.deny(sid, mask), .allow(sid, mask)])
            #expect(AccessCheck.check(dacl: allowFirst, token: token, desired: mask) == .granted(aceIndices: [0]))
            #expect(
                AccessCheck.check(dacl: denyFirst, token: token, desired: mask)
                    == .denied(aceIndex: 0, deniedBits: mask))
        }
    }

    @Test("parsers never trap on random bytes")
    func parsersTotal() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...96)) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? SecurityDescriptor(selfRelative: bytes)
            _ = try? SecurityDescriptor(selfRelative: [1, 0] + bytes)
            _ = try? SecurityDescriptor(sddl: text)
            _ = try? SID(bytes: bytes)
            _ = try? CASecurityEvidence.parse(bytes)
            _ = try? SeceditParser.parse(bytes)
            _ = try? EditFlagsParser.parse(text)
            _ = try? ErrorCatalogue.explain(text)
            _ = try? EnrollmentServerEntry(value: text)
            _ = try? CACertificate(bytes: [0x30] + bytes)
        }
    }
}
