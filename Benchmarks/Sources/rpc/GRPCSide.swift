import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// Raw bytes through grpc-swift's serializer protocols: no protobuf on either side.
struct RawSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

struct RawDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// The anchor: grpc-swift 2 over the HTTP/2 Posix transport, plaintext, compression off.
enum GRPCSide: RPCBenchmark.Side {
    static let name = "grpc"
    static let serveCommand = "serve-grpc"
    static let echo = GRPCCore.MethodDescriptor(fullyQualifiedService: "bench.Echo", method: "Echo")

    static func serve() async throws {
        let response = Array(repeating: UInt8(ascii: "r"), count: RPCBenchmark.messageBytes)
        var router = GRPCCore.RPCRouter<HTTP2ServerTransport.Posix>()
        router.registerHandler(
            forMethod: Self.echo,
            deserializer: RawDeserializer(),
            serializer: RawSerializer()
        ) { request, _ in
            for try await _ in request.messages {}
            return StreamingServerResponse(single: ServerResponse(message: response))
        }
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: .plaintext,
            config: .defaults { config in
                config.compression = .init(enabledAlgorithms: .none)
                config.connection.flushCoalescing = nil
            }
        )
        let server = GRPCServer(transport: transport, router: router)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            guard let port = try await transport.listeningAddress.ipv4?.port else {
                throw CancellationError()
            }
            FileHandle.standardOutput.write(Data("\(port)\n".utf8))
            try await group.waitForAll()
        }
    }

    static func withCaller(
        port: Int,
        _ body: (@escaping @Sendable () async throws -> Void) async throws -> Void
    ) async throws {
        let request = Array(repeating: UInt8(ascii: "q"), count: RPCBenchmark.messageBytes)
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .plaintext,
            config: .defaults { config in
                config.compression = .init(algorithm: .none, enabledAlgorithms: .none)
            }
        )
        let client = GRPCClient(transport: transport)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.runConnections() }
            try await body {
                let response = try await client.unary(
                    request: ClientRequest(message: request),
                    descriptor: Self.echo,
                    serializer: RawSerializer(),
                    deserializer: RawDeserializer(),
                    options: .defaults
                ) { try $0.message }
                precondition(response.count == RPCBenchmark.messageBytes)
            }
            client.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
