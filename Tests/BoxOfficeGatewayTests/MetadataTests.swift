import AsyncHTTPClient
import BoxOfficeCrypto
import BoxOfficeJWT
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

            let echoed = try await harness.send(
                .GET,
                "/v1/invoices/x",
                headers: [user, ("X-Request-ID", "abc.DEF_1-2")]
            )
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
            // The client's address travels with every call (the test client is on loopback).
            #expect(harness.service.metadata(forRequestID: "caller-user")?.values["client-address"] == "127.0.0.1")

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

            _ = try await harness.send(
                .POST,
                "/v1/test/invoices/x:return",
                headers: [("X-Request-ID", "caller-public")]
            )
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
                ([("Authorization", "Bearer " + Tokens.make(subject: "not-a-uuid"))], 401, "UNAUTHENTICATED"),
            ]
            for (headers, status, code) in cases {
                let answer = try await harness.send(
                    .GET,
                    "/v1/invoices/x",
                    headers: headers + [("X-Request-ID", "auth")]
                )
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
                headers: [("Authorization", "bearer " + Tokens.make())]
            )
            #expect(lowercase.status == 200)
        }
    }

    @Test("EdDSA and ES256 tokens are accepted; expired, foreign, forged and confused ones are 401")
    func jwt() async throws {
        try await GatewayHarness.run { harness in
            let accepted = [
                ("EdDSA", Tokens.make(signer: Tokens.edSigner)),
                ("ES256", Tokens.make(signer: Tokens.p256Signer)),
                ("expired within the leeway", Tokens.make(expiresIn: -30)),
            ]
            for (name, token) in accepted {
                let answer = try await harness.send(
                    .GET,
                    "/v1/invoices/x",
                    headers: [("Authorization", "Bearer " + token)]
                )
                #expect(answer.status == 200, "\(name): \(answer.text)")
            }

            let stranger = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: "ed-1")
            let unnamed = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: nil)
            let unknownKid = JWTSigner.ed25519(privateKey: Tokens.edPrivateKey, kid: "ed-2")
            let valid = Tokens.make()
            let parts = valid.split(separator: ".").map(String.init)
            let tampered = parts[0] + "." + Base64URL.encode(Array(#"{"sub":"x"}"#.utf8)) + "." + parts[2]
            let publicPEM = Array(Tokens.edPrivateKey.publicKey.pemRepresentation.utf8)
            let refused: [(String, String)] = [
                ("expired", Tokens.make(expiresIn: -3600)),
                ("wrong issuer", Tokens.make(issuer: "https://evil.test")),
                ("wrong audience", Tokens.make(audience: "another-api")),
                ("signed by another key", Tokens.make(signer: stranger)),
                ("signed by another key without kid", Tokens.make(signer: unnamed)),
                ("kid naming no key", Tokens.make(signer: unknownKid)),
                ("payload swapped", tampered),
                ("alg none", Tokens.forged(header: #"{"alg":"none","typ":"JWT"}"#) { _ in [] }),
                (
                    "HS256 keyed with the public key",
                    Tokens.forged(header: #"{"alg":"HS256","typ":"JWT"}"#) {
                        HMACSHA256.authenticationCode(for: $0, key: publicPEM)
                    }
                ),
                (
                    "ES256 header on an EdDSA signature",
                    Tokens.forged(header: #"{"alg":"ES256","kid":"ed-1"}"#) {
                        try! Tokens.edPrivateKey.signature(for: $0)
                    }
                ),
            ]
            for (name, token) in refused {
                let answer = try await harness.send(
                    .GET,
                    "/v1/invoices/x",
                    headers: [("Authorization", "Bearer " + token), ("X-Request-ID", "jwt-refused")]
                )
                #expect(answer.status == 401, "\(name): \(answer.text)")
                #expect(try answer.error().code == "UNAUTHENTICATED")
                #expect(!answer.text.contains(token))
            }
            #expect(harness.service.metadata(forRequestID: "jwt-refused") == nil)
        }
    }

    @Test("Idempotency-Key reaches the handler; invalid ones are 400; required routes refuse its absence")
    func idempotencyKey() async throws {
        try await GatewayHarness.run { harness in
            let admin = ("Authorization", GatewayHarness.adminBearer)
            let accepted = try await harness.send(
                .POST,
                "/v1/invoices",
                headers: [admin, ("Idempotency-Key", "order-42~!"), ("X-Request-ID", "idem-ok")],
                json: "{}"
            )
            #expect(accepted.status == 201)
            #expect(harness.service.metadata(forRequestID: "idem-ok")?.idempotencyKey == "order-42~!")

            let longest = String(repeating: "k", count: 255)
            let atLimit = try await harness.send(
                .POST,
                "/v1/invoices",
                headers: [admin, ("Idempotency-Key", longest)],
                json: "{}"
            )
            #expect(atLimit.status == 201)

            for invalid in [String(repeating: "k", count: 256), "tab\tinside", "space inside", "ключ"] {
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
