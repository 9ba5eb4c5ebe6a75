// Real, published evidence samples (docs/rules.md §5) and the error-code tables behind `explain` (docs/rules.md §7), verbatim (inline so the test target needs no resources).

enum Fixtures {
    /// docs/rules.md §5.1: `certutil -getreg CA\Security` (0xdf's HTB "Fries" write-up), whitespace as published.
    static let certutilCASecurity = #"""
        HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\CertSvc\Configuration\fries-DC01-CA\Security:

          Security REG_BINARY =
            Deny Certificate Manager    FRIES\gMSA_CA_prod$
            Deny Certificate Manager    FRIES\Domain Users
            Deny Certificate Manager    FRIES\Domain Computers
            Allow Enroll        NT AUTHORITY\Authenticated Users
            Allow CA Administrator Enroll       FRIES\gMSA_CA_prod$
            Allow CA Administrator Certificate Manager  FRIES\Domain Admins
            Allow Enroll        FRIES\Domain Users
            Allow Enroll        FRIES\Domain Computers
            Allow CA Administrator Certificate Manager  FRIES\Enterprise Admins
            Allow CA Administrator Certificate Manager  BUILTIN\Administrators

        CertUtil: -getreg command completed successfully.
        """#

    /// docs/rules.md §5.2: `certutil -getreg policy\EditFlags` (the same write-up and public ESC6 write-ups).
    static let editFlagsDefault = #"""
        HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\CertSvc\Configuration\DC01-CA\PolicyModules\CertificateAuthority_MicrosoftDefault.Policy\EditFlags:

