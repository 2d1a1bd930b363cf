import BoxOfficeRPC
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import BoxOfficeRPCNIO

/// Work that stays on the event loop that did its I/O: the executor, handlers on their
/// connection's loop, and the client's choice of a connection on the caller's loop.
@Suite("Event-loop execution")
struct EventLoopExecutionTests {
    static let whereMethod = TestMethods.method("Where")

    /// Answers `loop` when the handler runs on an event loop thread, `pool` otherwise, and
    /// checks that it resumes on the same kind of thread after an await.
    static func router() -> RPCRouter {
        var router = RPCRouter()
        router.register(Self.whereMethod) { (_: RawMessage, _) in
            let before = MultiThreadedEventLoopGroup.currentEventLoop
            try await Task.sleep(for: .milliseconds(1))
            let after = MultiThreadedEventLoopGroup.currentEventLoop
            guard let before else { return RawMessage(after == nil ? "pool" : "moved") }
            return RawMessage(after === before ? "loop" : "moved")
        }
        return router
    }

    @Test("a task preferring an EventLoopExecutor runs and resumes on that loop")
    func executor() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loop = group.next()
        let onLoop = await withTaskExecutorPreference(EventLoopExecutor(loop)) {
            var seen: [Bool] = [loop.inEventLoop]
            try? await Task.sleep(for: .milliseconds(1))
            seen.append(loop.inEventLoop)
            await Task.yield()
            seen.append(loop.inEventLoop)
            return seen
        }
        #expect(onLoop == [true, true, true])
        try await group.shutdownGracefully()
    }

    @Test("handlers run on the pool by default, on their connection's loop when configured")
    func handlerPlacement() async throws {
        let cases = [
            (RPCServerConfiguration(handlersRunOnEventLoop: true), "loop"), (RPCServerConfiguration(), "pool"),
        ]
        for (configuration, expected) in cases {
            let server = RPCServer(
                host: "127.0.0.1",
                port: 0,
                router: Self.router(),
                configuration: configuration,
                logger: TestServers.logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let transport = TestServers.client(port: try await server.boundPort())
                let client = RPCClient(transport: transport)
                for _ in 0..<5 {
                    #expect(try await client.call(Self.whereMethod, "").get() == expected)
                }
                await transport.shutdown()
                group.cancelAll()
            }
        }
    }

    @Test("a caller on an event loop gets a connection slot on that loop")
    func slotLocality() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        let pool = ConnectionPool(
            host: "127.0.0.1",
            port: 9,
            configuration: NIORPCClientConfiguration(connectionsPerTarget: 4),
            eventLoopGroup: group,
            logger: TestServers.logger
        )
        for (index, loop) in loops.enumerated() {
            let slots = try await loop.submit { (0..<8).map { _ in pool.pickSlot() } }.get()
            // Slots on loop i are i, i + 2: both used, nothing else.
            #expect(Set(slots) == [index, index + 2])
        }
        // Off any loop: round-robin over all slots.
        #expect(Set((0..<8).map { _ in pool.pickSlot() }) == [0, 1, 2, 3])
        await pool.shutdown()
        try await group.shutdownGracefully()
    }
}
