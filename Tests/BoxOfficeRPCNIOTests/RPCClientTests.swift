import BoxOfficeRPC
import BoxOfficeRPCNIO
import Testing

@Suite("RPC client connections")
struct RPCClientTests {
    /// A port nothing listens on: one a server had and gave back.
    static func deadPort() async throws -> Int {
        try await TestServers.withServer { _, _, port in port }
    }

    @Test("a call to a dead port fails UNAVAILABLE quickly")
    func deadPort() async throws {
        let port = try await Self.deadPort()
        let transport = TestServers.client(port: port)
        let start = ContinuousClock.now
        let result = await RPCClient(transport: transport).call(TestMethods.echo, "anyone?")
        #expect(result.code == .unavailable)
        #expect(ContinuousClock.now - start < .seconds(2))
        await transport.shutdown()
    }

    @Test("the client reconnects after the server restarts")
    func reconnect() async throws {
        let port = try await Self.deadPort()
        let transport = TestServers.client(
            port: port,
            configuration: NIORPCClientConfiguration(connectionsPerTarget: 1)
        )
        let client = RPCClient(transport: transport)
        try await TestServers.withServer(port: port) { _, _, _ in
            #expect(await client.call(TestMethods.echo, "one") == .success("one"))
        }
        // Down: calls fail UNAVAILABLE rather than hang.
        #expect(await client.call(TestMethods.echo, "down").code == .unavailable)
        try await TestServers.withServer(port: port) { _, _, _ in
            #expect(await client.call(TestMethods.echo, "two") == .success("two"))
        }
        await transport.shutdown()
    }

    @Test("a call made after shutdown fails UNAVAILABLE")
    func afterShutdown() async throws {
        try await TestServers.withServer { _, _, port in
            let transport = TestServers.client(port: port)
            await transport.shutdown()
            #expect(await RPCClient(transport: transport).call(TestMethods.echo, "late").code == .unavailable)
        }
    }

    @Test("a zero timeout fails DEADLINE_EXCEEDED without a call")
    func zeroTimeout() async throws {
        let transport = TestServers.client(port: 1)
        let result = await RPCClient(transport: transport).call(
            TestMethods.echo,
            "",
            options: CallOptions(timeout: .zero)
        )
        #expect(result.code == .deadlineExceeded)
    }
}
