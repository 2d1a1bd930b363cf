import AsyncHTTPClient
import BoxOfficeRPC
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Every binding kind through the live gateway and the real RPC server: path, query and body
/// mapping, success statuses, redirects and raw bodies.
@Suite("Gateway transcoding")
struct TranscodingTests {
    @Test("GET with a path parameter and a query parameter")
    func pathAndQuery() async throws {
        try await GatewayHarness.run { harness in
            let plain = try await harness.send(
                .GET,
                "/v1/invoices/inv-1",
                headers: [("Authorization", GatewayHarness.userBearer)]
            )
            #expect(plain.status == 200)
            #expect(plain.headers["Content-Type"].first == "application/json")
            let invoice = try plain.json()
            #expect(invoice["invoiceId"] as? String == "inv-1")
            #expect(invoice["status"] as? String == "STATUS_OPEN")
            #expect(invoice["lines"] == nil)

            let withLines = try await harness.send(
                .GET,
                "/v1/invoices/inv-1?includeLines=true",
                headers: [("Authorization", GatewayHarness.userBearer)]
            )
            #expect(withLines.status == 200)
            let lines = try #require(try withLines.json()["lines"] as? [[String: Any]])
            #expect(lines.first?["sku"] as? String == "SKU-1")
        }
    }

    @Test("path parameters are percent-decoded; a query cannot override them")
    func percentDecoding() async throws {
        try await GatewayHarness.run { harness in
            let answer = try await harness.send(
                .GET,
                "/v1/invoices/a%20b%2Fc?invoiceId=other",
                headers: [("Authorization", GatewayHarness.userBearer)]
            )
            #expect(answer.status == 200)
            #expect(try answer.json()["invoiceId"] as? String == "a b/c")
        }
    }

    @Test("POST with a body field, a query parameter and success status 201")
    func bodyField() async throws {
        try await GatewayHarness.run { harness in
            let answer = try await harness.send(
                .POST,
                "/v1/invoices?requestNote=hello%20there",
                headers: [("Authorization", GatewayHarness.adminBearer), ("Idempotency-Key", "key-1")],
                json:
                    #"{"invoiceId":"new-1","customerEmail":"a@example.test","total":{"amountMinor":"19900","currency":"RUB"}}"#
            )
            #expect(answer.status == 201)
            let invoice = try answer.json()
            #expect(invoice["invoiceId"] as? String == "new-1")
            #expect(invoice["memo"] as? String == "hello there")
            let total = try #require(invoice["total"] as? [String: Any])
            #expect(total["amountMinor"] as? String == "19900")
        }
    }

    @Test("POST of the whole body to a custom-verb route; the path gives the path fields")
    func wholeBodyCustomVerb() async throws {
        try await GatewayHarness.run { harness in
            let answer = try await harness.send(
                .POST,
                "/v1/customers/c-1/invoices:search",
                headers: [("Authorization", GatewayHarness.userBearer)],
                json: #"{"pageSize":2,"pageToken":"p"}"#
            )
            #expect(answer.status == 200)
            let body = try answer.json()
            let invoices = try #require(body["invoices"] as? [[String: Any]])
            #expect(invoices.count == 2)
            #expect(invoices.allSatisfy { $0["customerId"] as? String == "c-1" })
            #expect(body["nextPageToken"] as? String == "c-1p")

            let empty = try await harness.send(
                .POST,
                "/v1/customers/c-1/invoices:search",
                headers: [("Authorization", GatewayHarness.userBearer)]
            )
            #expect(empty.status == 200)
            #expect(try empty.json()["nextPageToken"] as? String == "c-1")
        }
    }

    @Test("a redirect route answers 303 with Location from the response field")
    func redirect() async throws {
        try await GatewayHarness.run { harness in
            let answer = try await harness.send(.POST, "/v1/test/invoices/inv-9:return")
            #expect(answer.status == 303)
            #expect(answer.headers["Location"].first == "https://app.test/invoices/inv-9")
            #expect(answer.body.isEmpty)
        }
    }

    @Test("a raw-answer route sends the field's text as text/csv when set, and JSON otherwise")
    func rawResponse() async throws {
        try await GatewayHarness.run { harness in
            let csv = try await harness.send(
                .GET,
                "/v1/invoices/inv-7/export?format=csv",
                headers: [("Authorization", GatewayHarness.userBearer)]
            )
            #expect(csv.status == 200)
            #expect(csv.headers["Content-Type"] == ["text/csv; charset=utf-8"])
            #expect(csv.text == TestInvoiceService.csvHeader + "\n\"inv-7\",SKU-1,2\n")

            // HEAD answers the same headers without the body.
            let head = try await harness.send(
                .HEAD,
                "/v1/invoices/inv-7/export?format=csv",
                headers: [("Authorization", GatewayHarness.userBearer)]
            )
            #expect(head.status == 200)
            #expect(head.headers["Content-Type"] == ["text/csv; charset=utf-8"])
            #expect(head.body.isEmpty)

            for query in ["?format=json", ""] {
                let json = try await harness.send(
                    .GET,
                    "/v1/invoices/inv-7/export" + query,
                    headers: [("Authorization", GatewayHarness.userBearer)]
                )
                #expect(json.status == 200)
                #expect(json.headers["Content-Type"] == ["application/json"])
                let body = try json.json()
                let invoice = try #require(body["invoice"] as? [String: Any])
                #expect(invoice["invoiceId"] as? String == "inv-7")
                // The raw field, empty, is left out of the JSON.
                #expect(body["csv"] == nil)
            }

            // The OpenAPI document gives the route's 200 both content types.
            let document = try await harness.send(.GET, "/openapi.json").json()
            let paths = try #require(document["paths"] as? [String: Any])
            let item = try #require(paths["/v1/invoices/{invoiceId}/export"] as? [String: Any])
            let get = try #require(item["get"] as? [String: Any])
            let responses = try #require(get["responses"] as? [String: Any])
            let success = try #require(responses["200"] as? [String: Any])
            let content = try #require(success["content"] as? [String: Any])
            #expect(Set(content.keys) == ["application/json", "text/csv"])
            let text = try #require(content["text/csv"] as? [String: Any])
            #expect((text["schema"] as? [String: Any])?["type"] as? String == "string")
        }
    }

    @Test("a raw route gets the body untouched and the headers when its request has a headers map")
    func rawBody() async throws {
        try await GatewayHarness.run { harness in
            let form = "MD=abc&PaRes=%2B%2F%3D"
            let withHeaders = try await harness.send(
                .POST,
                "/v1/test/webhooks/pay",
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Signature", "c2lnbmF0dXJl")],
                body: Array(form.utf8)
            )
            #expect(withHeaders.status == 200)
            #expect(try withHeaders.json()["text"] as? String == "kind=pay;body=\(form);signature=c2lnbmF0dXJl")

            let withoutHeaders = try await harness.send(
                .POST,
                "/v1/test/raw",
                headers: [("X-Signature", "ignored")],
                body: Array("not json {".utf8)
            )
            #expect(withoutHeaders.status == 200)
            #expect(try withoutHeaders.json()["text"] as? String == "kind=;body=not json {;signature=")
        }
    }
}
