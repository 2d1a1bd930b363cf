import BoxOfficeCloudPaymentsSandbox
import Foundation
import Testing

/// The caps on what the sandbox keeps in memory, and which entries go first.
@Suite("Memory limits")
struct LimitsTests {
    @Test("past transactionsKeptMax the oldest finished transactions are forgotten; pending ones stay")
    func transactions() async throws {
        var configuration = SandboxClient.configuration()
        configuration.transactionsKeptMax = 3
        try await withSandbox(configuration) { client, _ in
            let authorized = try #require(
                try await client.charge("4000000000003055", kind: "auth").field("TransactionId")
            )
            let first = try #require(try await client.charge("4000000000003055").field("TransactionId"))
            let second = try #require(try await client.charge("4000000000003055").field("TransactionId"))
            let third = try #require(try await client.charge("4000000000003055").field("TransactionId"))
            func get(_ id: String) async throws -> SandboxClient.Answer {
                try await client.post("/payments/get", json: #"{"TransactionId":\#(id)}"#)
            }
            // The Authorized one is older but pending (confirm or void to come): the oldest
            // finished one goes instead.
            let forgotten = try await get(first)
            #expect(forgotten.message as? String == "Not found")
            for id in [authorized, second, third] {
                let kept = try await get(id)
                #expect(kept.field("TransactionId") == id)
            }
            let confirmed = try await client.post(
                "/payments/confirm",
                json: #"{"TransactionId":\#(authorized),"Amount":1}"#
            )
            #expect(confirmed.success == true)
            // Now finished and the oldest: the next transaction pushes it out.
            _ = try await client.charge("4000000000003055")
            let gone = try await get(authorized)
            #expect(gone.message as? String == "Not found")
        }
    }

    @Test("past requestIDsKeptMax the oldest X-Request-ID answers are forgotten; all expire after the hour")
    func requestIDs() async throws {
        let clock = SandboxClock()
        var configuration = SandboxClient.configuration()
        configuration.requestIDsKeptMax = 2
        configuration.clock = clock
        try await withSandbox(configuration) { client, _ in
            let r1 = try await client.charge("4000000000003055", invoiceID: "i1", requestID: "r1")
            _ = try await client.charge("4000000000003055", invoiceID: "i2", requestID: "r2")
            let r3 = try await client.charge("4000000000003055", invoiceID: "i3", requestID: "r3")
            // r3 is kept: the same answer, nothing performed.
            let r3Again = try await client.charge("4000000000003055", invoiceID: "i3", requestID: "r3")
            #expect(r3Again.text == r3.text)
            let checked1 = try await client.operations().count
            #expect(checked1 == 3)
            // r1 was the oldest and is forgotten: its repeat is a new payment.
            let r1Again = try await client.charge("4000000000003055", invoiceID: "i1", requestID: "r1")
            #expect(r1Again.field("TransactionId") != r1.field("TransactionId"))
            let checked2 = try await client.operations().count
            #expect(checked2 == 4)
            // After the hour on the sandbox clock every answer has expired.
            clock.advance(seconds: 3_601)
            let r1Later = try await client.charge("4000000000003055", invoiceID: "i1", requestID: "r1")
            #expect(r1Later.field("TransactionId") != r1Again.field("TransactionId"))
            let checked3 = try await client.operations().count
            #expect(checked3 == 5)
        }
    }

    @Test("past operationsKeptMax the oldest log entries go, the sequence keeps counting")
    func operations() async throws {
        var configuration = SandboxClient.configuration()
        configuration.operationsKeptMax = 2
        try await withSandbox(configuration) { client, sandbox in
            for _ in 0..<4 { _ = try await client.charge("4000000000003055") }
            let operations = await sandbox.operations()
            #expect(operations.map(\.sequence) == [3, 4])
            let logged = try await client.operations()
            #expect(logged.compactMap { $0["Sequence"] as? Int } == [3, 4])
        }
    }

    @Test("past tokensKeptMax the oldest token is invalid; past ordersKeptMax the oldest paid order is gone")
    func tokensAndOrders() async throws {
        var configuration = SandboxClient.configuration()
        configuration.tokensKeptMax = 1
        configuration.ordersKeptMax = 1
        try await withSandbox(configuration) { client, _ in
            let oldToken = try #require(try await client.charge("4000000000003055").field("Token"))
            let newToken = try #require(try await client.charge("4000000000003055").field("Token"))
            let old = try await TokenTests.tokenCharge(client, token: oldToken)
            #expect(old.message as? String == "Token is invalid")
            let new = try await TokenTests.tokenCharge(client, token: newToken)
            #expect(new.success == true)

            func order() async throws -> String {
                let created = try await client.post("/orders/create", json: #"{"Amount":10,"Description":"Pass"}"#)
                return try #require(created.field("Url"))
            }
            let first = try await order()
            let second = try await order()
            let firstPage = try await SandboxClient(baseURL: first).get("")
            #expect(firstPage.status == 404)
            let secondPage = try await SandboxClient(baseURL: second).get("")
            #expect(secondPage.status == 200)
        }
    }
}
