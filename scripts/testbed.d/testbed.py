#!/usr/bin/python3
"""Helper for scripts/testbed: provisioning, the seed LDIF and local-only writes.

Run with Debian's /usr/bin/python3: Samba's Python bindings live there (a pyenv or
venv python3 cannot `import samba`). Called by scripts/testbed only; its arguments are
an internal interface.

  testbed.py secrets TB                 create TB/secrets/<name>.password (random, 0600, no newline)
  testbed.py provision TB               samba-tool domain provision, admin password read from a file
  testbed.py ldif TB DOMAIN_SID BULK BIG  write the seed LDIF (to stdout)
  testbed.py local TB                   writes that LDAP cannot do (RBCD, SID-specific ACEs,
                                        duplicate SPN) + keytabs
  testbed.py smb-seed TB                SMB mode: registry, rights, BUILTIN members, C$ files, cifs/ SPNs
  testbed.py ca-policies                the certificatePolicies OIDs of the AD CS CA certificate (for openssl)
  testbed.py root-ca-policies           the certificatePolicies OIDs of the root CA above it (for openssl)

Everything generated here is deterministic except the passwords (and the SIDs/GUIDs the
DC assigns): the same objects, DNs and attribute values on every provisioning.
"""

import base64
import os
import secrets
import string
import struct
import sys
from typing import NamedTuple, Optional
from urllib.parse import quote

REALM = "CORP.EXAMPLE.TEST"
IP = os.environ.get("CES_TESTBED_IP", "127.0.0.1")  # set by scripts/testbed
DNS_DOMAIN = REALM.lower()
DOMAIN = "CORP"
BASE = "DC=corp,DC=example,DC=test"
CONFIG = "CN=Configuration," + BASE
PKS = "CN=Public Key Services,CN=Services," + CONFIG

# Forest OID (any forest-like OID) and the objects hanging off it.
FOREST_OID = "1.3.6.1.4.1.311.21.8.1234567.2345678.3456789.4567890.5678901.111"
ISSUANCE_POLICY_CN = "402.6B1C5A7E3F2D4E8A9B0C1D2E3F405162"
HIGH_ASSURANCE_POLICY_CN = "403.7C2D6B8F403E5F9BAC1D2E3F40516273"  # OID object of <F>.1.403
# certificatePolicies of corp-CA01's certificate (tls/adcs-ca.der, made by scripts/testbed):
# 402 (User) and 404 (UndefinedPolicy) are permitted, 403 (HighAssurance) is not -> CES-F6
CA_CERT_POLICIES = [FOREST_OID + ".1.402", FOREST_OID + ".1.404"]
# certificatePolicies of "corp Root CA" (tls/adcs-root.der), which issued corp-CA01's certificate: only 402, so
# the chain refuses 404 (UndefinedPolicy) although corp-CA01 lists it (CES-F6)
ROOT_CA_CERT_POLICIES = [FOREST_OID + ".1.402"]

ENROLL = "0e10c968-78fb-11d2-90d4-00c04f79dc55"  # Certificate-Enrollment extended right
USER_TEMPLATE_SDDL = (
    "O:EAG:EAD:PAI"
    "(OA;;CR;%s;;DA)(OA;;CR;%s;;DU)"
    "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;EA)"
    "(A;;LCRPLORC;;;AU)" % (ENROLL, ENROLL)
)
WEBSERVER_ENROLL_ACE = "(OA;;CR;%s;;DC)" % ENROLL  # added to the schema-default SD

# ---------------------------------------------------------------------------------------
# Named values: what AD stores, by the names of the specifications (MS-ADTS, MS-KILE, MS-CRTD)

# userAccountControl (MS-ADTS 2.2.16)
ACCOUNTDISABLE = 0x2
PASSWD_NOTREQD = 0x20
NORMAL_ACCOUNT = 0x200
WORKSTATION_TRUST_ACCOUNT = 0x1000
DONT_EXPIRE_PASSWORD = 0x10000
TRUSTED_FOR_DELEGATION = 0x80000  # unconstrained delegation
NOT_DELEGATED = 0x100000  # "account is sensitive and cannot be delegated"
TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000  # protocol transition (S4U2self tickets are forwardable)
# a CES service account: constrained delegation with protocol transition, password never expires
SERVICE_ACCOUNT = NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD | TRUSTED_TO_AUTH_FOR_DELEGATION

# msDS-SupportedEncryptionTypes (MS-KILE 2.2.7)
RC4_HMAC = 0x4
AES128_CTS_HMAC_SHA1_96 = 0x8
AES256_CTS_HMAC_SHA1_96 = 0x10
AES_ONLY = AES128_CTS_HMAC_SHA1_96 | AES256_CTS_HMAC_SHA1_96
RC4_AND_AES = RC4_HMAC | AES_ONLY

# groupType (MS-ADTS 2.2.12), stored signed
GROUP_TYPE_ACCOUNT_GROUP = 0x2
GROUP_TYPE_SECURITY_ENABLED = 0x80000000
GLOBAL_SECURITY_GROUP = GROUP_TYPE_ACCOUNT_GROUP | GROUP_TYPE_SECURITY_ENABLED

# X509EnrollmentAuthFlags: the second field of an msPKI-Enrollment-Servers value
AUTH_KERBEROS = 2
AUTH_USERNAME_PASSWORD = 4
AUTH_CERTIFICATE = 8
AUTH_UNDEFINED = 16  # no defined value (CES-E4)
# the fifth field (key-based renewal) of an msPKI-Enrollment-Servers value, in the forms Windows and others write
KBR_OFF = "0"
KBR_ON = "1"
KBR_EMPTY = ""  # a trailing LF: an empty fifth field
KBR_ABSENT = None  # the older four-field form

# flags of a pKIEnrollmentService object (certca.h CA_FLAG_*): what an enterprise CA carries
CA_FLAG_SUPPORTS_NT_AUTHENTICATION = 0x2
CA_FLAG_CA_SERVERTYPE_ADVANCED = 0x8
ENTERPRISE_CA_FLAGS = CA_FLAG_SUPPORTS_NT_AUTHENTICATION | CA_FLAG_CA_SERVERTYPE_ADVANCED

# flags of an msPKI-Enterprise-Oid object: the OID's type (1 template, 2 issuance policy, 3 application policy)
CERT_OID_TYPE_ISSUANCE_POLICY = 2

CES_HOST = "ces01." + DNS_DOMAIN


def user_dn(cn):
    return "CN=%s,CN=Users,%s" % (cn, BASE)


def computer_dn(cn):
    return "CN=%s,CN=Computers,%s" % (cn, BASE)


def host_name(name):
    return "%s.%s" % (name.lower(), DNS_DOMAIN)


def host_spns(cn, *aliases):
    """HOST/ SPNs of a computer as Windows registers them (FQDN and NetBIOS name), then alternate names."""
    return ["HOST/" + host_name(cn), "HOST/" + cn] + ["HOST/" + alias for alias in aliases]


def ces_url(host, ca, authentication, scheme="https"):
    """URL of a CES instance, named <CA>_CES_<authentication> by the CES installer."""
    return "%s://%s/%s_CES_%s/service.svc/CES" % (scheme, host, quote(ca), authentication)


# ---------------------------------------------------------------------------------------
# Records of the seed: one per object kind, turned into LDIF entries by the *_entry functions below

class Computer(NamedTuple):
    """A computer account under CN=Computers; password in secrets/<cn, lower case>.password."""
    cn: str
    uac: int = WORKSTATION_TRUST_ACCOUNT
    spns: list = []
    has_dns_host_name: bool = True  # dNSHostName <cn>.corp.example.test
    enc_types: Optional[int] = None  # msDS-SupportedEncryptionTypes

    @property
    def host(self):
        return host_name(self.cn)


class User(NamedTuple):
    """A user account under CN=Users; password in secrets/<sam>.password."""
    sam: str
    uac: int = NORMAL_ACCOUNT
    mail: bool = True  # mail <sam>@corp.example.test
    upn: bool = True  # userPrincipalName <sam>@corp.example.test
    names: bool = True  # givenName and displayName <sam>
    description: Optional[str] = None
    spns: list = []
    delegate_to: list = []  # msDS-AllowedToDelegateTo
    enc_types: Optional[int] = None  # msDS-SupportedEncryptionTypes
    account_expires: Optional[int] = None  # FILETIME


class Group(NamedTuple):
    """A global security group under CN=Users."""
    cn: str
    members: list  # DNs


class Endpoint(NamedTuple):
    """One msPKI-Enrollment-Servers value: priority, auth flag, renewal-only, URI[, key-based renewal], LF-separated."""
    priority: int
    auth: int
    url: str
    renewal_only: bool = False
    key_based_renewal: Optional[str] = KBR_OFF

    @property
    def value(self):
        fields = [str(self.priority), str(self.auth), "1" if self.renewal_only else "0", self.url]
        return "\n".join(fields + ([] if self.key_based_renewal is None else [self.key_based_renewal]))


# ---------------------------------------------------------------------------------------
# The accounts and endpoints of the seed. What each one decides, rule by rule, is kept in
# Tests/CESAuditCoreTests/Fixtures/scenarios.json (the cases ScenarioTests runs; docs/testbed-scenarios.md's
# table is generated from it): comments here say what an object is, not what a rule answers.

