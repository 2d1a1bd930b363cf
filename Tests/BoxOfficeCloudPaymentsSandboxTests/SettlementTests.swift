import Foundation
import Testing

/// Refunds, void and confirm, with the provider's status rules.
@Suite("Refunds, void and confirm")
struct SettlementTests {
    static func id(_ answer: SandboxClient.Answer) throws -> String {
        try #require(answer.field("TransactionId"))
    }

    @Test("partial refunds add up; over-refunding is refused")
    func refunds() async throws {
        try await withSandbox { client, _ in
            let payment = try await client.charge("4000000000003055", amount: "100.00", invoiceID: "inv-r")
            let id = try Self.id(payment)
            let first = try await client.post("/payments/refund", json: #"{"TransactionId":\#(id),"Amount":30.00}"#)
            #expect(first.success == true)
            let refundID = try #require(first.model?["TransactionId"] as? Int)
            #expect(String(refundID) != id)
            let second = try await client.post("/payments/refund", json: #"{"TransactionId":\#(id),"Amount":"50.10"}"#)
            #expect(second.success == true)
            let over = try await client.post("/payments/refund", json: #"{"TransactionId":\#(id),"Amount":19.91}"#)
            #expect(over.success == false)
            #expect(over.json["Model"] == nil)
            let rest = try await client.post("/payments/refund", json: #"{"TransactionId":\#(id),"Amount":19.90}"#)
            #expect(rest.success == true)
            let nothingLeft = try await client.post(
                "/payments/refund",
                json: #"{"TransactionId":\#(id),"Amount":0.01}"#
            )
            #expect(nothingLeft.success == false)

            let got = try await client.post("/payments/get", json: #"{"TransactionId":\#(id)}"#)
            #expect(got.model?["Refunded"] as? Bool == true)
            #expect(got.field("Status") == "Completed")
            // find answers the last operation with the InvoiceId: the last refund.
            let found = try await client.post("/v2/payments/find", json: #"{"InvoiceId":"inv-r"}"#)
            #expect(found.field("OriginalTransactionId") == id)
            #expect(found.text.contains(#""Amount":19.90,"#))
            let refunds = try await client.operations().filter { $0["Kind"] as? String == "refund" }
            #expect(refunds.map { $0["Success"] as? Bool } == [true, true, false, true, false])
        }
    }

    @Test("refund needs a Completed payment")
    func refundNeedsCompleted() async throws {
        try await withSandbox { client, _ in
            let authorized = try Self.id(try await client.charge("4000000000003055", kind: "auth"))
            let refused = try await client.post(
                "/payments/refund",
                json: #"{"TransactionId":\#(authorized),"Amount":1}"#
            )
            #expect(refused.success == false)
            let declined = try Self.id(try await client.charge("4000056655665556"))
            let refused2 = try await client.post(
                "/payments/refund",
                json: #"{"TransactionId":\#(declined),"Amount":1}"#
            )
            #expect(refused2.success == false)
            let missing = try await client.post("/payments/refund", json: #"{"TransactionId":99999999,"Amount":1}"#)
            #expect(missing.text == #"{"Success":false,"Message":"Not found"}"#)
        }
    }

    @Test("confirm an Authorized payment, for the whole or less")
    func confirm() async throws {
        try await withSandbox { client, _ in
            let id = try Self.id(try await client.charge("4000000000003055", amount: "100.00", kind: "auth"))
            let tooMuch = try await client.post("/payments/confirm", json: #"{"TransactionId":\#(id),"Amount":100.01}"#)
            #expect(tooMuch.success == false)
            let confirmed = try await client.post("/payments/confirm", json: #"{"TransactionId":\#(id),"Amount":60}"#)
            #expect(confirmed.text == #"{"Success":true,"Message":null}"#)
            let got = try await client.post("/payments/get", json: #"{"TransactionId":\#(id)}"#)
            #expect(got.field("Status") == "Completed")
            #expect(got.text.contains(#""Amount":60.00,"#))
            #expect(got.field("ConfirmDateIso") != nil)
            let twice = try await client.post("/payments/confirm", json: #"{"TransactionId":\#(id),"Amount":60}"#)
            #expect(twice.success == false)
            let void = try await client.post("/payments/void", json: #"{"TransactionId":\#(id)}"#)
            #expect(void.success == false)
        }
    }

    @Test("void only an Authorized payment")
    func void() async throws {
        try await withSandbox { client, _ in
            let authorized = try Self.id(try await client.charge("4000000000003055", kind: "auth"))
            let voided = try await client.post("/payments/void", json: #"{"TransactionId":\#(authorized)}"#)
            #expect(voided.success == true)
            let got = try await client.post("/payments/get", json: #"{"TransactionId":\#(authorized)}"#)
            #expect(got.field("Status") == "Cancelled")
            #expect(got.field("StatusCode") == "4")
            let confirm = try await client.post(
                "/payments/confirm",
                json: #"{"TransactionId":\#(authorized),"Amount":1}"#
            )
            #expect(confirm.success == false)
            let completed = try Self.id(try await client.charge("4000000000003055"))
            let refused = try await client.post("/payments/void", json: #"{"TransactionId":\#(completed)}"#)
            #expect(refused.success == false)
        }
    }

    @Test("two-stage payments auto-void after seven days on the sandbox clock")
    func autoVoid() async throws {
        try await withSandbox { client, _ in
            let id = try Self.id(try await client.charge("4000000000003055", kind: "auth"))
            _ = try await client.post("/sandbox/clock", json: #"{"AdvanceSeconds":604801}"#)
            let got = try await client.post("/payments/get", json: #"{"TransactionId":\#(id)}"#)
            #expect(got.field("Status") == "Cancelled")
        }
    }
}
