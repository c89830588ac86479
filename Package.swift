// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "refkit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "refkit", targets: ["refkit"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.20.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // C libraries from Debian, entered through module maps with tiny inline shims.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "CMagic", providers: [.apt(["libmagic-dev"])]),
        // Linux calls that Glibc declares only under _GNU_SOURCE (renameat2, openat2, pipe2, ...); not
        // named CSystem because swift-system has a target of that name.
        .systemLibrary(name: "CRefkitLinux"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Domain values: orders, stages, kit states, errors. No I/O, no C.
        .target(name: "RefkitCore"),
        // SHA-256 over the system libcrypto: the one C owner Core must not be.
        .target(name: "RefkitDigest", dependencies: ["CCrypto"]),
        .target(
            name: "RefkitConfig",
            dependencies: [
                "RefkitCore", "RefkitQA", "RefkitWatch", .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        .target(
            name: "RefkitStore",
            dependencies: [
                "RefkitCore", "RefkitQA", "RefkitSystem", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // Optimised in debug builds too: the preview's figures and QA's hashes are per-pixel loops in Swift, many
        // times slower unoptimised, and the test suite draws and hashes hundreds of images beside timing-sensitive tests.
        .target(
            name: "RefkitImaging", dependencies: ["RefkitCore", "CVips", "CMagic"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // System plumbing on swift-system: the EINTR-retrying syscall helper, durable file
        // replacement, the inotify owner, the state directory's layout and lock.
        .target(
            name: "RefkitSystem", dependencies: ["RefkitCore", "CRefkitLinux", .product(name: "SystemPackage", package: "swift-system")]),
        .target(name: "RefkitWatch", dependencies: ["CRefkitLinux", "RefkitSystem", .product(name: "Logging", package: "swift-log")]),
        .target(name: "RefkitHTTP", dependencies: ["RefkitCore", "CCurl", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "RefkitProviders",
            dependencies: [
                "RefkitDigest",
                "RefkitCore", "RefkitImaging", "RefkitHTTP", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "RefkitPublish",
            dependencies: ["RefkitDigest", "RefkitCore", "RefkitImaging", "RefkitSystem", "CRefkitLinux", "RefkitQA"]),
        .target(
            name: "RefkitService",
            dependencies: [
                "RefkitSystem", .product(name: "Logging", package: "swift-log"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]),
        .target(
            name: "RefkitIntake",
            dependencies: [
                "RefkitDigest",
                "RefkitCore", "RefkitConfig", "RefkitStore", "RefkitImaging", "RefkitSystem", "RefkitWatch", "CRefkitLinux",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `refkit civitai`: the images API client, filters, downloads into an inbox, batch summaries.
        .target(
            name: "RefkitCivitai",
            dependencies: [
                "RefkitCore", "RefkitConfig", "RefkitStore", "RefkitIntake", "RefkitHTTP", "RefkitQA",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The pipeline: dispatch, stage runs, provider calls and kit finishing; announces what it did as events.
        .target(
            name: "RefkitPipeline",
            dependencies: [
                "RefkitDigest",
                "RefkitCore", "RefkitConfig", "RefkitStore", "RefkitImaging", "RefkitSystem", "RefkitProviders", "RefkitPublish",
                "RefkitHTTP", "RefkitService", "RefkitQA", "RefkitFaces", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "RefkitDaemon",
            dependencies: [
                "RefkitCore", "RefkitConfig", "RefkitStore", "RefkitImaging", "RefkitSystem", "RefkitWatch", "RefkitIntake",
                "RefkitProviders", "RefkitPublish", "RefkitHTTP", "RefkitService", "RefkitPipeline", "RefkitWeb", "RefkitHooks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "RefkitCLI",
            dependencies: [
                "RefkitCore", "RefkitConfig", "RefkitStore", "RefkitSystem", "RefkitDaemon", "RefkitPipeline", "RefkitIntake",
                "RefkitImaging", "RefkitDigest", "RefkitFaces", "RefkitQA",
                "RefkitHTTP", "RefkitCivitai", "RefkitWeb", "RefkitHooks", "RefkitService", "RefkitProviders",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "refkit", dependencies: ["RefkitCLI"]),
        // What the web UI's store reads, answers and event streams cost with 10,000 kits (BENCHMARKS.md).
        .executableTarget(
            name: "refkit-store-bench",
            dependencies: [
                "RefkitCore", "RefkitStore", "RefkitConfig", "RefkitWeb", "RefkitPublish", .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "refkit-bench",
            dependencies: [
                "RefkitSystem",
                "RefkitDaemon", "RefkitPipeline", "RefkitConfig", "RefkitProviders", "RefkitImaging", "RefkitTestSupport", "RefkitCivitai",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "RefkitTestSupport",
            dependencies: [
                "RefkitDigest",
                "RefkitCore", "RefkitImaging", "RefkitSystem", "CRefkitLinux", .product(name: "FlyingFox", package: "FlyingFox"),
                // WebDriver speaks to chromedriver over RefkitHTTP's client (the browser tests of the web UI).
                "RefkitHTTP",
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(name: "RefkitCoreTests", dependencies: ["RefkitDigest", "RefkitCore", "RefkitTestSupport"]),
        .testTarget(name: "RefkitConfigTests", dependencies: ["RefkitConfig", "RefkitTestSupport"]),
        .testTarget(name: "RefkitStoreTests", dependencies: ["RefkitDigest", "RefkitStore", "RefkitTestSupport"]),
        .testTarget(name: "RefkitImagingTests", dependencies: ["RefkitImaging", "RefkitTestSupport"]),
        .testTarget(name: "RefkitSystemTests", dependencies: ["RefkitSystem", "RefkitTestSupport"]),
        .testTarget(name: "RefkitWatchTests", dependencies: ["RefkitWatch", "RefkitTestSupport"]),
        .testTarget(name: "RefkitPublishTests", dependencies: ["RefkitDigest", "RefkitPublish", "RefkitTestSupport"]),
        .testTarget(
            name: "RefkitProvidersTests",
            dependencies: [
                "RefkitProviders", "RefkitTestSupport", .product(name: "FlyingFox", package: "FlyingFox"),
                // The vision judge's tests send the rubric's real words and parse answers with its strict parser.
                "RefkitQA",
            ]),
        .testTarget(
            name: "RefkitServiceTests",
            dependencies: [
                "RefkitService", "RefkitSystem", "RefkitTestSupport", .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "RefkitHTTPTests",
            dependencies: [
                "RefkitHTTP", "RefkitTestSupport", .product(name: "FlyingFox", package: "FlyingFox"),
            ]),
        .testTarget(name: "RefkitIntakeTests", dependencies: ["RefkitDigest", "RefkitIntake", "RefkitTestSupport"]),
        .testTarget(
            name: "RefkitPipelineTests",
            dependencies: ["RefkitPipeline", "RefkitSystem", "RefkitTestSupport", "RefkitQA", "RefkitFaces", "RefkitImaging"]),
        .testTarget(
            name: "RefkitDaemonTests",
            dependencies: [
                "RefkitSystem", "RefkitDigest",
                "RefkitDaemon", "RefkitPipeline", "RefkitCLI", "RefkitCivitai", "RefkitTestSupport", "RefkitImaging", "RefkitQA",
            ]),
        .testTarget(
            name: "RefkitCivitaiTests",
            dependencies: [
                "RefkitDigest",
                "RefkitCivitai", "RefkitConfig", "RefkitStore", "RefkitTestSupport", .product(name: "Logging", package: "swift-log"),
            ]),

        // Issue 15, automatic QA: every QA decision as a value (verdicts, thresholds, local checks, the judge's
        // rubric and strict answer, regeneration, the manifest's shapes). No I/O, no C.
        .target(name: "RefkitQA", dependencies: ["RefkitCore"]),
        // RefkitImaging only for one suite that puts real libvips fingerprints through the checks.
        .testTarget(name: "RefkitQATests", dependencies: ["RefkitQA", "RefkitImaging"]),
        // Prints the cost of QA's fingerprint and health per image (BENCHMARKS.md).
        .executableTarget(name: "refkit-qa-bench", dependencies: ["RefkitImaging", "RefkitFaces", "RefkitQA", "RefkitPipeline"]),

        // QA: local face analysis (issue 15): a C++ shim over Debian's dlib with a C header (dlib never sees
        // files, only pixels), and a Swift owner of the loaded models. Linked by name, not through dlib-1's
        // pkg-config: it names BLAS, LAPACK, libpng... as absolute .so paths, which SwiftPM drops with a
        // "prohibited flag" warning on every build, so -lblas -llapack were missing anyway. The -dev packages
        // (libdlib-dev libblas-dev liblapack-dev) are what scripts/install-deps.sh installs.
        // -O2 in debug too: dlib's HOG scanner and network are header templates, many times slower unoptimised.
        .target(
            name: "CFaceShim", cxxSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))],
            linkerSettings: [.linkedLibrary("dlib"), .linkedLibrary("blas"), .linkedLibrary("lapack")]),
        .target(name: "RefkitFaces", dependencies: ["CFaceShim", "RefkitImaging"]),
        .testTarget(name: "RefkitFacesTests", dependencies: ["RefkitFaces", "RefkitImaging", "RefkitTestSupport"]),
        // Load time, memory and per-image cost of face analysis (scripts/bench-faces.sh).
        .executableTarget(name: "refkit-face-bench", dependencies: ["RefkitFaces", "RefkitImaging"]),

        // Issue 16, the web UI: its configuration and security rules as values (token, Host/Origin checks, the
        // outbox path rule); the HTTP server comes next.
        .target(
            name: "RefkitWeb",
            dependencies: [
                "RefkitCore", "RefkitConfig", "RefkitStore", "RefkitSystem", "CRefkitLinux", "RefkitService", "RefkitPublish",
                "RefkitIntake", "RefkitCivitai", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RefkitWebTests",
            dependencies: ["RefkitWeb", "RefkitConfig", "RefkitStore", "RefkitService", "RefkitTestSupport", "RefkitDigest"]),

        // Issue 16, notifications: `[[hook]]` deliveries (a signed POST, a command) tailed from the event log,
        // kept in the store so a restart loses none.
        .target(
            name: "RefkitHooks",
            dependencies: [
                "RefkitCore", "RefkitConfig", "RefkitStore", "RefkitHTTP", "RefkitDigest", "CRefkitLinux",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Prints what deliveries cost: the scan, the sends, the idle tick, a command run (BENCHMARKS.md).
        .executableTarget(
            name: "refkit-hooks-bench",
            dependencies: [
                "RefkitHooks", "RefkitConfig", "RefkitCore", "RefkitStore", "RefkitHTTP", "RefkitTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RefkitHooksTests",
            dependencies: [
                "RefkitHooks", "RefkitConfig", "RefkitStore", "RefkitHTTP", "RefkitDigest", "RefkitQA", "RefkitTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
