import BoxOfficeRPC
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A few connections to one target, each connected on first use and again after it closes,
/// with exponential backoff between failed attempts.
final class ConnectionPool: Sendable {
    private enum Slot {
        case idle(failures: Int, retryAt: ContinuousClock.Instant?)
        case connecting(EventLoopFuture<ClientConnection>, failures: Int)
        case ready(ClientConnection)
        case shutDown
    }

    /// What a caller does next for a connection.
    enum Step {
        case use(ClientConnection)
        case wait(EventLoopFuture<ClientConnection>)
        case retryAt(ContinuousClock.Instant)
        case shutDown
    }

    private let host: String
    private let port: Int
    private let configuration: NIORPCClientConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let slots: Mutex<[Slot]>
    private let slotCount: Int
    private let nextSlot = Atomic<Int>(0)

    init(
        host: String,
        port: Int,
        configuration: NIORPCClientConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.slotCount = configuration.connectionsPerTarget
        self.slots = Mutex(
            Array(repeating: Slot.idle(failures: 0, retryAt: nil), count: configuration.connectionsPerTarget)
        )
    }

    /// The slot the next call uses.
    func pickSlot() -> Int {
        if self.slotCount == 1 { return 0 }
        return (self.nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max) % self.slotCount
    }

    /// A ready connection, a connection attempt to wait on, or when the next attempt may start.
    func step(_ index: Int) -> Step {
        var started: EventLoopFuture<ClientConnection>?
        let step = self.slots.withLock { slots -> Step in
            switch slots[index] {
            case .ready(let connection):
                if connection.isActive { return .use(connection) }
                slots[index] = .idle(failures: 0, retryAt: nil)
                fallthrough
            case .idle:
                guard case .idle(let failures, let retryAt) = slots[index] else { preconditionFailure() }
                if let retryAt, retryAt > ContinuousClock.now { return .retryAt(retryAt) }
                let future = self.connect()
                slots[index] = .connecting(future, failures: failures)
                started = future
                return .wait(future)
            case .connecting(let future, _):
                return .wait(future)
            case .shutDown:
                return .shutDown
            }
        }
        if let started {
            // Registered outside the lock: a completed future may run the callback at once.
            started.whenComplete { result in self.connectFinished(index, result) }
        }
        return step
    }

    private func connectFinished(_ index: Int, _ result: Result<ClientConnection, any Error>) {
        let connection: ClientConnection? = self.slots.withLock { slots in
            let failures: Int
            switch slots[index] {
            case .connecting(_, let previous): failures = previous
            case .shutDown:
                return try? result.get()  // closed below
            default: return nil
            }
            switch result {
            case .success(let connection):
                slots[index] = .ready(connection)
                return nil
            case .failure:
                // Each failure doubles the wait before the next attempt, up to the maximum.
                let attempt = failures + 1
                slots[index] = .idle(failures: attempt, retryAt: ContinuousClock.now + self.backoff(attempt: attempt))
                return nil
            }
        }
        if let connection { connection.channel.close(promise: nil) }
        if case .success(let connection) = result {
            connection.channel.closeFuture.whenComplete { _ in self.connectionClosed(index, connection) }
        }
        if case .failure(let error) = result {
            self.logger.debug(
                "RPC connect failed",
                metadata: ["target": "\(self.host):\(self.port)", "error": "\(error)"]
            )
        }
    }

    /// The wait after `attempt` consecutive failures: doubling from the initial value, capped,
    /// with ±20% jitter so that many clients do not retry in step.
    func backoff(attempt: Int) -> Duration {
        var wait = self.configuration.backoffInitial
        for _ in 1..<max(attempt, 1) where wait < self.configuration.backoffMax { wait *= 2 }
        wait = min(wait, self.configuration.backoffMax)
        return wait * Double.random(in: 0.8...1.2)
    }

    /// Marks a failed connection so that the next call reconnects at once.
    private func connectionClosed(_ index: Int, _ connection: ClientConnection) {
        self.slots.withLock { slots in
            if case .ready(let current) = slots[index], current === connection {
                slots[index] = .idle(failures: 0, retryAt: nil)
            }
        }
    }

    private func connect() -> EventLoopFuture<ClientConnection> {
        let pending = PendingCalls()
        let payloadBytesMax = self.configuration.payloadBytesMax
        let timeout = TimeAmount.nanoseconds(
            Int64(self.configuration.connectTimeout.components.seconds) * 1_000_000_000
                + self.configuration.connectTimeout.components.attoseconds / 1_000_000_000
        )
        return ClientBootstrap(group: self.eventLoopGroup)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ClientConnectionHandler(pending: pending, payloadBytesMax: payloadBytesMax)
                    )
                }
            }
            .connect(host: self.host, port: self.port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                return ClientConnection(
                    channel: channel,
                    handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                    pending: pending
                )
            }
    }

    /// Closes every connection and refuses new ones.
    func shutdown() async {
        let connections = self.slots.withLock { slots -> [ClientConnection] in
            var connections: [ClientConnection] = []
            for index in slots.indices {
                if case .ready(let connection) = slots[index] { connections.append(connection) }
                slots[index] = .shutDown
            }
            return connections
        }
        for connection in connections { await connection.close() }
    }
}
