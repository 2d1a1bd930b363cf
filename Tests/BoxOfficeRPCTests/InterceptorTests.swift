import BoxOfficeRPC
import BoxOfficeRPCInProcess
import Synchronization
import Testing

/// Records the order in which interceptors run.
final class Journal: Sendable {
    let entries = Mutex<[String]>([])
    func add(_ entry: String) { self.entries.withLock { $0.append(entry) } }
}

struct NamedClientInterceptor: ClientInterceptor {
    var name: String
    var journal: Journal

    func intercept(
        method: MethodDescriptor,
        request: [UInt8],
        options: CallOptions,
        next: (MethodDescriptor, [UInt8], CallOptions) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        self.journal.add("client \(self.name) in")
        var options = options
        options.metadata.values["seen-by-\(self.name)"] = "yes"
        defer { self.journal.add("client \(self.name) out") }
        return try await next(method, request, options)
    }
}

struct NamedServerInterceptor: ServerInterceptor {
    var name: String
    var journal: Journal

    func intercept(
        context: ServerContext,
        next: (ServerContext) async throws(RPCError) -> [UInt8]
    ) async throws(RPCError) -> [UInt8] {
        self.journal.add("server \(self.name) in")
        defer { self.journal.add("server \(self.name) out") }
        return try await next(context)
    }
}

@Suite("Interceptors")
struct InterceptorTests {
    static let method = MethodDescriptor(service: "test.Service", method: "Trace", id: 42)

    @Test("client and server interceptors run in order around the handler")
    func order() async throws {
        let journal = Journal()
        var router = RPCRouter()
        router.register(Self.method) { (_: Text, context) in
            journal.add("handler")
            return Text(context.metadata.values.keys.sorted().joined(separator: ","))
        }
        router = router.intercepted(by: [
            NamedServerInterceptor(name: "a", journal: journal), NamedServerInterceptor(name: "b", journal: journal),
        ])
        let client = RPCClient(
            transport: InProcessTransport(router: router),
            interceptors: [
                NamedClientInterceptor(name: "x", journal: journal),
                NamedClientInterceptor(name: "y", journal: journal),
            ]
        )
        let response: Text = try await client.unary(Self.method, Text(""))
        #expect(response == Text("seen-by-x,seen-by-y"))
        #expect(
            journal.entries.withLock { $0 } == [
                "client x in", "client y in", "server a in", "server b in", "handler", "server b out",
                "server a out", "client y out", "client x out",
            ]
        )
    }

    @Test("a skipping interceptor lets the skipped methods' calls past it and sees the others")
    func skipping() async throws {
        let journal = Journal()
        let probe = MethodDescriptor(service: "test.Service", method: "Probe", id: 43)
        var router = RPCRouter()
        router.register(Self.method) { (request: Text, _) in request }
        router.register(probe) { (request: Text, _) in request }
        let transport = InProcessTransport(router: router).intercepted(by: [
            NamedClientInterceptor(name: "all", journal: journal),
            NamedClientInterceptor(name: "quiet", journal: journal).skipping([probe.id]),
        ])
        let client = RPCClient(transport: transport)
        let traced: Text = try await client.unary(Self.method, Text("a"))
        let probed: Text = try await client.unary(probe, Text("b"))
        #expect(traced == Text("a") && probed == Text("b"))
        #expect(
            journal.entries.withLock { $0 } == [
                "client all in", "client quiet in", "client quiet out", "client all out",
                "client all in", "client all out",
            ]
        )
    }

    @Test("the trace id of a served call flows into the calls its handler makes")
    func tracePropagation() async throws {
        var downstreamRouter = RPCRouter()
        downstreamRouter.register(Self.method) { (_: Text, context) in Text(context.metadata.traceID ?? "none") }
        let downstream = RPCClient(
            transport: InProcessTransport(router: downstreamRouter),
            interceptors: [RPCTraceInterceptor()]
        )
        var router = RPCRouter()
        router.register(Self.method) { (_: Text, _) -> Text in
            try await downstream.unary(Self.method, Text(""))
        }
        router = router.intercepted(by: [RPCMetricsInterceptor()])
        let client = RPCClient(transport: InProcessTransport(router: router))
        let response: Text = try await client.unary(
            Self.method,
            Text(""),
            options: CallOptions(metadata: Metadata(traceID: "trace-9"))
        )
        #expect(response == Text("trace-9"))
    }
}
