import BoxOfficeCloudPaymentsSandbox
import Foundation
import Testing

/// Basic auth, the concurrency cap and `X-Request-ID` replay.
@Suite("Transport")
struct TransportTests {
    @Test("/healthz answers 200 without credentials, for ./dev up and supervisors")
    func health() async throws {
        try await withSandbox { client, _ in
            let answer = try await client.get("/healthz")
            #expect(answer.status == 200)
            #expect(answer.json["status"] as? String == "ok")
        }
    }

    @Test("wrong or missing credentials get 401")
    func unauthorized() async throws {
        try await withSandbox { client, _ in
            var wrongSecret = client
            wrongSecret.apiSecret = "wrong"
            let checked1 = try await wrongSecret.post("/test", json: "{}").status
            #expect(checked1 == 401)
            var unknown = client
            unknown.publicID = "pk_unknown"
            let checked2 = try await unknown.post("/test", json: "{}").status
            #expect(checked2 == 401)
            let checked3 = try await client.post("/test", json: "{}", authorization: "").status
            #expect(checked3 == 401)
            let checked4 = try await client.post("/test", json: "{}", authorization: "Bearer x").status
            #expect(checked4 == 401)
            // A pair mixed from two terminals is wrong too.
            var mixed = client
            mixed.apiSecret = SandboxClient.otherSecret
            let checked5 = try await mixed.charge("4000000000003055").status
            #expect(checked5 == 401)
            let checked6 = try await client.operations().isEmpty
            #expect(checked6)
        }
    }

    @Test("past the cap of requests in flight the answer is 429")
    func concurrencyCap() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults.latencyMilliseconds = 1_500
        try await withSandbox(configuration) { client, _ in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<7 { group.addTask { try await client.post("/test", json: "{}").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 5)
            #expect(statuses.filter { $0 == 429 }.count == 2)
            // Once they finish, the terminal is admitted again.
            let checked7 = try await client.post("/test", json: "{}").status
            #expect(checked7 == 200)
        }
    }

    @Test("a repeated X-Request-ID is answered identically with one charge")
    func replay() async throws {
        try await withSandbox { client, _ in
            let first = try await client.charge("4000000000003055", invoiceID: "inv-replay", requestID: "req-1")
            let second = try await client.charge("4000000000003055", invoiceID: "inv-replay", requestID: "req-1")
            #expect(first.text == second.text)
            // Same id, another body: the stored answer (CLOUDPAYMENTS.md: unverified; chosen so).
            let third = try await client.charge("4000056655665556", invoiceID: "other", requestID: "req-1")
            #expect(third.text == first.text)
            let charges = try await client.operations().filter { $0["Kind"] as? String == "cardCharge" }
            #expect(charges.count == 1)
            // Another id is another charge.
            let fourth = try await client.charge("4000000000003055", invoiceID: "inv-replay", requestID: "req-2")
            #expect(fourth.field("TransactionId") != first.field("TransactionId"))
        }
    }

    @Test("concurrent requests with one X-Request-ID make one charge")
    func concurrentReplay() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults.latencyMilliseconds = 200
        try await withSandbox(configuration) { client, _ in
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await client.charge("4000000000003055", requestID: "same").text }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(bodies).count == 1)
            let checked8 = try await client.operations().count
            #expect(checked8 == 1)
        }
    }

    @Test("an X-Request-ID is kept one hour on the sandbox clock")
    func retention() async throws {
        let configuration = SandboxClient.configuration()
        try await withSandbox(configuration) { client, _ in
            let first = try await client.charge("4000000000003055", requestID: "hour")
            // The sandbox clock runs with the wall clock too: 100 s of slack for a slow machine.
            configuration.clock.advance(seconds: 3_500)
            let within = try await client.charge("4000000000003055", requestID: "hour")
            #expect(within.text == first.text)
            configuration.clock.advance(seconds: 200)
            let after = try await client.charge("4000000000003055", requestID: "hour")
            #expect(after.field("TransactionId") != first.field("TransactionId"))
            let checked9 = try await client.operations().count
            #expect(checked9 == 2)
        }
    }
}

@Suite("Orders and the hosted page")
struct OrderTests {
    @Test("orders/create gives a hosted page where a test card pays the order")
    func hostedPage() async throws {
        try await withSandbox { client, _ in
            let created = try await client.post(
                "/orders/create",
                json:
                    #"{"Amount":250.00,"Currency":"RUB","Description":"Two tickets","InvoiceId":"ord-1","AccountId":"u1"}"#
            )
            #expect(created.success == true)
            #expect(created.field("Status") == "Created")
            #expect(created.field("Number") == "1")
            let id = try #require(created.field("Id"))
            let url = try #require(created.field("Url"))
            #expect(url == client.baseURL + "/sandbox/orders/" + id)
            let page = try await SandboxClient(baseURL: url).get("")
            #expect(page.text.contains(#"<form method="post" action="/sandbox/orders/\#(id)""#))
            #expect(page.text.contains(#"name="card""#))
            let paid = try await SandboxClient(baseURL: url).send(
                "",
                body: "card=4000+0000+0000+3055&exp=12%2F35&cvv=123",
                contentType: "application/x-www-form-urlencoded"
            )
            #expect(paid.text.contains(#"<p id="status">Completed</p>"#))
            let found = try await client.post("/v2/payments/find", json: #"{"InvoiceId":"ord-1"}"#)
            #expect(found.field("Status") == "Completed")
            #expect(found.text.contains(#""Amount":250.00,"#))
            #expect(found.field("Description") == "Two tickets")
            let kinds = try await client.operations().map { $0["Kind"] as? String }
            #expect(kinds == ["orderCreate", "orderPayment"])
            let missing = try await client.post("/orders/create", json: #"{"Amount":1}"#)
            #expect(missing.message as? String == "Description is required")
        }
    }
}

@Suite("Sandbox lifecycle and cryptogram")
struct LifecycleTests {
    @Test("a port already in use fails the start instead of hanging")
    func portInUse() async throws {
        try await withSandbox { client, sandbox in
            let port = await sandbox.boundPort()
            await #expect(throws: (any Error).self) {
                try await CloudPaymentsSandbox.withRunning(SandboxClient.configuration(port: port)) { _ in }
            }
            let stillServing = try await client.post("/test", json: "{}")
            #expect(stillServing.status == 200)
        }
    }

    @Test("the cryptogram is SBX1: and base64 of the documented JSON")
    func cryptogramFormat() throws {
        let packet = SandboxCryptogram(cardNumber: "4242 4242 4242 4242", expiry: "12/30", cvv: "123").packet
        #expect(packet.hasPrefix("SBX1:"))
        let json = try #require(Data(base64Encoded: String(packet.dropFirst(5))))
        #expect(String(decoding: json, as: UTF8.self) == #"{"card":"4242424242424242","exp":"12/30","cvv":"123"}"#)
        #expect(SandboxCryptogram(packet: packet)?.cardNumber == "4242424242424242")
        #expect(SandboxCryptogram(packet: "SBX2:" + packet.dropFirst(5)) == nil)
    }
}
