import AsyncHTTPClient
import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// An emulator of the CloudPayments API (docs/cloudpayments-sandbox.md): the provider's paths,
/// envelope, transaction Model, test cards, 3-D Secure, tokens, refunds, `X-Request-ID` replay,
/// the concurrency cap and notifications, plus injected faults and an operations log.
///
/// It is written from CLOUDPAYMENTS.md alone and shares no code with our client, so that the
/// client's mistakes are not repeated here. All state is in memory and lost when it stops.
public final class CloudPaymentsSandbox: Service {
    private let configuration: SandboxConfiguration
    private let logger: Logger
    private let api: SandboxAPI
    private let running = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    /// A sandbox that serves once ``run()`` is called.
    public init(configuration: SandboxConfiguration = SandboxConfiguration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let state = SandboxState(configuration: configuration)
        let notifier = Notifier(configuration: configuration, state: state, client: HTTPClient.shared)
        self.api = SandboxAPI(configuration: configuration, state: state, notifier: notifier)
    }

    /// Serves until cancelled or until graceful shutdown.
    public func run() async throws {
        let router = Router(context: SandboxRequestContext.self)
        api.addRoutes(to: router)
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? self.configuration.port
                self.api.setBound(port: port)
                self.announce(port: port)
            },
            logger: logger
        )
        // A server that cannot bind ends here; waiters of boundPort() learn it as port -1.
        defer { self.announce(port: Self.notListening) }
        try await withThrowingTaskGroup { group in
            group.addTask { await self.api.notifier.run() }
            group.addTask { try await application.run() }
            // Whichever ends first (the server on shutdown) ends the notifications too: pending
            // retries of an in-memory sandbox have nobody left to answer for.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    /// What ``boundPort()`` answers once the sandbox has stopped or failed to start.
    public static let notListening = -1

    private func announce(port: Int) {
        let waiters = self.running.withLock { running in
            if running.port == nil { running.port = port }
            defer { running.waiters = [] }
            return running.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// The port the sandbox listens on, once it does; ``notListening`` if it could not start.
    public func boundPort() async -> Int {
        await withCheckedContinuation { continuation in
            let port = running.withLock { running -> Int? in
                if running.port == nil { running.waiters.append(continuation) }
                return running.port
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:8090`, once the sandbox listens.
    public func baseURL() async -> String {
        _ = await self.boundPort()
        return api.baseURL
    }

    /// Every operation performed so far, in order.
    public func operations() async -> [SandboxOperation] {
        await api.state.operations
    }

    /// The faults injected since the sandbox started, by kind.
    public func injectedFaults() async -> SandboxFaultCounts {
        await api.state.injected
    }

    /// Replaces the faults injected from now on (and reseeds the random draws).
    public func setFaults(_ faults: SandboxFaults) async {
        await api.state.setFaults(faults)
    }

    /// Runs a sandbox for the duration of `body` and stops it afterwards; with port 0 it
    /// listens on a free port, which ``baseURL()`` tells.
    public static func withRunning<Result: Sendable>(
        _ configuration: SandboxConfiguration,
        logger: Logger = Logger(label: "boxoffice.sandbox"),
        _ body: (CloudPaymentsSandbox) async throws -> Result
    ) async throws -> Result {
        let sandbox = CloudPaymentsSandbox(configuration: configuration, logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [sandbox], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            if await sandbox.boundPort() == Self.notListening {
                // The server failed to start: its error is the group's.
                try await group.waitForAll()
                throw CancellationError()
            }
            // Graceful shutdown lets requests in flight finish and closes idle connections; a
            // request held by an injected hang ends when its hang does.
            do {
                let result = try await body(sandbox)
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await serviceGroup.triggerGracefulShutdown()
                group.cancelAll()
                throw error
            }
        }
    }
}
