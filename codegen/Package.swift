// swift-tools-version: 6.2
import PackageDescription

// The BoxOffice code generator: a protoc plugin with no dependencies (it decodes protoc's request
// with its own small wire reader), as grpc-swift's and swift-protobuf's generators keep theirs.
let package = Package(
    name: "BoxOfficeCodegen",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "protoc-gen-boxoffice", targets: ["protoc-gen-boxoffice"])],
    targets: [
        .executableTarget(
            name: "protoc-gen-boxoffice",
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
