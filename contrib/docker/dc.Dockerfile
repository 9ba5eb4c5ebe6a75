# syntax=docker/dockerfile:1
# The ces-audit demo domain controller: scripts/testbed's Samba 4 AD DC (realm CORP.EXAMPLE.TEST),
# provisioned and seeded on first start into the volume at /testbed. Used by docker-compose.yml.
# Build context: the repository root.
FROM debian:bookworm-slim

# What scripts/testbed needs (its need_tools): samba + samba-ad-dc (python3-samba comes with samba),
# ldap-utils, krb5-user, openssl, ldb-tools, libsasl2-modules-gssapi-mit; procps (ps), util-linux (flock,
# already in the base image), iproute2 (ss, for the "port in use" message).
# policy-rc.d keeps the packages' maintainer scripts from starting Debian's own samba/KDC services.
RUN printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \
    && apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        samba samba-ad-dc python3-samba krb5-user ldap-utils openssl ldb-tools \
        libsasl2-modules-gssapi-mit procps iproute2 ca-certificates \
    && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d

WORKDIR /opt/ces-audit
COPY scripts/ scripts/
COPY contrib/docker/dc-entrypoint.sh /usr/local/bin/dc-entrypoint.sh
RUN chmod 0755 /usr/local/bin/dc-entrypoint.sh scripts/testbed scripts/testbed.d/testbed.py

# The test bed directory: DB, TLS (ca.pem), secrets/*.password, keytabs, krb5.conf, logs.
# docker-compose.yml mounts a named volume here and shares it read-only with the auditor.
ENV CES_TESTBED_DIR=/testbed
VOLUME ["/testbed"]

# scripts/testbed binds 127.0.0.1 only (LDAP 389, LDAPS 636, GC 3268/3269, Kerberos 88, kpasswd 464):
# reach it from a container that shares this one's network namespace (network_mode: "service:dc").
EXPOSE 389 636 88

HEALTHCHECK --interval=10s --timeout=10s --start-period=300s --retries=3 \
    CMD ["/opt/ces-audit/scripts/testbed", "status"]

ENTRYPOINT ["/usr/local/bin/dc-entrypoint.sh"]
