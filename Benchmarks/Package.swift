// swift-tools-version: 6.2
import PackageDescription

// Benchmarks live in their own package, as in SwiftNIO and postgres-nio, so that `swift test` in
// the main package stays fast. Run one with `./dev bench NAME` from the repository root: it starts
// the local stack, builds in release mode, and prints a last line
// `RESULT NAME ratio=<x.xx> ours=<figure> anchor=<figure>`.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// A path dependency is known by its folder's name, and a clone may sit in any folder.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "BoxOffice"

let package = Package(
    name: "BoxOfficeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(name: "BenchmarkSupport", swiftSettings: swiftSettings),
        // Default answers of the test contract's service for the benchmarks that serve it.
        .target(
            name: "BenchmarkTestService",
            dependencies: [
                .product(name: "BoxOfficeRPC", package: root),
                .product(name: "TestContracts", package: root),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "postgres",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "BoxOfficePostgres", package: root),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "redis",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "BoxOfficeRedis", package: root),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rabbitmq",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "BoxOfficeRabbitMQ", package: root),
            ],
            swiftSettings: swiftSettings
        ),
        // Unary ping-pong: our RPC over SwiftNIO vs grpc-swift 2 over HTTP/2, server in a child process.
        .executableTarget(
            name: "rpc",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "BoxOfficeRPC", package: root),
                .product(name: "BoxOfficeRPCNIO", package: root),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: swiftSettings
        ),
        // A long fuzz run: mutated frames to a live RPC server, mutated bytes to every generated
        // decoder, resident memory checked against a bound. Not a comparison: its RESULT line
        // reports the resident-set ratio, the inputs fed and the bound.
        .executableTarget(
            name: "fuzz",
            dependencies: [
                "BenchmarkSupport",
                "BenchmarkTestService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "BoxOfficeRPC", package: root),
                .product(name: "BoxOfficeRPCNIO", package: root),
                .product(name: "Contracts", package: root),
                .product(name: "TestContracts", package: root),
            ],
            exclude: ["list-decoders"],
            swiftSettings: swiftSettings
        ),
        // Encode + decode of a ten-line invoice: our generated code over protobuf-c vs
        // swift-protobuf's generated code for the same .proto (SwiftProtobufTest.pb.swift, made by
        // protoc-gen-swift 1.39 from Tests/CodegenTests/Proto/test.proto and committed).
        .executableTarget(
            name: "codec",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "TestContracts", package: root),
                .product(name: "BoxOfficeProtobuf", package: root),
            ],
            swiftSettings: swiftSettings
        ),
        // JSON → RPC → JSON through the gateway (test service over real RPC, same process) vs a plain
        // Hummingbird handler returning the same JSON bytes, both loaded by wrk.
        .executableTarget(
            name: "gateway",
            dependencies: [
                "BenchmarkSupport",
                "BenchmarkTestService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "BoxOfficeRPC", package: root),
                .product(name: "BoxOfficeRPCNIO", package: root),
                .product(name: "BoxOfficeGateway", package: root),
                .product(name: "TestContracts", package: root),
            ],
            swiftSettings: swiftSettings
        ),
        // Charges per second through PaymentService over RPC against the sandbox (all in one
        // process), against the fixed figure of 1,000 charges/s.
        .executableTarget(
            name: "payments",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "BoxOfficeRPC", package: root),
                .product(name: "BoxOfficeRPCNIO", package: root),
                .product(name: "BoxOfficePostgres", package: root),
                .product(name: "BoxOfficeMessaging", package: root),
                .product(name: "BoxOfficePayments", package: root),
                .product(name: "BoxOfficeCloudPayments", package: root),
                .product(name: "BoxOfficeCloudPaymentsSandbox", package: root),
                .product(name: "Contracts", package: root),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