# msPKI-Enrollment-Servers of corp-CA01, by priority
ENROLLMENT_SERVERS = [
    # five fields, Kerberos (what Windows writes)
    Endpoint(1, AUTH_KERBEROS, ces_url(CES_HOST, "corp-CA01", "Kerberos")),
    # four fields, username/password
    Endpoint(2, AUTH_USERNAME_PASSWORD, ces_url(CES_HOST, "corp-CA01", "UsernamePassword"),
             key_based_renewal=KBR_ABSENT),
    # trailing LF (empty fifth field), certificate
    Endpoint(3, AUTH_CERTIFICATE, ces_url(CES_HOST, "corp-CA01", "Certificate"), key_based_renewal=KBR_EMPTY),
    # key-based renewal: certificate, renewal only, KBR
    Endpoint(4, AUTH_CERTIFICATE, ces_url(CES_HOST, "corp-CA01", "Certificate_KBR"), renewal_only=True,
             key_based_renewal=KBR_ON),
    # --- scenario endpoints (docs/testbed-scenarios.md) ---
    # ces02: service account svc-ces2 (A2D2 without RPCSS, no T2A4D, RC4 only; HTTP/ces02 also on svc-dup)
    Endpoint(5, AUTH_KERBEROS, ces_url(host_name("ces02"), "corp-CA01", "Kerberos")),
    Endpoint(6, AUTH_CERTIFICATE, ces_url(host_name("ces02"), "corp-CA01", "Certificate")),
    # ces03: computer account CES03$ with unconstrained delegation only
    Endpoint(7, AUTH_KERBEROS, ces_url(host_name("ces03"), "corp-CA01", "Kerberos")),
    # ces04: computer account CES04$, no delegation of its own; CA01 allows it by RBCD
    Endpoint(8, AUTH_CERTIFICATE, ces_url(host_name("ces04"), "corp-CA01", "Certificate")),
    # malformed: auth flag 16 is undefined, plain http
    Endpoint(9, AUTH_UNDEFINED, ces_url(CES_HOST, "corp-CA01", "Kerberos", scheme="http")),
    # renewal-only certificate endpoint without KBR
    Endpoint(10, AUTH_CERTIFICATE, ces_url(CES_HOST, "corp-CA01", "Certificate"), renewal_only=True),
]
# The second enterprise CA (a space in its name: CES-G4)
CA02_NAME = "corp CA02"
CA02_ENROLLMENT_SERVERS = [Endpoint(1, AUTH_USERNAME_PASSWORD, ces_url(CES_HOST, CA02_NAME, "UsernamePassword"))]

COMPUTERS = [
    # C1: pki.corp.example.test is an alternate name of CA01 (netdom computername /add registers HOST/ for it)
    Computer("CA01", spns=host_spns("CA01", "pki.corp.example.test")),
    Computer("CES01", spns=host_spns("CES01")),
    Computer("WEB01", uac=WORKSTATION_TRUST_ACCOUNT | TRUSTED_FOR_DELEGATION, spns=host_spns("WEB01")),
    # --- scenario computers (docs/testbed-scenarios.md) ---
    Computer("CES02", spns=host_spns("CES02"), enc_types=RC4_AND_AES),
    Computer("CES03", uac=WORKSTATION_TRUST_ACCOUNT | TRUSTED_FOR_DELEGATION, spns=host_spns("CES03"),
             enc_types=RC4_AND_AES),
    Computer("CES04", spns=host_spns("CES04"), enc_types=RC4_AND_AES),
    Computer("CA02", spns=host_spns("CA02")),
    Computer("WKS01", spns=[], has_dns_host_name=False),
]
A2D2_CA01 = ["HOST/" + host_name("ca01"), "RPCSS/" + host_name("ca01")]
EXPIRED_2020 = (1577836800 + 11644473600) * 10 ** 7  # 2020-01-01T00:00:00Z as FILETIME
USERS = [
    User("ces-reader", description="ces-audit test reader (not an admin)"),
    User("alice"),
    User("bob", uac=NORMAL_ACCOUNT | NOT_DELEGATED),
    User("carol"),  # member of Protected Users
    User("dave", mail=False),
    # AES only (C9): the healthy principal of the "reaching green" scenario
    User("svc-ces", uac=SERVICE_ACCOUNT, spns=["HTTP/" + CES_HOST, "HTTP/ces01"], delegate_to=A2D2_CA01,
         enc_types=AES_ONLY),
    # --- scenario users (docs/testbed-scenarios.md) ---
    User("erin"),  # member of tier0-admins, which is a member of Protected Users
    User("frank", uac=NORMAL_ACCOUNT | ACCOUNTDISABLE),
    User("grace"),  # member of no-cert-users (denied Enroll) and of BUILTIN\Guests
    User("heidi", upn=False),
    # no protocol transition, HOST/ca01 without RPCSS, RC4 only
    User("svc-ces2", uac=NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD,
         spns=["HTTP/" + host_name("ces02"), "HTTP/ces02"],
         delegate_to=["HOST/" + host_name("ca01")], enc_types=RC4_HMAC),
    User("svc-sensitive", uac=SERVICE_ACCOUNT | NOT_DELEGATED, delegate_to=A2D2_CA01),
    User("svc-off", uac=SERVICE_ACCOUNT | ACCOUNTDISABLE, delegate_to=A2D2_CA01),
    # HTTP/ces02.corp.example.test written by `local` (duplicate SPN)
    User("svc-dup", uac=NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD),
    # A3 / C7: accountExpires in the past (2020-01-01), otherwise fine
    User("ivan", account_expires=EXPIRED_2020),
    User("svc-expired", uac=SERVICE_ACCOUNT, delegate_to=A2D2_CA01, account_expires=EXPIRED_2020),
]
GROUPS = [
    Group("tier0-admins", [user_dn("erin")]),  # nested into Protected Users
    Group("no-cert-users", [user_dn("grace")]),  # DENY Enroll on the User template and on corp-CA01's service
]
# named in CA01's RBCD descriptor (written by `local`)
RBCD_GROUPS = [
    Group("rbcd-hosts", [computer_dn("CES04")]),
    Group("rbcd-denied", [user_dn("svc-ces2")]),
]
# Accounts with a password: sAMAccountName -> file secrets/<stem>.password
PASSWORD_FILES = {"Administrator": "admin", "ces-reader": "reader"}
PASSWORD_FILES.update({c.cn + "$": c.cn.lower() for c in COMPUTERS})
PASSWORD_FILES.update({u.sam: u.sam for u in USERS if u.sam not in PASSWORD_FILES})

def die(msg):
    sys.stderr.write("testbed.py: %s\n" % msg)
    sys.exit(1)


# ---------------------------------------------------------------------------------------
# passwords

def make_password(name):
    """24 random characters meeting AD complexity; never contains a 3-char piece of NAME."""
    alphabet = string.ascii_letters + string.digits
    symbols = "!#%+-.:=?@_~"
    pieces = {name.lower()[i:i + 3] for i in range(max(len(name) - 2, 0))}
    while True:
        chars = [secrets.choice(alphabet) for _ in range(20)]
        chars += [secrets.choice(string.ascii_uppercase), secrets.choice(string.ascii_lowercase),
                  secrets.choice(string.digits), secrets.choice(symbols)]
        secrets.SystemRandom().shuffle(chars)
        pw = "".join(chars)
        if not any(p in pw.lower() for p in pieces):
            return pw


def password_path(tb, account):
    return os.path.join(tb, "secrets", PASSWORD_FILES[account] + ".password")


def cmd_secrets(tb):
    """One random password per account, kept if it exists already."""
    os.makedirs(os.path.join(tb, "secrets"), mode=0o700, exist_ok=True)
    os.chmod(os.path.join(tb, "secrets"), 0o700)
    for account in PASSWORD_FILES:
        path = password_path(tb, account)
        if os.path.exists(path):
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(make_password(account.rstrip("$")))


def read_password(tb, account):
    with open(password_path(tb, account)) as f:
        return f.read()


# ---------------------------------------------------------------------------------------
# provisioning

def cmd_provision(tb):
    """samba-tool domain provision in this process, so the password is not in any argv."""
    from samba.netcmd.main import cmd_sambatool
    run = os.path.join(tb, "run")
    args = [
        "provision",
        "--configfile=/dev/null",
        "--realm=" + REALM,
        "--domain=" + DOMAIN,
        "--server-role=dc",
        "--dns-backend=SAMBA_INTERNAL",
        "--targetdir=" + tb,
        "--host-name=dc01",
        "--host-ip=" + IP,
        "--adminpass=" + read_password(tb, "Administrator"),
        "--option=interfaces=%s/8" % IP,
        "--option=bind interfaces only=yes",
        "--option=server services=ldap cldap kdc",
        "--option=pid directory=" + run,
        "--option=ncalrpc dir=" + os.path.join(run, "ncalrpc"),
        "--option=winbindd socket directory=" + os.path.join(run, "winbindd"),
        "--option=ntp signd socket directory=" + os.path.join(run, "ntp_signd"),
        "--option=dns forwarder=" + IP,
    ]
    rc = cmd_sambatool()._run("samba-tool", "domain", *args)
    sys.exit(rc or 0)


# ---------------------------------------------------------------------------------------
# LDIF

def dn_escape(value):
    """RFC 4514 escaping of one RDN value."""
    out = []
    for i, ch in enumerate(value):
        if ch in ',+"\\<>;=' or (ch == "#" and i == 0) or (ch == " " and i in (0, len(value) - 1)):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _safe(value):
    """RFC 2849 SAFE-STRING test."""
    if value == "":
        return True
    if value[0] in " :<" or value[-1] == " ":
        return False
    return all(0x01 <= ord(c) <= 0x7F and c not in "\n\r" for c in value)


class Ldif:
    def __init__(self, out):
        self.out = out

    def line(self, attr, value):
        if isinstance(value, bytes):
            self.out.write("%s:: %s\n" % (attr, base64.b64encode(value).decode()))
        elif isinstance(value, int):
            self.out.write("%s: %d\n" % (attr, value))
        elif _safe(value):
            self.out.write("%s: %s\n" % (attr, value))
        else:
            self.out.write("%s:: %s\n" % (attr, base64.b64encode(value.encode("utf-8")).decode()))

    def add(self, dn, attrs):
        self.line("dn", dn)
        for attr, values in attrs:
            for v in values if isinstance(values, list) else [values]:
                self.line(attr, v)
        self.out.write("\n")

    def modify(self, dn, op, attr, values):
        self.line("dn", dn)
        self.out.write("changetype: modify\n%s: %s\n" % (op, attr))
        for v in values if isinstance(values, list) else [values]:
            self.line(attr, v)
        self.out.write("-\n\n")

    def comment(self, text):
        self.out.write("# %s\n\n" % text)


def unicode_pwd(password):
    return ('"%s"' % password).encode("utf-16-le")


def sddl_to_binary(sddl, domain_sid):
    from samba.dcerpc import security
    from samba.ndr import ndr_pack
    return ndr_pack(security.descriptor.from_sddl(sddl, security.dom_sid(domain_sid)))


def bulk_name(i):
    """Deterministic CN of bulk user i (1-based): mostly plain, some needing escaping/UTF-8."""
    if i % 50 == 1:
        return "José Müller-%04d" % i, "José", "Müller-%04d" % i
    if i % 300 == 2:
        return "Smith, John %04d" % i, "John", "Smith"
    if i % 300 == 3:
        return "a+b %04d" % i, "a", "b %04d" % i
    return "bulk-user-%04d" % i, "Bulk", "User %04d" % i


def signed32(value):
    """AD stores these flags as signed 32-bit integers."""
    return value - (1 << 32) if value >= 1 << 31 else value