          EditFlags REG_DWORD = 11014e (1114446)
            EDITF_REQUESTEXTENSIONLIST -- 2
            EDITF_DISABLEEXTENSIONLIST -- 4
            EDITF_ADDOLDKEYUSAGE -- 8
            EDITF_BASICCONSTRAINTSCRITICAL -- 40 (64)
            EDITF_ENABLEAKIKEYID -- 100 (256)
            EDITF_ENABLEDEFAULTSMIME -- 10000 (65536)
            EDITF_ENABLECHASECLIENTDC -- 100000 (1048576)
        CertUtil: -getreg command completed successfully.
        """#

    /// A `secedit /export /areas USER_RIGHTS` file from a server with IIS and SQL installed; the
    /// SeImpersonatePrivilege line is from a real export, verbatim. Encoded as UTF-16LE + BOM + CRLF by the tests.
    static let seceditIIS = #"""
        [Unicode]
        Unicode=yes
        [System Access]
        MinimumPasswordAge = 1
        [Event Audit]
        AuditSystemEvents = 0
        [Privilege Rights]
        SeNetworkLogonRight = *S-1-1-0,*S-1-5-32-544,*S-1-5-32-545,*S-1-5-32-554
        SeImpersonatePrivilege = *S-1-5-19,*S-1-5-20,SQLServerDTSUser$WIN-GGIJGO1UO32,*S-1-5-32-544,*S-1-5-32-568,*S-1-5-6
        SeDenyNetworkLogonRight = Guest
        SeBatchLogonRight = *S-1-5-32-544,*S-1-5-32-551,*S-1-5-32-559,*S-1-5-32-568
        SeServiceLogonRight = *S-1-5-80-0,*S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415
        SeEnableDelegationPrivilege = 
        [Version]
        signature="$CHICAGO$"
        Revision=1
        """#

    /// The same export after a hardening baseline pinned SeImpersonatePrivilege (IIS_IUSRS removed).
    static let seceditHardened = #"""
        [Unicode]
        Unicode=yes
        [System Access]
        MinimumPasswordAge = 1
        [Event Audit]
        AuditSystemEvents = 0
        [Privilege Rights]
        SeNetworkLogonRight = *S-1-1-0,*S-1-5-32-544,*S-1-5-32-545,*S-1-5-32-554
        SeImpersonatePrivilege = *S-1-5-19,*S-1-5-20,*S-1-5-32-544,*S-1-5-6
        SeDenyNetworkLogonRight = Guest
        SeBatchLogonRight = *S-1-5-32-544,*S-1-5-32-551,*S-1-5-32-559,*S-1-5-32-568
        SeServiceLogonRight = *S-1-5-80-0,*S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415
        SeEnableDelegationPrivilege = 
        [Version]
        signature="$CHICAGO$"
        Revision=1
        """#

    /// The error-code and Kerberos tables `explain` is checked against (docs/rules.md §7), verbatim.
    static let section7Tables = #"""
        | Hex | Signed dec | Symbol | Message | CES context → rules |
        |---|---|---|---|---|
        | 0x803D0013 | -2143485933 | WS_E_ENDPOINT_FAULT_RECEIVED | A message containing a fault was received from the remote endpoint. | wrapper; look for inner code; all rules |
        | 0x803D0000 | -2143485952 | WS_E_INVALID_FORMAT | The input data was not in the expected format or did not have the expected value. | wrong URL / missing -UserName/-p [V: gradenegger] |
        | 0x803D0005 | -2143485947 | WS_E_ENDPOINT_ACCESS_DENIED | Access was denied by the remote endpoint. | HTTP auth at IIS |
        | 0x803D0006 | -2143485946 | WS_E_OPERATION_TIMED_OUT | The operation did not complete within the time allotted. | G1 |
        | 0x803D000A | -2143485942 | WS_E_SECURITY_VERIFICATION_FAILURE | Security verification was not successful for the received data. | TLS/message security |
        | 0x803D000D | -2143485939 | WS_E_ENDPOINT_NOT_FOUND | The remote endpoint does not exist or could not be located. | E4 URL |
        | 0x803D000E | -2143485938 | WS_E_ENDPOINT_NOT_AVAILABLE | The remote endpoint is not currently in service at this location. | app pool stopped (C7, D3) |
        | 0x803D000F | -2143485937 | WS_E_ENDPOINT_FAILURE | The remote endpoint could not process the request. | |
        | 0x803D0010 | -2143485936 | WS_E_ENDPOINT_UNREACHABLE | The remote endpoint was not reachable. | network |
        | 0x803D0014 | -2143485932 | WS_E_ENDPOINT_DISCONNECTED | The connection with the remote endpoint was terminated. | |
        | 0x803D001F | -2143485921 | WS_E_SERVER_REQUIRES_NEGOTIATE_AUTH | The remote endpoint requires HTTP authentication scheme 'negotiate'. | client auth type mismatch |
        | 0x803D0020 | -2143485920 | WS_E_INVALID_ENDPOINT_URL | The endpoint address URL is invalid. | E4 |
        | 0x803D0022 | -2143485918 | WS_E_SECURITY_TOKEN_EXPIRED | A security token was rejected by the server because it has expired. | |
        | 0x80094011 | -2146877423 | CERTSRV_E_ENROLL_DENIED | The permissions on this CA do not allow the current user to enroll for certificates. | B1 |
        | 0x80094012 | -2146877422 | CERTSRV_E_TEMPLATE_DENIED | The permissions on the certificate template do not allow the current user to enroll for this type of certificate. | B2 |
        | 0x80094800 | -2146875392 | CERTSRV_E_UNSUPPORTED_CERT_TYPE | The requested certificate template is not supported by this CA. | B3 |
        | 0x80094801 | -2146875391 | CERTSRV_E_NO_CERT_TYPE | The request contains no certificate template information. | |
        | 0x80094802 | -2146875390 | CERTSRV_E_TEMPLATE_CONFLICT | The request contains conflicting template information. | F (P3) |
        | 0x80094803 | -2146875389 | CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED | The request is missing a required Subject Alternate name extension. | |
        | 0x80094806 | -2146875386 | CERTSRV_E_BAD_RENEWAL_SUBJECT | The request was made on behalf of a subject other than the caller. The certificate template must be configured to require at least one signature to authorize the request. | E (renew-on-behalf) [I] |
        | 0x80094809 | -2146875383 | CERTSRV_E_SIGNATURE_POLICY_REQUIRED | The request is missing required signature policy information. | F5 |
        | 0x8009480A | -2146875382 | CERTSRV_E_SIGNATURE_COUNT | The request is missing one or more required signatures. | F5 |
        | 0x8009480D | -2146875379 | CERTSRV_E_SUBJECT_UPN_REQUIRED | The UPN is unavailable and cannot be added to the Subject Alternate name. | F2 |
        | 0x8009480E | -2146875378 | CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED | The Active Directory GUID is unavailable and cannot be added to the Subject Alternate name. | F4 |
        | 0x8009480F | -2146875377 | CERTSRV_E_SUBJECT_DNS_REQUIRED | The Domain Name System (DNS) name is unavailable and cannot be added to the Subject Alternate name. | F3 |
        | 0x80094811 | -2146875375 | CERTSRV_E_KEY_LENGTH | The public key does not meet the minimum size required by the specified certificate template. | F8 |
        | 0x80094812 | -2146875374 | CERTSRV_E_SUBJECT_EMAIL_REQUIRED | The email name is unavailable and cannot be added to the Subject or Subject Alternate name. | F1 |
        | 0x80094813 | -2146875373 | CERTSRV_E_UNKNOWN_CERT_TYPE | One or more certificate templates to be enabled on this CA could not be found. | B3 |
        | 0x80094814 | -2146875372 | CERTSRV_E_CERT_TYPE_OVERLAP | The certificate template renewal period is longer than the certificate validity period. … | E6 |
        | 0x80094816 | -2146875370 | CERTSRV_E_RENEWAL_BAD_PUBLIC_KEY | The key used in a renewal request does not match one of the certificates being renewed. | E |
        | 0x8009400E | -2146877426 | CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE | The request contains an invalid renewal certificate attribute. | E |
        | 0x800B0113 | -2146762477 | CERT_E_INVALID_POLICY | The certificate has invalid policy. | F6 |
        | 0x800B0109 | -2146762487 | CERT_E_UNTRUSTEDROOT | A certificate chain processed, but terminated in a root certificate that is not trusted by the trust provider. | TLS/KBR chain |
        | 0x800B010A | -2146762486 | CERT_E_CHAINING | A certificate chain could not be built to a trusted root authority. | |
        | 0x80092013 | -2146885613 | CRYPT_E_REVOCATION_OFFLINE | The revocation function was unable to check revocation because the revocation server was offline. | client-cert auth (8) |
        | 0x80070005 | -2147024891 | E_ACCESSDENIED | General access denied error. | B1, C2, D1 [I] |
        | 0x800706BA | -2147023174 | RPC_S_SERVER_UNAVAILABLE (1722) | The RPC server is unavailable. | B4, G1 |
        | 0x80070721 | -2147023071 | RPC_S_SEC_PKG_ERROR (1825) | A security package specific error occurred. | C2/C3/C4 Kerberos delegation [I] |
        | 0x8007052E | -2147023570 | ERROR_LOGON_FAILURE (1326) | The user name or password is incorrect. | auth 4 |
        | 0x8007052F | -2147023569 | ERROR_ACCOUNT_RESTRICTION (1327) | Account restrictions are preventing this user from signing in. … | A2 (Protected Users + NTLM) [I] |
        | 0x80070533 | -2147023565 | ERROR_ACCOUNT_DISABLED (1331) | This user can't sign in because this account is currently disabled. | A3 |
        | 0x80070775 | -2147022987 | ERROR_ACCOUNT_LOCKED_OUT (1909) | The referenced account is currently locked out and may not be logged on to. | A3 |
        | 0x8007051F | -2147023585 | ERROR_NO_LOGON_SERVERS (1311) | There are currently no logon servers available to service the logon request. | G2 |
        | 0x8009030C | -2146893044 | SEC_E_LOGON_DENIED | The logon attempt failed. | |
        | 0x8009030E | -2146893042 | SEC_E_NO_CREDENTIALS | No credentials are available in the security package. | C4 (Credential Guard) [I] |
        | 0x80090311 | -2146893039 | SEC_E_NO_AUTHENTICATING_AUTHORITY | No authority could be contacted for authentication. | G2 |
        | 0x80090322 | -2146893022 | SEC_E_WRONG_PRINCIPAL | The target principal name is incorrect. | C8 SPN |
        | 0x80090022 | -2146893790 | NTE_SILENT_CONTEXT | Provider could not perform the action since the context was acquired as silent. | G5 (misleading; look for 0x803D0013) [V: M10] |
        | Code | Name | CES meaning |
        |---|---|---|
        | 6 | KDC_ERR_C_PRINCIPAL_UNKNOWN | S4U2self could not read user groups (C10) [V: M12] |
        | 7 | KDC_ERR_S_PRINCIPAL_UNKNOWN | SPN not registered (C8, HTTP/ or RPCSS alias) [I] |
        | 8 | KDC_ERR_PRINCIPAL_NOT_UNIQUE | duplicate SPN (C8) [I] |
        | 12 | KDC_ERR_POLICY | policy / RBCD with down-level DCs (M9 hotfix note) [V: M9] |
        | **13** | **KDC_ERR_BADOPTION** | **S4U2proxy refused: target not in A2D2, RBCD check failed, or evidence ticket not forwardable (NOT_DELEGATED / Protected Users / no T2A4D)** [V: P7] |
        | 14 | KDC_ERR_ETYPE_NOSUPP | C9 [I] |
        | 18 | KDC_ERR_CLIENT_REVOKED | account disabled/locked (A3) [I] |
        | 24 | KDC_ERR_PREAUTH_FAILED | wrong password (auth 4) [I] |
        | 37 | KRB_AP_ERR_SKEW | clock skew [I] |
        | 41 | KRB_AP_ERR_MODIFIED | ticket encrypted for another account (duplicate SPN / kernel-mode auth with custom account, C8) [I] |
        """#

    /// A CA certificate (generated with openssl) with explicit certificatePolicies 1.3.6.1.4.1.99999.1.{1,2},
    /// EKU serverAuth + clientAuth, and Microsoft application policies (1.3.6.1.4.1.311.21.10) = clientAuth.
    static let restrictedCAPEM = #"""
        -----BEGIN CERTIFICATE-----
        MIICHDCCAcGgAwIBAgIUfkmbjfTyTQER0Ybrw63Fg8Ojv+YwCgYIKoZIzj0EAwIw
        OTEeMBwGA1UEAwwVUmVzdHJpY3RlZCBJc3N1aW5nIENBMRcwFQYKCZImiZPyLGQB
        GRYHZXhhbXBsZTAeFw0yNjExMjYwMTU2NTFaFw0zNjExMjMwMTU2NTFaMDkxHjAc
        BgNVBAMMFVJlc3RyaWN0ZWQgSXNzdWluZyBDQTEXMBUGCgmSJomT8ixkARkWB2V4
        YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQzmFP4gW/UAEUIy+cwRgHp
        BHq84/llzYxgt8PkfTxnb95T8l5qojPx2VNG6zyF7zw7w/RyeNX0HWSwsGB5lxns
        o4GmMIGjMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMCUGA1UdIAQe
        MBwwDAYKKwYBBAGGjR8BATAMBgorBgEEAYaNHwECMB0GA1UdJQQWMBQGCCsGAQUF
        BwMBBggrBgEFBQcDAjAbBgkrBgEEAYI3FQoEDjAMMAoGCCsGAQUFBwMCMB0GA1Ud
        DgQWBBRMH5VhZ3yZFTvK0jdSSlGaLx2LRDAKBggqhkjOPQQDAgNJADBGAiEAzqmB
        VxsoogJMNHAs/qIKiI3+h92LR3B0iGAWgi4YeZgCIQDZ+xfSpzkbwRM/cHeYnDmw
        Ir+OmEuptQdbQrOVJTItsA==
        -----END CERTIFICATE-----
        """#

    /// A root CA certificate asserting anyPolicy (2.5.29.32.0) and no EKU.
    static let anyPolicyCAPEM = #"""
        -----BEGIN CERTIFICATE-----
        MIIBhTCCASugAwIBAgIUZ2tdnyO52uu06g59owQ74esBSQYwCgYIKoZIzj0EAwIw
        FzEVMBMGA1UEAwwMT3BlbiBSb290IENBMB4XDTI2MTEyNjAxNTY1MVoXDTM2MTEy
        MzAxNTY1MVowFzEVMBMGA1UEAwwMT3BlbiBSb290IENBMFkwEwYHKoZIzj0CAQYI
        KoZIzj0DAQcDQgAE+qcMgaOkb65zYGYshZ189js4r6tRILQNAPhdDl2a4nBxQBKG
        n2EMMxw92jqHZcryrbRZ57MNjFIPkHsosINp36NVMFMwDwYDVR0TAQH/BAUwAwEB
        /zAOBgNVHQ8BAf8EBAMCAQYwEQYDVR0gBAowCDAGBgRVHSAAMB0GA1UdDgQWBBS+
        aS+MbDu0h+cTT6hhWRecKKIOXTAKBggqhkjOPQQDAgNIADBFAiANm5nCcIOx9VOZ
        nDfyI4L0XaYriPujfKa4egfGCjy81gIhANLXM6Tmks23RzwoRZyNZ6qHbqcbXOdO
        Grutmel7cZQ+
        -----END CERTIFICATE-----
        """#
}
