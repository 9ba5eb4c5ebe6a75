# syntax=docker/dockerfile:1
# ces-audit in a container: build with Swift 6.1 on Debian 12, run on debian:bookworm-slim.
# Build context: the repository root.
#   docker build -f contrib/docker/ces-audit.Dockerfile -t ces-audit .
#   docker run --rm ces-audit rules

# ---- build ------------------------------------------------------------------------------------
FROM swift:6.1-bookworm AS build
# The C libraries the CLDAP system library and GRDB link against (see Package.swift, scripts/setup).
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        libldap-dev libsasl2-dev libkrb5-dev libsqlite3-dev libsasl2-modules-gssapi-mit libcurl4-gnutls-dev libgnutls28-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the package needs (SwiftPM checks every declared target's folder, tests and fuzz included);
# Package.resolve[d] copies Package.resolved when the checkout has one (it is not committed).
COPY Package.swift Package.resolve[d] ./
COPY Sources/ Sources/
COPY Tests/ Tests/
COPY Fuzz/ Fuzz/
COPY Policies/ Policies/
# --static-swift-stdlib: the runtime image needs no Swift runtime, only the C libraries below.
RUN swift build -c release --product ces-audit --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/ces-audit" /out/ces-audit

# ---- runtime ----------------------------------------------------------------------------------
FROM debian:bookworm-slim
# Runtime halves of the build's -dev packages (libcurl3-gnutls: probe-endpoint); libsasl2-modules-gssapi-mit is
# the GSSAPI mechanism libldap loads for --keytab/--principal and credential-cache binds. python3-samba and
# smbclient: the host collector (`ces-audit collect`, `--collect`), installed next to the binary in
# /usr/local/libexec/ces-audit/.
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        libldap-2.5-0 libsasl2-2 libsasl2-modules-gssapi-mit libkrb5-3 libgssapi-krb5-2 libcurl3-gnutls \
        libsqlite3-0 libstdc++6 ca-certificates tzdata \
        python3-samba smbclient \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/ces-audit --create-home ces-audit
COPY --from=build /out/ces-audit /usr/local/bin/ces-audit
COPY --chmod=0755 libexec/ces-audit-collect.py /usr/local/libexec/ces-audit/ces-audit-collect.py
# The man page generated from the command definitions (scripts/manpage): man ces-audit.
COPY contrib/man/ces-audit.1 /usr/local/share/man/man1/ces-audit.1
USER ces-audit
WORKDIR /var/lib/ces-audit
ENTRYPOINT ["/usr/local/bin/ces-audit"]
CMD ["--help"]