def period(days=0, hours=0):
    """pKIExpirationPeriod / pKIOverlapPeriod: 8-byte little-endian negative FILETIME interval (100 ns)."""
    return struct.pack("<q", -((days * 24 + hours) * 3600 * 10 ** 7))


def template_sddl(enroll=(), deny=(), full_control_cr=True, extra_aces=""):
    """Template SD the way Windows writes one: explicit ACEs, protected DACL, deny first."""
    full = "CCDCLCSWRPWPDTLOCRSDRCWDWO" if full_control_cr else "CCDCLCSWRPWPDTLOSDRCWDWO"
    return ("O:EAG:EAD:PAI"
            + "".join("(OD;;CR;%s;;%s)" % (ENROLL, t) for t in deny)
            + "".join("(OA;;CR;%s;;%s)" % (ENROLL, t) for t in enroll)
            + extra_aces
            + "(A;;%s;;;DA)(A;;%s;;;EA)(A;;LCRPLORC;;;AU)" % (full, full))


# Template flags (certca.h CT_FLAG_*). The general `flags` (MS-CRTD 2.4), msPKI-Enrollment-Flag (2.26) and
# msPKI-Private-Key-Flag (2.27) share these names and values; MS-CRTD calls ADD_EMAIL, PUBLISH_TO_DS and
# EXPORTABLE_KEY in the general flags reserved, but Windows writes them there.
CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS = 0x1
CT_FLAG_ADD_EMAIL = 0x2
CT_FLAG_PEND_ALL_REQUESTS = 0x2  # enrollment flag: CA certificate manager approval
CT_FLAG_PUBLISH_TO_DS = 0x8
CT_FLAG_EXPORTABLE_KEY = 0x10
CT_FLAG_AUTO_ENROLLMENT = 0x20
CT_FLAG_MACHINE_TYPE = 0x40
CT_FLAG_ADD_TEMPLATE_NAME = 0x200
CT_FLAG_IS_DEFAULT = 0x10000
CT_FLAG_IS_MODIFIED = 0x20000
CT_FLAG_ALLOW_PREVIOUS_APPROVAL_KEYBASEDRENEWAL_VALIDATE_REENROLLMENT = 0x10000  # enrollment flag (CES-E3)
USER_TEMPLATE_FLAGS = (CT_FLAG_ADD_TEMPLATE_NAME | CT_FLAG_AUTO_ENROLLMENT | CT_FLAG_EXPORTABLE_KEY
                       | CT_FLAG_PUBLISH_TO_DS | CT_FLAG_ADD_EMAIL)
MACHINE_TEMPLATE_FLAGS = CT_FLAG_ADD_TEMPLATE_NAME | CT_FLAG_MACHINE_TYPE | CT_FLAG_AUTO_ENROLLMENT
DEFAULT_ENROLLMENT_FLAGS = CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS | CT_FLAG_PUBLISH_TO_DS | CT_FLAG_AUTO_ENROLLMENT


def private_key_flags(flags=CT_FLAG_EXPORTABLE_KEY, server_version=0, client_version=0):
    """msPKI-Private-Key-Flag: the flags, the minimum CA version (bits 16-19) and client version (bits 24-27)."""
    return flags | server_version << 16 | client_version << 24


# msPKI-Certificate-Name-Flag (MS-CRTD 2.28)
CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT = 0x1
CT_FLAG_OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME = 0x8
CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS = 0x00400000
CT_FLAG_SUBJECT_ALT_REQUIRE_SPN = 0x00800000
CT_FLAG_SUBJECT_ALT_REQUIRE_UPN = 0x02000000
CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL = 0x04000000
CT_FLAG_SUBJECT_ALT_REQUIRE_DNS = 0x08000000
CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN = 0x10000000
CT_FLAG_SUBJECT_REQUIRE_EMAIL = 0x20000000
CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH = 0x80000000
# User's: directory path, e-mail in subject and SAN, UPN in SAN (0xA6000000)
USER_NAME_FLAGS = (CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH | CT_FLAG_SUBJECT_REQUIRE_EMAIL
                   | CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL | CT_FLAG_SUBJECT_ALT_REQUIRE_UPN)
MACHINE_NAME_FLAGS = CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN | CT_FLAG_SUBJECT_ALT_REQUIRE_DNS  # DNS name as CN and in SAN
# pKIKeyUsage: the first byte of the KeyUsage bit string (RFC 5280 4.2.1.3), then 0
KU_DIGITAL_SIGNATURE = 0x80
KU_KEY_ENCIPHERMENT = 0x20
SIGNATURE_AND_ENCIPHERMENT = bytes([KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT, 0])
SIGNATURE_ONLY = bytes([KU_DIGITAL_SIGNATURE, 0])
AT_KEYEXCHANGE = 1  # pKIDefaultKeySpec

EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3"
EKU_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4"
EKU_EFS = "1.3.6.1.4.1.311.10.3.4"
EKU_CERTIFICATE_REQUEST_AGENT = "1.3.6.1.4.1.311.20.2.1"
USER_EKU = [EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION, EKU_EFS]
MACHINE_EKU = [EKU_CLIENT_AUTH, EKU_SERVER_AUTH]
USER_CSPS = ["1,Microsoft Enhanced Cryptographic Provider v1.0"]
MACHINE_CSPS = ["1,Microsoft RSA SChannel Cryptographic Provider"]


def policy_oid(n):
    return "%s.1.%d" % (FOREST_OID, n)


class Template(NamedTuple):
    """A pKICertificateTemplate under CN=Certificate Templates, with every attribute Windows writes."""
    cn: str
    display: str
    oid: int  # msPKI-Cert-Template-OID <F>.1.<oid>
    schema: int  # msPKI-Template-Schema-Version; from 2 on the template carries its application policies
    revision: int
    flags: int
    eku: list
    csps: list
    enrollment_flags: int
    private_key_flags: int
    name_flags: int
    validity: bytes = period(days=365)
    overlap: bytes = period(days=42)
    key_usage: bytes = SIGNATURE_AND_ENCIPHERMENT
    ra_signatures: int = 0
    ra_application_policies: Optional[str] = None
    policies: list = []  # msPKI-Certificate-Policy
    sddl: Optional[str] = None  # None: the schema's default SD


def v2_template(cn, display, oid, sddl, machine=False, **fields):
    """A version-2 template shaped like Windows' own (user or machine), with FIELDS changed."""
    return Template(
        cn=cn, display=display, oid=oid, sddl=sddl, schema=2, revision=100,
        flags=CT_FLAG_IS_MODIFIED | (MACHINE_TEMPLATE_FLAGS if machine else USER_TEMPLATE_FLAGS),
        eku=MACHINE_EKU if machine else USER_EKU, csps=MACHINE_CSPS if machine else USER_CSPS,
        enrollment_flags=DEFAULT_ENROLLMENT_FLAGS, private_key_flags=private_key_flags(),
        name_flags=MACHINE_NAME_FLAGS if machine else USER_NAME_FLAGS)._replace(**fields)


# The two templates of a fresh Windows CA, as Windows writes them (schema version 1)
DEFAULT_TEMPLATES = [
    Template("User", "User", 1, schema=1, revision=3, flags=CT_FLAG_IS_DEFAULT | USER_TEMPLATE_FLAGS,
             eku=[EKU_EFS, EKU_EMAIL_PROTECTION, EKU_CLIENT_AUTH], csps=USER_CSPS,
             enrollment_flags=DEFAULT_ENROLLMENT_FLAGS, private_key_flags=private_key_flags(),
             name_flags=USER_NAME_FLAGS, policies=[policy_oid(402)], sddl=USER_TEMPLATE_SDDL),
    # schema-default SD; Enroll for Domain Computers added by `local`
    Template("WebServer", "Web Server", 16, schema=1, revision=4,
             # Windows' WebServer repeats its name flag ENROLLEE_SUPPLIES_SUBJECT in the general flags
             flags=CT_FLAG_IS_DEFAULT | CT_FLAG_ADD_TEMPLATE_NAME | CT_FLAG_MACHINE_TYPE
             | CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT,
             eku=[EKU_SERVER_AUTH], csps=["2,Microsoft DH SChannel Cryptographic Provider"] + MACHINE_CSPS,
             enrollment_flags=0, private_key_flags=0, name_flags=CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT,
             validity=period(days=730)),
]

# The scenario templates (docs/testbed-scenarios.md); SID-specific ACEs are added by `local`
SCENARIO_TEMPLATES = [
    # B2: the Enroll GUID with ReadProperty, not CONTROL_ACCESS; the admins' full control also lacks CONTROL_ACCESS,
    # so nobody may enroll (MS-CRTD 2.5.1)
    v2_template("EnrollGuidNoCR", "Enroll GUID without CR", 101, template_sddl(
        full_control_cr=False, extra_aces="(OA;;RP;%s;;AU)" % ENROLL)),
    # B3: valid, Enroll for Domain Users, published by no CA
    v2_template("Unpublished", "Unpublished", 102, template_sddl(enroll=["DU"])),
    # E3: key-based renewal with manager approval; the old certificate supplies the subject. Enroll + Read for svc-ces
    # added by `local`
    v2_template("KBR-User", "Key-Based Renewal User", 103, template_sddl(enroll=["DU"]),
                enrollment_flags=CT_FLAG_ALLOW_PREVIOUS_APPROVAL_KEYBASEDRENEWAL_VALIDATE_REENROLLMENT
                | CT_FLAG_PEND_ALL_REQUESTS,
                name_flags=CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT | CT_FLAG_OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME),
    # E5: server version 6 (2016), client version 6 (Windows 10). F4: SUBJECT_ALT_REQUIRE_DOMAIN_DNS adds the
    # requester's domain names (MS-CRTD 2.28), which a user has too, without a dNSHostName
    v2_template("Modern", "Modern", 104, template_sddl(enroll=["DU"]), schema=4,
                private_key_flags=private_key_flags(server_version=6, client_version=6),
                name_flags=USER_NAME_FLAGS | CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS),
    # E6: 2 days validity, 12 hours renewal. F3: a user template with SUBJECT_REQUIRE_DNS_AS_CN (the CA takes a
    # user's CN from cn, MS-WCCE 3.2.2.6.2.1.4.5.9)
    v2_template("ShortLived", "Short Lived", 105, template_sddl(enroll=["DU"]),
                validity=period(days=2), overlap=period(hours=12),
                name_flags=USER_NAME_FLAGS | CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN),
    # F3: DNS name as CN and in the SAN (WKS01 has no dNSHostName)
    v2_template("Machine", "Machine", 106, template_sddl(enroll=["DC"]), machine=True,
                name_flags=MACHINE_NAME_FLAGS),
    # F4: SPN in the SAN (WKS01 has no SPN)
    v2_template("SPNRequired", "SPN Required", 107, template_sddl(enroll=["DC"]), machine=True,
                name_flags=CT_FLAG_SUBJECT_ALT_REQUIRE_SPN),
    # F5: one enrollment-agent signature required
    v2_template("AgentSigned", "Agent Signed", 108, template_sddl(enroll=["DU"]), ra_signatures=1,
                ra_application_policies=EKU_CERTIFICATE_REQUEST_AGENT),
    # F6, F7: 403 has an OID object but is not in the CA certificate's policies
    v2_template("HighAssurance", "High Assurance", 109, template_sddl(enroll=["DU"]), policies=[policy_oid(403)]),
    # F6, F7: 404 is in the CA certificate's policies but has no OID object, and the root CA above it does not
    # list it
    v2_template("UndefinedPolicy", "Undefined Policy", 110, template_sddl(enroll=["DU"]), policies=[policy_oid(404)]),
    # F6b: code signing is not in the CA certificate's EKU list
    v2_template("CodeSigning", "Code Signing", 111, template_sddl(enroll=["DU"]), eku=[EKU_CODE_SIGNING],
                key_usage=SIGNATURE_ONLY, enrollment_flags=CT_FLAG_AUTO_ENROLLMENT,
                name_flags=CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH | CT_FLAG_SUBJECT_ALT_REQUIRE_UPN),
]

