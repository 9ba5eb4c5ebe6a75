#!/usr/bin/python3
"""ces-audit-collect: read the host evidence of one Windows CA or CES host, remotely and read-only.

Started by `ces-audit collect` / `--collect` (one child per host, killed at the per-host time limit); can be run by
hand as well. Run with Debian's /usr/bin/python3: Samba's Python bindings (python3-samba) live there.

  ces-audit-collect.py --host NAME [--address ADDRESS] --output DIR [--ca CA_NAME]... [--ces-instance NAME]...
                       [--seal] [--allow-ntlm]

Credentials: the Kerberos credential cache named by KRB5CCNAME (and KRB5_CONFIG) in the environment; no password
or keytab is ever taken from the command line. Transport: SMB with signing required (sealing with --seal);
registry (winreg), LSA and SAMR over named pipes (ncacn_np); files from the admin share C$ through Samba's smbclient
(it takes the address apart from the name, which Kerberos needs: -I). NTLM is refused unless --allow-ntlm.
Nothing is written on the host: keys are opened with KEY_READ, the LSA policy and SAMR with read rights only.

Output (evidence layout v2, docs/host-evidence-collection.md): DIR/{ca-config.reg, ole.reg, lsa.reg,
deviceguard.reg, secedit.inf, local-groups.txt, web.config | ces-<Auth>.web.config, applicationHost.config,
manifest.json}. Every datum ends `collected` or `unknown` with a reason in manifest.json, which is rewritten after
each datum (a killed child leaves the data it did not reach as unknown). One JSON line per datum goes to stdout.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

MANIFEST = "manifest.json"
IDENTIFYING_KEYS = ("ca", "right", "instance")  # with "datum", what names one entry of the manifest's data
CERTSVC = r"SYSTEM\CurrentControlSet\Services\CertSvc\Configuration"
REGISTRY_DATA = [  # datum, file, key
    ("ole", "ole.reg", r"SOFTWARE\Microsoft\Ole"),
    ("lsa", "lsa.reg", r"SYSTEM\CurrentControlSet\Control\Lsa"),
    ("deviceguard", "deviceguard.reg", r"SOFTWARE\Policies\Microsoft\Windows\DeviceGuard"),
]
# the rights the rules read (D1, D3, D4, B4) and their Deny forms
USER_RIGHTS = [
    "SeImpersonatePrivilege", "SeNetworkLogonRight", "SeBatchLogonRight", "SeServiceLogonRight",
    "SeDenyNetworkLogonRight", "SeDenyBatchLogonRight", "SeDenyServiceLogonRight",
]
LOCAL_GROUPS = [("S-1-5-32-568", 568), ("S-1-5-32-574", 574)]  # IIS_IUSRS, Certificate Service DCOM Access
APPLICATION_HOST = r"\Windows\System32\inetsrv\config\applicationHost.config"
CES_DIRECTORY = r"\Windows\SystemData\CES"

# Hostile or broken hosts: bounded reads
MAX_VALUE_BYTES = 1 << 20
MAX_VALUES_PER_KEY = 4096
MAX_SUBKEYS = 4096
MAX_DEPTH = 8
MAX_FILE_BYTES = 16 << 20

# What grants each datum on Windows (the reason given with "access denied")
GRANTS = {
    "registry": "remote registry read: the RemoteRegistry service running, read on "
                r"HKLM\SYSTEM\CurrentControlSet\Control\SecurePipeServers\winreg (Administrators and Backup "
                "Operators by default) and on the key itself",
    "ca-config": "remote registry read (RemoteRegistry service, SecurePipeServers\\winreg: Administrators, Backup "
                 "Operators) and read on the CA's CertSvc\\Configuration key (Administrators, the CA admins)",
    "user-rights": "LSA policy POLICY_VIEW_LOCAL_INFORMATION and POLICY_LOOKUP_NAMES on the host, which Windows "
                   "grants to the local Administrators",
    "local-groups": "remote SAM enumeration, which Windows Server 2016 and later restrict to the local "
                    "Administrators (policy 'Network access: Restrict clients allowed to make remote calls to SAM')",
    "file": "read on the administrative share C$ (local Administrators only)",
}

KEY_READ = 0x20019
LSA_POLICY_VIEW_LOCAL_INFORMATION = 0x1
LSA_POLICY_LOOKUP_NAMES = 0x800
SAMR_CONNECT_ACCESS = 0x20  # SAMR_ACCESS_LOOKUP_DOMAIN
SAMR_DOMAIN_LOOKUP = 0x200  # DOMAIN_ACCESS_LOOKUP_ALIAS
SAMR_ALIAS_GET_MEMBERS = 0x4


class Unknown(Exception):
    """A datum that could not be collected, with the reason the manifest gives."""


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------
# errors → reasons

NT_REASONS = {
    0xC0000022: "access denied",
    0xC000006D: "the host refused the Kerberos ticket (logon failure: cifs/<host> must be served by the "
                "account whose key the ticket is encrypted with)",
    0xC0000236: "connection refused",
    0xC00000B5: "timeout",
    0xC0000203: "timeout",
    0xC000023C: "network unreachable",
    0xC000023D: "host unreachable",
    0xC0000034: "not found",
    0xC000003A: "not found",
    0xC00000CC: "not found (no such share)",
    0xC00000AC: "service not running (the pipe is not available)",
    0xC0000060: "the host does not know this right (NT_STATUS_NO_SUCH_PRIVILEGE)",
    0xC0000073: "not found (no such alias)",
    0xC0000192: "no Kerberos ticket could be obtained",
    0xC000018B: "no Kerberos ticket could be obtained",
}
NO_SUCH_PRIVILEGE = 0xC0000060
WERR_REASONS = {5: "access denied", 2: "not found", 3: "not found", 1015: "corrupt registry key"}


def reason_for(error, grant):
    """A one-line reason for an exception of Samba's bindings; access denied names what would grant access."""
    code = None
    message = str(error)
    if error.args and isinstance(error.args[0], int):
        code = error.args[0] & 0xFFFFFFFF
        if len(error.args) > 1:
            message = str(error.args[1])
    reason = None
    if code is not None:
        reason = NT_REASONS.get(code) or WERR_REASONS.get(code)
    if reason is None:
        lowered = message.lower()
        for needle, text in (("access_denied", "access denied"), ("logon_failure", NT_REASONS[0xC000006D]),
                             ("connection_refused", "connection refused"), ("io_timeout", "timeout"),
                             ("not_found", "not found"), ("pipe_not_available", NT_REASONS[0xC00000AC])):
            if needle in lowered:
                reason = text
                break
    if reason is None:
        reason = "failed: %s" % (message.splitlines()[0] if message else type(error).__name__)
    if reason == "access denied" and grant:
        reason += " (needs %s)" % grant
    return reason


