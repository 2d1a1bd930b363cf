import BoxOfficeRPC
import NIOCore
import Synchronization

/// The event-loop side of a ``ClientConnection``: feeds writes, answers, deadlines and the close
/// to the connection's ``ClientConnectionStateMachine`` and carries out its actions — write,
/// resume a caller, arm or cancel a timer, send a cancel frame, close.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias Machine = ClientCallTable.Machine

    private let calls: ClientCallTable
    private var processor: NIOSingleStepByteToMessageProcessor<RPCFrameDecoder>
    /// Deadline timers of the calls whose request was written; loop-confined.
    private var timers: [UInt32: Scheduled<Void>] = [:]
    private var flush = FlushStateMachine()
    private var context: ChannelHandlerContext?

    init(calls: ClientCallTable, payloadBytesMax: Int) {
        self.calls = calls
        self.processor = NIOSingleStepByteToMessageProcessor(RPCFrameDecoder(payloadBytesMax: payloadBytesMax))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes a registered request and arms its deadline, unless the caller already gave up or
    /// the connection is closing (then the caller may retry elsewhere).
    func send(_ requestID: UInt32, frame: ByteBuffer, timeoutMicroseconds: Int64) {
        let context = self.context
        let writable = context?.channel.isActive ?? false
        switch self.calls.machine.withLock({ $0.writeRequested(requestID, channelWritable: writable) }) {
        case .write:
            guard let context else { return }  // writable implies a context
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            self.timers[requestID] = context.eventLoop.scheduleTask(in: .microseconds(timeoutMicroseconds)) {
                bound.value.deadlinePassed(requestID)
            }
            self.write(frame, context: context)
        case .resume(let waiter, let outcome):
            waiter.resume(returning: outcome)
        case .none:
            break
        }
    }

    /// The caller was cancelled (and already resumed): stop its timer, and tell the server.
    func cancelled(_ requestID: UInt32, sendCancel: Bool) {
        self.timers.removeValue(forKey: requestID)?.cancel()
        if sendCancel { self.sendCancel(requestID) }
    }

    private func deadlinePassed(_ requestID: UInt32) {
        self.timers.removeValue(forKey: requestID)
        self.execute(self.calls.machine.withLock { $0.deadlinePassed(requestID) }, requestID: requestID)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.flush.readStarted()
        do {
            try self.processor.process(buffer: self.unwrapInboundIn(data)) { frame in
                self.handle(frame)
            }
        } catch {
            self.execute(self.calls.machine.withLock { $0.protocolViolated() }, requestID: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.flush.readCompleted() { context.flush() }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for (_, timer) in self.timers { timer.cancel() }
        self.timers.removeAll()
        for (waiter, outcome) in self.calls.machine.withLock({ $0.channelClosed() }) {
            waiter.resume(returning: outcome)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.execute(self.calls.machine.withLock { $0.protocolViolated() }, requestID: nil)
    }

    private func handle(_ frame: RPCFrame) {
        switch frame {
        case .response(let response):
            let outcome: ClientCallOutcome =
                if let status = response.status {
                    .failure(status)
                } else {
                    .response(Array(response.message.readableBytesView))
                }
            let requestID = response.requestID
            self.execute(self.calls.machine.withLock { $0.responseReceived(requestID, outcome) }, requestID: requestID)
        case .oversized(let requestID, _):
            self.execute(self.calls.machine.withLock { $0.oversizedResponseReceived(requestID) }, requestID: requestID)
        case .request, .cancel:
            // A server never sends these.
            self.execute(self.calls.machine.withLock { $0.protocolViolated() }, requestID: nil)
        }
    }

    private func execute(_ action: Machine.CallAction, requestID: UInt32?) {
        switch action {
        case .resume(let waiter, let outcome, let cancelTimer, let sendCancel):
            if cancelTimer, let requestID { self.timers.removeValue(forKey: requestID)?.cancel() }
            waiter.resume(returning: outcome)
            if sendCancel, let requestID { self.sendCancel(requestID) }
        case .resumeAndClose(let waiter, let outcome):
            if let requestID { self.timers.removeValue(forKey: requestID)?.cancel() }
            waiter.resume(returning: outcome)
            self.context?.close(promise: nil)
        case .close:
            self.context?.close(promise: nil)
        case .none:
            break
        }
    }

    private func sendCancel(_ requestID: UInt32) {
        guard let context = self.context, context.channel.isActive else { return }
        var frame = context.channel.allocator.buffer(capacity: RPCFrameFormat.headerBytes)
        RPCFrameEncoder.writeCancel(into: &frame, requestID: requestID)
        self.write(frame, context: context)
    }

    private func write(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        context.write(self.wrapOutboundOut(frame), promise: nil)
        guard self.flush.wrote() == .scheduleFlush else { return }
        // Requests sent together share one flush: it runs after the sends already queued.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = bound.value
            handler.flush.scheduledFlushRan()
            handler.context?.flush()
        }
    }
}
