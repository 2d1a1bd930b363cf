import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import Contracts
import Foundation
import Testing

@Suite("Payment reconciler")
struct ReconcilerTests {
    @Test("the daily reconciliation reports what the provider and we disagree on; the reconciler then settles it")
    func dailyMismatches() async throws {
        let tune = ProviderWorld.Tune(
            timeoutMilliseconds: 2_000,
            reconcileScheduleSeconds: [1],
            faults: SandboxFaults(scripted: [.responseLost], hangMilliseconds: 3_000, notificationDropPerMille: 1000)
        )
        try await ProviderWorld.with(tune) { world in
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            let transactionID = try #require(try await world.chargeOperation(payment.paymentID).transactionID)
            // A payment made at the provider with an InvoiceId that is none of ours.
            let stranger = UUID().uuidString.lowercased()
            _ = try? await world.provider.chargeCard(
                CardPaymentRequest(
                    amount: try Money(minorUnits: 500, currency: .rub),
                    ipAddress: "127.0.0.1",
                    cardCryptogramPacket: SandboxCryptogram(cardNumber: "4000000000003055", expiry: "12/35", cvv: "123")
                        .packet,
                    invoiceId: stranger
                ),
                requestID: try RequestID("stranger-\(UUID().uuidString.prefix(8))")
            )
            // Money we took whose provider transaction is dated two days on (the provider's clock
            // moved): the provider has none that day.
            try await world.advanceSandboxClock(seconds: 2 * 86_400)
            let otherDay = try await world.charge()
            try await world.advanceSandboxClock(seconds: -2 * 86_400)
            #expect(otherDay.status == .succeeded)
            // One of ours whose amount no longer matches the provider's.
            let amended = try await world.charge(amountMinor: 7_000)
            #expect(amended.status == .succeeded)
            let amendedID = try #require(UUID(uuidString: amended.paymentID))
            try await world.postgres.withConnection { connection in
                try await connection.execute("UPDATE payments SET amount_minor = 6999 WHERE payment_id = \(amendedID)")
            }
            // An expired idempotency key for the reaper.
            try await world.postgres.withConnection { connection in
                try await connection.execute(
                    """
                    INSERT INTO idempotency_keys (caller, key, method, fingerprint, state, locked_until, expires_at)
                    VALUES ('users', 'old-key', 'Charge', '\\x00'::bytea, 'done', now(), now() - interval '1 second')
                    """
                )
            }
            let reconciler = world.reconciler()
            let report = try await reconciler.reconcileDay(Date())
            let kinds = Dictionary(grouping: report.mismatches, by: \.kind)
            #expect(kinds[.statusMismatch]?.map(\.paymentID) == [payment.paymentID], "\(report.mismatches)")
            #expect(kinds[.statusMismatch]?.first?.providerTransactionID == transactionID)
            #expect(kinds[.unknownToUs]?.map(\.paymentID) == [stranger], "\(report.mismatches)")
            #expect(kinds[.missingAtProvider]?.map(\.paymentID) == [otherDay.paymentID], "\(report.mismatches)")
            #expect(kinds[.missingAtProvider]?.first?.providerTransactionID == otherDay.providerTransactionID)
            #expect(kinds[.amountMismatch]?.map(\.paymentID) == [amended.paymentID], "\(report.mismatches)")
            #expect(kinds[.amountMismatch]?.first?.providerTransactionID == amended.providerTransactionID)
            #expect(report.mismatches.count == 4)
            #expect(report.payments == 3, "ours of the day: the unknown one, the amended one, the other day's")
            // Put the amount back, so that the ledger check at the end sees what really happened.
            try await world.postgres.withConnection { connection in
                try await connection.execute("UPDATE payments SET amount_minor = 7000 WHERE payment_id = \(amendedID)")
            }

            #expect(try await reconciler.runUntilSettled(timeoutSeconds: 10) == 0)
            #expect(try await world.payment(payment.paymentID).status == .succeeded)
            #expect(try await world.count("SELECT count(*) FROM idempotency_keys WHERE key = 'old-key'") == 0)
            let after = try await reconciler.reconcileDay(Date())
            #expect(after.mismatches.map(\.kind) == [.unknownToUs, .missingAtProvider], "\(after.mismatches)")
            #expect(await world.charges(payment.paymentID).count == 1, "the reconciler never charges")
        }
    }

    @Test("refunds: each provider refund is one of ours of the same amount, each of ours is at the provider")
    func dailyRefunds() async throws {
        // Without notifications: a Refund notification would record the stray refund below as ours.
        try await ProviderWorld.with(notifications: false) { world in
            let payment = try await world.charge(amountMinor: 1_000)
            #expect(payment.status == .succeeded)
            let refunded = try await world.client.refundPayment(
                RefundTests.refund(payment.paymentID, 300),
                options: ProviderWorld.options()
            )
            #expect(refunded.status == .partiallyRefunded)
            let reconciler = world.reconciler()
            let clean = try await reconciler.reconcileDay(Date())
            #expect(clean.mismatches.isEmpty, "\(clean.mismatches)")
            #expect(clean.providerRefunds == 1)
            #expect(clean.refunds == 1)

            // A refund made at the provider behind our back ...
            let stray = try await world.provider.refund(
                transactionId: payment.providerTransactionID,
                amount: try Money(minorUnits: 100, currency: .rub),
                requestID: try RequestID("stray-\(UUID().uuidString.prefix(8))")
            )
            // ... one of ours whose amount no longer matches the provider's ...
            let ours = try #require(refunded.refunds.first)
            try await world.postgres.withConnection { connection in
                try await connection.execute(
                    "UPDATE refunds SET amount_minor = 299 WHERE refund_id = \(UUID(uuidString: ours.refundID)!)"
                )
                // ... and a succeeded one the provider never made.
                try await connection.execute(
                    """
                    INSERT INTO refunds (refund_id, payment_id, amount_minor, currency, status, provider_transaction_id)
                    VALUES (\(UUID()), \(UUID(uuidString: payment.paymentID)!), 50, 'RUB', 'succeeded', 987654321)
                    """
                )
            }
            let report = try await reconciler.reconcileDay(Date())
            let kinds = Dictionary(grouping: report.mismatches, by: \.kind)
            #expect(kinds[.refundUnknownToUs]?.map(\.providerTransactionID) == [stray], "\(report.mismatches)")
            #expect(kinds[.refundMismatch]?.map(\.providerTransactionID) == [ours.providerTransactionID])
            #expect(kinds[.refundMissingAtProvider]?.map(\.providerTransactionID) == [987_654_321])
            #expect(report.mismatches.count == 3)

            // Put the books back, so that the ledger check at the end sees what really happened.
            try await world.postgres.withConnection { connection in
                try await connection.execute(
                    "UPDATE refunds SET amount_minor = 300 WHERE refund_id = \(UUID(uuidString: ours.refundID)!)"
                )
                try await connection.execute("DELETE FROM refunds WHERE provider_transaction_id = 987654321")
            }
        }
    }

