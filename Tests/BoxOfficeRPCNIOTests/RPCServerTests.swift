import BoxOfficeRPC
import NIOCore
import ServiceLifecycle
import Testing

@testable import BoxOfficeRPCNIO

@Suite("RPC over TCP")
struct RPCServerTests {
    @Test("a call round-trips")
    func roundTrip() async throws {
        try await TestServers.withServer { _, _, port in
            await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                let client = RPCClient(transport: $0)
                #expect(await client.call(TestMethods.echo, "hello") == .success("hello"))
                #expect(await client.call(TestMethods.echo, "") == .success(""))
            }
        }
    }

    @Test("many concurrent calls on one connection reach the right callers")
    func multiplexing() async throws {
        try await TestServers.withServer { _, _, port in
            let transport = TestServers.client(
                port: port,
                configuration: NIORPCClientConfiguration(connectionsPerTarget: 1)
            )
            let client = RPCClient(transport: transport)
            let callCount = 500
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<callCount {
                    group.addTask {
                        // Payload sizes vary so that frames straddle reads.
                        let text = "call-\(index)-" + String(repeating: "x", count: index % 97)
                        let result = await client.call(TestMethods.echo, text)
                        #expect(result == .success(text))
                    }
                }
                try await group.waitForAll()
            }
            await transport.shutdown()
        }
    }

    @Test("the deadline passes locally and the server handler is cancelled")
    func deadlineExceeded() async throws {
        let probe = HandlerProbe()
        try await TestServers.withServer(probe: probe) { _, _, port in
            let transport = TestServers.client(port: port)
            let client = RPCClient(transport: transport)
            let start = ContinuousClock.now
            // Long enough for the request to reach the handler on a loaded machine, far short of
            // the handler's 10 s.
            let result = await client.call(TestMethods.slow, "", options: CallOptions(timeout: .seconds(1)))
            #expect(result.code == .deadlineExceeded)
            #expect(ContinuousClock.now - start < .seconds(4))
            #expect(await HandlerProbe.next(probe.started))
            #expect(await HandlerProbe.next(probe.cancelled))
            await transport.shutdown()
        }
    }

    @Test("cancelling the calling task cancels the server handler")
    func cancellation() async throws {
        let probe = HandlerProbe()
        try await TestServers.withServer(probe: probe) { _, _, port in
            let transport = TestServers.client(port: port)
            let client = RPCClient(transport: transport)
            let call = Task { await client.call(TestMethods.slow, "") }
            #expect(await HandlerProbe.next(probe.started))
            call.cancel()
            #expect(await call.value.code == .cancelled)
            #expect(await HandlerProbe.next(probe.cancelled))
            await transport.shutdown()
        }
    }

    @Test("status, message and details round-trip; domain errors map; unexpected errors leak nothing")
    func errors() async throws {
        try await TestServers.withServer { _, _, port in
            await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                let client = RPCClient(transport: $0)
                let status = await client.call(TestMethods.fail, "status")
                #expect(
                    status
                        == .failure(
                            RPCError(
                                code: .invalidArgument,
                                message: "seat: must be positive",
                                details: [
                                    RPCErrorDetail(field: "seat", reason: "must be positive"),
                                    RPCErrorDetail(field: "row", reason: "unknown"),
                                ]
                            )
                        )
                )
                let convertible = await client.call(TestMethods.fail, "convertible")
                #expect(convertible == .failure(RPCError(code: .failedPrecondition, message: "no seats left")))
                let unexpected = await client.call(TestMethods.fail, "boom")
                #expect(unexpected == .failure(RPCError(code: .internalError, message: "internal error")))
                let unknown = await client.call(TestMethods.unknown, "")
                #expect(unknown.code == .unimplemented)
            }
        }
    }

    @Test("metadata and the deadline reach the handler")
    func metadataAndDeadline() async throws {
        try await TestServers.withServer { _, _, port in
            try await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                let client = RPCClient(transport: $0)
                let metadata = Metadata(
                    traceID: "trace-1",
                    caller: "user:42",
                    idempotencyKey: "key-7",
                    values: ["tenant": "acme"]
                )
                let seen = await client.call(TestMethods.metadata, "", options: CallOptions(metadata: metadata))
                #expect(seen == .success("trace-1|user:42|key-7|acme|Metadata"))
                let remaining = try await client.call(
                    TestMethods.deadline,
                    "",
                    options: CallOptions(timeout: .seconds(5))
                ).get()
                let milliseconds = try #require(Int(remaining))
                #expect(milliseconds > 4000 && milliseconds <= 5000)
            }
        }
    }

    @Test("a frame over the size limit is refused before its payload arrives")
    func oversizedFrame() async throws {
        let configuration = RPCServerConfiguration(payloadBytesMax: 1024)
        try await TestServers.withServer(configuration: configuration) { _, _, port in
            // A header announcing 1 GiB; the payload is never sent, so an answer proves that the
            // server neither waited for it nor buffered it.
            var header = ByteBuffer()
            header.writeInteger(UInt8(1))
            header.writeInteger(UInt8(1))
            header.writeInteger(UInt16(0))
            header.writeInteger(UInt32(77))
            header.writeInteger(UInt32(1 << 30))
            header.writeInteger(UInt32(12))
            let exchange = try await RawSocket.exchange(port: port, Array(header.readableBytesView), wait: .seconds(5))
            #expect(exchange.closedByServer)
            var decoder = RPCFrameDecoder()
            var received = ByteBuffer(bytes: exchange.received)
            guard case .response(let response) = try decoder.decode(buffer: &received) else {
                Issue.record("no response frame")
                return
            }
            #expect(response.requestID == 77)
            #expect(response.status?.code == .resourceExhausted)
        }
    }

    @Test("a malformed frame closes its connection, and the server serves others")
    func malformedFrame() async throws {
        try await TestServers.withServer { _, _, port in
            let garbage: [UInt8] = [9, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
            let exchange = try await RawSocket.exchange(port: port, garbage, wait: .seconds(5))
            #expect(exchange.closedByServer)
            #expect(exchange.received.isEmpty)
            await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                #expect(await RPCClient(transport: $0).call(TestMethods.echo, "still here") == .success("still here"))
            }
        }
    }

    @Test("calls beyond the per-connection limit get RESOURCE_EXHAUSTED")
    func concurrencyLimit() async throws {
        let probe = HandlerProbe(slowDuration: .seconds(2))
        let configuration = RPCServerConfiguration(callsPerConnectionMax: 2)
        try await TestServers.withServer(probe: probe, configuration: configuration) { _, _, port in
            let transport = TestServers.client(
                port: port,
                configuration: NIORPCClientConfiguration(connectionsPerTarget: 1)
            )
            let client = RPCClient(transport: transport)
            let first = Task { await client.call(TestMethods.slow, "") }
            let second = Task { await client.call(TestMethods.slow, "") }
            #expect(await HandlerProbe.next(probe.started))
            #expect(await HandlerProbe.next(probe.started))
            #expect(await client.call(TestMethods.echo, "third").code == .resourceExhausted)
            #expect(await first.value == .success("slow done"))
            #expect(await second.value == .success("slow done"))
            // Slots free up once handlers finish.
            #expect(await client.call(TestMethods.echo, "later") == .success("later"))
            await transport.shutdown()
        }
    }

    @Test("graceful shutdown finishes in-flight calls and refuses new ones")
    func gracefulDrain() async throws {
        let probe = HandlerProbe(slowDuration: .seconds(3))
        try await TestServers.withServer(probe: probe) { _, group, port in
            let transport = TestServers.client(
                port: port,
                configuration: NIORPCClientConfiguration(connectionsPerTarget: 1)
            )
            let client = RPCClient(transport: transport)
            let inFlight = Task { await client.call(TestMethods.slow, "") }
            #expect(await HandlerProbe.next(probe.started))
            await group.triggerGracefulShutdown()
            // The drain starts when the server's task sees the shutdown, a moment later on a
            // loaded machine: new calls are refused from then on, while the slow one still runs.
            var refused = false
            let deadline = ContinuousClock.now + .seconds(2)
            while !refused, ContinuousClock.now < deadline {
                refused = await client.call(TestMethods.echo, "new").code == .unavailable
                if !refused { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(refused)
            #expect(await inFlight.value == .success("slow done"))
            await transport.shutdown()
        }
    }
}
