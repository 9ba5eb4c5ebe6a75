import Testing

@testable import ADModel

@Suite("AD CS semantics")
struct ADCSSemanticsTests {
    static let domain = try! SID(string: "S-1-5-21-1-2-3")
    static let context = SDDLContext(domain: domain)
    static let alice = try! SID(string: "S-1-5-21-1-2-3-1105")
    static let domainUsers = try! SID(string: "S-1-5-21-1-2-3-513")
    static let token = AccessToken.authenticated(user: alice, groups: [domainUsers])

    // MARK: Template Enroll / AutoEnroll (MS-CRTD 2.5.1)

    @Test(
        "template Enroll per MS-CRTD 2.5.1",
        arguments: [
            ("D:(OA;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;DU)", true, false),  // Rule 1: object ACE + Enroll GUID
            ("D:(A;;CR;;;DU)", true, true),  // Rule 2: plain ACE with CONTROL_ACCESS
            ("D:(OA;;CR;;;AU)", true, true),  // object ACE without object type = all extended rights
            ("D:(A;;GA;;;DU)", true, true),  // GenericAll
            ("D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DU)", true, true),  // Full Control 0xF01FF
            ("D:(OA;;RP;0e10c968-78fb-11d2-90d4-00c04f79dc55;;DU)", false, false),  // Enroll GUID without CR
            ("D:(A;;RPWP;;;DU)", false, false),  // read/write only
            ("D:(OA;;CR;a05b8cc2-17bc-4802-a710-e7c15ab866a2;;DU)", false, true),  // AutoEnroll only
            ("D:(OD;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;WD)(A;;CR;;;DU)", false, true),  // deny Enroll first
            ("D:(A;;CR;;;DU)(OD;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;WD)", true, true),  // deny after the grant
            ("D:(OA;CIIO;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;DU)", false, false),  // inherit-only
            ("D:(OA;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;DC)", false, false),  // Domain Computers, not alice
        ])
    func templateEnroll(sddl: String, enroll: Bool, autoEnroll: Bool) throws {
        let descriptor = try SecurityDescriptor(sddl: sddl, context: Self.context)
        let rights = TemplateEnrollmentRights(descriptor: descriptor, token: Self.token)
        #expect(rights.enroll.isGranted == enroll)
        #expect(rights.autoEnroll.isGranted == autoEnroll)
    }

    @Test("a template without a readable descriptor gives no enrollment answer (unknown, not pass)")
    func templateWithoutDescriptor() {
        #expect(CertificateTemplate(name: "User").enrollmentRights(for: Self.token) == nil)
    }

    @Test("Enroll denial names the deny ACE")
    func templateDenyIndex() throws {
        let descriptor = try SecurityDescriptor(
            sddl:
                "D:(A;;RP;;;AU)(OD;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;DU)(OA;;CR;0e10c968-78fb-11d2-90d4-00c04f79dc55;;AU)",
            context: Self.context)
        let rights = TemplateEnrollmentRights(descriptor: descriptor, token: Self.token)
        #expect(rights.enroll == .denied(aceIndex: 1, deniedBits: .controlAccess))
    }

    // MARK: CA access mask

    @Test("CA mask values (docs/rules.md §2.4)")
    func caMask() {
        #expect(CAAccessMask.manageCA.rawValue == 0x1)
        #expect(CAAccessMask.manageCertificates.rawValue == 0x2)
        #expect(CAAccessMask.auditor.rawValue == 0x4)
        #expect(CAAccessMask.caOperator.rawValue == 0x8)
        #expect(CAAccessMask.read.rawValue == 0x100)
        #expect(CAAccessMask.enroll.rawValue == 0x200)
    }

    @Test("Enroll, Officer and Admin imply Read; Auditor and Operator do not")
    func impliedRead() {
        #expect(CAAccessMask.enroll.canRead)
        #expect(CAAccessMask.manageCertificates.canRead)
        #expect(CAAccessMask.manageCA.canRead)
        #expect(!CAAccessMask.auditor.canRead)
        #expect(!CAAccessMask.caOperator.canRead)
        #expect(!CAAccessMask([]).canRead)
    }

