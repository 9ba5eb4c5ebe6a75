// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "ces-audit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ces-audit", targets: ["CESAuditCLI"]),
        .library(name: "DirectoryAccess", targets: ["DirectoryAccess"]),
        .library(name: "ADModel", targets: ["ADModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // SHA-256 of collected evidence files (manifest.json); already resolved through swift-certificates.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // SQLite run history (scan --history); needs Debian's libsqlite3-dev (scripts/setup).
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // connect: the only place C declarations (OpenLDAP, Cyrus SASL, MIT Kerberos) enter.
        .systemLibrary(
            name: "CLDAP",
            pkgConfig: "ldap",
            providers: [.apt(["libldap-dev", "libsasl2-dev", "libkrb5-dev", "libsasl2-modules-gssapi-mit"])]
        ),
        // probe-endpoint: libcurl (GnuTLS flavour, with GSS-API/SPNEGO on MIT Kerberos) for the live endpoint probe.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-gnutls-dev", "libgnutls28-dev"])]),
        // connect: the only code that calls the C libraries (libldap, SASL, Kerberos, libcurl) and holds their pointers;
        // safe, typed Swift above it.
        .target(name: "DirectoryAccess", dependencies: ["CLDAP", "CCurl"], swiftSettings: strict),
        // model: SIDs, security descriptors, access checks, AD CS semantics, evidence parsers (pure Swift, no I/O).
        .target(
            name: "ADModel",
            dependencies: [.product(name: "SwiftASN1", package: "swift-asn1")],
            swiftSettings: strict
        ),
        // fuzz: libFuzzer entry point for every ADModel parser; scripts/fuzz builds it with -sanitize=fuzzer.
        // A plain build gives a replay tool: ADModelFuzz PARSER FILE…
        .executableTarget(
            name: "ADModelFuzz",
            dependencies: ["ADModel"],
            path: "Fuzz/Sources/ADModelFuzz",
            swiftSettings: strict
        ),
        // fuzz: libFuzzer entry point for the YAML readers (catalogue, site policy, config) and the pure-Swift LDAP
        // helpers (`;range=` parsing, filter/DN escaping); scripts/fuzz builds it like ADModelFuzz.
        .executableTarget(
            name: "CoreFuzz",
            dependencies: ["CESAuditCore", "DirectoryAccess"],
            path: "Fuzz/Sources/CoreFuzz",
            swiftSettings: strict
        ),
        // evaluate/report internals: the findings spool (a temporary file behind a bounded buffer, the record codec, the
        // one write(2) loop); libc file descriptors and raw buffers, no C library.
        .target(name: "_CESAuditSpool", swiftSettings: strict),
        // collect + evaluate: the rule catalogue, the snapshot collector, host evidence, the rules, findings. Safe Swift.
        .target(
            name: "CESAuditCore",
            dependencies: [
                "ADModel", "DirectoryAccess", "_CESAuditSpool", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // report: one reporter per output format (text, JSON, SARIF, JUnit, Nagios, Prometheus) and atomic file output
        // (libc file descriptors: OutputSink, AtomicFileWriter).
        .target(name: "CESAuditReport", dependencies: ["CESAuditCore"], swiftSettings: strict),
        // history: runs and open findings in SQLite, what is new and resolved since the last run.
        .target(
            name: "CESAuditHistory", dependencies: ["CESAuditCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .executableTarget(
            name: "CESAuditCLI",
            dependencies: [
                "CESAuditCore",
                "CESAuditReport",
                "CESAuditHistory",
                "ADModel",
                "DirectoryAccess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            // Release builds export no symbols from the executable: every library loaded at start or by SASL
            // (GnuTLS, Kerberos, the plugins) looks each of its symbols up in the executable first, and 14,500
            // exported Swift symbols made every run ≈ 1 ms slower to start (BENCHMARKS.md). Nothing dlsym()s them.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release))
            ]
        ),
        // Shared by the test targets: the test bed's variables, processes, sockets.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "DirectoryAccessTests", dependencies: ["DirectoryAccess", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ADModelTests",
            dependencies: [
                "ADModel", .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                // Only to check that CACertificate reads certificates as a full X.509 library does.
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CESAuditCoreTests", dependencies: ["CESAuditCore", "TestSupport"], resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "CESAuditReportTests", dependencies: ["CESAuditReport"],
            exclude: ["Snapshots"],  // golden files, read by path (ReporterSnapshot)
            swiftSettings: strict),
        .testTarget(
            name: "CESAuditHistoryTests",
            dependencies: ["CESAuditHistory", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(
            name: "CESAuditCLITests",
            dependencies: ["CESAuditCLI", "TestSupport", .product(name: "Yams", package: "Yams")], swiftSettings: strict),
    ]
)
