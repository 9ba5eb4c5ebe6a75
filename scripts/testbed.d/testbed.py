#!/usr/bin/python3
"""Helper for scripts/testbed: provisioning, the seed LDIF and local-only writes.

Run with Debian's /usr/bin/python3: Samba's Python bindings live there (a pyenv or
venv python3 cannot `import samba`). Called by scripts/testbed only; its arguments are
an internal interface.

  testbed.py secrets TB                 create TB/secrets/<name>.password (random, 0600, no newline)
  testbed.py provision TB               samba-tool domain provision, admin password read from a file
  testbed.py ldif TB DOMAIN_SID BULK BIG  write the seed LDIF (to stdout)
  testbed.py local TB                   writes that LDAP cannot do (RBCD, template ACE) + keytabs

Everything generated here is deterministic except the passwords (and the SIDs/GUIDs the
DC assigns): the same objects, DNs and attribute values on every provisioning.
"""

import base64
import os
import secrets
import string
import sys

REALM = "CORP.EXAMPLE.TEST"
DNS_DOMAIN = REALM.lower()
DOMAIN = "CORP"
BASE = "DC=corp,DC=example,DC=test"
CONFIG = "CN=Configuration," + BASE
PKS = "CN=Public Key Services,CN=Services," + CONFIG

# Forest OID (any forest-like OID) and the objects hanging off it.
FOREST_OID = "1.3.6.1.4.1.311.21.8.1234567.2345678.3456789.4567890.5678901.111"
ISSUANCE_POLICY_CN = "402.6B1C5A7E3F2D4E8A9B0C1D2E3F405162"

ENROLL = "0e10c968-78fb-11d2-90d4-00c04f79dc55"  # Certificate-Enrollment extended right
USER_TEMPLATE_SDDL = (
    "O:EAG:EAD:PAI"
    "(OA;;CR;%s;;DA)(OA;;CR;%s;;DU)"
    "(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;EA)"
    "(A;;LCRPLORC;;;AU)" % (ENROLL, ENROLL)
)
WEBSERVER_ENROLL_ACE = "(OA;;CR;%s;;DC)" % ENROLL  # added to the schema-default SD

CES_HOST = "ces01." + DNS_DOMAIN
# msPKI-Enrollment-Servers: LF-separated priority, authFlags, renewalOnly, URI[, keyBasedRenewal]
ENROLLMENT_SERVERS = [
    # five fields, Kerberos (what Windows writes)
    "1\n2\n0\nhttps://%s/corp-CA01_CES_Kerberos/service.svc/CES\n0" % CES_HOST,
    # four fields, username/password
    "2\n4\n0\nhttps://%s/corp-CA01_CES_UsernamePassword/service.svc/CES" % CES_HOST,
    # trailing LF (empty fifth field), certificate
    "3\n8\n0\nhttps://%s/corp-CA01_CES_Certificate/service.svc/CES\n" % CES_HOST,
    # key-based renewal: certificate, renewal only, KBR
    "4\n8\n1\nhttps://%s/corp-CA01_CES_Certificate_KBR/service.svc/CES\n1" % CES_HOST,
]

# Accounts with a password: sAMAccountName -> file secrets/<stem>.password
COMPUTERS = [
    # cn, uAC, SPNs
    ("CA01", 4096, ["HOST/ca01.corp.example.test", "HOST/CA01"]),
    ("CES01", 4096, ["HOST/ces01.corp.example.test", "HOST/CES01"]),
    ("WEB01", 4096 | 0x80000, ["HOST/web01.corp.example.test", "HOST/WEB01"]),
]
USERS = [
    # sAMAccountName, uAC, mail?, extra attributes
    ("ces-reader", 512, True, {"description": ["ces-audit test reader (not an admin)"]}),
    ("alice", 512, True, {}),
    ("bob", 512 | 0x100000, True, {}),
    ("carol", 512, True, {}),
    ("dave", 512, False, {}),
    ("svc-ces", 512 | 0x10000 | 0x1000000, True, {
        "servicePrincipalName": ["HTTP/ces01.corp.example.test", "HTTP/ces01"],
        "msDS-AllowedToDelegateTo": ["HOST/ca01.corp.example.test", "RPCSS/ca01.corp.example.test"],
    }),
]
PASSWORD_FILES = {"Administrator": "admin", "ces-reader": "reader"}
PASSWORD_FILES.update({c[0] + "$": c[0].lower() for c in COMPUTERS})
PASSWORD_FILES.update({u[0]: u[0] for u in USERS if u[0] not in PASSWORD_FILES})


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
        "--host-ip=127.0.0.1",
        "--adminpass=" + read_password(tb, "Administrator"),
        "--option=interfaces=127.0.0.1/8",
        "--option=bind interfaces only=yes",
        "--option=server services=ldap cldap kdc",
        "--option=pid directory=" + run,
        "--option=ncalrpc dir=" + os.path.join(run, "ncalrpc"),
        "--option=winbindd socket directory=" + os.path.join(run, "winbindd"),
        "--option=ntp signd socket directory=" + os.path.join(run, "ntp_signd"),
        "--option=dns forwarder=127.0.0.1",
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


