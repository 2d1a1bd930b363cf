import BoxOfficeRPC
import BoxOfficeRPCNIO
import Logging
import Testing

@Suite("RPC server logging")
struct RPCServerLoggingTests {
    @Test("an unexpected handler error is INTERNAL for the caller and logged in full on the server")
    func unexpectedErrorLogged() async throws {
        let capture = LogCapture()
        let secret = SecretFailure().description
        let outcome = try await TestServers.withServer(logger: capture.logger()) { _, _, port in
            await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                await RPCClient(transport: $0).call(
                    TestMethods.fail,
                    "boom",
                    options: CallOptions(metadata: Metadata(traceID: "trace-77", caller: "svc:test"))
                )
            }
        }
        // The caller: the generic status, nothing of the error.
        let error = try #require(outcome.failure)
        #expect(error == RPCError(code: .internalError, message: "internal error"))
        #expect(!error.message.contains("hunter2") && !error.description.contains("hunter2"))
        #expect(error.underlying == nil)

        // The server's log: one error line naming the method, the request, the trace and the cause.
        let lines = capture.all.filter { $0.level == .error }
        try #require(lines.count == 1)
        let line = lines[0]
        #expect(line.metadata["rpc.method"] == TestMethods.fail.fullName)
        #expect(line.metadata["trace_id"] == "trace-77")
        #expect(line.metadata["rpc.caller"] == "svc:test")
        #expect(line.metadata["rpc.code"] == "INTERNAL")
        #expect(line.metadata["error"] == secret)
        let requestID = try #require(line.metadata["rpc.request_id"].flatMap { UInt32($0) })
        #expect(requestID > 0)
    }

    @Test("errors the handler chose (RPCError, RPCErrorConvertible) are not logged as unexpected")
    func expectedErrorsNotLogged() async throws {
        let capture = LogCapture()
        try await TestServers.withServer(logger: capture.logger()) { _, _, port in
            await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                let client = RPCClient(transport: $0)
                #expect(await client.call(TestMethods.fail, "status").code == .invalidArgument)
                #expect(await client.call(TestMethods.fail, "convertible").code == .failedPrecondition)
            }
        }
        #expect(capture.all.filter { $0.level >= .warning }.isEmpty)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
