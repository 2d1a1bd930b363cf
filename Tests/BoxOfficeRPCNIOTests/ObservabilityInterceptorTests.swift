import BoxOfficeRPC
import BoxOfficeRPCNIO
import Logging
import Metrics
import MetricsTestKit
import Testing

/// The logging and metrics interceptors around a real server and client, as the processes wire them.
@Suite("Logging and metrics interceptors over TCP")
struct ObservabilityInterceptorTests {
    static let idempotencyKey = "idem-7f3a-secret"
    static let tenant = "tenant-secret-9"
    static let payload = "payload-secret-42"
    /// What must never appear in a log line: metadata values, payloads, the handler's private error.
    static let secrets = [Self.idempotencyKey, Self.tenant, Self.payload, "hunter2", "db.internal"]
    /// How long the slow handler takes; its timer must record at least this.
    static let slowDuration = Duration.milliseconds(100)

    static var options: CallOptions {
        CallOptions(
            timeout: .seconds(10),
            metadata: Metadata(
                traceID: "trace-obs",
                caller: "svc-test",
                idempotencyKey: Self.idempotencyKey,
                values: ["tenant": Self.tenant]
            )
        )
    }

    /// Serves the test methods wrapped in `server`; `body` gets a client wrapped in `client`.
    static func withIntercepted(
        server: [any ServerInterceptor],
        client: [any ClientInterceptor],
        _ body: @Sendable (RPCClient) async throws -> Void
    ) async throws {
        let router = TestServers.router(probe: HandlerProbe(slowDuration: Self.slowDuration)).intercepted(by: server)
        try await TestServers.withServer(router: router) { _, _, port in
            let transport = TestServers.client(port: port)
            try await body(RPCClient(transport: transport, interceptors: client))
            await transport.shutdown()
        }
    }

    /// One OK call, one the handler refuses, one that fails unexpectedly; in this order.
    static func makeCalls(_ client: RPCClient) async {
        #expect(await client.call(TestMethods.echo, Self.payload, options: Self.options) == .success(Self.payload))
        #expect(await client.call(TestMethods.fail, "status", options: Self.options).code == .invalidArgument)
        #expect(await client.call(TestMethods.fail, Self.payload, options: Self.options).code == .internalError)
    }

    @Test("one log line per call with method, status and duration, and no metadata values or payloads")
    func logging() async throws {
        let serverLog = LogCapture()
        let clientLog = LogCapture()
        try await Self.withIntercepted(
            server: [RPCLoggingInterceptor(logger: serverLog.logger(label: "server"))],
            client: [RPCLoggingInterceptor(logger: clientLog.logger(label: "client"))]
        ) { client in
            await Self.makeCalls(client)
        }
        let expected: [(method: MethodDescriptor, code: String, level: Logger.Level)] = [
            (TestMethods.echo, "OK", .debug),
            (TestMethods.fail, "INVALID_ARGUMENT", .info),
            (TestMethods.fail, "INTERNAL", .error),
        ]
        for (capture, message) in [(serverLog, "RPC served"), (clientLog, "RPC call")] {
            let entries = capture.all
            try #require(entries.count == expected.count, "\(message): \(entries.map(\.message))")
            for (entry, want) in zip(entries, expected) {
                #expect(entry.message == message)
                #expect(entry.level == want.level)
                #expect(entry.metadata["rpc.method"] == want.method.fullName)
                #expect(entry.metadata["rpc.code"] == want.code)
                #expect(entry.metadata["trace_id"] == "trace-obs")
                let duration = try #require(entry.metadata["rpc.duration_us"].flatMap { Int($0) })
                #expect(duration >= 0)
            }
            for entry in entries {
                let text = ([entry.message] + entry.metadata.keys + entry.metadata.values).joined(separator: " ")
                for secret in Self.secrets {
                    #expect(!text.contains(secret), "\(message) logged \(secret): \(text)")
                }
            }
        }
    }

    @Test("a timer per side, method and status code, counting every call and its duration")
    func metrics() async throws {
        let metrics = TestMetrics()
        try await Self.withIntercepted(
            server: [RPCMetricsInterceptor(factory: metrics)],
            client: [RPCMetricsInterceptor(factory: metrics)]
        ) { client in
            await Self.makeCalls(client)
            #expect(await client.call(TestMethods.echo, "again", options: Self.options) == .success("again"))
            #expect(await client.call(TestMethods.slow, "", options: Self.options) == .success("slow done"))
        }
        let expected: [(method: MethodDescriptor, code: String, calls: Int)] = [
            (TestMethods.echo, "OK", 2),
            (TestMethods.fail, "INVALID_ARGUMENT", 1),
            (TestMethods.fail, "INTERNAL", 1),
            (TestMethods.slow, "OK", 1),
        ]
        for label in [RPCMetricsInterceptor.serverTimerLabel, RPCMetricsInterceptor.clientTimerLabel] {
            #expect(metrics.timers(label: label).count == expected.count)
            for want in expected {
                let timer = try metrics.expectTimer(label, [("method", want.method.fullName), ("code", want.code)])
                #expect(timer.values.count == want.calls, "\(label) \(want.method) \(want.code)")
                #expect(timer.values.allSatisfy { $0 >= 0 })
            }
            let slow = try metrics.expectTimer(label, [("method", TestMethods.slow.fullName), ("code", "OK")])
            let nanoseconds =
                Self.slowDuration.components.seconds * 1_000_000_000
                + Self.slowDuration.components.attoseconds / 1_000_000_000
            #expect(try #require(slow.lastValue) >= nanoseconds)
        }
        #expect(metrics.timers.count == 2 * expected.count)
        #expect(RPCMetricsInterceptor.serverTimerLabel == "rpc_server_duration")
        #expect(RPCMetricsInterceptor.clientTimerLabel == "rpc_client_duration")
    }
}
