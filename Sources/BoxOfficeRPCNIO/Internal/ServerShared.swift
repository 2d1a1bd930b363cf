import BoxOfficeRPC
import Logging
import NIOCore
import Synchronization

/// What every connection of one server shares: the routes, the limits, and the counters that a
/// graceful drain watches.
final class ServerShared: Sendable {
    let router: RPCRouter
    let configuration: RPCServerConfiguration
    let logger: Logger
    /// Handlers running on all connections.
    let inFlight = Atomic<Int>(0)
    /// Set when a graceful shutdown starts; connections accepted later start draining.
    let draining = Atomic<Bool>(false)
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(router: RPCRouter, configuration: RPCServerConfiguration, logger: Logger) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
    }

    func register(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        self.connections.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.connections.withLock { $0.removeValue(forKey: key) }
        }
    }

    /// Sets the drain flag (read by connections accepted from now on) and tells every open
    /// connection, on its event loop; once this returns, no connection admits a new call.
    func startDrain() async {
        self.draining.store(true, ordering: .sequentiallyConsistent)
        let channels = self.connections.withLock { Array($0.values) }
        for channel in channels {
            // A connection whose handler is not added yet reads the flag when it is.
            try? await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.handler(type: ServerConnectionHandler.self).startDrain()
            }.get()
        }
    }

    /// Closes every connection; their handlers cancel the calls still running.
    func closeAll() async {
        let channels = self.connections.withLock { Array($0.values) }
        for channel in channels {
            try? await channel.close()
        }
    }

    /// Logs a handler's unexpected error at `error` level. The caller sees only `INTERNAL`
    /// "internal error"; the operator needs the real cause, tied to the call by method, request
    /// id and trace id.
    func logIfUnexpected(_ error: RPCError, requestID: UInt32, context: ServerContext) {
        guard let underlying = error.underlying else { return }
        var metadata: Logger.Metadata = [
            "rpc.method": "\(context.method.fullName)",
            "rpc.request_id": "\(requestID)",
            "rpc.code": "\(error.code.name)",
            "error": "\(String(describing: underlying))",
        ]
        if let traceID = context.metadata.traceID { metadata["trace_id"] = "\(traceID)" }
        if let caller = context.metadata.caller { metadata["rpc.caller"] = "\(caller)" }
        self.logger.error("RPC handler failed with an unexpected error", metadata: metadata)
    }
}