    @Test("CA permissions honour deny ACEs (unlike Certipy, §8.8)")
    func caPermissions() throws {
        let defaultDACL = try SecurityDescriptor(
            sddl: "D:(A;;0x200;;;AU)(A;;0x3;;;BA)(A;;0x3;;;DA)(A;;0x3;;;EA)", context: Self.context)
        let alice = CAPermissions(descriptor: defaultDACL, token: Self.token)
        #expect(alice.enroll == .granted(aceIndices: [0]))
        #expect(alice.effective == [.enroll, .read])
        #expect(alice.canRead)

        let denied = try SecurityDescriptor(sddl: "D:(D;;0x200;;;DU)(A;;0x200;;;AU)", context: Self.context)
        let deniedAlice = CAPermissions(descriptor: denied, token: Self.token)
        #expect(deniedAlice.enroll == .denied(aceIndex: 0, deniedBits: AccessMask(rawValue: 0x200)))
        #expect(deniedAlice.effective == [])

        let readDenied = try SecurityDescriptor(sddl: "D:(D;;CR;;;DU)(A;;0x200;;;AU)", context: Self.context)
        let readDeniedAlice = CAPermissions(descriptor: readDenied, token: Self.token)
        #expect(readDeniedAlice.enroll.isGranted)
        #expect(!readDeniedAlice.canRead)
    }

    // MARK: userAccountControl

    @Test(
        "userAccountControl values (docs/rules.md §2.1)",
        arguments: [
            (UserAccountControl.accountDisable, 0x2), (.lockout, 0x10), (.normalAccount, 0x200),
            (.workstationTrustAccount, 0x1000), (.serverTrustAccount, 0x2000), (.dontExpirePassword, 0x10000),
            (.smartcardRequired, 0x40000), (.trustedForDelegation, 0x80000), (.notDelegated, 0x100000),
            (.useDESKeyOnly, 0x200000), (.dontRequirePreauth, 0x400000), (.passwordExpired, 0x800000),
            (.trustedToAuthenticateForDelegation, 0x1000000),
        ] as [(UserAccountControl, UInt32)])
    func uacValues(flag: UserAccountControl, value: UInt32) {
        #expect(flag.rawValue == value)
    }

    @Test("§8.1 pitfall: TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION is 0x1000000, not 0x100000 (NOT_DELEGATED)")
    func t2a4dPitfall() {
        #expect(UserAccountControl.trustedToAuthenticateForDelegation.rawValue != 0x100000)
        #expect(UserAccountControl(rawValue: 0x100000) == .notDelegated)
        #expect(!UserAccountControl(rawValue: 0x100000).contains(.trustedToAuthenticateForDelegation))
        #expect(UserAccountControl.named("ADS_UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION")?.rawValue == 0x1000000)
    }

    @Test("§8.3 pitfall: SAMR USER_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION (0x40000) is SMARTCARD_REQUIRED in LDAP")
    func samrPitfall() {
        let samrValue = UserAccountControl(rawValue: 0x40000)
        #expect(!samrValue.contains(.trustedToAuthenticateForDelegation))
        #expect(samrValue == .smartcardRequired)
    }

    @Test("UAC decodes LDAP strings and names the contract example 0x110200")
    func uacDecoding() throws {
        let uac = try UserAccountControl(ldapValue: "1114624")
        #expect(uac.rawValue == 0x110200)
        #expect(uac.contains(.notDelegated))
        #expect(uac.names == ["ADS_UF_NORMAL_ACCOUNT", "ADS_UF_DONT_EXPIRE_PASSWD", "ADS_UF_NOT_DELEGATED"])
        #expect(throws: FlagParseError.self) { try UserAccountControl(ldapValue: "0x200") }
        #expect(try UserAccountControl(ldapValue: "66050").cannotLogOn)  // 0x10202: disabled
        #expect(UserAccountControl(rawValue: 0x800000).cannotLogOn)
    }

