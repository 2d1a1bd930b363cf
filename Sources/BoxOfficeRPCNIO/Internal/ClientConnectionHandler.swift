import BoxOfficeRPC
import NIOCore

/// The event-loop side of a ``ClientConnection``: writes requests with coalesced flushes, reads
/// answers and resumes their callers directly from the loop, and runs the deadline timers.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let pending: PendingCalls
    private var processor: NIOSingleStepByteToMessageProcessor<RPCFrameDecoder>
    private var timers: [UInt32: Scheduled<Void>] = [:]
    private var context: ChannelHandlerContext?
    private var reading = false
    private var flushPending = false
    private var flushScheduled = false

    init(pending: PendingCalls, payloadBytesMax: Int) {
        self.pending = pending
        self.processor = NIOSingleStepByteToMessageProcessor(RPCFrameDecoder(payloadBytesMax: payloadBytesMax))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes a registered request and arms its deadline.
    func send(_ requestID: UInt32, frame: ByteBuffer, timeoutMicroseconds: Int64) {
        guard let context = self.context, context.channel.isActive else {
            // Never written: the caller may retry on another connection.
            self.pending.take(requestID)?.resume(returning: .notSent)
            return
        }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.timers[requestID] = context.eventLoop.scheduleTask(in: .microseconds(timeoutMicroseconds)) {
            bound.value.deadlinePassed(requestID)
        }
        self.write(frame, context: context)
    }

    /// The caller was cancelled (and already resumed): tell the server.
    func cancelled(_ requestID: UInt32) {
        self.timers.removeValue(forKey: requestID)?.cancel()
        self.sendCancel(requestID)
    }

    private func deadlinePassed(_ requestID: UInt32) {
        self.timers.removeValue(forKey: requestID)
        guard let continuation = self.pending.take(requestID) else { return }
        continuation.resume(returning: .failure(RPCError(code: .deadlineExceeded, message: "deadline exceeded")))
        self.sendCancel(requestID)
    }

    private func sendCancel(_ requestID: UInt32) {
        guard let context = self.context, context.channel.isActive else { return }
        var frame = context.channel.allocator.buffer(capacity: RPCFrameFormat.headerBytes)
        RPCFrameEncoder.writeCancel(into: &frame, requestID: requestID)
        self.write(frame, context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.reading = true
        do {
            try self.processor.process(buffer: self.unwrapInboundIn(data)) { frame in
                self.handle(frame, context: context)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.reading = false
        if self.flushPending {
            self.flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for (_, timer) in self.timers { timer.cancel() }
        self.timers.removeAll()
        let error = RPCError(code: .unavailable, message: "the connection closed")
        for continuation in self.pending.close() {
            continuation.resume(returning: .failure(error))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func handle(_ frame: RPCFrame, context: ChannelHandlerContext) {
        switch frame {
        case .response(let response):
            self.timers.removeValue(forKey: response.requestID)?.cancel()
            guard let continuation = self.pending.take(response.requestID) else { return }  // given up on
            if let status = response.status {
                continuation.resume(returning: .failure(status))
            } else {
                continuation.resume(returning: .response(Array(response.message.readableBytesView)))
            }
        case .oversized(let requestID, _):
            self.timers.removeValue(forKey: requestID)?.cancel()
            self.pending.take(requestID)?.resume(
                returning: .failure(RPCError(code: .resourceExhausted, message: "response over the size limit"))
            )
            context.close(promise: nil)
        case .request, .cancel:
            // A server never sends these.
            context.close(promise: nil)
        }
    }

    private func write(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        context.write(self.wrapOutboundOut(frame), promise: nil)
        if self.reading {
            self.flushPending = true
        } else if !self.flushScheduled {
            // Requests sent together share one flush: it runs after the sends already queued.
            self.flushScheduled = true
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let handler = bound.value
                handler.flushScheduled = false
                handler.context?.flush()
            }
        }
    }
}