# corp-CA01 publishes every scenario template except Unpublished
CA01_SCENARIO_TEMPLATES = ["EnrollGuidNoCR", "KBR-User", "Modern", "ShortLived", "Machine", "SPNRequired",
                           "AgentSigned", "HighAssurance", "UndefinedPolicy", "CodeSigning"]
ENROLLMENT_SERVICE_SDDL = (
    "O:EAG:EAD:PAI(OA;;CR;%s;;AU)"
    "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;EA)(A;;LCRPLORC;;;AU)" % ENROLL
)


class EnrollmentService(NamedTuple):
    """An enterprise CA: a pKIEnrollmentService under CN=Enrollment Services."""
    name: str
    host: str  # dNSHostName
    certificate: str  # cACertificate: the DER file under $TB/tls
    templates: list  # certificateTemplates
    endpoints: list  # msPKI-Enrollment-Servers: Endpoint records (or raw values, for malformed ones)
    sddl: Optional[str] = None  # None: the schema's default SD


ENROLLMENT_SERVICES = [
    # Enroll for Authenticated Users; the DENY for no-cert-users is prepended by `local`
    EnrollmentService("corp-CA01", host_name("ca01"), "adcs-ca.der", ["User", "WebServer"] + CA01_SCENARIO_TEMPLATES,
                      ENROLLMENT_SERVERS, ENROLLMENT_SERVICE_SDDL),
    EnrollmentService(CA02_NAME, host_name("ca02"), "adcs-ca02.der", ["WebServer"], CA02_ENROLLMENT_SERVERS),
]


class EnterpriseOid(NamedTuple):
    """An issuance policy's msPKI-Enterprise-Oid object under CN=OID."""
    cn: str
    display: str
    oid: int  # <F>.1.<oid>


ISSUANCE_POLICIES = [
    EnterpriseOid(ISSUANCE_POLICY_CN, "CES Medium Assurance", 402),
    # 403 is defined in AD but not in the CA certificate; 404 (UndefinedPolicy) has no OID object
    EnterpriseOid(HIGH_ASSURANCE_POLICY_CN, "CES High Assurance", 403),
]


def read_tls(tb, name):
    with open(os.path.join(tb, "tls", name), "rb") as f:
        return f.read()


# ---------------------------------------------------------------------------------------
# records -> LDIF entries: (DN, [(attribute, value or values)]) in the attribute order of the seed

def computer_entry(tb, computer):
    attrs = [
        ("objectClass", ["top", "person", "organizationalPerson", "user", "computer"]),
        ("cn", computer.cn),
        ("sAMAccountName", computer.cn + "$"),
        ("userAccountControl", computer.uac),
    ]
    if computer.has_dns_host_name:
        attrs.append(("dNSHostName", computer.host))
    if computer.spns:
        attrs.append(("servicePrincipalName", list(computer.spns)))
    if computer.enc_types is not None:
        attrs.append(("msDS-SupportedEncryptionTypes", computer.enc_types))
    attrs.append(("unicodePwd", unicode_pwd(read_password(tb, computer.cn + "$"))))
    return computer_dn(computer.cn), attrs


def user_entry(tb, user):
    address = "%s@%s" % (user.sam, DNS_DOMAIN)
    attrs = [
        ("objectClass", ["top", "person", "organizationalPerson", "user"]),
        ("cn", user.sam),
        ("sAMAccountName", user.sam),
    ]
    if user.upn:
        attrs.append(("userPrincipalName", address))
    if user.names:
        attrs += [("givenName", user.sam), ("displayName", user.sam)]
    if user.mail:
        attrs.append(("mail", address))
    attrs.append(("userAccountControl", user.uac))
    optional = [("description", user.description), ("servicePrincipalName", list(user.spns)),
                ("msDS-AllowedToDelegateTo", list(user.delegate_to)),
                ("msDS-SupportedEncryptionTypes", user.enc_types), ("accountExpires", user.account_expires)]
    attrs += [(name, value) for name, value in optional if value not in (None, [])]
    attrs.append(("unicodePwd", unicode_pwd(read_password(tb, user.sam))))
    return user_dn(user.sam), attrs


def group_entry(group):
    return user_dn(group.cn), [
        ("objectClass", ["top", "group"]),
        ("cn", group.cn),
        ("sAMAccountName", group.cn),
        ("groupType", signed32(GLOBAL_SECURITY_GROUP)),
        ("member", list(group.members)),
    ]


def template_entry(template, domain_sid):
    attrs = [
        ("objectClass", ["top", "pKICertificateTemplate"]),
        ("displayName", template.display),
        ("flags", template.flags),
        ("revision", template.revision),
        ("pKIDefaultKeySpec", AT_KEYEXCHANGE),
        ("pKIKeyUsage", template.key_usage),
        ("pKIMaxIssuingDepth", 0),
        ("pKICriticalExtensions", "2.5.29.15"),  # key usage
        ("pKIExpirationPeriod", template.validity),
        ("pKIOverlapPeriod", template.overlap),
        ("pKIExtendedKeyUsage", list(template.eku)),
        ("pKIDefaultCSPs", list(template.csps)),
        ("msPKI-RA-Signature", template.ra_signatures),
        ("msPKI-Enrollment-Flag", signed32(template.enrollment_flags)),
        ("msPKI-Private-Key-Flag", signed32(template.private_key_flags)),
        ("msPKI-Certificate-Name-Flag", signed32(template.name_flags)),
        ("msPKI-Minimal-Key-Size", 2048),
        ("msPKI-Template-Schema-Version", template.schema),
        ("msPKI-Template-Minor-Revision", 1),
        ("msPKI-Cert-Template-OID", policy_oid(template.oid)),
    ]
    if template.schema >= 2:
        attrs.append(("msPKI-Certificate-Application-Policy", list(template.eku)))
    if template.policies:
        attrs.append(("msPKI-Certificate-Policy", list(template.policies)))
    if template.ra_application_policies is not None:
        attrs.append(("msPKI-RA-Application-Policies", template.ra_application_policies))
    if template.sddl is not None:
        attrs.append(("nTSecurityDescriptor", sddl_to_binary(template.sddl, domain_sid)))
    return "CN=%s,CN=Certificate Templates,%s" % (template.cn, PKS), attrs


def enrollment_service_entry(ca, certificate, domain_sid):
    attrs = [
        ("objectClass", ["top", "pKIEnrollmentService"]),
        ("displayName", ca.name),
        ("flags", ENTERPRISE_CA_FLAGS),
        ("dNSHostName", ca.host),
        ("cACertificateDN", "CN=%s, DC=corp, DC=example, DC=test" % ca.name),
        ("cACertificate", certificate),
        ("certificateTemplates", list(ca.templates)),
        ("msPKI-Enrollment-Servers", [e.value if isinstance(e, Endpoint) else e for e in ca.endpoints]),
    ]
    if ca.sddl is not None:
        attrs.append(("nTSecurityDescriptor", sddl_to_binary(ca.sddl, domain_sid)))
    return "CN=%s,CN=Enrollment Services,%s" % (ca.name, PKS), attrs


def certification_authority_entry(name, container, certificate):
    """The CA certificate in CN=Certification Authorities (trusted roots) or CN=AIA."""
    return "CN=%s,CN=%s,%s" % (name, container, PKS), [
        ("objectClass", ["top", "certificationAuthority"]),
        ("cACertificate", certificate),
        ("authorityRevocationList", b"\x00"),
        ("certificateRevocationList", b"\x00"),
    ]


def enterprise_oid_entry(policy):
    return "CN=%s,CN=OID,%s" % (policy.cn, PKS), [
        ("objectClass", ["top", "msPKI-Enterprise-Oid"]),
        ("displayName", policy.display),
        ("flags", CERT_OID_TYPE_ISSUANCE_POLICY),
        ("msPKI-Cert-Template-OID", policy_oid(policy.oid)),
    ]


# ---------------------------------------------------------------------------------------
# the seed, section by section

def domain_settings_ldif(out):
    out.comment("domain policy: passwords never expire (max age 0 = NEVER), min age 0")
    out.modify(BASE, "replace", "maxPwdAge", "-9223372036854775808")
    out.modify(BASE, "replace", "minPwdAge", "0")
    out.comment("SPN for GSSAPI binds to ldap://%s (clients do not canonicalize the host)" % IP)
    out.modify("CN=DC01,OU=Domain Controllers," + BASE, "add", "servicePrincipalName", "ldap/" + IP)


