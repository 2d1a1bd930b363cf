import BoxOfficeRPC
import NIOCore
import Synchronization

/// How one call on a connection ended.
enum ClientCallOutcome: Sendable {
    case response([UInt8])
    case failure(RPCError)
    /// The request was never handed to the socket: safe to retry elsewhere.
    case notSent
}

/// The callers waiting on one connection, keyed by request id. Shared by the calling tasks (which
/// register and cancel) and the event loop (which answers); a lock rather than loop confinement
/// so that registration happens before the request can leave and a cancel cannot overtake it.
final class PendingCalls: Sendable {
    typealias Continuation = UnsafeContinuation<ClientCallOutcome, Never>

    private struct State {
        var waiting: [UInt32: Continuation] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// False once the connection is closed.
    func register(_ requestID: UInt32, _ continuation: Continuation) -> Bool {
        self.state.withLock { state in
            guard !state.closed else { return false }
            state.waiting[requestID] = continuation
            return true
        }
    }

    func take(_ requestID: UInt32) -> Continuation? {
        self.state.withLock { $0.waiting.removeValue(forKey: requestID) }
    }

    /// Marks the connection closed and hands back everyone still waiting.
    func close() -> [Continuation] {
        self.state.withLock { state in
            state.closed = true
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
    }
}

/// One client connection: many calls in flight, told apart by request id.
final class ClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ClientConnectionHandler>
    private let pending: PendingCalls
    private let nextRequestID = Atomic<UInt32>(0)
    private let allocator: ByteBufferAllocator

    init(channel: any Channel, handler: NIOLoopBound<ClientConnectionHandler>, pending: PendingCalls) {
        self.channel = channel
        self.handler = handler
        self.pending = pending
        self.allocator = channel.allocator
    }

    /// Sends one request and waits for its answer, the deadline, the connection's end, or the
    /// calling task's cancellation (which sends a cancel frame).
    func call(
        methodID: UInt32,
        request: [UInt8],
        metadata: Metadata,
        timeout: Duration
    ) async -> ClientCallOutcome {
        let requestID = self.nextRequestID.wrappingAdd(1, ordering: .relaxed).newValue
        let micros = max(Self.microseconds(timeout), 1)
        // Encoded on the calling thread: the event loop only writes.
        var frame = self.allocator.buffer(capacity: RPCFrameFormat.headerBytes + 16 + request.count)
        RPCFrameEncoder.writeRequest(
            into: &frame,
            requestID: requestID,
            methodID: methodID,
            deadlineMicroseconds: UInt64(micros),
            metadata: metadata,
            message: request
        )
        let handler = self.handler
        let eventLoop = self.channel.eventLoop
        let request = frame
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: PendingCalls.Continuation) in
                guard self.pending.register(requestID, continuation) else {
                    continuation.resume(returning: .notSent)
                    return
                }
                eventLoop.execute {
                    handler.value.send(requestID, frame: request, timeoutMicroseconds: micros)
                }
            }
        } onCancel: {
            guard let continuation = self.pending.take(requestID) else { return }
            continuation.resume(returning: .failure(RPCError(code: .cancelled, message: "the call was cancelled")))
            eventLoop.execute {
                handler.value.cancelled(requestID)
            }
        }
    }

    var isActive: Bool { self.channel.isActive }

    func close() async {
        try? await self.channel.close()
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let capped = min(seconds, Int64(RPCFrameFormat.deadlineMicrosecondsMax / 1_000_000))
        return capped * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