# ---------------------------------------------------------------------------------------
# the collection

class Collector:
    def __init__(self, options, output, scratch):
        from samba import credentials
        from samba.param import LoadParm

        self.options = options
        self.output = output
        self.scratch = scratch
        self.host = options.host
        self.address = options.address
        self.files = {}
        self.data = []
        self.identity = None

        # client-side state (gencache, …) in a scratch folder, not in /var/lib/samba; nothing from smb.conf
        conf = os.path.join(scratch, "smb.conf")
        with open(conf, "w") as f:
            f.write("[global]\n")
            for key, value in self.client_settings().items():
                f.write("\t%s = %s\n" % (key, value))
        self.smb_conf = conf
        self.lp = LoadParm()
        self.lp.load(conf)

        ccache = os.environ.get("KRB5CCNAME", "")
        self.creds = credentials.Credentials()
        self.creds.guess(self.lp)
        self.creds.set_kerberos_state(credentials.AUTO_USE_KERBEROS if options.allow_ntlm
                                      else credentials.MUST_USE_KERBEROS)
        if ccache:
            self.creds.set_named_ccache(ccache, credentials.SPECIFIED, self.lp)
            self.identity = self.creds.get_principal()

    def client_settings(self):
        protection = "required"
        settings = {
            "client signing": protection,
            "client ipc signing": protection,
            "client use kerberos": "desired" if self.options.allow_ntlm else "required",
            "client ntlmv2 auth": "yes",
            "client lanman auth": "no",
            "client min protocol": "SMB2_02",
            "cache directory": self.scratch,
            "lock directory": self.scratch,
            "state directory": self.scratch,
            "private dir": self.scratch,
            "ncalrpc dir": self.scratch,
            "log level": "0",
        }
        if self.options.seal:
            settings["client smb encrypt"] = "required"
        return settings

    # --- output ---

    def write(self, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        path = os.path.join(self.output, name)
        temporary = path + ".partial"
        with open(temporary, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
        self.files[name] = hashlib.sha256(data).hexdigest()
        return name

    def record(self, datum, status, reason=None, files=(), **extra):
        entry = {"datum": datum, "status": status}
        if reason:
            entry["reason"] = reason
        entry.update(extra)
        identity = {k: extra.get(k) for k in IDENTIFYING_KEYS}
        for planned in self.data:
            if planned["datum"] == datum and all(planned.get(k) == v for k, v in identity.items()):
                planned.clear()
                planned.update(entry)
                break
        else:
            self.data.append(entry)
        line = dict(entry)
        line["files"] = {name: self.files[name] for name in files}
        try:
            print(json.dumps(line, sort_keys=True), flush=True)
        except BrokenPipeError:
            pass  # nobody reads the progress lines any more; the manifest is what counts
        self.write_manifest()

    def write_manifest(self):
        manifest = {
            "schemaVersion": 1,
            "host": self.host,
            "address": self.address,
            "collectedAt": utc_now(),
            "method": "smb+dcerpc/" + ("kerberos" if not self.options.allow_ntlm else "kerberos-or-ntlm"),
            "signing": "sealed" if self.options.seal else "signed",
            "identity": self.identity,
            "files": dict(sorted(self.files.items())),
            "data": self.data,
        }
        text = json.dumps(manifest, indent=2, sort_keys=False) + "\n"
        temporary = os.path.join(self.output, MANIFEST + ".partial")
        with open(temporary, "w") as f:
            f.write(text)
        os.replace(temporary, os.path.join(self.output, MANIFEST))

    # --- connections ---

    def binding(self):
        # The pipes ride on the Kerberos-authenticated SMB session, whose signing (or sealing) is required by
        # client_settings. No second DCE/RPC-level authentication ([sign]): it would ask for a host/<name>
        # ticket on top of cifs/<name>, which adds nothing over a signed SMB session.
        return "ncacn_np:%s[target_hostname=%s]" % (self.address, self.host)

    def run(self):
        for ca in self.options.ca:
            self.data.append({"datum": "ca-config", "status": "unknown", "reason": "not reached", "ca": ca})
        for datum in [d for d, _, _ in REGISTRY_DATA] + ["user-rights", "local-groups"]:
            self.data.append({"datum": datum, "status": "unknown", "reason": "not reached"})
        for instance in self.options.ces_instance:
            self.data.append({"datum": "web.config", "status": "unknown", "reason": "not reached",
                              "instance": instance})
        if self.options.ces_instance:
            self.data.append({"datum": "applicationHost.config", "status": "unknown", "reason": "not reached"})
        self.write_manifest()

        if self.identity is None:
            self.fail_all("no Kerberos credential cache (KRB5CCNAME) to authenticate with")
            return
        if self.address is None:
            try:
                self.address = socket.getaddrinfo(self.host, 445, proto=socket.IPPROTO_TCP)[0][4][0]
            except OSError as error:
                self.fail_all("not found: the host name does not resolve (%s)" % (error.strerror or error))
                return
        reachable = self.probe_port()
        if reachable is not None:
            self.fail_all(reachable)
            return
        self.collect_registry()
        self.collect_user_rights()
        self.collect_local_groups()
        if self.options.ces_instance:
            self.collect_files()

    def fail_all(self, reason):
        for entry in list(self.data):
            if entry["status"] == "unknown" and entry.get("reason") == "not reached":
                extra = {k: v for k, v in entry.items() if k not in ("datum", "status", "reason")}
                self.record(entry["datum"], "unknown", reason, **extra)

    def probe_port(self):
        """TCP 445 first: a refused or unreachable port is reported as such (the child is killed at the
        per-host limit when a host accepts and never answers)."""
        try:
            with socket.create_connection((self.address, 445), timeout=10):
                return None
        except ConnectionRefusedError:
            return "connection refused (TCP 445 on %s)" % self.address
        except socket.timeout:
            return "timeout (TCP 445 on %s)" % self.address
        except OSError as error:
            return "unreachable (TCP 445 on %s: %s)" % (self.address, error.strerror or error)

    # --- registry ---

    def collect_registry(self):
        from samba.dcerpc import winreg
        try:
            conn = winreg.winreg(self.binding(), self.lp, self.creds)
            hklm = conn.OpenHKLM(None, KEY_READ)
        except Exception as error:
            reason = reason_for(error, GRANTS["registry"])
            for ca in self.options.ca:
                self.record("ca-config", "unknown", reason, ca=ca)
            for datum, _, _ in REGISTRY_DATA:
                self.record(datum, "unknown", reason)
            return
        # one file for the CAs of this host, one manifest entry per CA
        sections, collected, security = [], [], None
        for ca in self.options.ca:
            try:
                sections.append(self.export_key(conn, hklm, CERTSVC + "\\" + ca, "ca-config"))
                collected.append(ca)
                security = self.raw_value(conn, hklm, CERTSVC + "\\" + ca, "Security")
            except Unknown as error:
                self.record("ca-config", "unknown", str(error), ca=ca)
        if collected:
            names = [self.write("ca-config.reg", registry_file(sections))]
            # the host's one CA: its Security value also as ca-security.bin (the descriptor's exact bytes)
            if len(self.options.ca) == 1 and security is not None:
                names.append(self.write("ca-security.bin", security))
            for ca in collected:
                self.record("ca-config", "collected", files=names, ca=ca)
        for datum, file_name, key in REGISTRY_DATA:
            try:
                name = self.write(file_name, registry_file([self.export_key(conn, hklm, key, datum)]))
                self.record(datum, "collected", files=[name])
            except Unknown as error:
                self.record(datum, "unknown", str(error))

    def raw_value(self, conn, root, path, name):
        """A REG_BINARY value's bytes, or None when the key has no such value."""
        from samba.dcerpc import winreg
        try:
            handle = conn.OpenKey(root, string(winreg, path), 0, KEY_READ)
            size = MAX_VALUE_BYTES
            (kind, data, _, length) = conn.QueryValue(handle, string(winreg, name), 0, [], size, 0)
        except Exception:
            return None
        return bytes(data[:length]) if kind == 3 else None

    def export_key(self, conn, root, path, datum):
        from samba.dcerpc import winreg
        try:
            handle = conn.OpenKey(root, string(winreg, path), 0, KEY_READ)
        except Exception as error:
            reason = reason_for(error, GRANTS.get(datum, GRANTS["registry"]))
            raise Unknown("%s: HKLM\\%s" % (reason, path)) from None
        lines = []
        self.export_tree(conn, handle, "HKEY_LOCAL_MACHINE\\" + path, lines, 0, datum)
        return lines

    def export_tree(self, conn, handle, name, lines, depth, datum):
        from samba.dcerpc import winreg
        if depth > MAX_DEPTH:
            raise Unknown("hostile registry data: %s nests deeper than %d keys" % (name, MAX_DEPTH))
        try:
            info = conn.QueryInfoKey(handle, winreg.String())
            subkeys, max_subkey, max_class, values, max_value_name, max_value = info[1:7]
            if subkeys > MAX_SUBKEYS or values > MAX_VALUES_PER_KEY:
                raise Unknown("hostile registry data: %s has %d subkeys and %d values" % (name, subkeys, values))
            if max_value > MAX_VALUE_BYTES:
                raise Unknown("hostile registry data: a value of %s has %d bytes" % (name, max_value))
            lines.append("")
            lines.append("[%s]" % name)
            for index in range(values):
                value_name = winreg.ValNameBuf()
                value_name.size = max_value_name + 2
                (value_name, kind, data, _, length) = conn.EnumValue(handle, index, value_name, 0, [],
                                                                     max_value, 0)
                lines.extend(registry_value(value_name.name or "", kind, bytes(data[:length])))
            children = []
            for index in range(subkeys):
                key_name = winreg.StringBuf()
                key_name.size = max_subkey + 2
                key_class = winreg.StringBuf()
                key_class.size = max_class + 2
                (key_name, _, _) = conn.EnumKey(handle, index, key_name, keyclass=key_class,
                                                last_changed_time=None)
                children.append(key_name.name)
        except Unknown:
            raise
        except Exception as error:
            raise Unknown("%s: %s" % (reason_for(error, GRANTS.get(datum, GRANTS["registry"])), name)) from None
        for child in sorted(children, key=str.lower):
            try:
                child_handle = conn.OpenKey(handle, string(winreg, child), 0, KEY_READ)
            except Exception as error:
                raise Unknown("%s: %s\\%s" % (reason_for(error, GRANTS.get(datum, GRANTS["registry"])), name,
                                              child)) from None
            self.export_tree(conn, child_handle, name + "\\" + child, lines, depth + 1, datum)

    # --- LSA user rights → secedit.inf ---

    def collect_user_rights(self):
        from samba.dcerpc import lsa
        try:
            conn = lsa.lsarpc(self.binding(), self.lp, self.creds)
            policy = conn.OpenPolicy2("", lsa.ObjectAttribute(),
                                      LSA_POLICY_VIEW_LOCAL_INFORMATION | LSA_POLICY_LOOKUP_NAMES)
        except Exception as error:
            self.record("user-rights", "unknown", reason_for(error, GRANTS["user-rights"]))
            return
        lines = ["[Unicode]", "Unicode=yes", "[Privilege Rights]"]
        unknown_rights = []
        unknown_to_host = []
        per_account = None  # {sid: {right}} once read, or the reason reading it failed
        for right in USER_RIGHTS:
            name = lsa.String()
            name.string = right
            try:
                holders = conn.EnumAccountsWithUserRight(policy, name)
                sids = sorted(str(s.sid) for s in (holders.sids or []))
            except Exception as error:
                code = error.args[0] & 0xFFFFFFFF if error.args and isinstance(error.args[0], int) else None
                if code == 0x8000001A:
                    sids = []  # STATUS_NO_MORE_ENTRIES: nobody holds it
                elif code == NO_SUCH_PRIVILEGE:
                    # The host will not enumerate this right by name (Windows knows every standard right; Samba's
                    # LSA only SeNetworkLogonRight, SeInteractiveLogonRight and SeRemoteInteractiveLogonRight).
                    # What each account holds is still listed per account: read the assignment that way.
                    if per_account is None:
                        try:
                            per_account = self.rights_per_account(conn, policy)
                        except Exception as fallback_error:
                            per_account = reason_for(fallback_error, GRANTS["user-rights"])
                    if isinstance(per_account, str):
                        unknown_rights.append((right, "the host does not enumerate this right by name "
                                               "(NT_STATUS_NO_SUCH_PRIVILEGE) and listing it per account failed: "
                                               + per_account))
                        continue
                    sids = sorted(sid for sid, held in per_account.items() if right in held)
                    unknown_to_host.append(right)
                else:
                    reason = reason_for(error, GRANTS["user-rights"])
                    if reason.startswith("access denied"):
                        self.record("user-rights", "unknown", reason)
                        return
                    unknown_rights.append((right, reason))
                    continue
            # an empty right is written too ("read, nobody holds it"); secedit /export leaves it out
            lines.append("%s = %s" % (right, ",".join("*" + s for s in sids)))
        for right, reason in unknown_rights:
            # A holder no SID can match: a reader of secedit.inf sees an unresolved entry (unknown), never "assigned
            # to nobody" (secedit /export leaves a right nobody holds out, so an absent line would read as that).
            lines.append("%s = <not collected: %s>" % (right, reason.replace(",", ";")))
        lines += ["[Version]", 'signature="$CHICAGO$"', "Revision=1", ""]
        name = self.write("secedit.inf", "\r\n".join(lines))
        self.record("user-rights", "collected", files=[name])
        for right in unknown_to_host:
            self.record("user-rights", "collected", "read per account (LsaEnumerateAccounts, LsaEnumerateAccountRights): "
                        "the host does not enumerate this right by name (NT_STATUS_NO_SUCH_PRIVILEGE)", right=right)
        for right, reason in unknown_rights:
            self.record("user-rights", "unknown", reason, right=right)

    @staticmethod
    def rights_per_account(conn, policy):
        """{SID: {right}} for every account the host's LSA lists: the whole stored assignment."""
        from samba.dcerpc import lsa
        sids = []
        resume = 0
        while True:
            try:
                resume, page = conn.EnumAccounts(policy, resume, 1024)
            except Exception as error:
                code = error.args[0] & 0xFFFFFFFF if error.args and isinstance(error.args[0], int) else None
                if code == 0x8000001A:  # STATUS_NO_MORE_ENTRIES
                    break
                raise
            batch = [entry.sid for entry in (page.sids or [])]
            if not batch:
                break
            sids += batch
        held = {}
        for sid in sids:
            try:
                rights = conn.EnumAccountRights(policy, sid)
            except Exception as error:
                code = error.args[0] & 0xFFFFFFFF if error.args and isinstance(error.args[0], int) else None
                if code == 0xC0000034:  # STATUS_OBJECT_NAME_NOT_FOUND: the account holds no right
                    continue
                raise
            held[str(sid)] = {name.string for name in (rights.names or [])}
        return held

    # --- SAMR BUILTIN alias members → local-groups.txt ---

    def collect_local_groups(self):
        from samba.dcerpc import samr, security
        try:
            conn = samr.samr(self.binding(), self.lp, self.creds)
            server = conn.Connect2(None, SAMR_CONNECT_ACCESS)
            builtin = conn.OpenDomain(server, SAMR_DOMAIN_LOOKUP, security.dom_sid("S-1-5-32"))
        except Exception as error:
            self.record("local-groups", "unknown", reason_for(error, GRANTS["local-groups"]))
            return
        lines = ["# BUILTIN alias members read over SAMR from %s" % self.host]
        for sid, rid in LOCAL_GROUPS:
            try:
                alias = conn.OpenAlias(builtin, SAMR_ALIAS_GET_MEMBERS, rid)
                members = conn.GetMembersInAlias(alias)
            except Exception as error:
                reason = reason_for(error, GRANTS["local-groups"])
                if reason.startswith("access denied"):
                    self.record("local-groups", "unknown", reason)
                    return
                lines.append("# %s not collected: %s" % (sid, reason))
                continue
            lines.append("[%s]" % sid)
            lines.extend(sorted(str(m.sid) for m in (members.sids or [])))
        name = self.write("local-groups.txt", "\n".join(lines) + "\n")
        self.record("local-groups", "collected", files=[name])

    # --- files from C$ (smbclient: Samba's client, -I keeps the name for Kerberos) ---

    def collect_files(self):
        instances = self.options.ces_instance
        for instance, file_name in web_config_names(instances).items():
            remote = "%s\\%s\\web.config" % (CES_DIRECTORY, instance)
            try:
                name = self.write(file_name, self.fetch(remote))
                self.record("web.config", "collected", files=[name], instance=instance, file=name)
            except Unknown as error:
                self.record("web.config", "unknown", str(error), instance=instance)
        try:
            name = self.write("applicationHost.config", self.fetch(APPLICATION_HOST))
            self.record("applicationHost.config", "collected", files=[name])
        except Unknown as error:
            self.record("applicationHost.config", "unknown", str(error))

    def fetch(self, remote):
        smbclient = shutil.which("smbclient", path="/usr/bin:/bin")
        if smbclient is None:
            raise Unknown("smbclient is not installed (Debian package smbclient)")
        local = os.path.join(self.scratch, "download")
        if os.path.exists(local):
            os.unlink(local)
        protection = "encrypt" if self.options.seal else "sign"
        kerberos = "desired" if self.options.allow_ntlm else "required"
        command = "get \"%s\" \"%s\"" % (remote.replace('"', ""), local)
        argv = [smbclient, "//%s/C$" % self.host, "-I", self.address, "--configfile=" + self.smb_conf,
                "--use-kerberos=" + kerberos, "--client-protection=" + protection, "-N", "-c", command]
        if os.environ.get("KRB5CCNAME"):
            argv.insert(5, "--use-krb5-ccache=" + os.environ["KRB5CCNAME"])  # a cache name, not a secret
        try:
            result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                                    env=child_environment())
        except subprocess.TimeoutExpired:
            raise Unknown("timeout reading C$%s" % remote) from None
        output = (result.stdout + result.stderr).decode("utf-8", "replace")
        status = re.search(r"NT_STATUS_[A-Z_]+", output)
        if result.returncode != 0 or status or not os.path.exists(local):
            code = status.group(0) if status else "exit status %d" % result.returncode
            reason = {"NT_STATUS_ACCESS_DENIED": "access denied (needs %s)" % GRANTS["file"],
                      "NT_STATUS_OBJECT_NAME_NOT_FOUND": "not found",
                      "NT_STATUS_OBJECT_PATH_NOT_FOUND": "not found",
                      "NT_STATUS_BAD_NETWORK_NAME": "not found (no C$ share)",
                      "NT_STATUS_LOGON_FAILURE": NT_REASONS[0xC000006D],
                      "NT_STATUS_CONNECTION_REFUSED": "connection refused",
                      "NT_STATUS_IO_TIMEOUT": "timeout"}.get(code, "failed (%s)" % code)
            raise Unknown("%s: C$%s" % (reason, remote))
        if os.path.getsize(local) > MAX_FILE_BYTES:
            raise Unknown("hostile data: C$%s is larger than %d bytes" % (remote, MAX_FILE_BYTES))
        with open(local, "rb") as f:
            return f.read()


# ---------------------------------------------------------------------------------------
# .reg text (Windows `reg export` dialect, UTF-8, CRLF)

def string(winreg, value):
    s = winreg.String()
    s.name = value
    return s


def web_config_names(instances):
    """instance → file: `web.config` for a host's only instance, else `ces-<Auth>.web.config`, and
    `ces-<CA>-<Auth>.web.config` when two CAs have an instance of the same kind on the host."""
    if len(instances) == 1:
        return {instances[0]: "web.config"}
    def split(instance):
        ca, _, auth = instance.rpartition("_CES_")
        return (ca, auth) if ca else ("", instance)
    kinds = [split(i)[1] for i in instances]
    names = {}
    for instance in instances:
        ca, auth = split(instance)
        if kinds.count(auth) > 1:
            names[instance] = "ces-%s-%s.web.config" % (safe_name(ca), safe_name(auth))
        else:
            names[instance] = "ces-%s.web.config" % safe_name(auth)
    return names


def safe_name(text):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def registry_file(sections):
    lines = ["Windows Registry Editor Version 5.00"]
    for section in sections:
        lines.extend(section)
    return "\r\n".join(lines) + "\r\n\r\n"


def quote(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def registry_value(name, kind, data):
    """One value as `reg export` writes it: strings quoted, dword:, hex: / hex(N): with continuation lines."""
    key = "@" if name == "" else quote(name)
    if kind == 1:  # REG_SZ
        text = data.decode("utf-16-le", "replace").split("\0", 1)[0]
        if "\r" not in text and "\n" not in text:
            return ["%s=%s" % (key, quote(text))]
    if kind == 4 and len(data) == 4:  # REG_DWORD
        return ["%s=dword:%08x" % (key, struct.unpack("<I", data)[0])]
    prefix = "%s=hex:" % key if kind == 3 else "%s=hex(%x):" % (key, kind)
    return hex_lines(prefix, data)


def hex_lines(prefix, data):
    """reg export wraps hex data at 80 columns with a trailing backslash and two spaces of indentation."""
    lines = []
    current = prefix
    octets = ["%02x" % b for b in data]
    for index, octet in enumerate(octets):
        piece = octet + ("," if index < len(octets) - 1 else "")
        if len(current) + len(piece) > 77 and current.strip():
            lines.append(current + "\\")
            current = "  "
        current += piece
    lines.append(current)
    return lines


def child_environment():
    """Only what the Kerberos library needs: the credential cache and the configuration."""
    environment = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    for name in ("KRB5CCNAME", "KRB5_CONFIG"):
        if os.environ.get(name):
            environment[name] = os.environ[name]
    return environment


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="ces-audit-collect.py", description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True, help="the host's name (Kerberos: cifs/<name>)")
    parser.add_argument("--address", help="connect to this address instead of resolving the name")
    parser.add_argument("--output", required=True, help="the host's evidence folder (created, mode 0700)")
    parser.add_argument("--ca", action="append", default=[], help="a CA on this host (its registry key name)")
    parser.add_argument("--ces-instance", action="append", default=[],
                        help="a CES instance on this host (<CA>_CES_<Auth>, from the endpoint URL)")
    parser.add_argument("--seal", action="store_true", help="encrypt (SMB3 sealing), not only sign")
    parser.add_argument("--allow-ntlm", action="store_true", help="let Samba fall back to NTLM")
    options = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,252})", options.host):
        parser.error("--host: not a host name: %r" % options.host)
    for ca in options.ca:
        if not ca or "\\" in ca or len(ca) > 255:
            parser.error("--ca: not a CA name: %r" % ca)
    for instance in options.ces_instance:
        if not re.fullmatch(r"[^\\/:*?\"<>|]{1,255}", instance) or instance in (".", ".."):
            parser.error("--ces-instance: not an instance name: %r" % instance)
    return options


def main(argv):
    options = parse_arguments(argv)
    os.makedirs(options.output, mode=0o700, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="ces-audit-collect.")
    try:
        try:
            collector = Collector(options, options.output, scratch)
        except ImportError as error:
            print("ces-audit-collect: Samba's Python bindings are missing (python3-samba): %s" % error,
                  file=sys.stderr)
            return 69
        collector.run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
