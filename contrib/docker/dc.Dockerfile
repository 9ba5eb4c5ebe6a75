# syntax=docker/dockerfile:1
# The ces-audit demo domain controller: scripts/testbed's Samba 4 AD DC (realm CORP.EXAMPLE.TEST),
# provisioned and seeded on first start into the volume at /testbed. Used by docker-compose.yml.
# Build context: the repository root.
FROM debian:bookworm-slim

# What scripts/testbed needs: the testbed and run rows of scripts/packages.tsv (the list scripts/setup installs
# and scripts/check-packages proves complete), plus iproute2 (ss, for the "port in use" message) and
# ca-certificates. policy-rc.d keeps the packages' maintainer scripts from starting Debian's own samba/KDC.
COPY scripts/packages.tsv /tmp/packages.tsv
RUN printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \
    && apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        $(awk -F'\t' '$2 == "testbed" || $2 == "run" { print $1 }' /tmp/packages.tsv | sort -u) \
        iproute2 ca-certificates \
    && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d /tmp/packages.tsv

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
