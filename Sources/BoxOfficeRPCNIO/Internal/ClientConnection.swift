import BoxOfficeRPC
import NIOCore
import Synchronization

/// How one call on a connection ended.
enum ClientCallOutcome: Sendable, Equatable {
    case response([UInt8])
    case failure(RPCError)
    /// The request was never handed to the socket: safe to retry elsewhere.
    case notSent
}

/// A connection's ``ClientConnectionStateMachine`` behind a lock, shared by the calling tasks
/// (start, cancel) and the event loop (write, answer, deadline, close).
final class ClientCallTable: Sendable {
    typealias Continuation = UnsafeContinuation<ClientCallOutcome, Never>
    typealias Machine = ClientConnectionStateMachine<Continuation>

    /// The state machine; actions are carried out after `withLock` returns, outside the lock.
    let machine = Mutex(Machine())
}

/// One client connection: many calls in flight, told apart by request id.
final class ClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ClientConnectionHandler>
    private let calls: ClientCallTable
    private let allocator: ByteBufferAllocator

    init(channel: any Channel, handler: NIOLoopBound<ClientConnectionHandler>, calls: ClientCallTable) {
        self.channel = channel
        self.handler = handler
        self.calls = calls
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
        let requestID = self.calls.machine.withLock { $0.nextRequestID() }
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
            await withUnsafeContinuation { (continuation: ClientCallTable.Continuation) in
                switch self.calls.machine.withLock({ $0.callStarted(requestID, continuation) }) {
                case .resume(let waiter, let outcome):
                    waiter.resume(returning: outcome)
                case .write:
                    // A caller already on the connection's loop (the gateway's requests) sends at
                    // once; the flush is still coalesced with the other sends of this turn.
                    if eventLoop.inEventLoop {
                        handler.value.send(requestID, frame: request, timeoutMicroseconds: micros)
                    } else {
                        eventLoop.execute {
                            handler.value.send(requestID, frame: request, timeoutMicroseconds: micros)
                        }
                    }
                    // A cancellation that came before the registration found nothing to cancel.
                    if Task.isCancelled { self.cancel(requestID) }
                }
            }
        } onCancel: {
            self.cancel(requestID)
        }
    }

    /// The calling task was cancelled: the caller is resumed at once, the loop tells the server.
    private func cancel(_ requestID: UInt32) {
        let action = self.calls.machine.withLock { $0.callCancelled(requestID) }
        guard case .resume(let waiter, let outcome, let cancelTimer, let sendCancel) = action else { return }
        waiter.resume(returning: outcome)
        guard cancelTimer || sendCancel else { return }
        let handler = self.handler
        self.channel.eventLoop.execute {
            handler.value.cancelled(requestID, sendCancel: sendCancel)
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
