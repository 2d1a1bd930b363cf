import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

@testable import BoxOfficePayments

@Suite("Ledger check, events and token initiators")
struct LedgerCheckTests {
    @Test("the checker finds an unbalanced journal, a payment whose entries miss, and a refund sum off")
    func findsTampering() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(amountMinor: 700)
            let id = try #require(UUID(uuidString: payment.paymentID))
            let clean = try await harness.postgres.withConnection { try await LedgerCheck.run(in: $0) }
            #expect(clean.isEmpty)
            #expect(try await harness.count("SELECT count(*) FROM ledger_entries") == 2)

            // One more credit without its debit: currency, journal and payment rules all fire.
            try await harness.postgres.withConnection { connection in
                try await connection.execute(
                    """
                    INSERT INTO ledger_entries (journal_id, payment_id, account, side, amount_minor, currency)
                    VALUES (\(UUID()), \(id), 'customer_payments', 'credit', 5, 'RUB')
                    """
                )
                try await connection.execute("UPDATE payments SET refunded_minor = 100 WHERE payment_id = \(id)")
            }
            let findings = try await harness.postgres.withConnection { try await LedgerCheck.run(in: $0) }
            let rules = Set(findings.map(\.rule))
            #expect(
                rules == ["currency_unbalanced", "journal_unbalanced", "payment_mismatch", "refunds_mismatch"],
                "\(findings)"
            )
            // Put it right so the harness's own check passes.
            try await harness.postgres.withConnection { connection in
                try await connection.execute("DELETE FROM ledger_entries WHERE amount_minor = 5")
                try await connection.execute("UPDATE payments SET refunded_minor = 0 WHERE payment_id = \(id)")
            }
        }
    }

    @Test("the outbox event carries the payment as it succeeded")
    func succeededEvent() async throws {
        try await PaymentsHarness.with { harness in
            let payment = try await harness.charge(amountMinor: 1_234, saveMethod: true)
            let payload = try await harness.postgres.withConnection { connection in
                try await connection.query("SELECT payload FROM outbox WHERE routing_key = 'payment.succeeded'")
                    .first?.decode(0, as: [UInt8].self)
            }
            let event = try Events_V1_PaymentSucceeded(rpcBytes: try #require(payload))
            #expect(event.paymentID == payment.paymentID)
            #expect(event.userID == harness.userID.uuidString.lowercased())
            #expect(event.invoiceID == payment.invoiceID)
            #expect(event.amount?.amountMinor == 1_234)
            #expect(event.amount?.currency == "RUB")
            #expect(event.providerTransactionID == payment.providerTransactionID)
            #expect(event.paymentMethodID == payment.paymentMethodID)
            #expect(!event.recurring)
            #expect(UUID(uuidString: event.eventID) != nil)
        }
    }

    @Test("a payer-present token charge sends TrInitiatorCode=1; a renewal 0 with PaymentScheduled=1")
    func initiators() async throws {
        try await PaymentsHarness.with { harness in
            let first = try await harness.charge(saveMethod: true)
            let methodID = try #require(UUID(uuidString: first.paymentMethodID))
            let amount = try Money(minorUnits: 500, currency: .rub)
            for recurring in [false, true] {
                let input = PaymentService.ChargeInput(
                    userID: harness.userID,
                    invoiceID: "inv",
                    amount: amount,
                    source: .savedMethod(methodID),
                    saveMethod: false,
                    twoStage: false,
                    recurring: recurring,
                    description: "",
                    clientIP: "",
                    email: ""
                )
                let payment = PaymentRecord(
                    userID: harness.userID,
                    invoiceID: "inv",
                    amountMinor: 500,
                    currency: "RUB",
                    source: .savedMethod
                )
                let call = try await harness.postgres.withConnection { connection in
                    try await PaymentService.call(for: input, payment: payment, in: connection)
                }
                guard case .token(let request, let twoStage) = call else {
                    Issue.record("not a token call: \(call)")
                    continue
                }
                #expect(!twoStage)
                #expect(request.initiator == (recurring ? .merchant : .cardholder))
                #expect(request.paymentScheduled == recurring)
                #expect(request.invoiceId == payment.paymentID.uuidString.lowercased())
                #expect(request.accountId == harness.userID.uuidString.lowercased())
            }
        }
    }
}
