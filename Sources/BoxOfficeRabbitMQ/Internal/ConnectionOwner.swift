import CRabbitMQ
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The thread that owns one AMQP connection: it alone calls rabbitmq-c.
///
/// It loops over: take commands from the mailbox, read every frame that has arrived (confirms,
/// returns, deliveries, closes), then `poll` on the socket and the mailbox's eventfd. Reading
/// with a zero timeout on each turn also lets rabbitmq-c send heartbeats and notice a silent
/// peer. When the connection is lost it fails what cannot complete, waits a backoff, reconnects,
/// declares the topology and resubscribes the consumers.
final class ConnectionOwner: @unchecked Sendable {
    /// Channel in confirm mode for confirmed publishes.
    static let confirmChannel: UInt16 = 1
    /// Channel for unconfirmed publishes and for declarations, purges and deletes, so that a
    /// broker error there (a missing queue) never costs the confirmed publishes their channel.
    static let utilityChannel: UInt16 = 2
    static let firstConsumerChannel: UInt16 = 3
    /// At most this many frames are read per turn before commands are looked at again.
    static let framesPerTurnMax = 1024
    /// The longest sleep in `poll`; short enough to send heartbeats on time.
    static let pollTimeoutMillisecondsMax: Int32 = 1000

    let configuration: RabbitMQConfiguration
    let topology: RabbitMQTopology
    let logger: Logger
    let mailbox: Mailbox
    private let completion: CheckedContinuation<Void, any Error>

    var session: AMQPSession?
    var confirms = ConfirmTracker<CheckedContinuation<Void, any Error>>()
    var consumers: [UInt64: ConsumerHandle] = [:]
    var consumersByChannel: [UInt16: ConsumerHandle] = [:]
    var consumersBySubscription: [UInt64: ConsumerHandle] = [:]
    var freeChannels: [UInt16] = []
    var nextChannel = ConnectionOwner.firstConsumerChannel
    /// Content (header and body frames) being assembled, per channel.
    var pendingContent: [UInt16: PendingContent] = [:]
    /// Commands that need a connection and came while there was none; they get the next attempt.
    var waiting: [Command] = []
    private var backoff: Backoff
    private var nextAttempt: ContinuousClock.Instant = .now
    /// Set when the broker rejects the topology: retrying cannot help, so `run()` throws it.
    var fatalError: RabbitMQError?

    init(
        configuration: RabbitMQConfiguration,
        topology: RabbitMQTopology,
        logger: Logger,
        mailbox: Mailbox,
        completion: CheckedContinuation<Void, any Error>
    ) {
        self.configuration = configuration
        self.topology = topology
        self.logger = logger
        self.mailbox = mailbox
        self.completion = completion
        self.backoff = Backoff(
            minimum: configuration.reconnectBackoffMin,
            maximum: configuration.reconnectBackoffMax
        )
    }

