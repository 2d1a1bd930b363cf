import AsyncHTTPClient
import BoxOfficeGateway
import Configuration
import Foundation
import NIOHTTP1
import Testing

/// Health, readiness, metrics, the access log, the OpenAPI document and configuration.
@Suite("Gateway endpoints and observability")
struct ObservabilityTests {
    @Test("/healthz and /readyz answer 200 when the upstream runs")
    func health() async throws {
        try await GatewayHarness.run { harness in
            let health = try await harness.send(.GET, "/healthz")
            #expect(health.status == 200)
            #expect(try health.json()["status"] as? String == "ok")
            let ready = try await harness.send(.GET, "/readyz")
            #expect(ready.status == 200)
            #expect(try ready.json()["status"] as? String == "ready")
        }
    }

    @Test("/metrics counts requests per route template and status")
    func metrics() async throws {
        try await GatewayHarness.run { harness in
            let user = ("Authorization", GatewayHarness.userBearer)
            for _ in 0..<3 { _ = try await harness.send(.GET, "/v1/invoices/a", headers: [user]) }
            _ = try await harness.send(.GET, "/v1/invoices/fail-NOT_FOUND", headers: [user])
            let metrics = try await harness.send(.GET, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["Content-Type"].first?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(
                text.contains(#"boxoffice_gateway_requests_total{route="GET /v1/invoices/{invoiceId}",status="200"} 3"#)
            )
            #expect(
                text.contains(#"boxoffice_gateway_requests_total{route="GET /v1/invoices/{invoiceId}",status="404"} 1"#)
            )
            #expect(
                text.contains(
                    #"boxoffice_gateway_request_duration_seconds_count{route="GET /v1/invoices/{invoiceId}",status="200"} 3"#
                )
            )
            // Raw paths never become labels.
            #expect(!text.contains("/v1/invoices/a\""))
        }
    }

    @Test("one access-log line per request, without credentials or query values")
    func accessLog() async throws {
        try await GatewayHarness.run { harness in
            _ = try await harness.send(
                .GET,
                "/v1/invoices/secret-id?includeLines=true",
                headers: [("Authorization", GatewayHarness.userBearer), ("X-Request-ID", "log-1")]
            )
            _ = try await harness.send(.GET, "/v1/unknown/secret-path", headers: [("X-Request-ID", "log-2")])
            let records = harness.logs.all.filter { $0.message == "request" }
            #expect(records.count == 2)
            let first = try #require(records.first { $0.metadata["request_id"] == "log-1" })
            #expect(first.metadata["http.method"] == "GET")
            #expect(first.metadata["http.route"] == "GET /v1/invoices/{invoiceId}")
            #expect(first.metadata["http.status"] == "200")
            #expect(Double(first.metadata["duration_ms"] ?? "") != nil)
            let second = try #require(records.first { $0.metadata["request_id"] == "log-2" })
            #expect(second.metadata["http.status"] == "404")
            #expect(second.metadata["http.route"] == "unmatched")
            let everything = harness.logs.all.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!everything.contains("Bearer"))
            #expect(!everything.contains("test.\(GatewayHarness.userID)"))
            #expect(!everything.contains("secret"))
            #expect(!everything.contains("includeLines=true"))
        }
    }

    @Test("/openapi.json is an OpenAPI 3.1 document of every route with the gateway's parts")
    func openAPI() async throws {
        try await GatewayHarness.run { harness in
            let answer = try await harness.send(.GET, "/openapi.json")
            #expect(answer.status == 200)
            let document = try answer.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for template in [
                "/v1/invoices/{invoiceId}", "/v1/invoices", "/v1/customers/{customerId}/invoices:search",
                "/v1/test/invoices/{invoiceId}:return", "/healthz", "/readyz", "/metrics",
            ] {
                #expect(paths[template] != nil, "\(template)")
            }
            let get = try #require(paths["/v1/invoices/{invoiceId}"]?["get"] as? [String: Any])
            #expect(get["operationId"] as? String == "InvoiceService_GetInvoice")
            #expect((get["security"] as? [[String: Any]])?.first?["bearerAuth"] != nil)
            let responses = try #require(get["responses"] as? [String: Any])
            #expect((responses["default"] as? [String: Any])?["$ref"] as? String == "#/components/responses/Error")
            let parameters = try #require(get["parameters"] as? [[String: Any]])
            #expect(
                parameters.contains {
                    $0["name"] as? String == "invoiceId" && $0["in"] as? String == "path"
                        && $0["required"] as? Bool == true
                }
            )

            let create = try #require(paths["/v1/invoices"]?["post"] as? [String: Any])
            let createParameters = try #require(create["parameters"] as? [[String: Any]])
            #expect(
                createParameters.contains {
                    $0["name"] as? String == "Idempotency-Key" && $0["required"] as? Bool == true
                }
            )
            #expect((create["responses"] as? [String: Any])?["201"] != nil)

            let redirect = try #require(paths["/v1/test/invoices/{invoiceId}:return"]?["post"] as? [String: Any])
            #expect(redirect["security"] == nil)
            #expect((redirect["responses"] as? [String: Any])?["303"] != nil)

            let components = try #require(document["components"] as? [String: Any])
            let schemes = try #require(components["securitySchemes"] as? [String: [String: String]])
            #expect(schemes["bearerAuth"] == ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"])
            #expect((components["schemas"] as? [String: Any])?["Error"] != nil)
            #expect((components["responses"] as? [String: Any])?["Error"] != nil)
        }
    }

    @Test("the configuration reads its keys and refuses bad values")
    func configuration() throws {
        let service = "boxoffice.codegentest.v1.InvoiceService"
        let defaultAddress = GatewayConfiguration.UpstreamAddress(host: "127.0.0.1", port: 7001)
        let reader = ConfigReader(
            provider: InMemoryProvider(values: [
                "gateway.port": 9090, "gateway.body.bytes.max": 2048, "gateway.call.timeout.milliseconds": 1500,
                "gateway.jwt.issuer": "https://auth.test", "gateway.jwt.audience": "boxoffice",
                "gateway.upstream.invoices": "10.1.2.3:7100",
            ])
        )
        let configuration = try GatewayConfiguration(reader: reader, upstreams: [service: ("invoices", defaultAddress)])
        #expect(configuration.port == 9090)
        #expect(configuration.requestBodyBytesMax == 2048)
        #expect(configuration.callTimeout == .milliseconds(1500))
        #expect(configuration.jwtIssuer == "https://auth.test")
        #expect(configuration.upstreams[service] == GatewayConfiguration.UpstreamAddress(host: "10.1.2.3", port: 7100))

        let defaults = try GatewayConfiguration(
            reader: ConfigReader(provider: InMemoryProvider(values: [:])),
            upstreams: [service: ("invoices", defaultAddress)]
        )
        #expect(defaults.requestBodyBytesMax == 1024 * 1024)
        #expect(defaults.callTimeout == .seconds(10))
        #expect(defaults.upstreams[service] == defaultAddress)

        #expect(throws: SettingsErrorMatcher.self) {
            do {
                _ = try GatewayConfiguration(
                    reader: ConfigReader(provider: InMemoryProvider(values: ["gateway.upstream.invoices": "nope"])),
                    upstreams: [service: ("invoices", defaultAddress)]
                )
            } catch { throw SettingsErrorMatcher(description: "\(error)") }
        }
    }

    struct SettingsErrorMatcher: Error { var description: String }
}