def cmd_ldif(tb, domain_sid, bulk_count, big_group_size):
    bulk_count, big_group_size = int(bulk_count), int(big_group_size)
    if big_group_size > bulk_count:
        die("big group larger than the bulk OU")
    out = Ldif(sys.stdout)

    out.comment("ces-audit test bed seed (generated by scripts/testbed.d/testbed.py; deterministic)")

    out.comment("domain policy: passwords never expire (max age 0 = NEVER), min age 0")
    out.modify(BASE, "replace", "maxPwdAge", "-9223372036854775808")
    out.modify(BASE, "replace", "minPwdAge", "0")
    out.comment("SPN for GSSAPI binds to ldap://127.0.0.1 (clients do not canonicalize the host)")
    out.modify("CN=DC01,OU=Domain Controllers," + BASE, "add", "servicePrincipalName", "ldap/127.0.0.1")

    out.comment("computers first: Samba refuses HOST/x while another account holds HTTP/x")
    for cn, uac, spns in COMPUTERS:
        host = cn.lower() + "." + DNS_DOMAIN
        out.add("CN=%s,CN=Computers,%s" % (cn, BASE), [
            ("objectClass", ["top", "person", "organizationalPerson", "user", "computer"]),
            ("cn", cn),
            ("sAMAccountName", cn + "$"),
            ("userAccountControl", uac),
            ("dNSHostName", host),
            ("servicePrincipalName", spns),
            ("unicodePwd", unicode_pwd(read_password(tb, cn + "$"))),
        ])

    out.comment("fixture users")
    for sam, uac, has_mail, extra in USERS:
        attrs = [
            ("objectClass", ["top", "person", "organizationalPerson", "user"]),
            ("cn", sam),
            ("sAMAccountName", sam),
            ("userPrincipalName", "%s@%s" % (sam, DNS_DOMAIN)),
            ("givenName", sam),
            ("displayName", sam),
        ]
        if has_mail:
            attrs.append(("mail", "%s@%s" % (sam, DNS_DOMAIN)))
        attrs.append(("userAccountControl", uac))
        attrs += list(extra.items())
        attrs.append(("unicodePwd", unicode_pwd(read_password(tb, sam))))
        out.add("CN=%s,CN=Users,%s" % (sam, BASE), attrs)
    out.modify("CN=Protected Users,CN=Users," + BASE, "add", "member", "CN=carol,CN=Users," + BASE)

    out.comment("AD CS: forest OID, issuance policy, templates, enterprise CA")
    out.modify("CN=OID," + PKS, "replace", "msPKI-Cert-Template-OID", FOREST_OID)
    out.add("CN=%s,CN=OID,%s" % (ISSUANCE_POLICY_CN, PKS), [
        ("objectClass", ["top", "msPKI-Enterprise-Oid"]),
        ("displayName", "CES Medium Assurance"),
        ("flags", 2),
        ("msPKI-Cert-Template-OID", FOREST_OID + ".1.402"),
    ])
    templates = "CN=Certificate Templates," + PKS
    out.add("CN=User," + templates, [
        ("objectClass", ["top", "pKICertificateTemplate"]),
        ("displayName", "User"),
        ("flags", 66106),
        ("revision", 3),
        ("pKIDefaultKeySpec", 1),
        ("pKIKeyUsage", b"\xa0\x00"),
        ("pKIMaxIssuingDepth", 0),
        ("pKICriticalExtensions", "2.5.29.15"),
        ("pKIExpirationPeriod", base64.b64decode("AEA5hy7h/v8=")),
        ("pKIOverlapPeriod", base64.b64decode("AICmCv/e//8=")),
        ("pKIExtendedKeyUsage", ["1.3.6.1.4.1.311.10.3.4", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2"]),
        ("pKIDefaultCSPs", "1,Microsoft Enhanced Cryptographic Provider v1.0"),
        ("msPKI-RA-Signature", 0),
        ("msPKI-Enrollment-Flag", 41),
        ("msPKI-Private-Key-Flag", 16),
        ("msPKI-Certificate-Name-Flag", -1509949440),
        ("msPKI-Minimal-Key-Size", 2048),
        ("msPKI-Template-Schema-Version", 1),
        ("msPKI-Template-Minor-Revision", 1),
        ("msPKI-Cert-Template-OID", FOREST_OID + ".1.1"),
        ("msPKI-Certificate-Policy", FOREST_OID + ".1.402"),
        ("nTSecurityDescriptor", sddl_to_binary(USER_TEMPLATE_SDDL, domain_sid)),
    ])
    out.add("CN=WebServer," + templates, [  # schema-default SD; Enroll for DC added by `local`
        ("objectClass", ["top", "pKICertificateTemplate"]),
        ("displayName", "Web Server"),
        ("flags", 66113),
        ("revision", 4),
        ("pKIDefaultKeySpec", 1),
        ("pKIKeyUsage", b"\xa0\x00"),
        ("pKIMaxIssuingDepth", 0),
        ("pKICriticalExtensions", "2.5.29.15"),
        ("pKIExpirationPeriod", base64.b64decode("AIByDl3C/f8=")),
        ("pKIOverlapPeriod", base64.b64decode("AICmCv/e//8=")),
        ("pKIExtendedKeyUsage", "1.3.6.1.5.5.7.3.1"),
        ("pKIDefaultCSPs", ["2,Microsoft DH SChannel Cryptographic Provider",
                            "1,Microsoft RSA SChannel Cryptographic Provider"]),
        ("msPKI-RA-Signature", 0),
        ("msPKI-Enrollment-Flag", 0),
        ("msPKI-Private-Key-Flag", 0),
        ("msPKI-Certificate-Name-Flag", 1),
        ("msPKI-Minimal-Key-Size", 2048),
        ("msPKI-Template-Schema-Version", 1),
        ("msPKI-Template-Minor-Revision", 1),
        ("msPKI-Cert-Template-OID", FOREST_OID + ".1.16"),
    ])
    with open(os.path.join(tb, "tls", "adcs-ca.der"), "rb") as f:
        ca_der = f.read()
    out.add("CN=corp-CA01,CN=Enrollment Services," + PKS, [
        ("objectClass", ["top", "pKIEnrollmentService"]),
        ("displayName", "corp-CA01"),
        ("flags", 10),
        ("dNSHostName", "ca01." + DNS_DOMAIN),
        ("cACertificateDN", "CN=corp-CA01, DC=corp, DC=example, DC=test"),
        ("cACertificate", ca_der),
        ("certificateTemplates", ["User", "WebServer"]),
        ("msPKI-Enrollment-Servers", ENROLLMENT_SERVERS),
    ])
    for container in ("Certification Authorities", "AIA"):
        out.add("CN=corp-CA01,CN=%s,%s" % (container, PKS), [
            ("objectClass", ["top", "certificationAuthority"]),
            ("cACertificate", ca_der),
            ("authorityRevocationList", b"\x00"),
            ("certificateRevocationList", b"\x00"),
        ])

    bulk = "OU=Bulk," + BASE
    out.comment("bulk: %d users under %s, big-group with the first %d of them"
                % (bulk_count, bulk, big_group_size))
    out.add(bulk, [("objectClass", ["top", "organizationalUnit"]), ("ou", "Bulk"),
                   ("description", "ces-audit test bed bulk users")])
    members = []
    for i in range(1, bulk_count + 1):
        cn, given, sn = bulk_name(i)
        sam = "bulk%04d" % i
        dn = "CN=%s,%s" % (dn_escape(cn), bulk)
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
        attrs.append(("userAccountControl", 544 | (0x100000 if i % 10 == 0 else 0)))
        if i % 100 == 0:
            attrs.append(("servicePrincipalName", "HTTP/%s.%s" % (sam, DNS_DOMAIN)))
            attrs.append(("msDS-AllowedToDelegateTo", "HOST/ca01." + DNS_DOMAIN))
        out.add(dn, attrs)
        if i <= big_group_size:
            members.append(dn)
    out.add("CN=big-group," + bulk, [
        ("objectClass", ["top", "group"]),
        ("cn", "big-group"),
        ("sAMAccountName", "big-group"),
        ("description", "range retrieval test group"),
        ("member", members),
    ])


# ---------------------------------------------------------------------------------------
# local writes (as system, on sam.ldb) and keytabs

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
    SDUtils(samdb).dacl_add_ace("CN=WebServer,CN=Certificate Templates," + PKS, WEBSERVER_ENROLL_ACE)

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


def main(argv):
    if len(argv) < 2:
        die("usage: testbed.py secrets|provision|ldif|local ...")
    cmd, args = argv[1], argv[2:]
    if cmd == "secrets" and len(args) == 1:
        cmd_secrets(*args)
    elif cmd == "provision" and len(args) == 1:
        cmd_provision(*args)
    elif cmd == "ldif" and len(args) == 4:
        cmd_ldif(*args)
    elif cmd == "local" and len(args) == 1:
        cmd_local(*args)
    else:
        die("bad arguments: %s" % " ".join(argv[1:]))


if __name__ == "__main__":
    main(sys.argv)