    /// Starts the owner on a thread of its own.
    func start() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                let owner = Unmanaged<ConnectionOwner>.fromOpaque(argument!).takeRetainedValue()
                owner.main()
                return nil
            },
            box.toOpaque()
        )
        precondition(result == 0, "pthread_create failed with \(result)")
        pthread_detach(thread)
    }

    private func main() {
        while !self.mailbox.stopRequested && self.fatalError == nil {
            if self.session == nil {
                self.connectOrWait()
            } else {
                self.turn(readCommands: true)
            }
        }
        self.shutDown()
    }

    // MARK: Connecting

    private func connectOrWait() {
        let now = ContinuousClock.now
        if now < self.nextAttempt {
            self.sleep(milliseconds: (self.nextAttempt - now).milliseconds, socket: nil)
            for command in self.mailbox.take() { self.handle(command) }
            return
        }
        do {
            try self.connect()
        } catch {
            if error.code == .topology {
                self.fatalError = error
                return
            }
            let pause = self.backoff.next()
            self.nextAttempt = .now + pause
            self.logger.warning(
                "RabbitMQ connection attempt failed",
                metadata: ["error": "\(error)", "retry_in_ms": "\(pause.milliseconds)"]
            )
            let failure = RabbitMQError(code: .notConnected, message: error.message)
            let waiting = self.waiting
            self.waiting = []
            for command in waiting { command.fail(failure) }
        }
    }

    private func connect() throws(RabbitMQError) {
        let session = try AMQPSession(configuration: self.configuration)
        do {
            try session.openChannel(Self.confirmChannel)
            _ = amqp_confirm_select(session.state, Self.confirmChannel)
            try session.checkLastReply(channel: Self.confirmChannel, doing: "enable publisher confirms")
            try session.openChannel(Self.utilityChannel)
            try self.declareTopology(on: session)
        } catch {
            session.close()
            throw error
        }
        self.session = session
        self.backoff.reset()
        self.logger.info("RabbitMQ connected", metadata: ["broker": "\(self.configuration)"])
        for consumer in self.consumers.values.sorted(by: { $0.id < $1.id }) {
            self.subscribe(consumer)
        }
        let waiting = self.waiting
        self.waiting = []
        for command in waiting { self.handle(command) }
    }

    private func declareTopology(on session: AMQPSession) throws(RabbitMQError) {
        do {
            try Self.declare(self.topology, on: session, channel: Self.utilityChannel)
        } catch  where error.code == .channelClosed {
            // The broker refused a declaration (an existing queue with other arguments): a
            // configuration problem that no reconnection fixes.
            throw RabbitMQError(code: .topology, message: error.message)
        }
    }

    // MARK: Serving

    /// One turn of the loop: commands, frames, then sleep until input or a command arrives.
    func turn(readCommands: Bool) {
        if readCommands {
            for command in self.mailbox.take() { self.handle(command) }
        }
        guard let session = self.session else { return }
        do {
            try self.readFrames(session)
        } catch {
            self.connectionLost(error)
            return
        }
        guard let session = self.session else { return }
        if session.hasBufferedInput { return }
        self.sleep(milliseconds: self.pollTimeoutMilliseconds, socket: session.socketDescriptor)
    }

    private var pollTimeoutMilliseconds: Int32 {
        guard self.configuration.heartbeatSeconds > 0 else { return Self.pollTimeoutMillisecondsMax }
        return min(Self.pollTimeoutMillisecondsMax, Int32(clamping: self.configuration.heartbeatSeconds * 250))
    }

    private func sleep(milliseconds: Int32, socket: Int32?) {
        var descriptors = [pollfd(fd: self.mailbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        if let socket { descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&descriptors, nfds_t(descriptors.count), max(0, milliseconds))
    }

    /// Forgets everything tied to the lost connection and schedules a reconnection.
    func connectionLost(_ error: RabbitMQError) {
        guard let session = self.session else { return }
        self.logger.warning("RabbitMQ connection lost", metadata: ["error": "\(error)"])
        session.destroy()
        self.session = nil
        self.forgetConnectionState(failingWith: RabbitMQError(code: .connectionLost, message: error.message))
        self.backoff.reset()
        self.nextAttempt = .now + self.backoff.next()
    }

    private func forgetConnectionState(failingWith error: RabbitMQError) {
        for continuation in self.confirms.reset() { continuation.resume(throwing: error) }
        for consumer in self.consumers.values {
            consumer.channel = nil
            consumer.unsettled = []
        }
        self.consumersByChannel = [:]
        self.consumersBySubscription = [:]
        self.freeChannels = []
        self.nextChannel = Self.firstConsumerChannel
        self.pendingContent = [:]
    }

    // MARK: Shutting down

    private func shutDown() {
        if let session = self.session {
            // Give confirms already on the way a bounded chance to arrive, so a graceful stop
            // does not turn publishes that succeeded into errors.
            let deadline = ContinuousClock.now + self.configuration.connectTimeout
            while self.session != nil && self.confirms.outstandingCount > 0 && ContinuousClock.now < deadline {
                for command in self.mailbox.take() { command.fail(Self.closedError) }
                self.turn(readCommands: false)
            }
            if self.session === session {
                session.close()
                self.session = nil
            }
        }
        self.forgetConnectionState(
            failingWith: RabbitMQError(code: .connectionLost, message: "the connection was closed")
        )
        for command in self.waiting + self.mailbox.finish() { command.fail(Self.closedError) }
        self.waiting = []
        for consumer in self.consumers.values {
            if let fatalError {
                consumer.continuation.finish(throwing: fatalError)
            } else {
                consumer.continuation.finish()
            }
        }
        self.consumers = [:]
        self.logger.info("RabbitMQ connection closed", metadata: ["broker": "\(self.configuration)"])
        if let fatalError {
            self.completion.resume(throwing: fatalError)
        } else {
            self.completion.resume()
        }
    }

    static let closedError = RabbitMQError(code: .closed, message: "the RabbitMQ connection is not running")
}

extension Duration {
    var milliseconds: Int32 {
        let (seconds, attoseconds) = self.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
