import BoxOfficeRPC
import BoxOfficeRPCNIO
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

/// A message that is its bytes: the transport tests need no protobuf.
struct RawMessage: RPCMessage, Equatable {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ text: String) { self.bytes = Array(text.utf8) }

    func serialize(into buffer: inout [UInt8]) throws(RPCError) {
        buffer.append(contentsOf: self.bytes)
    }

    init(rpcBytes: UnsafeRawBufferPointer) throws(RPCError) {
        self.bytes = Array(rpcBytes)
    }

    var text: String { String(decoding: self.bytes, as: UTF8.self) }
}

/// A domain error that maps itself to a status.
struct OutOfSeats: RPCErrorConvertible {
    var rpcError: RPCError { RPCError(code: .failedPrecondition, message: "no seats left") }
}

/// An error that must never reach a caller's eyes.
struct SecretFailure: Error, CustomStringConvertible {
    var description: String { "password=hunter2 at db.internal:5432" }
}

enum TestMethods {
    static let echo = method("Echo")
    static let slow = method("Slow")
    static let fail = method("Fail")
    static let metadata = method("Metadata")
    static let deadline = method("Deadline")
    static let unknown = method("Unknown")

    static func method(_ name: String) -> MethodDescriptor {
        let service = "boxoffice.test.v1.TestService"
        return MethodDescriptor(service: service, method: name, id: MethodDescriptor.stableID("\(service)/\(name)"))
    }
}

/// Notes what the slow handler saw, for tests that assert on the server side.
final class HandlerProbe: Sendable {
    let started: AsyncStream<Void>
    let cancelled: AsyncStream<Void>
    private let startedContinuation: AsyncStream<Void>.Continuation
    private let cancelledContinuation: AsyncStream<Void>.Continuation
    /// How long the slow handler sleeps.
    let slowDuration: Duration

    init(slowDuration: Duration = .seconds(10)) {
        (self.started, self.startedContinuation) = AsyncStream.makeStream()
        (self.cancelled, self.cancelledContinuation) = AsyncStream.makeStream()
        self.slowDuration = slowDuration
    }

    func slow() async throws -> RawMessage {
        self.startedContinuation.yield()
        do {
            try await Task.sleep(for: self.slowDuration)
        } catch {
            self.cancelledContinuation.yield()
            throw error
        }
        return RawMessage("slow done")
    }

    /// Waits for the next event of `stream`, failing after `limit`.
    static func next(_ stream: AsyncStream<Void>, within limit: Duration = .seconds(5)) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next() != nil
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }
}

/// Bounded waits: a test that waits for an event fails when it does not come, never hangs.
enum TestWait {
    /// How long a test waits for an event that should come at once.
    static let eventWaitMax = Duration.seconds(15)

    /// The next element of `stream`, or nil when none comes within `limit`.
    static func next<Element: Sendable>(
        _ stream: AsyncStream<Element>,
        within limit: Duration = Self.eventWaitMax
    ) async -> Element? {
        await withTaskGroup(of: Element?.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

enum TestServers {
    static let logger: Logger = {
        var logger = Logger(label: "rpc-test")
        logger.logLevel = .warning
        return logger
    }()

    static func router(probe: HandlerProbe) -> RPCRouter {
        var router = RPCRouter()
        router.register(TestMethods.echo) { (request: RawMessage, _) in request }
        router.register(TestMethods.slow) { (_: RawMessage, _) in try await probe.slow() }
        router.register(TestMethods.fail) { (request: RawMessage, _) -> RawMessage in
            switch request.text {
            case "status":
                throw RPCError(
                    code: .invalidArgument,
                    message: "seat: must be positive",
                    details: [
                        RPCErrorDetail(field: "seat", reason: "must be positive"),
                        RPCErrorDetail(field: "row", reason: "unknown"),
                    ]
                )
            case "convertible": throw OutOfSeats()
            default: throw SecretFailure()
            }
        }
        router.register(TestMethods.metadata) { (_: RawMessage, context) in
            let metadata = context.metadata
            return RawMessage(
                "\(metadata.traceID ?? "-")|\(metadata.caller ?? "-")|\(metadata.idempotencyKey ?? "-")|"
                    + "\(metadata.values["tenant"] ?? "-")|\(context.method.method)"
            )
        }
        router.register(TestMethods.deadline) { (_: RawMessage, context) in
            guard let deadline = context.deadline else { return RawMessage("none") }
            let remaining = deadline - ContinuousClock.now
            return RawMessage(
                "\(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)"
            )
        }
        return router
    }

    /// Runs a server of the test methods in a service group for `body`, then shuts it down gracefully.
    static func withServer<Result: Sendable>(
        port: Int = 0,
        probe: HandlerProbe = HandlerProbe(),
        configuration: RPCServerConfiguration = RPCServerConfiguration(),
        logger: Logger = Self.logger,
        _ body: @Sendable (RPCServer, ServiceGroup, Int) async throws -> Result
    ) async throws -> Result {
        try await Self.withServer(
            router: Self.router(probe: probe),
            port: port,
            configuration: configuration,
            logger: logger,
            body
        )
    }

    /// Runs a server of `router` in a service group for `body`, then shuts it down gracefully.
    static func withServer<Result: Sendable>(
        router: RPCRouter,
        port: Int = 0,
        configuration: RPCServerConfiguration = RPCServerConfiguration(),
        logger: Logger = Self.logger,
        _ body: @Sendable (RPCServer, ServiceGroup, Int) async throws -> Result
    ) async throws -> Result {
        let server = RPCServer(
            host: "127.0.0.1",
            port: port,
            router: router,
            configuration: configuration,
            logger: logger
        )
        let group = ServiceGroup(services: [server], logger: Self.logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let boundPort = try await server.boundPort()
            do {
                let result = try await body(server, group, boundPort)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                tasks.cancelAll()
                throw error
            }
        }
    }

    static func client(
        port: Int,
        configuration: NIORPCClientConfiguration = NIORPCClientConfiguration()
    ) -> NIORPCClientTransport {
        NIORPCClientTransport(host: "127.0.0.1", port: port, configuration: configuration, logger: Self.logger)
    }
}

extension RPCClient {
    /// A call with raw messages, returning the error instead of throwing it.
    func call(
        _ method: MethodDescriptor,
        _ text: String,
        options: CallOptions = CallOptions()
    ) async -> Result<String, RPCError> {
        do throws(RPCError) {
            let response: RawMessage = try await self.unary(method, RawMessage(text), options: options)
            return .success(response.text)
        } catch {
            return .failure(error)
        }
    }
}

extension Result where Failure == RPCError {
    var code: RPCError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
