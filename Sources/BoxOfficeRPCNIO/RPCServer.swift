public import BoxOfficeRPC
import BoxOfficeThreads
public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Serves an ``RPCRouter``'s methods over TCP with the frame format of `docs/rpc-frame.md`.
///
/// Run it in a `ServiceGroup`: ``run()`` binds, serves until graceful shutdown, then drains —
/// the listening socket closes, new calls on open connections are answered `UNAVAILABLE`,
/// in-flight calls finish (for at most ``RPCServerConfiguration/drainDurationMax``), and the
/// connections close. Cancelling the task that runs ``run()`` closes everything at once.
public final class RPCServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let shared: ServerShared
    private let eventLoopGroup: any EventLoopGroup
    private let address = BoundPort()

    /// A server for `router` on `host:port` (port 0 picks a free port; see ``boundPort()``).
    public init(
        host: String,
        port: Int,
        router: RPCRouter,
        configuration: RPCServerConfiguration = RPCServerConfiguration(),
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.host = host
        self.port = port
        self.shared = ServerShared(router: router, configuration: configuration, logger: logger)
        self.eventLoopGroup = eventLoopGroup
    }

    /// The port the server listens on, once ``run()`` has bound it; throws if binding failed.
    public func boundPort() async throws -> Int {
        try await self.address.port()
    }

    /// Binds and serves until graceful shutdown, then drains. Throws if the address cannot be bound.
    public func run() async throws {
        let shared = self.shared
        let serverChannel: any Channel
        do {
            serverChannel = try await ServerBootstrap(group: self.eventLoopGroup)
                .serverChannelOption(.backlog, value: Int32(shared.configuration.listenBacklog))
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    shared.register(channel)
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ServerConnectionHandler(shared: shared))
                    }
                }
                .bind(host: self.host, port: self.port)
                .get()
        } catch {
            self.address.fail(error)
            throw error
        }
        let port = serverChannel.localAddress?.port ?? self.port
        self.address.bound(port)
        shared.logger.info("RPC server listening", metadata: ["host": "\(self.host)", "port": "\(port)"])

        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled rather than asked to shut down: no drain.
            try? await serverChannel.close()
            await shared.closeAll()
            return
        }
        try? await serverChannel.close()
        await self.drain()
        shared.logger.info("RPC server stopped", metadata: ["port": "\(port)"])
    }

    /// Refuses new calls, waits for the running ones (bounded), then closes every connection.
    private func drain() async {
        let shared = self.shared
        await shared.startDrain()
        let limit = ContinuousClock.now + shared.configuration.drainDurationMax
        while shared.inFlight.load(ordering: .sequentiallyConsistent) > 0 && ContinuousClock.now < limit {
            // Polling keeps the per-call path free of drain bookkeeping; the interval bounds the
            // extra shutdown delay.
            try? await Task.sleep(for: Self.drainPollInterval)
        }
        let left = shared.inFlight.load(ordering: .sequentiallyConsistent)
        if left > 0 {
            shared.logger.warning("RPC drain time over; cancelling calls", metadata: ["calls": "\(left)"])
        }
        await shared.closeAll()
    }

    private static let drainPollInterval = Duration.milliseconds(5)
}