    @Test(
        "delegation mode (ADUC Delegation tab)",
        arguments: [
            (0x200, [], DelegationMode.none), (0x80200, [], .unconstrained),
            (0x200, ["HOST/ca01"], .constrainedKerberosOnly), (0x1000200, ["HOST/ca01"], .constrainedAnyProtocol),
        ] as [(UInt32, [String], DelegationMode)])
    func delegation(uac: UInt32, a2d2: [String], mode: DelegationMode) {
        #expect(
            DelegationMode(userAccountControl: UserAccountControl(rawValue: uac), allowedToDelegateTo: a2d2) == mode)
    }

    // MARK: Template flags

    @Test("name flags: signed LDAP value a6000000 (-1509949440) decodes via the bit pattern")
    func nameFlagsSigned() throws {
        let flags = try CertificateNameFlags(ldapValue: "-1509949440")
        #expect(flags.rawValue == 0xA600_0000)
        #expect(flags.contains(.subjectRequireDirectoryPath))
        #expect(flags.contains(.subjectRequireEmail))
        #expect(flags.contains(.subjectAltRequireEmail))
        #expect(flags.contains(.subjectAltRequireUPN))
        #expect(flags.requiredRequesterAttributes == [.mail, .userPrincipalName, .distinguishedName])
    }

    @Test("name flags: enrollee-supplied subject needs nothing from AD")
    func enrolleeSupplies() {
        let flags: CertificateNameFlags = [.enrolleeSuppliesSubject, .subjectAltRequireUPN, .subjectRequireEmail]
        #expect(flags.requiredRequesterAttributes.isEmpty)
    }

    @Test("name flag → missing-attribute error codes (CES-F1…F4)")
    func nameFlagErrors() {
        #expect(RequesterAttribute.mail.missingErrorCode == 0x8009_4812)
        #expect(RequesterAttribute.userPrincipalName.missingErrorCode == 0x8009_480D)
        #expect(RequesterAttribute.dNSHostName.missingErrorCode == 0x8009_480F)
        #expect(RequesterAttribute.objectGUID.missingErrorCode == 0x8009_480E)
        let machine: CertificateNameFlags = [.subjectAltRequireDNS, .subjectRequireDNSAsCN]
        #expect(machine.requiredRequesterAttributes == [.dNSHostName])
    }

    @Test("enrollment flags: KBR is 0x10000, manager approval 0x2")
    func enrollmentFlags() throws {
        #expect(EnrollmentFlags.allowPreviousApprovalKeyBasedRenewalValidateReenrollment.rawValue == 0x10000)
        #expect(EnrollmentFlags.pendAllRequests.rawValue == 0x2)
        #expect(EnrollmentFlags.issuancePoliciesFromRequest.rawValue == 0x20000)
        let template = CertificateTemplate(name: "KBR", enrollmentFlags: try EnrollmentFlags(ldapValue: "65570"))
        #expect(template.allowsKeyBasedRenewal)
        #expect(template.enrollmentFlags.contains(.pendAllRequests))
    }

    @Test(
        "private key flag compatibility fields",
        arguments: [
            (0x0101_0000, 1, 1, true), (0x0505_0010, 5, 5, true), (0x0606_0000, 6, 6, false),
            (0x0506_0000, 6, 5, false),
            (0x0000_0000, 0, 0, true),
        ] as [(UInt32, Int, Int, Bool)])
    func privateKeyFlags(raw: UInt32, server: Int, client: Int, visible: Bool) {
        let flags = PrivateKeyFlags(rawValue: raw)
        #expect(flags.serverVersion == server)
        #expect(flags.clientVersion == client)
        #expect(flags.isVisibleToCEPCES() == visible)
    }

    @Test("RA signatures and policies")
    func raSignatures() {
        var template = CertificateTemplate(
            name: "EA", raSignatures: 1, raApplicationPolicies: ["1.3.6.1.4.1.311.20.2.1"])
        #expect(template.requiresRASignatures)
        template.raSignatures = 0
        #expect(!template.requiresRASignatures)
        let withEKU = CertificateTemplate(name: "T", extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"])
        #expect(withEKU.effectiveApplicationPolicies == ["1.3.6.1.5.5.7.3.2"])
        let withAppPolicy = CertificateTemplate(
            name: "T", applicationPolicies: ["1.3.6.1.5.5.7.3.1"], extendedKeyUsages: ["1.3.6.1.5.5.7.3.2"])
        #expect(withAppPolicy.effectiveApplicationPolicies == ["1.3.6.1.5.5.7.3.1"])
    }

    // MARK: EditFlags

    @Test("EditFlags values and the observed default 0x0011014E")
    func editFlags() {
        #expect(EditFlags.enableRenewOnBehalfOf.rawValue == 0x0400_0000)
        #expect(EditFlags.enableDefaultSMIME.rawValue == 0x0001_0000)
        #expect(EditFlags.attributeSubjectAltName2.rawValue == 0x0004_0000)
        #expect(EditFlags.emailOptional.rawValue == 0x0002_0000)
        let observed = EditFlags.observedEnterpriseDefault
        #expect(observed.rawValue == 1_114_446)
        #expect(
            observed == [
                .requestExtensionList, .disableExtensionList, .addOldKeyUsage, .basicConstraintsCritical,
                .enableAKIKeyID,
                .enableDefaultSMIME, .enableChaseClientDC,
            ])
        #expect(!observed.contains(.enableRenewOnBehalfOf))
    }

    @Test("§8.2 pitfall: 0x00010000 is EDITF_ENABLEDEFAULTSMIME, not EDITF_ENABLERENEWONBEHALFOF")
    func renewOnBehalfOfPitfall() {
        #expect(EditFlags(rawValue: 0x0001_0000) != .enableRenewOnBehalfOf)
        #expect(EditFlags(rawValue: 0x0001_0000).names == ["EDITF_ENABLEDEFAULTSMIME"])
        // The observed default has 0x10000 set but renew-on-behalf-of off.
        #expect(EditFlags.observedEnterpriseDefault.contains(EditFlags(rawValue: 0x0001_0000)))
        #expect(!EditFlags.observedEnterpriseDefault.contains(.enableRenewOnBehalfOf))
        #expect(EditFlags.named("edITF_enableRenewOnBehalfOf")?.rawValue == 0x0400_0000)
    }

    // MARK: msPKI-Enrollment-Servers

    @Test(
        "msPKI-Enrollment-Servers values (M3 examples, C1 format)",
        arguments: [
            (
                "1\n4\n0\nhttps://cepces.contoso.com:49999/ENTCA_CES_UsernamePassword/service.svc/CES\n0", 1, 4, false,
                false
            ),
            ("1\n8\n1\nhttps://cepces.contoso.com:49999/ENTCA_CES_Certificate/service.svc/CES\n1", 1, 8, true, true),
            ("1\n2\n0\nhttps://ces01.corp.example/CORP-CA_CES_Kerberos/service.svc/CES", 1, 2, false, nil),
        ] as [(String, Int, UInt32, Bool, Bool?)])
    func enrollmentServers(value: String, priority: Int, auth: UInt32, renewalOnly: Bool, kbr: Bool?) throws {
        let entry = try EnrollmentServerEntry(value: value)
        #expect(entry.priority == priority)
        #expect(entry.authenticationFlag == auth)
        #expect(entry.renewalOnly == renewalOnly)
        #expect(entry.keyBasedRenewal == kbr)
        #expect(entry.value == value)
        #expect(entry.consistencyProblems.isEmpty)
    }

    @Test("endpoint URL parts and CES instance")
    func endpointURL() throws {
        let entry = try EnrollmentServerEntry(
            value: "1\r\n2\r\n0\r\nhttps://CES01.corp.example:8443/Contoso%20Root%20CA_CES_Kerberos/service.svc/CES")
        let url = try #require(entry.endpoint)
        #expect(url.host == "ces01.corp.example")
        #expect(url.port == 8443)
        #expect(url.cesInstance == CESInstance(caName: "Contoso Root CA", authenticationSuffix: "Kerberos"))
        #expect(entry.authentication == .kerberos)
    }

    @Test("markers in URLs are found byte by byte, non-overlapping, around non-ASCII text")
    func asciiMarkers() throws {
        for text in ["", "_CES_", "a_CES_b_CES_c", "_CES__CES_", "_CE_CES_S", "Zürich_CES_Kerberos", "no marker"] {
            #expect(text.asciiRanges(of: "_CES_") == text.ranges(of: "_CES_"), "\(text)")
        }
        let url = try EndpointURL("https://ces01/Caf%C3%A9%20CA_CES_Certificate_KBR/service.svc/CES")
        #expect(url.cesInstance == CESInstance(caName: "Café CA", authenticationSuffix: "Certificate_KBR"))
        #expect(throws: EnrollmentServerError.self) { try EndpointURL("https:/ces01/x") }
    }

    @Test("inconsistent endpoint values are reported (CES-E4)")
    func endpointConsistency() throws {
        let http = try EnrollmentServerEntry(value: "1\n2\n0\nhttp://ces01/CA_CES_Kerberos/service.svc/CES")
        #expect(http.consistencyProblems == ["URL does not use https"])
        let mismatch = try EnrollmentServerEntry(value: "1\n4\n0\nhttps://ces01/CA_CES_Kerberos/service.svc/CES")
        #expect(mismatch.consistencyProblems.count == 1)
        let badKBR = try EnrollmentServerEntry(value: "1\n2\n0\nhttps://ces01/CA_CES_Kerberos/service.svc/CES\n1")
        #expect(badKBR.consistencyProblems.count == 1)
        let badAuth = try EnrollmentServerEntry(value: "1\n3\n0\nhttps://ces01/CA_CES_Kerberos/service.svc/CES")
        #expect(badAuth.authentication == nil)
        #expect(!badAuth.consistencyProblems.isEmpty)
    }

    @Test(
        "malformed enrollment server values are typed errors",
        arguments: [
            "", "1\n2\n0", "x\n2\n0\nhttps://a/b", "1\n2\n2\nhttps://a/b", "1\n2\n0\n", "1\n2\n0\nhttps://a/b\n7",
            "1\n2\n0\nhttps://a/b\n1\nextra", "-1\n2\n0\nhttps://a/b",
        ])
    func malformedEnrollmentServers(value: String) {
        #expect(throws: EnrollmentServerError.self) { try EnrollmentServerEntry(value: value) }
    }

    // MARK: SPNs

    @Test("SPN parsing and case-insensitive equality")
    func spn() throws {
        let spn = try ServicePrincipalName("HOST/CA01.corp.example")
        #expect(spn.serviceClass == "HOST")
        #expect(spn.host == "CA01.corp.example")
        #expect(spn == (try ServicePrincipalName("host/ca01.CORP.example")))
        #expect(Set([spn, try ServicePrincipalName("host/ca01.corp.example")]).count == 1)
        #expect(spn.shortHost == "CA01")
        #expect(spn.isFullyQualified)
        let withPort = try ServicePrincipalName("MSSQLSvc/db01.corp.example:1433/inst")
        #expect(withPort.port == 1433)
        #expect(withPort.serviceName == "inst")
        #expect(withPort.description == "MSSQLSvc/db01.corp.example:1433/inst")
    }

    @Test("short vs FQDN matching is explicit")
    func spnShortAndFQDN() throws {
        let short = try ServicePrincipalName("RPCSS/CA01")
        #expect(!short.matches(serviceClass: "rpcss", host: "ca01.corp.example"))
        #expect(short.matches(serviceClass: "rpcss", host: "ca01.corp.example", acceptShortOrFQDN: true))
        #expect(!short.matches(serviceClass: "HOST", host: "ca01", acceptShortOrFQDN: true))
        let fqdn = try ServicePrincipalName("HTTP/ces01.corp.example")
        #expect(fqdn.matches(serviceClass: "http", host: "CES01.corp.example"))
        #expect(!fqdn.matches(serviceClass: "http", host: "ces01.other.example", acceptShortOrFQDN: true))
        #expect(!(try ServicePrincipalName("HTTP/ces01:443")).matches(serviceClass: "HTTP", host: "ces01"))
    }

    @Test(
        "malformed SPNs are typed errors",
        arguments: ["", "HOST", "/host", "HOST/", "HOST/a:b", "HOST/a/b/c", "HOST/a:99999"])
    func malformedSPN(text: String) {
        #expect(throws: SPNError.self) { try ServicePrincipalName(text) }
    }
}
