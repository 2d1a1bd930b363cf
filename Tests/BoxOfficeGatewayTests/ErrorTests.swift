import AsyncHTTPClient
import BoxOfficeGateway
import BoxOfficeRPC
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Error answers: API.md's shape, the status map, the field named, nothing internal shown.
@Suite("Gateway errors")
struct ErrorTests {
    static let user = [("Authorization", GatewayHarness.userBearer)]

    @Test("malformed JSON, unknown fields and wrong types are 400 naming the field")
    func badJSON() async throws {
        try await GatewayHarness.run { harness in
            let path = "/v1/customers/c-1/invoices:search"
            let cases: [(body: String, field: String)] = [
                (#"{"pageSize":2,"bogus":1}"#, "bogus"),
                (#"{"pageSize":"many"}"#, "pageSize"),
                (#"{"pageSize":2147483648}"#, "pageSize"),
                (#"{"pageToken":7}"#, "pageToken"),
                // protobuf-c strings end at NUL: refused rather than cut short.
                (#"{"pageToken":"a\u0000b"}"#, "pageToken"),
                (#"["not","an","object"]"#, "(request)"),
                // The path gives customerId: the body may not give it again, by either name.
                (#"{"customerId":"c-2"}"#, "customerId"),
                (#"{"customer_id":"c-2"}"#, "customerId"),
                // Integer strings are canonical decimal.
                (#"{"pageSize":"02"}"#, "pageSize"),
                (#"{"pageSize":"1e1"}"#, "pageSize"),
            ]
            for (body, field) in cases {
                let answer = try await harness.send(.POST, path, headers: Self.user, json: body)
                #expect(answer.status == 400, "\(body)")
                let error = try answer.error()
                #expect(error.code == "INVALID_ARGUMENT")
                #expect(error.fields == [field], "\(body): \(answer.text)")
            }
            let malformed = try await harness.send(.POST, path, headers: Self.user, json: #"{"pageSize": 2"#)
            #expect(malformed.status == 400)
            #expect(try malformed.error().code == "INVALID_ARGUMENT")
            #expect(try malformed.error().fields == ["body"], "\(malformed.text)")
        }
    }

    @Test("bad query parameters are 400 naming the parameter")
    func badQuery() async throws {
        try await GatewayHarness.run { harness in
            let cases: [(query: String, field: String)] = [
                ("bogus=1", "bogus"),
                ("includeLines=maybe", "includeLines"),
                ("includeLines=true&includeLines=false", "includeLines"),
                ("includeLines=%zz", "includeLines"),
            ]
            for (query, field) in cases {
                let answer = try await harness.send(.GET, "/v1/invoices/x?\(query)", headers: Self.user)
                #expect(answer.status == 400, "\(query)")
                #expect(try answer.error().fields == [field], "\(query): \(answer.text)")
            }
        }
    }

    static let statusCases: [(code: String, status: Int)] = [
        ("CANCELLED", 503), ("UNKNOWN", 500), ("INVALID_ARGUMENT", 400), ("DEADLINE_EXCEEDED", 504),
        ("NOT_FOUND", 404), ("ALREADY_EXISTS", 409), ("PERMISSION_DENIED", 403), ("RESOURCE_EXHAUSTED", 429),
        ("FAILED_PRECONDITION", 422), ("ABORTED", 409), ("OUT_OF_RANGE", 400), ("UNIMPLEMENTED", 501),
        ("INTERNAL", 500), ("UNAVAILABLE", 503), ("DATA_LOSS", 500), ("UNAUTHENTICATED", 401),
    ]

    @Test("each RPC code a handler throws maps to its HTTP status", arguments: Self.statusCases)
    func statusMap(code: String, status: Int) async throws {
        try await GatewayHarness.run { harness in
            let answer = try await harness.send(.GET, "/v1/invoices/fail-\(code)", headers: Self.user)
            #expect(answer.status == status)
            let error = try answer.error()
            #expect(error.code == code)
            if status < 500 {
                #expect(error.message.contains("secret-handler-message for \(code)"))
                #expect(error.fields == ["invoiceId"])
            } else {
                // Server-side failures keep their reasons to themselves.
                #expect(!answer.text.contains("secret"))
                #expect(error.fields.isEmpty)
            }
        }
    }

    @Test("a handler's unexpected error is 500 with a generic message")
    func crash() async throws {
        try await GatewayHarness.run { harness in
            let answer = try await harness.send(.GET, "/v1/invoices/crash", headers: Self.user)
            #expect(answer.status == 500)
            #expect(try answer.error().code == "INTERNAL")
            #expect(try answer.error().message == "internal error")
        }
    }

    @Test("a call past the configured deadline is 504")
    func deadline() async throws {
        try await GatewayHarness.run(callTimeout: .milliseconds(300)) { harness in
            let start = ContinuousClock.now
            let answer = try await harness.send(.GET, "/v1/invoices/slow", headers: Self.user)
            #expect(answer.status == 504)
            #expect(try answer.error().code == "DEADLINE_EXCEEDED")
            #expect(ContinuousClock.now - start < TestInvoiceService.slowDuration)
        }
    }

    @Test("a body over the limit is 400 naming body, with and without Content-Length")
    func bodyLimit() async throws {
        let limit = 1024
        try await GatewayHarness.run(requestBodyBytesMax: limit) { harness in
            let path = "/v1/customers/c-1/invoices:search"
            let padding = String(repeating: "x", count: limit)
            let big = #"{"pageToken":"\#(padding)"}"#
            let sized = try await harness.send(.POST, path, headers: Self.user, json: big)
            #expect(sized.status == 400)
            #expect(try sized.error().fields == ["body"])

            var request = HTTPClientRequestBuilder.streaming(
                url: harness.baseURL + path,
                chunks: Array(repeating: Array(padding.utf8.prefix(256)), count: 8)
            )
            request.headers.add(name: "Authorization", value: GatewayHarness.userBearer)
            let response = try await harness.client.execute(request, timeout: GatewayHarness.requestTimeout)
            let body = try await response.body.collect(upTo: GatewayHarness.answerBytesMax)
            #expect(response.status.code == 400)
            #expect(String(buffer: body).contains(#""field":"body""#))

            let fits = #"{"pageToken":"\#(String(repeating: "y", count: limit - 40))"}"#
            #expect(try await harness.send(.POST, path, headers: Self.user, json: fits).status == 200)
        }
    }

    @Test("an unknown path is 404 and a wrong verb 405 with Allow, both in the error shape")
    func notFoundAndWrongVerb() async throws {
        try await GatewayHarness.run { harness in
            let missing = try await harness.send(.GET, "/v1/nothing/here", headers: Self.user)
            #expect(missing.status == 404)
            #expect(try missing.error().code == "NOT_FOUND")

            let wrongVerb = try await harness.send(.PUT, "/v1/invoices/x", headers: Self.user)
            #expect(wrongVerb.status == 405)
            let allowed = Set(
                (wrongVerb.headers["Allow"].first ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
            )
            #expect(allowed == ["GET", "HEAD", "DELETE"])
            #expect(try wrongVerb.error().code == "INVALID_ARGUMENT")

            // `x:search` belongs to the custom-verb template (POST only), not to a GET route.
            let customVerb = try await harness.send(.GET, "/v1/customers/c-1/invoices:search", headers: Self.user)
            #expect(customVerb.status == 405)
            #expect(customVerb.headers["Allow"].first == "POST")

            let otherVerb = try await harness.send(.POST, "/v1/customers/c-1/invoices:list", headers: Self.user)
            #expect(otherVerb.status == 404)

            let ownEndpoint = try await harness.send(.POST, "/healthz")
            #expect(ownEndpoint.status == 405)
            #expect(ownEndpoint.headers["Allow"].first == "GET, HEAD")
        }
    }

    @Test("HEAD answers like GET, with the headers and no body")
    func head() async throws {
        try await GatewayHarness.run { harness in
            let get = try await harness.send(.GET, "/v1/invoices/inv-1", headers: Self.user)
            let head = try await harness.send(.HEAD, "/v1/invoices/inv-1", headers: Self.user)
            #expect(get.status == 200)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["Content-Type"] == get.headers["Content-Type"])
            #expect(head.headers.first(name: "X-Request-ID") != nil)
            let healthz = try await harness.send(.HEAD, "/healthz")
            #expect(healthz.status == 200)
            #expect(healthz.body.isEmpty)
            // Errors too: a HEAD of a missing path is the GET's 404 without the body.
            let missing = try await harness.send(.HEAD, "/v1/nothing/here", headers: Self.user)
            #expect(missing.status == 404)
            #expect(missing.body.isEmpty)
            // A user route still needs its token.
            #expect(try await harness.send(.HEAD, "/v1/invoices/inv-1").status == 401)
        }
    }

    @Test("an unreachable upstream is 503 without its address, and /readyz fails")
    func upstreamDown() async throws {
        try await GatewayHarness.run(upstreamReachable: false) { harness in
            let answer = try await harness.send(.GET, "/v1/invoices/x", headers: Self.user)
            #expect(answer.status == 503)
            #expect(try answer.error().code == "UNAVAILABLE")
            #expect(!answer.text.contains("127.0.0.1"))

            let ready = try await harness.send(.GET, "/readyz")
            #expect(ready.status == 503)
            #expect(try ready.json()["unreachable"] as? [String] == ["boxoffice.codegentest.v1.InvoiceService"])
            #expect(try await harness.send(.GET, "/healthz").status == 200)
        }
    }
}

/// Requests whose body has no length, so the gateway must count while reading.
enum HTTPClientRequestBuilder {
    static func streaming(url: String, chunks: [[UInt8]]) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let buffers = chunks.map { ByteBuffer(bytes: $0) }
        request.body = .stream(AsyncChunks(chunks: buffers), length: .unknown)
        return request
    }

    struct AsyncChunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let chunks: [ByteBuffer]

        struct AsyncIterator: AsyncIteratorProtocol {
            var remaining: ArraySlice<ByteBuffer>
            mutating func next() async -> ByteBuffer? { self.remaining.popFirst() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: self.chunks[...]) }
    }
}