def accounts_ldif(tb, out):
    out.comment("computers first: Samba refuses HOST/x while another account holds HTTP/x")
    for computer in COMPUTERS:
        out.add(*computer_entry(tb, computer))
    out.comment("fixture users")
    for user in USERS:
        out.add(*user_entry(tb, user))
    protected_users = user_dn("Protected Users")
    out.modify(protected_users, "add", "member", user_dn("carol"))

    out.comment("scenario groups and memberships (docs/testbed-scenarios.md)")
    for group in GROUPS:
        out.add(*group_entry(group))
    # A2 nested: Protected Users <- tier0-admins <- erin
    out.modify(protected_users, "add", "member", user_dn("tier0-admins"))
    # C10: svc-ces may read every user's groups for S4U2self; svc-ces2 is not a member
    out.modify("CN=Windows Authorization Access Group,CN=Builtin," + BASE, "add", "member", user_dn("svc-ces"))
    # BUILTIN\Guests (S-1-5-32-546, SDDL BG) is the group the ca01 evidence fixture denies
    # (ca-security.sddl: deny Enroll+Read; secedit.inf: SeDenyNetworkLogonRight)
    out.modify("CN=Guests,CN=Builtin," + BASE, "add", "member", [user_dn("grace"), user_dn("svc-ces2")])
    # C2/C3/C5: CA01's RBCD descriptor names groups (MS-SFU 3.2.5.2.3: the KDC runs an access check with the
    # principal's token): rbcd-hosts (CES04$) is allowed, rbcd-denied (svc-ces2) denied ahead of its own allow ACE
    for group in RBCD_GROUPS:
        out.add(*group_entry(group))


def adcs_ldif(tb, out, domain_sid):
    out.comment("AD CS: forest OID, issuance policy, templates, enterprise CA")
    out.modify("CN=OID," + PKS, "replace", "msPKI-Cert-Template-OID", FOREST_OID)
    for policy in ISSUANCE_POLICIES:
        out.add(*enterprise_oid_entry(policy))
    for template in DEFAULT_TEMPLATES:
        out.add(*template_entry(template, domain_sid))
    out.comment("scenario templates (docs/testbed-scenarios.md)")
    for template in SCENARIO_TEMPLATES:
        out.add(*template_entry(template, domain_sid))
    for ca in ENROLLMENT_SERVICES:
        out.add(*enrollment_service_entry(ca, read_tls(tb, ca.certificate), domain_sid))
    out.add(*certification_authority_entry("corp Root CA", "Certification Authorities", read_tls(tb, "adcs-root.der")))
    for ca in ENROLLMENT_SERVICES:
        for container in ("Certification Authorities", "AIA"):
            out.add(*certification_authority_entry(ca.name, container, read_tls(tb, ca.certificate)))


def bulk_user_entry(i, bulk):
    cn, given, sn = bulk_name(i)
    sam = "bulk%04d" % i
    attrs = [
        ("objectClass", ["top", "person", "organizationalPerson", "user"]),
        ("cn", cn),
        ("sAMAccountName", sam),
        ("userPrincipalName", "%s@%s" % (sam, DNS_DOMAIN)),
        ("givenName", given),
        ("sn", sn),
        ("displayName", cn),
        ("description", "bulk user %d" % i),
    ]
    if i % 3 != 0:
        attrs.append(("mail", "%s@%s" % (sam, DNS_DOMAIN)))
    # no password; every 10th is sensitive, every 100th a delegating service account
    attrs.append(("userAccountControl", NORMAL_ACCOUNT | PASSWD_NOTREQD | (NOT_DELEGATED if i % 10 == 0 else 0)))
    if i % 100 == 0:
        attrs.append(("servicePrincipalName", "HTTP/%s.%s" % (sam, DNS_DOMAIN)))
        attrs.append(("msDS-AllowedToDelegateTo", "HOST/ca01." + DNS_DOMAIN))
    return "CN=%s,%s" % (dn_escape(cn), bulk), attrs


def bulk_group_entry(dn, sam, members):
    return dn, [("objectClass", ["top", "group"]), ("sAMAccountName", sam),
                ("groupType", signed32(GLOBAL_SECURITY_GROUP)), ("member", members)]


