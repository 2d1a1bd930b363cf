import BoxOfficeRPC
import Testing

@Suite("RPCError")
struct RPCErrorTests {
    struct Secret: Error, CustomStringConvertible {
        var description: String { "token=abc123" }
    }

    struct Domain: RPCErrorConvertible {
        var rpcError: RPCError { RPCError(code: .notFound, message: "no such seat") }
    }

    @Test("an unexpected error becomes INTERNAL, keeps the original for the log, and shows none of it")
    func unexpected() throws {
        let error = RPCError(unexpected: Secret())
        #expect(error.code == .internalError)
        #expect(error.message == "internal error")
        #expect(!error.description.contains("abc123"))
        let underlying = try #require(error.underlying)
        #expect(String(describing: underlying) == "token=abc123")
    }

    @Test("RPCError and RPCErrorConvertible pass through; cancellation is CANCELLED; none keeps an underlying error")
    func expected() {
        let status = RPCError(code: .aborted, message: "busy")
        #expect(RPCError(unexpected: status) == status)
        #expect(RPCError(unexpected: status).underlying == nil)
        #expect(RPCError(unexpected: Domain()) == RPCError(code: .notFound, message: "no such seat"))
        #expect(RPCError(unexpected: Domain()).underlying == nil)
        #expect(RPCError(unexpected: CancellationError()).code == .cancelled)
        #expect(RPCError(unexpected: CancellationError()).underlying == nil)
    }

    @Test("equality and hashing ignore the underlying error, which the caller never sees")
    func equality() {
        let plain = RPCError(code: .internalError, message: "internal error")
        let withCause = RPCError(unexpected: Secret())
        #expect(plain == withCause)
        #expect(Set([plain, withCause]).count == 1)
    }
}
