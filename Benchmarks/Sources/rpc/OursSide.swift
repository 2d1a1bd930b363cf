import BoxOfficeRPC
import BoxOfficeRPCNIO
import Foundation
import Logging

/// A message that is its bytes, so that neither side pays for a codec.
struct RawBytes: RPCMessage {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func serialize(into buffer: inout [UInt8]) throws(RPCError) {
        buffer.append(contentsOf: self.bytes)
    }

    init(rpcBytes: UnsafeRawBufferPointer) throws(RPCError) {
        self.bytes = Array(rpcBytes)
    }
}

/// Our side: RPCServer and NIORPCClientTransport with one connection.
enum OursSide: RPCBenchmark.Side {
    static let name = "ours"
    static let serveCommand = "serve-ours"
    static let echo = MethodDescriptor(
        service: "bench.Echo",
        method: "Echo",
        id: MethodDescriptor.stableID("bench.Echo/Echo")
    )

    static var logger: Logger {
        var logger = Logger(label: "rpc-bench")
        logger.logLevel = .warning
        return logger
    }

    static func serve() async throws {
        let response = RawBytes(Array(repeating: UInt8(ascii: "r"), count: RPCBenchmark.messageBytes))
        var router = RPCRouter()
        router.register(Self.echo) { (_: RawBytes, _) in response }
        // BENCH_RPC_HANDLERS=loop runs the handlers on the connection's event loop (off by default).
        let server = RPCServer(
            host: "127.0.0.1",
            port: 0,
            router: router,
            configuration: RPCServerConfiguration(
                handlersRunOnEventLoop: ProcessInfo.processInfo.environment["BENCH_RPC_HANDLERS"] == "loop"
            ),
            logger: Self.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.boundPort()
            FileHandle.standardOutput.write(Data("\(port)\n".utf8))
            try await group.waitForAll()
        }
    }

    static func withCaller(
        port: Int,
        _ body: (@escaping @Sendable () async throws -> Void) async throws -> Void
    ) async throws {
        let request = RawBytes(Array(repeating: UInt8(ascii: "q"), count: RPCBenchmark.messageBytes))
        try await NIORPCClientTransport.withTransport(
            host: "127.0.0.1",
            port: port,
            configuration: NIORPCClientConfiguration(connectionsPerTarget: 1),
            logger: Self.logger
        ) { transport in
            let client = RPCClient(transport: transport)
            try await body {
                let response: RawBytes = try await client.unary(Self.echo, request)
                precondition(response.bytes.count == RPCBenchmark.messageBytes)
            }
        }
    }
}