def bulk_ldif(out, bulk_count, big_group_size):
    bulk = "OU=Bulk," + BASE
    out.comment("bulk: %d users under %s, big-group with the first %d of them"
                % (bulk_count, bulk, big_group_size))
    out.add(bulk, [("objectClass", ["top", "organizationalUnit"]), ("ou", "Bulk"),
                   ("description", "ces-audit test bed bulk users")])
    members = []
    for i in range(1, bulk_count + 1):
        dn, attrs = bulk_user_entry(i, bulk)
        out.add(dn, attrs)
        if i <= big_group_size:
            members.append(dn)
    out.comment("bulk groups: a team per 100 users, a department per 10 teams, all departments in bulk-all")
    teams = (bulk_count + 99) // 100
    for team in range(teams):
        out.add(*bulk_group_entry("CN=bulk-team-%03d,%s" % (team, bulk), "bulk-team-%03d" % team,
                                  ["CN=%s,%s" % (dn_escape(bulk_name(i)[0]), bulk)
                                   for i in range(team * 100 + 1, min(team * 100 + 100, bulk_count) + 1)]))
    for dept in range((teams + 9) // 10):
        out.add(*bulk_group_entry("CN=bulk-dept-%02d,%s" % (dept, bulk), "bulk-dept-%02d" % dept,
                                  ["CN=bulk-team-%03d,%s" % (t, bulk)
                                   for t in range(dept * 10, min(dept * 10 + 10, teams))]))
    out.add(*bulk_group_entry("CN=bulk-all," + bulk, "bulk-all",
                              ["CN=bulk-dept-%02d,%s" % (d, bulk) for d in range((teams + 9) // 10)]))
    out.add("CN=big-group," + bulk, [
        ("objectClass", ["top", "group"]),
        ("cn", "big-group"),
        ("sAMAccountName", "big-group"),
        ("description", "range retrieval test group"),
        ("member", members),
    ])


def cmd_ldif(tb, domain_sid, bulk_count, big_group_size):
    bulk_count, big_group_size = int(bulk_count), int(big_group_size)
    if big_group_size > bulk_count:
        die("big group larger than the bulk OU")
    out = Ldif(sys.stdout)
    out.comment("ces-audit test bed seed (generated by scripts/testbed.d/testbed.py; deterministic)")
    domain_settings_ldif(out)
    accounts_ldif(tb, out)
    adcs_ldif(tb, out, domain_sid)
    bulk_ldif(out, bulk_count, big_group_size)
    c9_ldif(tb, out)


# ---------------------------------------------------------------------------------------
# local writes (as system, on sam.ldb) and keytabs

def duplicate_spn(tb, dn, spn):
    """C8: give DN an SPN another account already holds.

    samldb refuses that for every caller (check_spn_direct_collision; neither system nor the relax,
    replicated-update or skip-duplicates controls avoid it), so the value goes into the domain
    partition's backend file with no ldb modules loaded: no samldb, no replPropertyMetaData update
    (single DC, nothing replicates). The running samba sees it at once (the backend bumps its sequence
    number); LDAP reads and the (servicePrincipalName=...) index find it.
    """
    import ldb
    part = os.path.join(tb, "private", "sam.ldb.d", BASE.upper() + ".ldb")
    if not os.path.exists(part):
        die("no partition file %s" % part)
    db = ldb.Ldb(part, options=["modules:"])
    res = db.search(dn, scope=ldb.SCOPE_BASE, attrs=["servicePrincipalName"])
    if len(res) != 1:
        die("%s not found in %s" % (dn, part))
    if spn.encode() in [bytes(v) for v in res[0].get("servicePrincipalName", [])]:
        return
    m = ldb.Message(ldb.Dn(db, dn))
    m["spn"] = ldb.MessageElement([spn.encode()], ldb.FLAG_MOD_ADD, "servicePrincipalName")
    db.modify(m)


# A2: a second DC at domainControllerFunctionality 7 (Windows Server 2016) in the domain still at level 4 —
# the KDC keys Protected Users on the DC's level (MS-KILE 3.3.5.1). Only its server and NTDS Settings objects
# exist (nTDSDSA is system-only: written with the relax control); nothing talks to it (no drepl/kcc services).
# C1: aliases of the CA host in AD-integrated DNS (zone corp.example.test in DomainDnsZones, which the provisioning
# with the internal DNS backend creates): enroll -> ca01, and ces-lb -> enroll, a chain of two. Neither is a HOST/
# SPN of CA01, so only reading the CNAMEs shows that an endpoint on them is on the CA host.
DNS_CNAMES = [("enroll", "ca01." + DNS_DOMAIN), ("ces-lb", "enroll." + DNS_DOMAIN)]


def dns_cnames_local(samdb):
    from samba.dcerpc import dnsp
    from samba.ndr import ndr_pack
    zone = "DC=%s,CN=MicrosoftDNS,DC=DomainDnsZones,%s" % (DNS_DOMAIN, BASE)
    for node, target in DNS_CNAMES:
        record = dnsp.DnssrvRpcRecord()
        record.wType = dnsp.DNS_TYPE_CNAME
        record.rank = dnsp.DNS_RANK_ZONE
        record.dwSerial = 1
        record.dwTtlSeconds = 900
        record.data = target
        samdb.add({"dn": "DC=%s,%s" % (node, zone), "objectClass": ["top", "dnsNode"],
                   "dnsRecord": [ndr_pack(record)]})


SECOND_DC = "DC02"
SECOND_DC_LEVEL = 7


def second_dc_local(samdb):
    import ldb
    servers = "CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + BASE
    if samdb.search(servers, scope=ldb.SCOPE_ONELEVEL, expression="(cn=%s)" % SECOND_DC, attrs=["cn"]):
        return
    server = "CN=%s,%s" % (SECOND_DC, servers)
    samdb.add({"dn": server, "objectClass": ["top", "server"],
               "dNSHostName": "%s.%s" % (SECOND_DC.lower(), DNS_DOMAIN)})
    samdb.add({"dn": "CN=NTDS Settings," + server, "objectClass": ["top", "applicationSettings", "nTDSDSA"],
               "msDS-Behavior-Version": str(SECOND_DC_LEVEL), "msDS-HasDomainNCs": BASE, "options": "0"},
              controls=["relax:0"])


def cmd_local(tb):
    import ldb
    import samba
    from samba.auth import system_session
    from samba.dcerpc import security
    from samba.ndr import ndr_pack
    from samba.net import Net
    from samba.param import LoadParm
    from samba.samdb import SamDB
    from samba.sd_utils import SDUtils

    lp = LoadParm()
    lp.load(os.path.join(tb, "etc", "smb.conf"))
    samdb = SamDB(url=os.path.join(tb, "private", "sam.ldb"), session_info=system_session(), lp=lp)

    def sid_of(sam):
        res = samdb.search(BASE, scope=ldb.SCOPE_SUBTREE,
                           expression="(sAMAccountName=%s)" % ldb.binary_encode(sam), attrs=["objectSid"])
        if len(res) != 1:
            die("account %s not found" % sam)
        return samdb.schema_format_value("objectSid", res[0]["objectSid"][0]).decode()

    # RBCD: WEB01 allows svc-ces (msDS-AllowedToActOnBehalfOfOtherIdentity is system-only on Samba)
    sd = security.descriptor.from_sddl("O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;%s)" % sid_of("svc-ces"),
                                       security.dom_sid(samdb.get_domain_sid()))
    m = ldb.Message(ldb.Dn(samdb, "CN=WEB01,CN=Computers," + BASE))
    m["rbcd"] = ldb.MessageElement(ndr_pack(sd), ldb.FLAG_MOD_REPLACE,
                                   "msDS-AllowedToActOnBehalfOfOtherIdentity")
    samdb.modify(m)

    # WebServer template: schema-default SD + Enroll for Domain Computers (= samba-tool dsacl set)
    sdu = SDUtils(samdb)
    sdu.dacl_add_ace("CN=WebServer,CN=Certificate Templates," + PKS, WEBSERVER_ENROLL_ACE)

    # --- scenarios (docs/testbed-scenarios.md): ACEs naming SIDs that exist only after the ldapadd ---
    domain_sid = security.dom_sid(samdb.get_domain_sid())
    deny = "(OD;;CR;%s;;%s)" % (ENROLL, sid_of("no-cert-users"))
    # B2: DENY Enroll for no-cert-users on User, first in the DACL (canonical order)
    sdu.dacl_prepend_aces("CN=User,CN=Certificate Templates," + PKS, deny)
    # B5: the same DENY on corp-CA01's enrollment-service object
    sdu.dacl_prepend_aces("CN=corp-CA01,CN=Enrollment Services," + PKS, deny)
    # E3: Read + Enroll for the CES principal svc-ces on KBR-User
    svc = sid_of("svc-ces")
    sdu.dacl_append_aces("CN=KBR-User,CN=Certificate Templates," + PKS,
                         "(OA;;CR;%s;;%s)(A;;LCRPLORC;;;%s)" % (ENROLL, svc, svc))
    # C5: RBCD on the CA through groups: CA01 allows rbcd-hosts (CES04$); it denies rbcd-denied (svc-ces2) ahead
    # of an allow ACE naming svc-ces2 itself, so only an access check with the groups gets both right
    full = "CCDCLCSWRPWPDTLOCRSDRCWDWO"
    sd = security.descriptor.from_sddl(
        "O:BAD:(D;;%s;;;%s)(A;;%s;;;%s)(A;;%s;;;%s)" % (
            full, sid_of("rbcd-denied"), full, sid_of("rbcd-hosts"), full, sid_of("svc-ces2")),
        domain_sid)
    m = ldb.Message(ldb.Dn(samdb, "CN=CA01,CN=Computers," + BASE))
    m["rbcd"] = ldb.MessageElement(ndr_pack(sd), ldb.FLAG_MOD_REPLACE,
                                   "msDS-AllowedToActOnBehalfOfOtherIdentity")
    samdb.modify(m)
    # C10: frank's descriptor denies svc-ces READ_PROPERTY on tokenGroupsGlobalAndUniversal (schemaIDGUID
    # 46a9b11d-…), the read the KDC makes for S4U2self (KB2009157), ahead of the inherited grant to Windows
    # Authorization Access Group, of which svc-ces is a member. frank is disabled, so the users' sample of the
    # server and scan jobs (enabled users only) never contains him
    sdu.dacl_prepend_aces("CN=frank,CN=Users," + BASE,
                          "(OD;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;%s)" % sid_of("svc-ces"))
    duplicate_spn(tb, "CN=svc-dup,CN=Users," + BASE, "HTTP/ces02.corp.example.test")
    second_dc_local(samdb)
    dns_cnames_local(samdb)

    # keytabs (same as samba-tool domain exportkeytab --principal=...)
    samba.enable_net_export_keytab()
    net = Net(None, lp)
    keytabs = os.path.join(tb, "keytabs")
    os.makedirs(keytabs, mode=0o700, exist_ok=True)
    for name in ("ces-reader", "svc-ces"):
        path = os.path.join(keytabs, name + ".keytab")
        if os.path.exists(path):
            os.unlink(path)
        net.export_keytab(keytab=path, principal="%s@%s" % (name, REALM))
        os.chmod(path, 0o600)

    c9_local(tb)  # CES-C9 (issue 20)

    # --- S4U probe (issue 7): see s4u_probe_local below; keep this call last ---
    s4u_probe_local(tb, samdb, net)


# ---------------------------------------------------------------------------------------
# S4U probe (issue 7, CES-K1): a host-only principal and keytabs for the CES principals of the scenarios.
# Kept apart from the seed above so that changes to either merge cleanly. Scenarios: docs/testbed-scenarios.md
# ("Live S4U probe"); matrix: scripts/s4u-matrix.

# svc-hostonly: protocol transition and constrained delegation to HOST/ca01 only (no RPCSS): the one principal
# on which the KDC can show "HOST granted, RPCSS refused" (svc-ces2 lacks protocol transition, so the probe is
# refused for both). Not published on any CA: check it with server ces05... --service-account svc-hostonly.
S4U_HOSTONLY = "svc-hostonly"
S4U_HOSTONLY_UAC = SERVICE_ACCOUNT
S4U_HOSTONLY_SPNS = ["HTTP/ces05.corp.example.test", "HTTP/ces05"]
S4U_HOSTONLY_A2D2 = ["HOST/ca01.corp.example.test"]
# principal -> keytab file name (keytabs/<name>.keytab); svc-ces's is exported above.
S4U_KEYTABS = {"svc-ces2": "svc-ces2", "CES03$": "ces03", "CES04$": "ces04", "svc-sensitive": "svc-sensitive",
               S4U_HOSTONLY: S4U_HOSTONLY}


def s4u_probe_local(tb, samdb, net):
    import ldb
    dn = "CN=%s,CN=Users,%s" % (S4U_HOSTONLY, BASE)
    if not samdb.search(BASE, scope=ldb.SCOPE_SUBTREE,
                        expression="(sAMAccountName=%s)" % S4U_HOSTONLY, attrs=["dn"]):
        samdb.newuser(S4U_HOSTONLY, make_password(S4U_HOSTONLY))
    m = ldb.Message(ldb.Dn(samdb, dn))
    m["uac"] = ldb.MessageElement(str(S4U_HOSTONLY_UAC), ldb.FLAG_MOD_REPLACE, "userAccountControl")
    m["spn"] = ldb.MessageElement(S4U_HOSTONLY_SPNS, ldb.FLAG_MOD_REPLACE, "servicePrincipalName")
    m["a2d2"] = ldb.MessageElement(S4U_HOSTONLY_A2D2, ldb.FLAG_MOD_REPLACE, "msDS-AllowedToDelegateTo")
    samdb.modify(m)
    keytabs = os.path.join(tb, "keytabs")
    for principal, name in S4U_KEYTABS.items():
        path = os.path.join(keytabs, name + ".keytab")
        if os.path.exists(path):
            os.unlink(path)
        net.export_keytab(keytab=path, principal="%s@%s" % (principal, REALM))
        os.chmod(path, 0o600)


# =======================================================================================
# CES-C9 SEED (issue 20: the 2026 RC4 defaults, KB5073381). Kept apart from the seeds above: new objects only.
# docs/testbed-scenarios.md "CES-C9". Samba's KDC does not apply Microsoft's 2026 AES-only default, so these
# cases are judged statically (the probe reports ticket encryption types but cannot show the 2026 refusals).
#   svc-c9-aes     msDS-SupportedEncryptionTypes 0x18
#   svc-c9-rc4     msDS-SupportedEncryptionTypes 0x4 (RC4 only)
#   svc-c9-oldpw   no attribute, pwdLastSet 2005 (before the RID-521 group: keys may be RC4 only)
#   c9-CA03        CA on ca03 whose computer CA03$ has 0x4; one Certificate endpoint on ces01 (principal svc-ces),
#                  publishes Machine so that `scan` reaches it
# Expected results: Tests/CESAuditCoreTests/Fixtures/scenarios.json (CES-C9).

C9_USERS = [
    User(sam, uac=SERVICE_ACCOUNT, mail=False, names=False, delegate_to=A2D2_CA01, enc_types=types)
    for sam, types in (("svc-c9-aes", AES_ONLY), ("svc-c9-rc4", RC4_HMAC), ("svc-c9-oldpw", None))
]
C9_CA_COMPUTER = Computer("CA03", spns=host_spns("CA03"), enc_types=RC4_HMAC)
# Machine (Domain Computers enroll): `scan` reaches this CA through the few computers only
C9_CA = EnrollmentService("c9-CA03", C9_CA_COMPUTER.host, "adcs-ca02.der", ["Machine"],
                          [Endpoint(1, AUTH_CERTIFICATE, ces_url(CES_HOST, "c9-CA03", "Certificate"))])
C9_OLD_PWDLASTSET = 127490112000000000  # 2005-01-01T00:00:00Z as FILETIME
PASSWORD_FILES.update({u.sam: u.sam for u in C9_USERS})
PASSWORD_FILES[C9_CA_COMPUTER.cn + "$"] = C9_CA_COMPUTER.cn.lower()


def c9_ldif(tb, out):
    out.comment("CES-C9 scenarios (issue 20)")
    out.add(*computer_entry(tb, C9_CA_COMPUTER))
    for user in C9_USERS:
        out.add(*user_entry(tb, user))
    out.add(*enrollment_service_entry(C9_CA, read_tls(tb, C9_CA.certificate), None))

def c9_local(tb):
    """svc-c9-oldpw: a pwdLastSet from before the domain's RID-521 group. Samba lets no caller write pwdLastSet
    other than 0/-1, so it goes into the partition's backend file with no modules (as duplicate_spn does)."""
    import ldb
    part = os.path.join(tb, "private", "sam.ldb.d", BASE.upper() + ".ldb")
    db = ldb.Ldb(part, options=["modules:"])
    m = ldb.Message(ldb.Dn(db, "CN=svc-c9-oldpw,CN=Users," + BASE))
    m["p"] = ldb.MessageElement([str(C9_OLD_PWDLASTSET).encode()], ldb.FLAG_MOD_REPLACE, "pwdLastSet")
    db.modify(m)


# =======================================================================================
# RELIABILITY SEED (issue 9; RELIABILITY.md). Kept apart from the scenario seed above: new objects only,
# under OU=Reliability and one extra enterprise CA "rel-broken-CA"; nothing above is changed.
#   ldif-reliability TB SID BULK_COUNT   LDIF appended to the seed (scripts/testbed make_ldif)

REL_OU = "OU=Reliability," + BASE
REL_BIG_GROUP = "CN=rel-big-group," + REL_OU
REL_BIG_GROUP_SIZE = 5000
REL_BROKEN_CA = "rel-broken-CA"
REL_MISSING_TEMPLATE = "RelNoSuchTemplate"  # published by rel-broken-CA, no template object
# Accounts whose names carry LDAP filter / DN metacharacters, non-ASCII and long values.
# (sAMAccountName forbids "/\[]:;|=,+*?<>, so the metacharacters go into UPNs and CNs.)
REL_ACCOUNTS = [
    # cn, sAMAccountName, userPrincipalName
    ("rel-decoy-star", "rel-decoy-star", "star*decoy@" + DNS_DOMAIN),
    ("rel-decoy-paren", "rel-decoy-paren", "paren(x)decoy@" + DNS_DOMAIN),
    ("rel-decoy-backslash", "rel-decoy-bs", "back\\slash@" + DNS_DOMAIN),
    ("Rel, Comma+Plus \"Q\" <x>;=#", "rel-comma-plus", "rel-comma-plus@" + DNS_DOMAIN),
    ("Zoë Ωmega 山田", "zoë-ωmega", "zoë-ωmega@" + DNS_DOMAIN),
    ("rel-long", "rel-long", "rel-long@" + DNS_DOMAIN),
]
REL_LONG_DESCRIPTION = "long-value-" + "x" * (1024 - 11)  # description rangeUpper
REL_BROKEN_ENDPOINTS = [
    "garbage",  # one field
    "1\n2\n0\n",  # no URL
    "x\ny\nz\nnot a url\n9",  # nothing numeric
    "1\n2\n0\nhttps://" + "h" * 3000 + ".corp.example.test/rel/service.svc/CES\n0",  # very long host
    "\n\n\n\n\n\n",  # only LFs
]


def cmd_ldif_reliability(tb, domain_sid, bulk_count):
    bulk_count = int(bulk_count)
    out = Ldif(sys.stdout)
    out.comment("reliability seed (issue 9): hostile names, 5,000-member group, broken CA")
    out.add(REL_OU, [("objectClass", ["top", "organizationalUnit"]), ("ou", "Reliability"),
                     ("description", "ces-audit reliability fixtures (RELIABILITY.md)")])
    for cn, sam, upn in REL_ACCOUNTS:
        attrs = [
            ("objectClass", ["top", "person", "organizationalPerson", "user"]),
            ("cn", cn),
            ("sAMAccountName", sam),
            ("userPrincipalName", upn),
            ("userAccountControl", NORMAL_ACCOUNT | PASSWD_NOTREQD),
        ]
        if sam == "rel-long":
            attrs.append(("description", REL_LONG_DESCRIPTION))
        out.add("CN=%s,%s" % (dn_escape(cn), REL_OU), attrs)
    # 5,000 members: every bulk user plus lightweight contacts
    members = ["CN=%s,OU=Bulk,%s" % (dn_escape(bulk_name(i)[0]), BASE) for i in range(1, bulk_count + 1)]
    for i in range(1, REL_BIG_GROUP_SIZE - len(members) + 1):
        dn = "CN=rel-member-%04d,%s" % (i, REL_OU)
        out.add(dn, [("objectClass", ["top", "person", "organizationalPerson", "contact"]),
                     ("cn", "rel-member-%04d" % i)])
        members.append(dn)
    members = members[:REL_BIG_GROUP_SIZE]
    out.add(REL_BIG_GROUP, [
        ("objectClass", ["top", "group"]),
        ("cn", "rel-big-group"),
        ("sAMAccountName", "rel-big-group"),
        ("description", "ranged retrieval of %d members" % len(members)),
        ("member", members),
    ])
    # No template with a truncated nTSecurityDescriptor: Samba parses every SD it serves (acl_read), so one
    # broken SD fails the whole Certificate Templates search with Operations error (1) and the DC re-encodes
    # SDs on read; a truncated SD is covered below LDAP (RELIABILITY.md).
    # an enterprise CA with malformed endpoints and a cACertificate that is no certificate
    # (User: F6/F6b read the bad cACertificate)
    ca = EnrollmentService(REL_BROKEN_CA, host_name("ca09"), "adcs-ca.der", ["User", REL_MISSING_TEMPLATE],
                           REL_BROKEN_ENDPOINTS, ENROLLMENT_SERVICE_SDDL)
    out.add(*enrollment_service_entry(ca, read_tls(tb, ca.certificate)[:57], domain_sid))


# ---------------------------------------------------------------------------------------
# SMB mode (CES_TESTBED_SMB=1, issue 16): the DC serves SMB + DCE/RPC and stands in for the CA and CES hosts of
# the scenarios, so that `ces-audit collect` reads real registry, LSA and SAMR answers. Scenarios:
# docs/testbed-scenarios.md ("Remote collection"). One server answers for every stand-in name, so the data is
# chosen to decide pass for one principal and fail for another (as the evidence fixtures do).

# cifs/<name> on the DC's account: a cifs/ ticket for a stand-in name is then encrypted with the DC's key (without
# it the KDC maps cifs/ to HOST/<name>, held by CA01$/CES01$, and the DC's smbd answers LOGON_FAILURE: that is
# what ces04 keeps: the "refusing" host).
SMB_STANDIN_HOSTS = ["ca01", "ca02", "ces01", "ces02", "ces03", "ca09", "ces05", "ca03"]
# ces05 (svc-hostonly holds HTTP/ces05) is served on a second address of the DC, CES_TESTBED_SMB_OWN_SHARE_IP
# (scripts/testbed): the C$ share's path names the address (%i), so ces05 has IIS files of its own.
SMB_OWN_SHARE_IP = os.environ.get("CES_TESTBED_SMB_OWN_SHARE_IP", "127.0.7.5")
# ca09 (the reliability fixture's rel-broken-CA): hostile registry data, a Security value over the collector's
# 1 MiB bound
HOSTILE_SECURITY_BYTES = (1 << 20) + 4096
CERTSVC = r"SYSTEM\CurrentControlSet\Services\CertSvc\Configuration"
POLICY_MODULE = "CertificateAuthority_MicrosoftDefault.Policy"
# the same descriptor as Tests/CESAuditCoreTests/Fixtures/evidence/testbed/ca01.corp.example.test/ca-security.sddl:
# Guests denied Read+Enroll (grace, svc-ces2), Enroll for Authenticated Users, CA admin rights for the admins
CA01_SECURITY_SDDL = "O:BAG:BAD:(D;;0x300;;;BG)(A;;0x200;;;AU)(A;;CCDC;;;BA)(A;;CCDC;;;DA)(A;;CCDC;;;EA)"
CA01_EDITFLAGS = 0x0411014E  # with EDITF_ENABLERENEWONBEHALFOF (0x04000000)
CA02_EDITFLAGS = 0x0011014E  # without
# c9-CA03 on ca03: readable, without the flag (a fresh CA's default): CES-E2 fails for a renewal-only instance of it
# whose principal lacks the alternative model (svc-ces delegates to ca01 only): `server ces01 --ca c9-CA03 --auth
# certificate --key-based-renewal --service-account svc-ces --collect`
C9_CA_EDITFLAGS = 0x0011014E
INTERFACE_FLAGS = 0x00000641
# corp CA02's key is readable by the administrators only: a non-admin collector meets WERR_ACCESS_DENIED
CA02_KEY_SDDL = "O:BAG:SYD:(A;CI;0xf003f;;;BA)(A;CI;0xf003f;;;SY)"  # KEY_ALL_ACCESS
# user rights granted through LSA AddAccountRights (Samba's LSA knows only SeInteractiveLogonRight,
# SeNetworkLogonRight and SeRemoteInteractiveLogonRight among the logon rights); a name is a domain account.
# SeImpersonatePrivilege as a hardening GPO pins it: Administrators and svc-ces, not IIS_IUSRS (every pool
# identity holds IIS_IUSRS at run time, so with it listed CES-D1 could not fail): D1 passes for svc-ces and fails
# for svc-ces2, CES03$ and svc-hostonly.
SMB_RIGHTS = [("SeImpersonatePrivilege", ["S-1-5-32-544", "svc-ces"]),
              ("SeNetworkLogonRight", ["S-1-5-11", "S-1-5-32-544"])]
# rights Samba's LSA refuses by name (NO_SUCH_PRIVILEGE) but stores and lists per account (EnumAccountRights):
# written straight into the DC's privilege.ldb. IIS gives IIS_IUSRS "Log on as a batch job" (CES-D3).
# SeDenyNetworkLogonRight for BUILTIN\Guests (grace, svc-ces2), as the ca01 evidence fixture's secedit.inf has it.
STORED_RIGHTS = [("SeBatchLogonRight", ["S-1-5-32-568", "S-1-5-32-544"]),
                 ("SeDenyNetworkLogonRight", ["S-1-5-32-546"])]
SMB_ALIAS_MEMBERS = {"IIS_IUSRS": ["svc-ces"],  # not svc-ces2: D2 fails for it
                     "Certificate Service DCOM Access": ["alice", "carol", "svc-ces"]}  # not grace: B4
CES_WEB_CONFIG = """<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.serviceModel>
    <serviceHostingEnvironment multipleSiteBindingsEnabled="true" />
  </system.serviceModel>
  <system.webServer>
    <security>
      <authentication>
        <windowsAuthentication enabled="true" useKernelMode="false" useAppPoolCredentials="true" />
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""
APPLICATION_HOST_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/corp-CA01_CES_Kerberos" applicationPool="WSEnrollmentServer">
          <virtualDirectory path="/" physicalPath="C:\\Windows\\SystemData\\CES\\corp-CA01_CES_Kerberos" />
        </application>
        <application path="/corp-CA01_CES_Certificate" applicationPool="WSEnrollmentServer">
          <virtualDirectory path="/" physicalPath="C:\\Windows\\SystemData\\CES\\corp-CA01_CES_Certificate" />
        </application>
        <application path="/corp-CA01_CES_Certificate_KBR" applicationPool="WSEnrollmentServer">
          <virtualDirectory path="/" physicalPath="C:\\Windows\\SystemData\\CES\\corp-CA01_CES_Certificate_KBR" />
        </application>
        <application path="/corp-CA01_CES_UsernamePassword" applicationPool="WSEnrollmentServer">
          <virtualDirectory path="/" physicalPath="C:\\Windows\\SystemData\\CES\\corp-CA01_CES_UsernamePassword" />
        </application>
        <bindings>
          <binding protocol="https" bindingInformation="*:443:" />
          <binding protocol="https" bindingInformation="*:443:ces01.corp.example.test" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
  <!-- svc-ces holds HTTP/ces01: kernel-mode authentication must decrypt with the pool's key (CES-C8) -->
  <location path="Default Web Site/corp-CA01_CES_Kerberos">
    <system.webServer>
      <security>
        <authentication>
          <windowsAuthentication enabled="true" useKernelMode="true" useAppPoolCredentials="true" />
        </authentication>
      </security>
    </system.webServer>
  </location>
</configuration>
"""
# ces05's own applicationHost.config: the Kerberos instance keeps IIS's defaults (kernel mode, no
# useAppPoolCredentials), so tickets for svc-hostonly's HTTP/ces05 are decrypted with the computer's key (C8 fails)
CES05_APPLICATION_HOST_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/corp-CA01_CES_Kerberos" applicationPool="WSEnrollmentServer">
          <virtualDirectory path="/" physicalPath="C:\\Windows\\SystemData\\CES\\corp-CA01_CES_Kerberos" />
        </application>
        <bindings>
          <binding protocol="https" bindingInformation="*:443:ces05.corp.example.test" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
  <location path="Default Web Site/corp-CA01_CES_Kerberos">
    <system.webServer>
      <security>
        <authentication>
          <windowsAuthentication enabled="true" />
        </authentication>
      </security>
    </system.webServer>
  </location>
</configuration>
"""


def cmd_smb_seed(tb):
    import ldb
    from samba.auth import system_session
    from samba.credentials import Credentials
    from samba.dcerpc import lsa, misc, security, winreg
    from samba.ndr import ndr_pack, ndr_unpack
    from samba.param import LoadParm
    from samba.samdb import SamDB

    lp = LoadParm()
    lp.load(os.path.join(tb, "etc", "smb.conf"))
    samdb = SamDB(url=os.path.join(tb, "private", "sam.ldb"), session_info=system_session(), lp=lp)
    domain_sid = security.dom_sid(samdb.get_domain_sid())
    dc_dn = "CN=DC01,OU=Domain Controllers," + BASE
    for host in SMB_STANDIN_HOSTS:
        duplicate_spn(tb, dc_dn, "cifs/%s.%s" % (host, DNS_DOMAIN))
    for alias, members in SMB_ALIAS_MEMBERS.items():
        res = samdb.search("CN=Builtin," + BASE, expression="(cn=%s)" % ldb.binary_encode(alias), attrs=["member"])
        present = {str(v).split(",")[0][3:].lower() for v in res[0].get("member", [])} if res else set()
        missing = [m for m in members if m.lower() not in present]
        if missing:
            samdb.add_remove_group_members(alias, missing, add_members_operation=True)

    # DCE/RPC as Administrator (the password stays in this process)
    creds = Credentials()
    creds.guess(lp)
    creds.set_domain(DOMAIN)
    creds.set_username("Administrator")
    creds.set_password(read_password(tb, "Administrator"))
    binding = "ncacn_np:%s[sign]" % IP

    rpc = lsa.lsarpc(binding, lp, creds)
    policy = rpc.OpenPolicy2("", lsa.ObjectAttribute(), security.SEC_FLAG_MAXIMUM_ALLOWED)
    def sid_of(holder):  # a SID as it is, an account by its sAMAccountName
        if holder.startswith("S-1-"):
            return holder
        res = samdb.search(BASE, expression="(sAMAccountName=%s)" % ldb.binary_encode(holder), attrs=["objectSid"])
        return str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0]))

    for right, holders in SMB_RIGHTS:
        for holder in holders:
            sid = sid_of(holder)
            names = lsa.RightSet()
            name = lsa.StringLarge()
            name.string = right
            names.names = [name]
            names.count = 1
            rpc.AddAccountRights(policy, security.dom_sid(sid), names)

    privileges = ldb.Ldb(os.path.join(tb, "private", "privilege.ldb"))
    for right, sids in STORED_RIGHTS:
        for sid in sids:  # the entry's layout is the one Samba's AddAccountRights writes
            dn = ldb.Dn(privileges, "sid=%s" % sid)
            found = privileges.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["privilege"])
            if found and right in {str(v) for v in found[0].get("privilege", [])}:
                continue
            message = ldb.Message(dn)
            message["privilege"] = ldb.MessageElement(right, ldb.FLAG_MOD_ADD, "privilege")
            if found:
                privileges.modify(message)
            else:
                message["objectClass"] = ldb.MessageElement("privilege", ldb.FLAG_MOD_ADD, "objectClass")
                message["objectSid"] = ldb.MessageElement(ndr_pack(security.dom_sid(sid)), ldb.FLAG_MOD_ADD,
                                                          "objectSid")
                privileges.add(message)

    reg = winreg.winreg(binding, lp, creds)
    hklm = reg.OpenHKLM(None, security.SEC_FLAG_MAXIMUM_ALLOWED)

    def string(value):
        s = winreg.String()
        s.name = value
        return s

    def create(path):
        handle = hklm
        for part in path.split("\\"):  # one level at a time: Samba's CreateKey wants an existing parent
            handle, _ = reg.CreateKey(handle, string(part), string(""), 0, security.SEC_FLAG_MAXIMUM_ALLOWED,
                                      None, 0)
        return handle

    def set_value(handle, name, kind, value):
        if kind == misc.REG_DWORD:
            data = struct.pack("<I", value)
        elif kind == misc.REG_SZ:
            data = (value + "\0").encode("utf-16-le")
        else:
            data = value
        reg.SetValue(handle, string(name), kind, list(data))

    for ca, sddl, edit_flags in (("corp-CA01", CA01_SECURITY_SDDL, CA01_EDITFLAGS),
                                 (CA02_NAME, CA01_SECURITY_SDDL, CA02_EDITFLAGS),
                                 (C9_CA.name, CA01_SECURITY_SDDL, C9_CA_EDITFLAGS)):
        key = create(CERTSVC + "\\" + ca)
        set_value(key, "Security", misc.REG_BINARY, ndr_pack(security.descriptor.from_sddl(sddl, domain_sid)))
        set_value(key, "InterfaceFlags", misc.REG_DWORD, INTERFACE_FLAGS)
        set_value(key, "CommonName", misc.REG_SZ, ca)
        modules = create(CERTSVC + "\\" + ca + "\\PolicyModules")
        set_value(modules, "Active", misc.REG_SZ, POLICY_MODULE)
        module = create(CERTSVC + "\\" + ca + "\\PolicyModules\\" + POLICY_MODULE)
        set_value(module, "EditFlags", misc.REG_DWORD, edit_flags)
        if ca == CA02_NAME:
            data = winreg.KeySecurityData()
            sd = list(ndr_pack(security.descriptor.from_sddl(CA02_KEY_SDDL, domain_sid)))
            data.data, data.size, data.len = sd, len(sd), len(sd)
            reg.SetKeySecurity(key, security.SECINFO_DACL | security.SECINFO_OWNER | security.SECINFO_GROUP,
                               data)
    hostile = create(CERTSVC + "\\" + REL_BROKEN_CA)
    set_value(hostile, "Security", misc.REG_BINARY, bytes(HOSTILE_SECURITY_BYTES))
    set_value(create(r"SOFTWARE\Microsoft\Ole"), "EnableDCOM", misc.REG_SZ, "Y")
    set_value(create(r"SYSTEM\CurrentControlSet\Control\Lsa"), "LsaCfgFlags", misc.REG_DWORD, 1)
    guard = create(r"SOFTWARE\Policies\Microsoft\Windows\DeviceGuard")
    set_value(guard, "EnableVirtualizationBasedSecurity", misc.REG_DWORD, 1)
    set_value(guard, "LsaCfgFlags", misc.REG_DWORD, 1)

    # the admin share C$ (smb.conf [C$], read only, hosts/<address>/c): one CES instance's web.config and IIS's
    # applicationHost.config. The Certificate instance lacks multipleSiteBindingsEnabled while the site has two
    # bindings (G3 fails there). ces05, on its own address, has its own files.
    application_host = os.path.join("System32", "inetsrv", "config", "applicationHost.config")
    shared = {application_host: APPLICATION_HOST_CONFIG}
    for instance in ("corp-CA01_CES_Kerberos", "corp-CA01_CES_UsernamePassword", "corp-CA01_CES_Certificate_KBR",
                     "corp CA02_CES_UsernamePassword"):
        shared[os.path.join("SystemData", "CES", instance, "web.config")] = CES_WEB_CONFIG
    shared[os.path.join("SystemData", "CES", "corp-CA01_CES_Certificate", "web.config")] = CES_WEB_CONFIG.replace(
        '    <serviceHostingEnvironment multipleSiteBindingsEnabled="true" />\n', "")
    ces05 = {application_host: CES05_APPLICATION_HOST_CONFIG,
             os.path.join("SystemData", "CES", "corp-CA01_CES_Kerberos", "web.config"): CES_WEB_CONFIG}
    for address, files in ((IP, shared), (SMB_OWN_SHARE_IP, ces05)):
        for path, text in files.items():
            full = os.path.join(tb, "hosts", address, "c", "Windows", path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8", newline="\r\n") as f:
                f.write(text)


def main(argv):
    if len(argv) < 2:
        die("usage: testbed.py secrets|provision|ldif|local|ca-policies|root-ca-policies ...")
    cmd, args = argv[1], argv[2:]
    if cmd == "secrets" and len(args) == 1:
        cmd_secrets(*args)
    elif cmd == "provision" and len(args) == 1:
        cmd_provision(*args)
    elif cmd == "ldif" and len(args) == 4:
        cmd_ldif(*args)
    elif cmd == "local" and len(args) == 1:
        cmd_local(*args)
    elif cmd == "ldif-reliability" and len(args) == 3:
        cmd_ldif_reliability(*args)
    elif cmd == "smb-seed" and len(args) == 1:
        cmd_smb_seed(*args)
    elif cmd == "ca-policies" and not args:
        print(",".join(CA_CERT_POLICIES))
    elif cmd == "root-ca-policies" and not args:
        print(",".join(ROOT_CA_CERT_POLICIES))
    else:
        die("bad arguments: %s" % " ".join(argv[1:]))


if __name__ == "__main__":
    main(sys.argv)
