import Foundation
import TestSupport
import Testing

@testable import DirectoryAccess

/// MIT com_err codes → KDC errors and local failures; ticket flags (pure).
@Suite struct KerberosOutcomeMappingTests {
    @Test(arguments: [
        (Int32(-1_765_328_371), 13, "KDC_ERR_BADOPTION"),
        (Int32(-1_765_328_377), 7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"),
        (Int32(-1_765_328_378), 6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"),
        (Int32(-1_765_328_372), 12, "KDC_ERR_POLICY"),
        (Int32(-1_765_328_366), 18, "KDC_ERR_CLIENT_REVOKED"),
        (Int32(-1_765_328_347), 37, "KRB_AP_ERR_SKEW"),
    ])
    func kdcErrorsAreTheErrorTableBasePlusTheProtocolNumber(code: Int32, number: Int, name: String) throws {
        let error = try #require(KDCError(comErr: code))
        #expect(error.number == number)
        #expect(error.name == name)
        #expect(error.description == "\(name) (\(number))")
        guard case .refused(let refused, _) = KerberosStepOutcome.error(code, message: "m", step: "s") else {
            Issue.record("\(code) is a KDC refusal")
            return
        }
        #expect(refused == error)
    }

    @Test func badOptionExplainsS4U2ProxyRefusal() {
        #expect(KDCError(number: 13).meaning.contains("msDS-AllowedToDelegateTo"))
        #expect(KDCError(number: 99).name == "KRB_ERR_99")
    }

    @Test(arguments: [
        (Int32(-1_765_328_228), LocalKerberosFailure.Kind.kdcUnreachable),  // KRB5_KDC_UNREACH
        (Int32(-1_765_328_230), .kdcUnreachable),  // KRB5_REALM_UNKNOWN
        (Int32(-1_765_328_164), .kdcUnreachable),  // KRB5_REALM_CANT_RESOLVE
        (Int32(-1_765_328_203), .noKey),  // KRB5_KT_NOTFOUND
        (Int32(-1_765_328_154), .noKey),  // KRB5_KT_KVNONOTFOUND
        (Int32(-1_765_328_174), .noKey),  // KRB5_PREAUTH_FAILED: MIT's answer for a missing keytab file
        (Int32(2), .noKey),  // ENOENT: no keytab file
        (Int32(-1_765_328_250), .badName),  // KRB5_PARSE_MALFORMED
        (Int32(12), .other),  // ENOMEM
    ])
    func localFailuresAreNotKDCErrors(code: Int32, kind: LocalKerberosFailure.Kind) {
        #expect(KDCError(comErr: code) == nil)
        guard case .failed(let failure) = KerberosStepOutcome.error(code, message: "m", step: "s") else {
            Issue.record("\(code) is local")
            return
        }
        #expect(failure.kind == kind)
        #expect(failure.code == code)
    }

    @Test func ticketFlagsAreNamedInProtocolOrder() {
        // FRAT as klist shows an S4U2Proxy ticket: forwardable, renewable, pre-authenticated, transit checked
        let flags = TicketFlags(rawValue: 0x40A8_0000)
        #expect(flags.names == ["forwardable", "renewable", "pre-authenticated", "transit-policy-checked"])
        #expect(TicketFlags(rawValue: 0x0004_0000).contains(.okAsDelegate))
        #expect(TicketFlags().description == "none")
    }
}

/// The probe against the test bed's Samba KDC (docs/testbed.md §9): real S4U2Self + S4U2Proxy.
@Suite(.requiresTestBed)
struct KerberosDelegationProbeTests {
    static let targets = ["HOST/ca01.corp.example.test", "RPCSS/ca01.corp.example.test"]

    static func probe(_ keytabVariable: String, _ principalVariable: String) throws -> KerberosDelegationProbe {
        KerberosDelegationProbe(
            keytab: try TestBedEnvironment.value(keytabVariable),
            servicePrincipal: try TestBedEnvironment.value(principalVariable))
    }

    @Test func svcCesMayActForAliceAtHostAndRPCSS() throws {
        let report = try Self.probe("CES_TEST_SVC_KEYTAB", "CES_TEST_SVC_PRINCIPAL")
            .run(user: "alice@corp.example.test", targets: Self.targets)
        #expect(report.initial.isGranted)
        guard case .granted(let evidence)? = report.s4u2self else {
            Issue.record("S4U2Self: \(String(describing: report.s4u2self))")
            return
        }
        #expect(evidence.contains(.forwardable), "svc-ces has protocol transition: \(evidence)")
        for target in report.targets {
            guard case .granted(let flags)? = target.outcome else {
                Issue.record("\(target.spn): \(String(describing: target.outcome))")
                continue
            }
            #expect(flags.contains(.forwardable))
        }
    }

    @Test func everyTicketReportsItsAndItsSessionKeysEncryptionType() throws {
        let report = try Self.probe("CES_TEST_SVC_KEYTAB", "CES_TEST_SVC_PRINCIPAL")
            .run(user: "alice@corp.example.test", targets: Self.targets)
        let known: Set<Int32> = [17, 18, 23]
        let encryptions = [report.initialEncryption, report.s4u2selfEncryption] + report.targets.map(\.encryption)
        #expect(encryptions.count == 4)
        for encryption in encryptions {
            let value = try #require(encryption, "\(report)")
            #expect(known.contains(value.ticket) && known.contains(value.sessionKey), "\(value)")
            #expect(value.description.hasPrefix("ticket "))
        }
        // The TGT is encrypted in krbtgt's key, which has AES keys on the test bed.
        #expect(report.initialEncryption?.ticketIsRC4 == false)
    }

    @Test func notDelegatedBobIsRefusedWithBadOption() throws {
        let report = try Self.probe("CES_TEST_SVC_KEYTAB", "CES_TEST_SVC_PRINCIPAL")
            .run(user: "bob@corp.example.test", targets: Self.targets)
        guard case .granted(let evidence)? = report.s4u2self else {
            Issue.record("S4U2Self: \(String(describing: report.s4u2self))")
            return
        }
        #expect(!evidence.contains(.forwardable), "bob's evidence ticket must not be forwardable")
        for target in report.targets {
            guard case .refused(let error, _)? = target.outcome else {
                Issue.record("\(target.spn): \(String(describing: target.outcome))")
                continue
            }
            #expect(error.number == 13)
        }
    }

    @Test func hostOnlyPrincipalGetsHostButNotRPCSS() throws {
        let report = try Self.probe("CES_TEST_HOSTONLY_KEYTAB", "CES_TEST_HOSTONLY_PRINCIPAL")
            .run(user: "alice@corp.example.test", targets: Self.targets)
        #expect(report.targets.first?.outcome?.isGranted == true, "\(report.targets)")
        guard case .refused(let error, _)? = report.targets.last?.outcome else {
            Issue.record("RPCSS: \(String(describing: report.targets.last?.outcome))")
            return
        }
        #expect(error.name == "KDC_ERR_BADOPTION")
    }

    @Test func unknownUserIsRefusedAtS4U2Self() throws {
        let report = try Self.probe("CES_TEST_SVC_KEYTAB", "CES_TEST_SVC_PRINCIPAL")
            .run(user: "nobody-here@corp.example.test", targets: Self.targets)
        guard case .refused(let error, _)? = report.s4u2self else {
            Issue.record("S4U2Self: \(String(describing: report.s4u2self))")
            return
        }
        #expect(error.number == 6)
        #expect(report.targets.allSatisfy { $0.outcome == nil })
    }

    @Test func aKeytabWithoutThePrincipalsKeyIsALocalFailure() throws {
        let report = KerberosDelegationProbe(
            keytab: try TestBedEnvironment.value("CES_TEST_SVC_KEYTAB"),
            servicePrincipal: try TestBedEnvironment.value("CES_TEST_SVC2_PRINCIPAL")
        ).run(user: "alice@corp.example.test", targets: Self.targets)
        guard case .failed(let failure) = report.initial else {
            Issue.record("initial: \(report.initial)")
            return
        }
        #expect(failure.kind == .noKey, "\(failure)")
        #expect(report.s4u2self == nil)
        let missing = KerberosDelegationProbe(keytab: "/nonexistent/probe.keytab", servicePrincipal: "svc-ces")
            .run(user: "alice", targets: Self.targets)
        guard case .failed(let noFile) = missing.initial else {
            Issue.record("initial: \(missing.initial)")
            return
        }
        #expect(noFile.kind == .noKey, "\(noFile)")
    }

    @Test func theKeytabIsOnlyReadAndNoCacheFileAppears() throws {
        let keytab = try TestBedEnvironment.value("CES_TEST_SVC_KEYTAB")
        let before = try Data(contentsOf: URL(fileURLWithPath: keytab))
        let modified = try FileManager.default.attributesOfItem(atPath: keytab)[.modificationDate] as? Date
        let tmp = Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("krb5cc") })
        _ = try Self.probe("CES_TEST_SVC_KEYTAB", "CES_TEST_SVC_PRINCIPAL")
            .run(user: "alice@corp.example.test", targets: Self.targets)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keytab)) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: keytab)[.modificationDate] as? Date == modified)
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("krb5cc") })
        #expect(after.subtracting(tmp).isEmpty, "new credential cache files: \(after.subtracting(tmp))")
    }
}
