import BoxOfficeRPC
import BoxOfficeRPCInProcess
import Testing

/// A message that is its bytes.
struct Text: RPCMessage, Equatable {
    var value: String

    init(_ value: String) { self.value = value }

    func serialize(into buffer: inout [UInt8]) throws(RPCError) {
        buffer.append(contentsOf: self.value.utf8)
    }

    init(rpcBytes: UnsafeRawBufferPointer) throws(RPCError) {
        self.value = String(decoding: rpcBytes, as: UTF8.self)
    }
}

struct Leaky: Error {}

@Suite("In-process transport")
struct InProcessTransportTests {
    static func method(_ name: String) -> MethodDescriptor {
        MethodDescriptor(service: "test.Service", method: name, id: MethodDescriptor.stableID("test.Service/\(name)"))
    }

    static let echo = method("Echo")
    static let slow = method("Slow")
    static let fail = method("Fail")
    static let context = method("Context")

    static func client() -> RPCClient {
        var router = RPCRouter()
        router.register(Self.echo) { (request: Text, _) in request }
        router.register(Self.slow) { (_: Text, _) -> Text in
            // Sleeps until cancelled; the test asserts the outcome reaches the caller promptly.
            try await Task.sleep(for: .seconds(60))
            return Text("late")
        }
        router.register(Self.fail) { (request: Text, _) -> Text in
            if request.value == "status" { throw RPCError.invalidArgument(field: "seat", reason: "must be positive") }
            throw Leaky()
        }
        router.register(Self.context) { (_: Text, context) in
            let remaining = context.deadline.map { $0 - ContinuousClock.now } ?? .zero
            return Text("\(context.metadata.caller ?? "-") \(remaining > .seconds(4) && remaining <= .seconds(5))")
        }
        return RPCClient(transport: InProcessTransport(router: router))
    }

    @Test("a call runs the handler and returns its response")
    func roundTrip() async throws {
        let response: Text = try await Self.client().unary(Self.echo, Text("hi"))
        #expect(response == Text("hi"))
    }

    @Test("errors map as over TCP: status as thrown, unexpected as INTERNAL, unknown as UNIMPLEMENTED")
    func errors() async throws {
        let client = Self.client()
        await #expect(throws: RPCError.invalidArgument(field: "seat", reason: "must be positive")) {
            let _: Text = try await client.unary(Self.fail, Text("status"))
        }
        await #expect(throws: RPCError(code: .internalError, message: "internal error")) {
            let _: Text = try await client.unary(Self.fail, Text("other"))
        }
        // The unexpected error stays on the server's side of the call, as over TCP.
        do {
            let _: Text = try await client.unary(Self.fail, Text("other"))
        } catch {
            #expect(error.underlying == nil)
        }
        let unknown = MethodDescriptor(service: "test.Service", method: "Nope", id: 1)
        do {
            let _: Text = try await client.unary(unknown, Text(""))
            Issue.record("no error")
        } catch {
            #expect(error.code == .unimplemented)
        }
    }

    @Test("the deadline fails the call promptly")
    func deadline() async throws {
        let start = ContinuousClock.now
        do {
            let _: Text = try await Self.client().unary(
                Self.slow,
                Text(""),
                options: CallOptions(timeout: .milliseconds(100))
            )
            Issue.record("no error")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("cancelling the caller fails the call CANCELLED")
    func cancellation() async throws {
        let client = Self.client()
        let call = Task { () throws(RPCError) -> Text in try await client.unary(Self.slow, Text("")) }
        try await Task.sleep(for: .milliseconds(50))
        call.cancel()
        let result = await call.result
        #expect((try? result.get()) == nil)
        if case .failure(let error) = result { #expect((error as? RPCError)?.code == .cancelled) }
    }

    @Test("the handler sees the metadata and the deadline")
    func context() async throws {
        let options = CallOptions(timeout: .seconds(5), metadata: Metadata(caller: "svc"))
        let response: Text = try await Self.client().unary(Self.context, Text(""), options: options)
        #expect(response == Text("svc true"))
    }
}
