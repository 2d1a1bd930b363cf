public import BoxOfficeRPC
import Synchronization

/// Runs a router's handlers in the calling process, for unit tests of services: no sockets, no
/// framing, the same outcomes as the TCP transport.
///
/// Like the TCP transport, the handler runs in its own task with a ``ServerContext`` carrying the
/// call's deadline and metadata (the sooner of the call's timeout and ``RPCDeadline/current``,
/// as over TCP); at the deadline the call fails `DEADLINE_EXCEEDED` at once and
/// the handler's task is cancelled; cancelling the caller fails the call `CANCELLED` and cancels
/// the handler; an unknown method fails `UNIMPLEMENTED`; handler errors arrive as the router
/// maps them (unexpected ones as `INTERNAL` with a generic message).
public struct InProcessTransport: RPCClientTransport {
    /// The handlers the calls reach.
    public let router: RPCRouter
    /// The timeout of a call whose options name none.
    public var timeoutDefault: Duration

    /// A transport over `router`'s handlers.
    public init(router: RPCRouter, timeoutDefault: Duration = .seconds(30)) {
        self.router = router
        self.timeoutDefault = timeoutDefault
    }

    /// Calls `method`'s handler with `request`; see the type's documentation for the outcomes.
    public func unary(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions
    ) async throws(RPCError) -> [UInt8] {
        guard let route = self.router.handlers[method.id] else {
            throw RPCError(code: .unimplemented, message: "unknown method id \(method.id)")
        }
        let now = ContinuousClock.now
        // Never later than the deadline of the call being served, if any.
        let deadline = RPCDeadline.forCall(timeout: options.timeout ?? self.timeoutDefault, now: now)
        guard deadline > now else { throw RPCDeadline.exceeded }
        let context = ServerContext(method: route.method, metadata: options.metadata, deadline: deadline)
        let handler = route.handler
        let call = CallRace()
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<[UInt8], RPCError>, Never>) in
                let handlerTask = Task {
                    call.finish(await Self.run(handler, request, context))
                }
                let timerTask = Task {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    if !Task.isCancelled {
                        call.finish(.failure(RPCError(code: .deadlineExceeded, message: "deadline exceeded")))
                    }
                }
                call.start(continuation, tasks: [handlerTask, timerTask])
            }
        } onCancel: {
            call.finish(.failure(RPCError(code: .cancelled, message: "the call was cancelled")))
        }
        return try result.get()
    }

    private static func run(
        _ handler: RPCRouter.Handler,
        _ request: [UInt8],
        _ context: ServerContext
    ) async -> Result<[UInt8], RPCError> {
        // The handler's pointer must outlive its awaits: a copy owned by this task.
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(request.count, 1), alignment: 16)
        defer { bytes.deallocate() }
        request.withUnsafeBytes { bytes.copyMemory(from: $0) }
        do throws(RPCError) {
            return .success(
                try await RPCRouter.serve(handler, UnsafeRawBufferPointer(rebasing: bytes[0..<request.count]), context)
            )
        } catch {
            // What crosses to the caller is what the TCP transport would send: never the underlying error.
            return .failure(RPCError(code: error.code, message: error.message, details: error.details))
        }
    }
}

/// The first of handler, deadline and cancellation to finish a call wins; the others are cancelled.
private final class CallRace: Sendable {
    private enum State {
        case starting
        case running(UnsafeContinuation<Result<[UInt8], RPCError>, Never>, [Task<Void, Never>])
        /// Finished before the continuation was in place (e.g. the caller was already cancelled).
        case finishedEarly(Result<[UInt8], RPCError>)
        case done
    }

    private let state = Mutex(State.starting)

    func start(_ continuation: UnsafeContinuation<Result<[UInt8], RPCError>, Never>, tasks: [Task<Void, Never>]) {
        let early: Result<[UInt8], RPCError>? = self.state.withLock { state in
            if case .finishedEarly(let result) = state {
                state = .done
                return result
            }
            state = .running(continuation, tasks)
            return nil
        }
        if let early {
            for task in tasks { task.cancel() }
            continuation.resume(returning: early)
        }
    }

    func finish(_ result: Result<[UInt8], RPCError>) {
        let running = self.state.withLock {
            state -> (UnsafeContinuation<Result<[UInt8], RPCError>, Never>, [Task<Void, Never>])? in
            switch state {
            case .starting:
                state = .finishedEarly(result)
                return nil
            case .running(let continuation, let tasks):
                state = .done
                return (continuation, tasks)
            case .finishedEarly, .done:
                return nil
            }
        }
        guard let (continuation, tasks) = running else { return }
        for task in tasks { task.cancel() }
        continuation.resume(returning: result)
    }
}
