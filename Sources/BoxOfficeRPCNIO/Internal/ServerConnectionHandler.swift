import BoxOfficeRPC
import Logging
import NIOCore
import Synchronization

/// One server connection: cuts frames, starts a task per call, answers from the event loop.
///
/// All state lives on the channel's event loop. Handlers run as Swift tasks on the global
/// executor, so a slow handler never stalls the loop; their answers come back with one
/// `execute`, and flushes are coalesced (one per read burst or per batch of answers).
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Call {
        var task: Task<Void, Never>
        var timer: Scheduled<Void>?
    }

    private let shared: ServerShared
    private var processor: NIOSingleStepByteToMessageProcessor<RPCFrameDecoder>
    /// Calls still owed an answer.
    private var calls: [UInt32: Call] = [:]
    /// Handler tasks still running, answered or not; what the concurrency limit counts.
    private var running = 0
    private var context: ChannelHandlerContext?
    private var reading = false
    private var flushPending = false
    private var flushScheduled = false
    private var closing = false

    init(shared: ServerShared) {
        self.shared = shared
        self.processor = NIOSingleStepByteToMessageProcessor(
            RPCFrameDecoder(payloadBytesMax: shared.configuration.payloadBytesMax)
        )
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closing = true
        for (_, call) in self.calls {
            call.timer?.cancel()
            call.task.cancel()
        }
        self.calls.removeAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.closing else { return }
        self.reading = true
        do {
            try self.processor.process(buffer: self.unwrapInboundIn(data)) { frame in
                self.handle(frame, context: context)
            }
        } catch {
            // A malformed frame: the stream cannot be followed any more.
            self.shared.logger.debug("closing an RPC connection", metadata: ["reason": "\(error)"])
            self.close(context: context)
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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.shared.logger.debug("RPC connection error", metadata: ["error": "\(error)"])
        self.close(context: context)
    }

    private func close(context: ChannelHandlerContext) {
        guard !self.closing else { return }
        self.closing = true
        if self.flushPending {
            self.flushPending = false
            context.flush()
        }
        context.close(promise: nil)
    }

    private func handle(_ frame: RPCFrame, context: ChannelHandlerContext) {
        guard !self.closing else { return }
        switch frame {
        case .request(let request):
            self.start(request, context: context)
        case .cancel(let requestID):
            if let call = self.calls.removeValue(forKey: requestID) {
                call.timer?.cancel()
                call.task.cancel()
            }
        case .response:
            self.shared.logger.debug("closing an RPC connection", metadata: ["reason": "response frame from a client"])
            self.close(context: context)
        case .oversized(let requestID, let type):
            if type == .request {
                self.answer(
                    requestID,
                    RPCError(
                        code: .resourceExhausted,
                        message: "frame over \(self.shared.configuration.payloadBytesMax) bytes"
                    ),
                    context: context
                )
            }
            self.close(context: context)
        }
    }

    private func start(_ request: RPCFrame.Request, context: ChannelHandlerContext) {
        let requestID = request.requestID
        guard self.calls[requestID] == nil else {
            self.shared.logger.debug("closing an RPC connection", metadata: ["reason": "request id in use"])
            self.close(context: context)
            return
        }
        guard let route = self.shared.router.handlers[request.methodID] else {
            self.answer(
                requestID,
                RPCError(code: .unimplemented, message: "unknown method id \(request.methodID)"),
                context: context
            )
            return
        }
        guard self.running < self.shared.configuration.callsPerConnectionMax else {
            self.answer(
                requestID,
                RPCError(code: .resourceExhausted, message: "too many concurrent calls"),
                context: context
            )
            return
        }
        // Counted before the drain flag is read, so that a drain that has set the flag and then
        // sees zero in flight cannot miss this call.
        self.shared.inFlight.add(1, ordering: .sequentiallyConsistent)
        if self.shared.draining.load(ordering: .sequentiallyConsistent) {
            self.shared.inFlight.subtract(1, ordering: .sequentiallyConsistent)
            self.answer(
                requestID,
                RPCError(code: .unavailable, message: "the server is shutting down"),
                context: context
            )
            return
        }
        self.running += 1

        var deadline: ContinuousClock.Instant?
        var timer: Scheduled<Void>?
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        if request.deadlineMicroseconds > 0 {
            // Clamped so that absurd values cannot overflow the clock arithmetic.
            let micros = Int64(min(request.deadlineMicroseconds, RPCFrameFormat.deadlineMicrosecondsMax))
            deadline = ContinuousClock.now.advanced(by: .microseconds(micros))
            timer = eventLoop.scheduleTask(in: .microseconds(micros)) {
                bound.value.deadlinePassed(requestID)
            }
        }
        let serverContext = ServerContext(method: route.method, metadata: request.metadata, deadline: deadline)
        let handler = route.handler
        let message = request.message
        let allocator = context.channel.allocator
        let task = Task {
            let outcome: Result<[UInt8], RPCError>
            // The router's handlers take a pointer that must outlive the await: one copy of the
            // request bytes, freed when the handler returns.
            let length = message.readableBytes
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(length, 1), alignment: 16)
            message.withUnsafeReadableBytes { bytes.copyMemory(from: $0) }
            do throws(RPCError) {
                outcome = .success(
                    try await handler(UnsafeRawBufferPointer(rebasing: bytes[0..<length]), serverContext)
                )
            } catch {
                outcome = .failure(error)
            }
            bytes.deallocate()
            var frame: ByteBuffer
            switch outcome {
            case .success(let response):
                frame = allocator.buffer(capacity: RPCFrameFormat.headerBytes + 5 + response.count)
                RPCFrameEncoder.writeResponse(into: &frame, requestID: requestID, status: nil, message: response)
            case .failure(let error):
                frame = allocator.buffer(capacity: 64)
                RPCFrameEncoder.writeResponse(into: &frame, requestID: requestID, status: error, message: [])
            }
            let answer = frame
            eventLoop.execute {
                bound.value.finished(requestID, frame: answer)
            }
        }
        self.calls[requestID] = Call(task: task, timer: timer)
    }

    private func finished(_ requestID: UInt32, frame: ByteBuffer) {
        self.running -= 1
        self.shared.inFlight.subtract(1, ordering: .sequentiallyConsistent)
        guard let call = self.calls.removeValue(forKey: requestID), let context = self.context, !self.closing else {
            return  // cancelled, timed out, or the connection is gone
        }
        call.timer?.cancel()
        self.write(frame, context: context)
    }

    private func deadlinePassed(_ requestID: UInt32) {
        guard let call = self.calls.removeValue(forKey: requestID), let context = self.context, !self.closing else {
            return
        }
        call.task.cancel()
        self.answer(requestID, RPCError(code: .deadlineExceeded, message: "deadline exceeded"), context: context)
    }

    private func answer(_ requestID: UInt32, _ error: RPCError, context: ChannelHandlerContext) {
        var frame = context.channel.allocator.buffer(capacity: 64)
        RPCFrameEncoder.writeResponse(into: &frame, requestID: requestID, status: error, message: [])
        self.write(frame, context: context)
    }

    private func write(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        context.write(self.wrapOutboundOut(frame), promise: nil)
        if self.reading {
            self.flushPending = true  // channelReadComplete flushes
        } else if !self.flushScheduled {
            // Answers that complete together share one flush: it runs after the tasks already queued.
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
