import BoxOfficeRPC
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A few connections to one target, each connected on first use and again after it closes,
/// with exponential backoff between failed attempts. The decisions are a
/// ``ConnectionPoolStateMachine``'s; this class runs the connects and keeps the machine locked.
final class ConnectionPool: Sendable {
    typealias Machine = ConnectionPoolStateMachine<ClientConnection, EventLoopFuture<ClientConnection>>
    typealias Step = Machine.Step

    /// Backoff waits are scaled by a random factor in this range, so that clients do not retry in step.
    static let backoffJitter = 0.8...1.2

    private let host: String
    private let port: Int
    private let configuration: NIORPCClientConfiguration
    /// The group's loops; slot `i` connects on loop `i % loops.count`.
    private let loops: [any EventLoop]
    private let logger: Logger
    private let machine: Mutex<Machine>
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
        self.loops = Array(eventLoopGroup.makeIterator())
        self.logger = logger
        self.slotCount = configuration.connectionsPerTarget
        self.machine = Mutex(
            Machine(
                slotCount: configuration.connectionsPerTarget,
                backoffInitial: configuration.backoffInitial,
                backoffMax: configuration.backoffMax
            )
        )
    }

    /// The slot the next call uses: one whose connection lives on the calling thread's event
    /// loop when there is one, so that a caller running on a loop (the gateway's requests do)
    /// writes and is answered without waking another thread; otherwise round-robin.
    func pickSlot() -> Int {
        if self.slotCount == 1 { return 0 }
        let turn = self.nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        if let current = MultiThreadedEventLoopGroup.currentEventLoop,
            let loop = self.loops.firstIndex(where: { $0 === current }),
            loop < self.slotCount
        {
            // The slots on this loop are loop, loop + loops.count, …
            let slotsOnLoop = (self.slotCount - loop + self.loops.count - 1) / self.loops.count
            return loop + self.loops.count * (turn % slotsOnLoop)
        }
        return turn % self.slotCount
    }

    /// A ready connection, a connection attempt to wait on, or when the next attempt may start.
    /// Never ``ConnectionPoolStateMachine/Step/connect``: the attempt is started here.
    func step(_ index: Int) -> Step {
        var started: EventLoopFuture<ClientConnection>?
        let step = self.machine.withLock { machine -> Step in
            let now = ContinuousClock.now
            var step = machine.connectionRequested(index, now: now)
            if case .use(let connection) = step, !connection.isActive {
                // Closed, and its close callback has not run yet: reconnect now.
                machine.connectionClosed(index, connection)
                step = machine.connectionRequested(index, now: now)
            }
            guard case .connect = step else { return step }
            // Started under the lock so that the other callers of this slot wait on this attempt.
            let future = self.connect(on: self.loops[index % self.loops.count])
            machine.connectStarted(index, attempt: future)
            started = future
            return .wait(future)
        }
        if let started {
            // Registered outside the lock: a completed future may run the callback at once.
            started.whenComplete { result in self.connectFinished(index, result) }
        }
        return step
    }

    private func connectFinished(_ index: Int, _ result: Result<ClientConnection, any Error>) {
        switch result {
        case .success(let connection):
            let action = self.machine.withLock { $0.connectSucceeded(index, connection) }
            if case .close(let connection) = action {
                connection.channel.close(promise: nil)
                return
            }
            connection.channel.closeFuture.whenComplete { _ in
                self.machine.withLock { $0.connectionClosed(index, connection) }
            }
        case .failure(let error):
            let jitter = Double.random(in: Self.backoffJitter)
            self.machine.withLock { $0.connectFailed(index, now: ContinuousClock.now, jitter: jitter) }
            self.logger.debug(
                "RPC connect failed",
                metadata: ["target": "\(self.host):\(self.port)", "error": "\(error)"]
            )
        }
    }

    private func connect(on eventLoop: any EventLoop) -> EventLoopFuture<ClientConnection> {
        let calls = ClientCallTable()
        let payloadBytesMax = self.configuration.payloadBytesMax
        let timeout = TimeAmount.nanoseconds(
            Int64(self.configuration.connectTimeout.components.seconds) * 1_000_000_000
                + self.configuration.connectTimeout.components.attoseconds / 1_000_000_000
        )
        return ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ClientConnectionHandler(calls: calls, payloadBytesMax: payloadBytesMax)
                    )
                }
            }
            .connect(host: self.host, port: self.port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                return ClientConnection(
                    channel: channel,
                    handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                    calls: calls
                )
            }
    }

    /// Closes every connection and refuses new ones.
    func shutdown() async {
        let connections = self.machine.withLock { $0.shutdown() }
        for connection in connections { await connection.close() }
    }
}