    @Test("a charge's idempotency key expires at least 24 hours after it was taken; a reaper pass keeps it")
    func keyRetention() async throws {
        try await ProviderWorld.with { world in
            let key = "retained-\(UUID().uuidString.prefix(8))"
            let request = world.chargeRequest()
            let payment = try await world.client.charge(request, options: ProviderWorld.options(key: key))
            #expect(payment.status == .succeeded)
            let retention = PaymentsConfiguration.idempotencyRetentionSecondsDefault
            #expect(retention >= 24 * 3600)
            #expect(
                try await world.count(
                    "SELECT extract(epoch FROM expires_at - created_at)::bigint FROM idempotency_keys WHERE key = '\(key)'"
                ) >= 24 * 3600
            )
            #expect(
                try await world.count(
                    "SELECT count(*) FROM idempotency_keys WHERE key = '\(key)' AND expires_at >= now() + interval '23 hours 59 minutes'"
                ) == 1
            )
            // Next to it, a key past its expiry: the same pass reaps that one only.
            try await world.postgres.withConnection { connection in
                try await connection.execute(
                    """
                    INSERT INTO idempotency_keys (caller, key, method, fingerprint, state, locked_until, expires_at)
                    VALUES ('users', 'expired-key', 'Charge', '\\x00'::bytea, 'done', now(), now() - interval '1 second')
                    """
                )
            }
            let summary = try await world.reconciler().runPass()
            #expect(summary.keysReaped == 1)
            #expect(try await world.count("SELECT count(*) FROM idempotency_keys WHERE key = '\(key)'") == 1)
            #expect(try await world.count("SELECT count(*) FROM idempotency_keys WHERE key = 'expired-key'") == 0)
            // The kept key still answers a retry with the first answer, charging nothing.
            let again = try await world.client.charge(request, options: ProviderWorld.options(key: key))
            #expect(again.paymentID == payment.paymentID)
            #expect(await world.charges(payment.paymentID).count == 1)
        }
    }

    @Test("an unknown attempt the provider has no record of is looked at after 60 s, 300 s, 3600 s, then daily")
    func schedule() async throws {
        // The charge is never processed (held, then dropped): the provider will answer Not found.
        let tune = ProviderWorld.Tune(
            timeoutMilliseconds: 2_000,
            faults: SandboxFaults(scripted: [.timeout], hangMilliseconds: 3_000)
        )
        try await ProviderWorld.with(tune) { world in
            #expect(world.configuration.reconcileScheduleSeconds == [60, 300, 3600, 86_400])
            let payment = try await world.charge()
            #expect(payment.status == .unknown)
            let paymentID = try #require(UUID(uuidString: payment.paymentID))
            /// Seconds from now to the attempt's next check, and its checks so far.
            func next() async throws -> (Int64, Int64) {
                let gap = try await world.count(
                    "SELECT extract(epoch FROM next_check_at - now())::bigint FROM attempts WHERE payment_id = '\(paymentID)'"
                )
                let checks = try await world.count(
                    "SELECT checks::bigint FROM attempts WHERE payment_id = '\(paymentID)'"
                )
                return (gap, checks)
            }
            // Tolerance for the time between setting and reading next_check_at on a loaded machine.
            let slackSeconds: Int64 = 10
            let first = try await next()
            #expect(abs(first.0 - 60) <= slackSeconds, "after the charge: \(first)")
            #expect(first.1 == 0)
            let reconciler = world.reconciler()
            for (index, expected) in [300, 3600, 86_400, 86_400].enumerated() {
                // Due now.
                try await world.postgres.withConnection { connection in
                    try await connection.execute(
                        "UPDATE attempts SET next_check_at = now() - interval '1 second' WHERE payment_id = \(paymentID)"
                    )
                }
                let summary = try await reconciler.runPass()
                #expect(summary.checked == 1 && summary.settled == 0, "\(summary)")
                let (gap, checks) = try await next()
                #expect(abs(gap - Int64(expected)) <= slackSeconds, "check \(index + 1): \(gap) s ahead")
                #expect(checks == Int64(index + 1))
                // Not due again in the same breath.
                #expect(try await reconciler.runPass().checked == 0)
            }
            #expect(try await world.payment(payment.paymentID).status == .unknown, "inside the request-id window")
            #expect(await world.charges(payment.paymentID).isEmpty, "the provider never charged")
            #expect(
                await world.sandbox.operations().isEmpty,
                "the reconciler only asked, it never charged"
            )
        }
    }
}
