// swift-tools-version: 6.2
import PackageDescription

// One settings list for every target: Swift 6 language mode and the upcoming features that
// grpc-swift 2 and Hummingbird build with.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A `C…` shim over a Debian-packaged C library found with pkg-config.
func systemLibrary(_ name: String, pkgConfig: String?, apt: [String]) -> Target {
    .systemLibrary(name: name, path: "Sources/Shims/\(name)", pkgConfig: pkgConfig, providers: [.apt(apt)])
}

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let coreMetrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

let package = Package(
    name: "BoxOffice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "boxoffice", targets: ["BoxOfficeCLI"]),
        // Libraries for the Benchmarks package, which depends on this one by path.
        .library(name: "BoxOfficeThreads", targets: ["BoxOfficeThreads"]),
        .library(name: "BoxOfficePostgres", targets: ["BoxOfficePostgres"]),
        .library(name: "BoxOfficeRabbitMQ", targets: ["BoxOfficeRabbitMQ"]),
        .library(name: "BoxOfficeRedis", targets: ["BoxOfficeRedis"]),
        .library(name: "BoxOfficeCrypto", targets: ["BoxOfficeCrypto"]),
        .library(name: "BoxOfficeJWT", targets: ["BoxOfficeJWT"]),
        .library(name: "BoxOfficeMessaging", targets: ["BoxOfficeMessaging"]),
        .library(name: "BoxOfficeRuntime", targets: ["BoxOfficeRuntime"]),
        .library(name: "BoxOfficeRPC", targets: ["BoxOfficeRPC"]),
        .library(name: "BoxOfficeRPCNIO", targets: ["BoxOfficeRPCNIO"]),
        .library(name: "BoxOfficeRPCInProcess", targets: ["BoxOfficeRPCInProcess"]),
        .library(name: "BoxOfficeProtobuf", targets: ["BoxOfficeProtobuf"]),
        .library(name: "Contracts", targets: ["Contracts"]),
        .library(name: "TestContracts", targets: ["TestContracts"]),
        .library(name: "BoxOfficeCloudPayments", targets: ["BoxOfficeCloudPayments"]),
        .library(name: "BoxOfficeGateway", targets: ["BoxOfficeGateway"]),
        .library(name: "BoxOfficeCloudPaymentsSandbox", targets: ["BoxOfficeCloudPaymentsSandbox"]),
        .library(name: "BoxOfficePayments", targets: ["BoxOfficePayments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C libraries, one shim each.
        systemLibrary("CLibPQ", pkgConfig: "libpq", apt: ["libpq-dev"]),
        systemLibrary("CRabbitMQ", pkgConfig: "librabbitmq", apt: ["librabbitmq-dev"]),
        // hiredis's pkg-config adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses with a warning; its
        // headers are on the default include path, so the shim names them directly.
        systemLibrary("CHiredis", pkgConfig: nil, apt: ["libhiredis-dev"]),
        systemLibrary("COpenSSL", pkgConfig: "libcrypto", apt: ["libssl-dev"]),
        systemLibrary("CProtobufC", pkgConfig: "libprotobuf-c", apt: ["libprotobuf-c-dev"]),

        // Dedicated threads for blocking C calls, kept off the concurrency pool.
        .target(name: "BoxOfficeThreads", swiftSettings: swiftSettings),

        // The connection pool the wrappers share: a state machine and the async pool around it.
        .target(name: "BoxOfficePool", swiftSettings: swiftSettings),

        // One Swift wrapper per C library.
        .target(
            name: "BoxOfficePostgres",
            dependencies: ["CLibPQ", "BoxOfficeThreads", "BoxOfficePool", "BoxOfficeCrypto", log, metrics],
            resources: [],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxOfficeRabbitMQ",
            dependencies: ["CRabbitMQ", "BoxOfficeThreads", log, metrics, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BoxOfficeRedis",
            dependencies: ["CHiredis", "BoxOfficeThreads", "BoxOfficePool", log],
            swiftSettings: swiftSettings
        ),
        .target(name: "BoxOfficeCrypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        // JWS compact tokens (EdDSA, ES256): the gateway's bearer tokens, the entitlement tokens.
        .target(name: "BoxOfficeJWT", dependencies: ["BoxOfficeCrypto"], swiftSettings: swiftSettings),

        // Outbox and inbox, shared by every service.
        .target(
            name: "BoxOfficeMessaging",
            dependencies: ["BoxOfficePostgres", "BoxOfficeRabbitMQ", log, metrics, serviceLifecycle],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),

        // The RPC core: status codes, metadata, method ids, routing; no networking, no codec.
        .target(name: "BoxOfficeRPC", dependencies: [log, metrics], swiftSettings: swiftSettings),
        // The SwiftNIO TCP transport of the RPC core: client, server, frame codec.
        .target(
            name: "BoxOfficeRPCNIO",
            dependencies: [
                "BoxOfficeRPC", "BoxOfficeThreads",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                log, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // Runs a router's handlers in the calling process, for unit tests of services.
        .target(name: "BoxOfficeRPCInProcess", dependencies: ["BoxOfficeRPC"], swiftSettings: swiftSettings),

        // Generated code (codegen/generate; codegen/check fails when it is stale). protoc-c writes
        // the C targets, protoc-gen-boxoffice the Swift ones. CProtobufSupport holds the C code of
        // the well-known types and of our options, shared by every contract module.
        .target(name: "CProtobufSupport", dependencies: ["CProtobufC"]),
        .target(name: "CContracts", dependencies: ["CProtobufSupport", "CProtobufC"]),
        .target(name: "CTestContracts", dependencies: ["CProtobufSupport", "CProtobufC"]),
        // Runtime of generated messages over protobuf-c: arena, limits, proto3 JSON.
        .target(
            name: "BoxOfficeProtobuf",
            dependencies: ["CProtobufC", "CProtobufSupport", "BoxOfficeRPC"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Contracts",
            dependencies: ["CContracts", "CProtobufSupport", "CProtobufC", "BoxOfficeProtobuf", "BoxOfficeRPC"],
            swiftSettings: swiftSettings
        ),
        // The generator's feature-complete test contract (Tests/CodegenTests/Proto), a library so
        // that the Benchmarks package can use it too.
        .target(
            name: "TestContracts",
            dependencies: ["CTestContracts", "CProtobufSupport", "CProtobufC", "BoxOfficeProtobuf", "BoxOfficeRPC"],
            swiftSettings: swiftSettings
        ),

        // The CloudPayments API client and notification verifier/parser; exact money, typed errors.
        .target(
            name: "BoxOfficeCloudPayments",
            dependencies: [
                "BoxOfficeCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                log,
            ],
            swiftSettings: swiftSettings
        ),

        // Process plumbing: configuration, logging, metrics.
        .target(
            name: "BoxOfficeRuntime",
            dependencies: [
                log, metrics, coreMetrics, serviceLifecycle,
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        // The edge gateway: HTTP/JSON routes of the generated bindings transcoded to RPC calls.
        .target(
            name: "BoxOfficeGateway",
            dependencies: [
                "BoxOfficeRPC", "BoxOfficeRPCNIO", "BoxOfficeRuntime", "BoxOfficeJWT", "BoxOfficeThreads",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                log, metrics, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // An emulator of the CloudPayments API (docs/cloudpayments-sandbox.md), independent of our client.
        .target(
            name: "BoxOfficeCloudPaymentsSandbox",
            dependencies: [
                "BoxOfficeCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                log, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),

        // PaymentService: charges, refunds, saved cards, its state machine, ledger and idempotency keys.
        .target(
            name: "BoxOfficePayments",
            dependencies: [
                "BoxOfficePostgres", "BoxOfficeMessaging", "BoxOfficeCloudPayments", "BoxOfficeRPC", "Contracts",
                "BoxOfficeProtobuf", "BoxOfficeCrypto",
                log, metrics, serviceLifecycle,
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),

        // The `boxoffice` executable.
        .executableTarget(
            name: "BoxOfficeCLI",
            dependencies: [
                "BoxOfficeRuntime", "BoxOfficePostgres", "BoxOfficeMessaging", "BoxOfficeCrypto", "BoxOfficeJWT",
                "BoxOfficeGateway", "BoxOfficeRPC", "BoxOfficeRPCNIO", "Contracts", "BoxOfficeCloudPaymentsSandbox",
                "BoxOfficePayments", "BoxOfficeCloudPayments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                log, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "BoxOfficeCLITests",
            dependencies: [
                "BoxOfficeJWT", "BoxOfficeCrypto", "TestSupport", "BoxOfficeCloudPaymentsSandbox",
                "BoxOfficeCloudPayments", "BoxOfficePayments", "BoxOfficeMessaging", "BoxOfficePostgres", log,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BoxOfficeThreadsTests", dependencies: ["BoxOfficeThreads"], swiftSettings: swiftSettings),
        .testTarget(name: "BoxOfficePoolTests", dependencies: ["BoxOfficePool"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BoxOfficePostgresTests",
            dependencies: ["BoxOfficePostgres", "TestSupport", log],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeRabbitMQTests",
            dependencies: ["BoxOfficeRabbitMQ", "TestSupport", log],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeRedisTests",
            dependencies: ["BoxOfficeRedis", "TestSupport", log],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BoxOfficeCryptoTests", dependencies: ["BoxOfficeCrypto"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BoxOfficeJWTTests",
            dependencies: ["BoxOfficeJWT", "BoxOfficeCrypto", "TestSupport"],
            exclude: ["Interop"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeMessagingTests",
            dependencies: ["BoxOfficeMessaging", "BoxOfficePostgres", "BoxOfficeRabbitMQ", "TestSupport", log],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeRuntimeTests",
            dependencies: ["BoxOfficeRuntime", log],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeRPCTests",
            dependencies: ["BoxOfficeRPC", "BoxOfficeRPCInProcess"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeRPCNIOTests",
            dependencies: [
                "BoxOfficeRPC", "BoxOfficeRPCNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                log, metrics, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CodegenTests",
            dependencies: ["TestContracts", "Contracts", "BoxOfficeProtobuf", "BoxOfficeRPC", "TestSupport"],
            exclude: ["Proto", "Interop"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeCloudPaymentsTests",
            dependencies: [
                "BoxOfficeCloudPayments", "BoxOfficeCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                log,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeGatewayTests",
            dependencies: [
                "BoxOfficeGateway", "BoxOfficeRPC", "BoxOfficeRPCNIO", "BoxOfficeRuntime", "BoxOfficeProtobuf",
                "TestContracts", "TestSupport", "BoxOfficeJWT", "BoxOfficeCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                log, metrics, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficeCloudPaymentsSandboxTests",
            dependencies: [
                "BoxOfficeCloudPaymentsSandbox", "BoxOfficeCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                log, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BoxOfficePaymentsTests",
            dependencies: [
                "BoxOfficePayments", "BoxOfficePostgres", "BoxOfficeMessaging", "BoxOfficeCloudPayments",
                "BoxOfficeCloudPaymentsSandbox", "BoxOfficeRPC", "BoxOfficeRPCNIO", "Contracts", "BoxOfficeProtobuf",
                "TestSupport", "BoxOfficeGateway", "BoxOfficeRabbitMQ",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                log, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // Our client against our sandbox, both real, over HTTP. A target of its own so that the
        // sandbox's own tests keep depending on nothing of the client.
        .testTarget(
            name: "BoxOfficeCloudPaymentsClientSandboxTests",
            dependencies: [
                "BoxOfficeCloudPayments", "BoxOfficeCloudPaymentsSandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                log, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers for tests against the local stack: environment, unique names, child processes.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
    ]
)
