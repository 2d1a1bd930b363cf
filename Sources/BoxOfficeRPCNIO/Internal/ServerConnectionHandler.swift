import BoxOfficeRPC
import Logging
import NIOCore
import Synchronization

/// One server connection: cuts frames, feeds them to a ``ServerConnectionStateMachine``, and
/// carries out its actions — start a handler task, answer, cancel, close.
///
/// All state lives on the channel's event loop. Handlers run as Swift tasks on the global
/// executor by default, so a slow handler never stalls the loop, or preferring the loop (see
/// ``RPCServerConfiguration/handlersRunOnEventLoop``); their answers come back with one
/// `execute` (none when already on the loop), and flushes are coalesced by a ``FlushStateMachine``.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What stops one running handler.
    struct Call {
        var task: Task<Void, Never>
        var timer: Scheduled<Void>?

        func cancel() {
            self.timer?.cancel()
            self.task.cancel()
        }
    }

    private let shared: ServerShared
    private var processor: NIOSingleStepByteToMessageProcessor<RPCFrameDecoder>
    private var state: ServerConnectionStateMachine<Call>
    private var flush = FlushStateMachine()
    private var context: ChannelHandlerContext?
    /// The connection's event loop as the handlers' preferred executor; nil runs them on the
    /// global executor (``RPCServerConfiguration/handlersRunOnEventLoop``).
    private var handlerExecutor: EventLoopExecutor?

    init(shared: ServerShared) {
        self.shared = shared
        self.processor = NIOSingleStepByteToMessageProcessor(
            RPCFrameDecoder(payloadBytesMax: shared.configuration.payloadBytesMax)
        )
        self.state = ServerConnectionStateMachine(
            callsRunningMax: shared.configuration.callsPerConnectionMax,
            payloadBytesMax: shared.configuration.payloadBytesMax,
            draining: shared.draining.load(ordering: .sequentiallyConsistent)
        )
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if self.shared.configuration.handlersRunOnEventLoop {
            self.handlerExecutor = EventLoopExecutor(context.eventLoop)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// A graceful shutdown started: new calls on this connection are refused from now on.
    func startDrain() {
        self.state.drainStarted()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for call in self.state.channelClosed() { call.cancel() }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.state.state != .closed else { return }
        self.flush.readStarted()
        do {
            try self.processor.process(buffer: self.unwrapInboundIn(data)) { frame in
                self.handle(frame, context: context)
            }
        } catch {
            // A malformed frame: the stream cannot be followed any more.
            self.shared.logger.debug("closing an RPC connection", metadata: ["reason": "\(error)"])
            self.execute(self.state.malformedFrameReceived(), context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.flush.readCompleted() { context.flush() }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.shared.logger.debug("RPC connection error", metadata: ["error": "\(error)"])
        self.execute(self.state.malformedFrameReceived(), context: context)
    }

    private func handle(_ frame: RPCFrame, context: ChannelHandlerContext) {
        switch frame {
        case .request(let request):
            self.received(request, context: context)
        case .cancel(let requestID):
            if case .cancel(let call, _) = self.state.cancelReceived(requestID) { call.cancel() }
        case .response:
            self.shared.logger.debug("closing an RPC connection", metadata: ["reason": "response frame from a client"])
            self.execute(self.state.responseReceived(), context: context)
        case .oversized(let requestID, let type):
            self.execute(
                self.state.oversizedFrameReceived(requestID: requestID, isRequest: type == .request),
                context: context
            )
        }
    }

    private func execute(_ action: ServerConnectionStateMachine<Call>.ViolationAction, context: ChannelHandlerContext) {
        switch action {
        case .refuseAndClose(let requestID, let error):
            self.answer(requestID, error, context: context)
            self.close(context: context)
        case .close:
            self.close(context: context)
        case .ignore:
            break
        }
    }

    private func received(_ request: RPCFrame.Request, context: ChannelHandlerContext) {
        let route = self.shared.router.handlers[request.methodID]
        switch self.state.requestReceived(
            requestID: request.requestID,
            methodID: request.methodID,
            methodKnown: route != nil
        ) {
        case .start:
            self.start(request, route: route!, context: context)
        case .refuse(let error):
            self.answer(request.requestID, error, context: context)
        case .close(let reason):
            self.shared.logger.debug("closing an RPC connection", metadata: ["reason": "\(reason)"])
            self.close(context: context)
        case .ignore:
            break
        }
    }

    private func start(
        _ request: RPCFrame.Request,
        route: (method: MethodDescriptor, handler: RPCRouter.Handler),
        context: ChannelHandlerContext
    ) {
        let requestID = request.requestID
        self.shared.inFlight.add(1, ordering: .sequentiallyConsistent)
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
        let shared = self.shared
        let task = Task(executorPreference: self.handlerExecutor) {
            let outcome: Result<[UInt8], RPCError>
            // The router's handlers take a pointer that must outlive the await: one copy of the
            // request bytes, freed when the handler returns.
            let length = message.readableBytes
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(length, 1), alignment: 16)
            message.withUnsafeReadableBytes { bytes.copyMemory(from: $0) }
            do throws(RPCError) {
                outcome = .success(
                    try await RPCRouter.serve(
                        handler,
                        UnsafeRawBufferPointer(rebasing: bytes[0..<length]),
                        serverContext
                    )
                )
            } catch {
                outcome = .failure(error)
            }
            bytes.deallocate()
            if case .failure(let error) = outcome {
                shared.logIfUnexpected(error, requestID: requestID, context: serverContext)
            }
            var frame: ByteBuffer
            switch outcome {
            case .success(let response):
                frame = allocator.buffer(capacity: RPCFrameFormat.headerBytes + 5 + response.count)
                RPCFrameEncoder.writeResponse(into: &frame, requestID: requestID, status: nil, message: response)
            case .failure(let error):
                // Only code, message and details are encoded: the underlying error stays here.
                frame = allocator.buffer(capacity: 64)
                RPCFrameEncoder.writeResponse(into: &frame, requestID: requestID, status: error, message: [])
            }
            let answer = frame
            // A handler on its connection's loop (handlersRunOnEventLoop) answers at once.
            if eventLoop.inEventLoop {
                bound.value.finished(requestID, frame: answer)
            } else {
                eventLoop.execute {
                    bound.value.finished(requestID, frame: answer)
                }
            }
        }
        self.state.callStarted(requestID, call: Call(task: task, timer: timer))
    }

    private func finished(_ requestID: UInt32, frame: ByteBuffer) {
        self.shared.inFlight.subtract(1, ordering: .sequentiallyConsistent)
        guard case .answer(let call) = self.state.handlerFinished(requestID), let context = self.context else {
            return  // cancelled, timed out, or the connection is gone
        }
        call.timer?.cancel()
        self.write(frame, context: context)
    }

    private func deadlinePassed(_ requestID: UInt32) {
        guard case .cancel(let call, let answer) = self.state.deadlinePassed(requestID) else { return }
        call.task.cancel()
        if let answer, let context = self.context { self.answer(requestID, answer, context: context) }
    }

    private func answer(_ requestID: UInt32, _ error: RPCError, context: ChannelHandlerContext) {
        var frame = context.channel.allocator.buffer(capacity: 64)
        RPCFrameEncoder.writeResponse(into: &frame, requestID: requestID, status: error, message: [])
        self.write(frame, context: context)
    }

    private func close(context: ChannelHandlerContext) {
        if self.flush.closing() { context.flush() }
        context.close(promise: nil)
    }

    private func write(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        context.write(self.wrapOutboundOut(frame), promise: nil)
        guard self.flush.wrote() == .scheduleFlush else { return }
        // Answers that complete together share one flush: it runs after the tasks already queued.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = bound.value
            handler.flush.scheduledFlushRan()
            handler.context?.flush()
        }
    }
}
