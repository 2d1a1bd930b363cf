import BoxOfficeRPC
import BoxOfficeRPCNIO
import ServiceLifecycle
import Synchronization
import Testing

/// A handler that counts its invocations: "hold" waits until cancelled, anything else is echoed.
private final class CountedHandler: Sendable {
    static let method = TestMethods.method("Counted")
    /// How long "hold" waits, unless cancelled: beyond any call's timeout in these tests.
    static let holdDuration = Duration.seconds(60)

    let invocations = Atomic<Int>(0)
    let started: AsyncStream<Void>
    private let startedContinuation: AsyncStream<Void>.Continuation

    init() {
        (self.started, self.startedContinuation) = AsyncStream.makeStream()
    }

    var router: RPCRouter {
        var router = RPCRouter()
        router.register(Self.method) { (request: RawMessage, _) -> RawMessage in
            self.invocations.add(1, ordering: .sequentiallyConsistent)
            self.startedContinuation.yield()
            if request.text == "hold" { try await Task.sleep(for: Self.holdDuration) }
            return request
        }
        return router
    }

    var count: Int { self.invocations.load(ordering: .sequentiallyConsistent) }
}

/// A server whose task the test cancels, which closes its connections at once (no drain).
private struct DroppableServer {
    let task: Task<Void, any Error>
    let port: Int

    static func start(_ router: RPCRouter, port: Int) async throws -> DroppableServer {
        let server = RPCServer(host: "127.0.0.1", port: port, router: router, logger: TestServers.logger)
        let group = ServiceGroup(services: [server], logger: TestServers.logger)
        let task = Task { try await group.run() }
        return DroppableServer(task: task, port: try await server.boundPort())
    }

    /// Cancels the server and waits until it has closed every connection and its port.
    func drop() async {
        self.task.cancel()
        _ = await self.task.result
    }
}

@Suite("RPC client connections")
struct RPCClientTests {
    /// A port nothing listens on: one a server had and gave back.
    static func deadPort() async throws -> Int {
        try await TestServers.withServer { _, _, port in port }
    }

    @Test("a call to a dead port fails UNAVAILABLE quickly")
    func deadPort() async throws {
        let port = try await Self.deadPort()
        let transport = TestServers.client(port: port)
        let start = ContinuousClock.now
        let result = await RPCClient(transport: transport).call(TestMethods.echo, "anyone?")
        #expect(result.code == .unavailable)
        #expect(ContinuousClock.now - start < .seconds(2))
        await transport.shutdown()
    }

    @Test("the client reconnects after the server restarts")
    func reconnect() async throws {
        let port = try await Self.deadPort()
        let transport = TestServers.client(
            port: port,
            configuration: NIORPCClientConfiguration(connectionsPerTarget: 1)
        )
        let client = RPCClient(transport: transport)
        try await TestServers.withServer(port: port) { _, _, _ in
            #expect(await client.call(TestMethods.echo, "one") == .success("one"))
        }
        // Down: calls fail UNAVAILABLE rather than hang.
        #expect(await client.call(TestMethods.echo, "down").code == .unavailable)
        try await TestServers.withServer(port: port) { _, _, _ in
            #expect(await client.call(TestMethods.echo, "two") == .success("two"))
        }
        await transport.shutdown()
    }

    /// Lets a retrying client reach a restarted server many times over within a call's timeout.
    static let patientConfiguration = NIORPCClientConfiguration(
        connectionsPerTarget: 1,
        timeoutDefault: .seconds(10),
        connectAttemptsMax: 200,
        backoffInitial: .milliseconds(20),
        backoffMax: .milliseconds(100)
    )

    @Test("a call in flight when the server drops the connection fails UNAVAILABLE and is not retried")
    func inFlightNotRetried() async throws {
        let handler = CountedHandler()
        let first = try await DroppableServer.start(handler.router, port: 0)
        let transport = TestServers.client(port: first.port, configuration: Self.patientConfiguration)
        let client = RPCClient(transport: transport)
        let call = Task { await client.call(CountedHandler.method, "hold") }
        try #require(await TestWait.next(handler.started) != nil, "the call did not reach the handler")
        await first.drop()
        // The same handlers are back on the same port at once: a client that retried the call
        // would reach them well within its 200 attempts and 10 s.
        let second = try await DroppableServer.start(handler.router, port: first.port)
        #expect(await call.value.code == .unavailable)
        // The server is reachable again, and only this new call reaches it.
        #expect(await client.call(CountedHandler.method, "after") == .success("after"))
        #expect(handler.count == 2)
        await transport.shutdown()
        await second.drop()
    }

    @Test("a call started while the server is down succeeds once it is back, running the handler once")
    func retriedUntilServerBack() async throws {
        let port = try await Self.deadPort()
        let handler = CountedHandler()
        let transport = TestServers.client(port: port, configuration: Self.patientConfiguration)
        let client = RPCClient(transport: transport)
        let call = Task {
            await client.call(CountedHandler.method, "late", options: CallOptions(timeout: .seconds(10)))
        }
        // Long enough for several refused connection attempts with backoff.
        try await Task.sleep(for: .milliseconds(300))
        #expect(handler.count == 0)
        let server = try await DroppableServer.start(handler.router, port: port)
        #expect(await call.value == .success("late"))
        #expect(handler.count == 1)
        await transport.shutdown()
        await server.drop()
    }

    @Test("a call made after shutdown fails UNAVAILABLE")
    func afterShutdown() async throws {
        try await TestServers.withServer { _, _, port in
            let transport = TestServers.client(port: port)
            await transport.shutdown()
            #expect(await RPCClient(transport: transport).call(TestMethods.echo, "late").code == .unavailable)
        }
    }

    @Test("a zero timeout fails DEADLINE_EXCEEDED without a call")
    func zeroTimeout() async throws {
        let transport = TestServers.client(port: 1)
        let result = await RPCClient(transport: transport).call(
            TestMethods.echo,
            "",
            options: CallOptions(timeout: .zero)
        )
        #expect(result.code == .deadlineExceeded)
    }
}
