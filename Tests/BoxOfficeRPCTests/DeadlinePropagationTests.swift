import BoxOfficeRPC
import BoxOfficeRPCInProcess
import Synchronization
import Testing

/// A served call's deadline caps the calls its handler makes, through the in-process transport.
@Suite("Deadline propagation (in process)")
struct InProcessDeadlinePropagationTests {
    static let forward = InProcessTransportTests.method("Forward")
    static let report = InProcessTransportTests.method("Report")
    /// The downstream client's timeout: far beyond the upstream deadlines of these tests.
    static let downstreamTimeout = Duration.seconds(60)

    /// Deadlines seen by the upstream and the downstream handler, and downstream invocations.
    final class Seen: Sendable {
        let upstream = Mutex<ContinuousClock.Instant?>(nil)
        let downstream = Mutex<ContinuousClock.Instant?>(nil)
        let downstreamCaller = Mutex<String?>(nil)
        let downstreamCalls = Atomic<Int>(0)
    }

    /// A client of an upstream router whose handler calls a downstream router: with
    /// `downstreamOptions` when the request says "forward-options", after sleeping past its own
    /// deadline (ignoring cancellation) when it says "late", else with a plain 60 s timeout.
    static func chain(_ seen: Seen, late: AsyncStream<RPCError.Code?>.Continuation? = nil) -> RPCClient {
        var downstreamRouter = RPCRouter()
        downstreamRouter.register(Self.report) { (_: Text, context) -> Text in
            seen.downstreamCalls.add(1, ordering: .relaxed)
            seen.downstream.withLock { $0 = context.deadline }
            seen.downstreamCaller.withLock { $0 = context.metadata.caller }
            return Text("reported")
        }
        let downstream = RPCClient(transport: InProcessTransport(router: downstreamRouter))
        var router = RPCRouter()
        router.register(Self.forward) { (request: Text, context) -> Text in
            seen.upstream.withLock { $0 = context.deadline }
            switch request.value {
            case "forward-options":
                return try await downstream.unary(Self.report, Text(""), options: context.downstreamOptions)
            case "late":
                // Not cancelled with the handler, but still inside the served call's task-locals.
                Task {
                    let remaining = (context.deadline ?? ContinuousClock.now) - ContinuousClock.now
                    try? await Task.sleep(for: remaining + .milliseconds(50))
                    do throws(RPCError) {
                        let _: Text = try await downstream.unary(
                            Self.report,
                            Text(""),
                            options: CallOptions(timeout: Self.downstreamTimeout)
                        )
                        late?.yield(nil)
                    } catch {
                        late?.yield(error.code)
                    }
                }
                try await Task.sleep(for: .seconds(60))
                return Text("unreachable")
            default:
                return try await downstream.unary(
                    Self.report,
                    Text(""),
                    options: CallOptions(timeout: Self.downstreamTimeout)
                )
            }
        }
        return RPCClient(transport: InProcessTransport(router: router))
    }

    @Test("the downstream handler's deadline is the upstream's, not its client's 60 s")
    func inherited() async throws {
        let seen = Seen()
        let response: Text = try await Self.chain(seen).unary(
            Self.forward,
            Text("plain"),
            options: CallOptions(timeout: .seconds(2))
        )
        #expect(response == Text("reported"))
        let upstream = try #require(seen.upstream.withLock { $0 })
        #expect(seen.downstream.withLock { $0 } == upstream)
    }

    @Test("a downstream timeout shorter than the time left is kept")
    func shorterOwnTimeout() async throws {
        var router = RPCRouter()
        let downstream = Mutex<ContinuousClock.Instant?>(nil)
        router.register(Self.report) { (_: Text, context) -> Text in
            downstream.withLock { $0 = context.deadline }
            return Text("reported")
        }
        let client = RPCClient(transport: InProcessTransport(router: router))
        let served = ContinuousClock.now + .seconds(60)
        let start = ContinuousClock.now
        let _: Text = try await RPCDeadline.$current.withValue(served) {
            try await client.unary(Self.report, Text(""), options: CallOptions(timeout: .seconds(1)))
        }
        let deadline = try #require(downstream.withLock { $0 })
        #expect(deadline >= start + .seconds(1))
        #expect(deadline < served - .seconds(50))
    }

    @Test("downstreamOptions still forwards the metadata and the time left")
    func downstreamOptions() async throws {
        let seen = Seen()
        let response: Text = try await Self.chain(seen).unary(
            Self.forward,
            Text("forward-options"),
            options: CallOptions(timeout: .seconds(2), metadata: Metadata(caller: "user:7"))
        )
        #expect(response == Text("reported"))
        let upstream = try #require(seen.upstream.withLock { $0 })
        let downstream = try #require(seen.downstream.withLock { $0 })
        #expect(downstream <= upstream)
        #expect(downstream > upstream - .seconds(1))
        #expect(seen.downstreamCaller.withLock { $0 } == "user:7")
    }

    @Test("a call made after the served deadline fails DEADLINE_EXCEEDED and never reaches its handler")
    func passedDeadline() async throws {
        let seen = Seen()
        let (late, continuation) = AsyncStream<RPCError.Code?>.makeStream()
        let client = Self.chain(seen, late: continuation)
        do throws(RPCError) {
            let _: Text = try await client.unary(
                Self.forward,
                Text("late"),
                options: CallOptions(timeout: .milliseconds(100))
            )
            Issue.record("the upstream call outlived its deadline")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        // The late call fails at once without being sent; were the rule broken, it would reach its handler.
        var iterator = late.makeAsyncIterator()
        let code = try #require(await iterator.next())
        #expect(code == .deadlineExceeded)
        #expect(seen.downstreamCalls.load(ordering: .relaxed) == 0)
    }
}
