import Foundation
import Testing

@Suite("get, find and lists")
struct LookupTests {
    @Test("get and find answer Not found for a miss, and only for the own terminal")
    func misses() async throws {
        try await withSandbox { client, _ in
            let miss = try await client.post("/v2/payments/find", json: #"{"InvoiceId":"nope"}"#)
            #expect(miss.text == #"{"Success":false,"Message":"Not found"}"#)
            let fetched1 = try await client.charge("4000000000003055", invoiceID: "mine")
            let id = try #require(fetched1.field("TransactionId"))
            var other = client
            other.publicID = SandboxClient.otherPublicID
            other.apiSecret = SandboxClient.otherSecret
            let foreign = try await other.post("/payments/get", json: #"{"TransactionId":\#(id)}"#)
            #expect(foreign.text == #"{"Success":false,"Message":"Not found"}"#)
            let foreignFind = try await other.post("/v2/payments/find", json: #"{"InvoiceId":"mine"}"#)
            #expect(foreignFind.message as? String == "Not found")
        }
    }

    @Test("find answers the last operation with the InvoiceId")
    func findLast() async throws {
        try await withSandbox { client, _ in
            _ = try await client.charge("4000056655665556", invoiceID: "inv-1")
            let second = try await client.charge("4000000000003055", invoiceID: "inv-1")
            let found = try await client.post("/v2/payments/find", json: #"{"InvoiceId":"inv-1"}"#)
            #expect(found.success == true)
            #expect(found.field("TransactionId") == second.field("TransactionId"))
            #expect(found.field("Status") == "Completed")
            // A numeric InvoiceId finds the same as its text.
            _ = try await client.charge("4000000000003055", invoiceID: "12345")
            let numeric = try await client.post("/v2/payments/find", json: #"{"InvoiceId":12345}"#)
            #expect(numeric.field("InvoiceId") == "12345")
        }
    }

    @Test("payments/list gives the day's transactions; v2 list pages by 100, oldest first")
    func lists() async throws {
        try await withSandbox { client, _ in
            var ids: [String] = []
            for index in 0..<105 {
                let card = index % 2 == 0 ? "4000000000003055" : "4000056655665556"
                let charged = try await client.charge(card, amount: "1.00")
                ids.append(try #require(charged.field("TransactionId")))
            }
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "UTC")
            let today = formatter.string(from: Date())
            let day = try await client.post("/payments/list", json: #"{"Date":"\#(today)","TimeZone":"UTC"}"#)
            #expect(day.models?.count == 105)
            let range = #""CreatedDateGte":"2000-01-01T00:00:00","CreatedDateLte":"2100-01-01T00:00:00""#
            let page1 = try await client.post("/v2/payments/list", json: "{\(range),\"PageNumber\":1}")
            let page2 = try await client.post("/v2/payments/list", json: "{\(range),\"PageNumber\":2}")
            let page3 = try await client.post("/v2/payments/list", json: "{\(range),\"PageNumber\":3}")
            let listed = ((page1.models ?? []) + (page2.models ?? [])).map { "\($0["TransactionId"]!)" }
            #expect(page1.models?.count == 100)
            #expect(page2.models?.count == 5)
            #expect(page3.models?.count == 0)
            #expect(listed == ids)
            let declined = try await client.post(
                "/v2/payments/list",
                json: "{\(range),\"PageNumber\":1,\"Statuses\":[\"Declined\"]}"
            )
            #expect(declined.models?.count == 52)
            let past = try await client.post(
                "/v2/payments/list",
                json: #"{"CreatedDateGte":"2000-01-01","CreatedDateLte":"2000-01-02","PageNumber":1}"#
            )
            #expect(past.models?.count == 0)
        }
    }
}
