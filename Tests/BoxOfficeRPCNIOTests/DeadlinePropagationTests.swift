import BoxOfficeRPC
import BoxOfficeRPCNIO
import Synchronization
import Testing

/// What the two servers of a chain saw: deadlines, trace ids, how the downstream call ended.
private final class ChainRecorder: Sendable {
    struct Downstream: Sendable {
        var outcome: Result<String, RPCError>
        var startedAt: ContinuousClock.Instant
        var endedAt: ContinuousClock.Instant
    }

    let upstreamDeadline = Mutex<ContinuousClock.Instant?>(nil)
    let downstreamDeadline = Mutex<ContinuousClock.Instant?>(nil)
    let downstreamTraceID = Mutex<String?>(nil)
    let stallCalls = Atomic<Int>(0)
    let downstreamEnded: AsyncStream<Downstream>
    private let downstreamEndedContinuation: AsyncStream<Downstream>.Continuation

    init() {
        (self.downstreamEnded, self.downstreamEndedContinuation) = AsyncStream.makeStream()
    }

    func ended(_ downstream: Downstream) {
        self.downstreamEndedContinuation.yield(downstream)
    }
}

/// Server A's handler calls server B through a TCP client, as a service calling another does.
@Suite("Deadline propagation over TCP")
struct DeadlinePropagationTests {
    /// A's method: calls B's method named by the request.
    static let forward = TestMethods.method("Forward")
    /// B's method that notes its deadline and trace id.
    static let report = TestMethods.method("Report")
    /// B's method that takes far longer than any caller waits.
    static let stall = TestMethods.method("Stall")
    /// B's client timeout: far beyond A's deadlines, so that only propagation can explain B's.
    static let downstreamTimeout = Duration.seconds(30)
    /// How long B's stalling handler sleeps, unless cancelled.
    static let stallDuration = Duration.seconds(20)
    /// Scheduling slack allowed on the loaded test machine.
    static let slack = Duration.seconds(1)

    private static func routerB(_ recorder: ChainRecorder) -> RPCRouter {
        var router = RPCRouter()
        router.register(Self.report) { (_: RawMessage, context) -> RawMessage in
            recorder.downstreamDeadline.withLock { $0 = context.deadline }
            recorder.downstreamTraceID.withLock { $0 = context.metadata.traceID }
            return RawMessage("reported")
        }
        router.register(Self.stall) { (_: RawMessage, _) -> RawMessage in
            recorder.stallCalls.add(1, ordering: .relaxed)
            try await Task.sleep(for: Self.stallDuration)
            return RawMessage("stalled")
        }
        return router
    }

    private static func routerA(_ recorder: ChainRecorder, downstream: RPCClient) -> RPCRouter {
        var router = RPCRouter()
        router.register(Self.forward) { (request: RawMessage, context) -> RawMessage in
            recorder.upstreamDeadline.withLock { $0 = context.deadline }
            let method = request.text == "stall" ? Self.stall : Self.report
            // An unstructured task inherits the task-locals but not A's cancellation at its
            // deadline: what ends the downstream call is then its own deadline alone.
            let ended = await Task {
                let startedAt = ContinuousClock.now
                let outcome = await downstream.call(method, "", options: CallOptions(timeout: Self.downstreamTimeout))
                return ChainRecorder.Downstream(outcome: outcome, startedAt: startedAt, endedAt: ContinuousClock.now)
            }.value
            recorder.ended(ended)
            return RawMessage(try ended.outcome.get())
        }
        return router
    }

    /// Runs servers A and B, with A's handler calling B over TCP; `body` gets a client of A.
    private static func withChain(
        _ recorder: ChainRecorder,
        _ body: @Sendable (RPCClient, RPCClient) async throws -> Void
    ) async throws {
        try await TestServers.withServer(router: Self.routerB(recorder)) { _, _, portB in
            let transportB = TestServers.client(port: portB)
            let clientB = RPCClient(transport: transportB, interceptors: [RPCTraceInterceptor()])
            try await TestServers.withServer(router: Self.routerA(recorder, downstream: clientB)) { _, _, portA in
                let transportA = TestServers.client(port: portA)
                try await body(RPCClient(transport: transportA), clientB)
                await transportA.shutdown()
            }
            await transportB.shutdown()
        }
    }

    @Test("B's handler gets A's deadline (not its client's 30 s) and A's trace id")
    func deadlineReachesDownstream() async throws {
        let recorder = ChainRecorder()
        try await Self.withChain(recorder) { clientA, _ in
            let result = await clientA.call(
                Self.forward,
                "report",
                options: CallOptions(timeout: .seconds(3), metadata: Metadata(traceID: "trace-ab"))
            )
            #expect(result == .success("reported"))
        }
        let upstream = try #require(recorder.upstreamDeadline.withLock { $0 })
        let downstream = try #require(recorder.downstreamDeadline.withLock { $0 })
        let call = try #require(await TestWait.next(recorder.downstreamEnded), "A's handler did not run")
        // Deadlines travel as time left, measured when sent: B's is A's plus the request's time
        // between A's client and B's server, so at most A's plus the downstream call's duration
        // (without propagation it would be about 27 s later).
        #expect(downstream <= upstream + (call.endedAt - call.startedAt))
        #expect(downstream > upstream - Self.slack)
        #expect(recorder.downstreamTraceID.withLock { $0 } == "trace-ab")
    }

    @Test("a slow B makes A's downstream call fail DEADLINE_EXCEEDED at A's deadline")
    func slowDownstream() async throws {
        let recorder = ChainRecorder()
        let timeout = Duration.seconds(1)
        try await Self.withChain(recorder) { clientA, _ in
            // Connections to A and B first, so that a loaded machine's connect time does not eat
            // into the deadline under test.
            let warmUp = await clientA.call(Self.forward, "report", options: CallOptions(timeout: .seconds(10)))
            try #require(warmUp == .success("reported"))
            _ = try #require(await TestWait.next(recorder.downstreamEnded))
            let start = ContinuousClock.now
            let result = await clientA.call(Self.forward, "stall", options: CallOptions(timeout: timeout))
            #expect(result.code == .deadlineExceeded)
            #expect(ContinuousClock.now - start < timeout + Self.slack)
            let ended = try #require(await TestWait.next(recorder.downstreamEnded), "A's handler did not run")
            #expect(ended.outcome.code == .deadlineExceeded)
            let upstream = try #require(recorder.upstreamDeadline.withLock { $0 })
            #expect(ended.endedAt < upstream + Self.slack)
        }
        #expect(recorder.stallCalls.load(ordering: .relaxed) == 1)
    }

    @Test("a call made when the served deadline has passed fails DEADLINE_EXCEEDED without being sent")
    func passedDeadlineNotSent() async throws {
        let recorder = ChainRecorder()
        try await Self.withChain(recorder) { _, clientB in
            let result = await RPCDeadline.$current.withValue(ContinuousClock.now - .milliseconds(1)) {
                await clientB.call(Self.stall, "", options: CallOptions(timeout: Self.downstreamTimeout))
            }
            #expect(result.code == .deadlineExceeded)
            // The server is reachable: the same call without the passed deadline gets there.
            let reached = await clientB.call(Self.report, "", options: CallOptions(timeout: .seconds(5)))
            #expect(reached == .success("reported"))
        }
        #expect(recorder.stallCalls.load(ordering: .relaxed) == 0)
    }
}
