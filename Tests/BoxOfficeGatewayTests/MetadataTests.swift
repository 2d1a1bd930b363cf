import AsyncHTTPClient
import BoxOfficeRPC
import Foundation
import NIOHTTP1
import Testing

/// What reaches the handler besides the message: request id as trace id, caller, idempotency
/// key; and the answers of the authentication and header checks.
@Suite("Gateway metadata and headers")
struct MetadataTests {
    @Test("a request id is generated when absent or invalid, echoed when valid, and is the trace id")
    func requestID() async throws {
        try await GatewayHarness.run { harness in
            let user = ("Authorization", GatewayHarness.userBearer)
            let generated = try await harness.send(.GET, "/v1/invoices/x", headers: [user])
            let id = try #require(generated.headers["X-Request-ID"].first)
            #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
            #expect(harness.service.metadata(forRequestID: id) != nil)

            let echoed = try await harness.send(.GET, "/v1/invoices/x", headers: [user, ("X-Request-ID", "abc.DEF_1-2")])
            #expect(echoed.headers["X-Request-ID"].first == "abc.DEF_1-2")
            #expect(harness.service.metadata(forRequestID: "abc.DEF_1-2")?.traceID == "abc.DEF_1-2")

            for invalid in ["has space", String(repeating: "a", count: 129), "semi;colon"] {
                let answer = try await harness.send(.GET, "/v1/invoices/x", headers: [user, ("X-Request-ID", invalid)])
                let replaced = try #require(answer.headers["X-Request-ID"].first)
                #expect(replaced != invalid && replaced.count == 32)
            }

            // Errors and the gateway's own endpoints carry one too.
            let missing = try await harness.send(.GET, "/nowhere", headers: [("X-Request-ID", "r-404")])
            #expect(missing.headers["X-Request-ID"].first == "r-404")
            let health = try await harness.send(.GET, "/healthz", headers: [("X-Request-ID", "r-health")])
            #expect(health.headers["X-Request-ID"].first == "r-health")
        }
    }

    @Test("the caller is user:<sub> on user routes and admin:<sub> on admin routes")
    func caller() async throws {
        try await GatewayHarness.run { harness in
            _ = try await harness.send(
                .GET,
                "/v1/invoices/x",
                headers: [("Authorization", GatewayHarness.userBearer), ("X-Request-ID", "caller-user")]
            )
            #expect(harness.service.metadata(forRequestID: "caller-user")?.caller == "user:\(GatewayHarness.userID)")

            _ = try await harness.send(
                .POST,
                "/v1/invoices",
                headers: [
                    ("Authorization", GatewayHarness.adminBearer), ("X-Request-ID", "caller-admin"),
                    ("Idempotency-Key", "k"),
                ],
                json: "{}"
            )
            #expect(harness.service.metadata(forRequestID: "caller-admin")?.caller == "admin:\(GatewayHarness.userID)")

            _ = try await harness.send(.POST, "/v1/test/invoices/x:return", headers: [("X-Request-ID", "caller-public")])
            let publicMetadata = try #require(harness.service.metadata(forRequestID: "caller-public"))
            #expect(publicMetadata.caller == nil)
        }
    }

    @Test("missing or unacceptable credentials are 401; a user token on an admin route is 403")
    func authentication() async throws {
        try await GatewayHarness.run { harness in
            let cases: [(headers: [(String, String)], status: Int, code: String)] = [
                ([], 401, "UNAUTHENTICATED"),
                ([("Authorization", "Basic dXNlcjpwYXNz")], 401, "UNAUTHENTICATED"),
                ([("Authorization", "Bearer")], 401, "UNAUTHENTICATED"),
                ([("Authorization", "Bearer not-a-token")], 401, "UNAUTHENTICATED"),
                ([("Authorization", "Bearer test.not-a-uuid.user")], 401, "UNAUTHENTICATED"),
            ]
            for (headers, status, code) in cases {
                let answer = try await harness.send(.GET, "/v1/invoices/x", headers: headers + [("X-Request-ID", "auth")])
                #expect(answer.status == status, "\(headers)")
                #expect(try answer.error().code == code)
            }
            #expect(harness.service.metadata(forRequestID: "auth") == nil)

            let forbidden = try await harness.send(
                .POST,
                "/v1/invoices",
                headers: [("Authorization", GatewayHarness.userBearer), ("Idempotency-Key", "k")],
                json: "{}"
            )
            #expect(forbidden.status == 403)
            #expect(try forbidden.error().code == "PERMISSION_DENIED")
            // The scheme is case-insensitive.
            let lowercase = try await harness.send(
                .GET,
                "/v1/invoices/x",
                headers: [("Authorization", "bearer test.\(GatewayHarness.userID).user")]
            )
            #expect(lowercase.status == 200)
        }
    }

    @Test("Idempotency-Key reaches the handler; invalid ones are 400; required routes refuse its absence")
    func idempotencyKey() async throws {
        try await GatewayHarness.run { harness in
            let admin = ("Authorization", GatewayHarness.adminBearer)
            let accepted = try await harness.send(
                .POST,
                "/v1/invoices",
                headers: [admin, ("Idempotency-Key", "order 42 ~!"), ("X-Request-ID", "idem-ok")],
                json: "{}"
            )
            #expect(accepted.status == 201)
            #expect(harness.service.metadata(forRequestID: "idem-ok")?.idempotencyKey == "order 42 ~!")

            let longest = String(repeating: "k", count: 255)
            let atLimit = try await harness.send(.POST, "/v1/invoices", headers: [admin, ("Idempotency-Key", longest)], json: "{}")
            #expect(atLimit.status == 201)

            for invalid in [String(repeating: "k", count: 256), "k\u{7F}", "ключ"] {
                let answer = try await harness.send(
                    .POST,
                    "/v1/invoices",
                    headers: [admin, ("Idempotency-Key", invalid)],
                    json: "{}"
                )
                #expect(answer.status == 400, "\(invalid)")
                #expect(try answer.error().fields == ["Idempotency-Key"])
            }

            let absent = try await harness.send(.POST, "/v1/invoices", headers: [admin], json: "{}")
            #expect(absent.status == 400)
            #expect(try absent.error().fields == ["Idempotency-Key"])

            // Optional elsewhere: passed on when given, fine when absent.
            let optional = try await harness.send(
                .POST,
                "/v1/customers/c/invoices:search",
                headers: [("Authorization", GatewayHarness.userBearer), ("X-Request-ID", "idem-opt")],
                json: "{}"
            )
            #expect(optional.status == 200)
            #expect(harness.service.metadata(forRequestID: "idem-opt")?.idempotencyKey == nil)
        }
    }
}
