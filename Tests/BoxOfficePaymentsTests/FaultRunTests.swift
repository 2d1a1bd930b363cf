import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRPC
import Contracts
import Foundation
import Testing

/// The randomized fault run: many charges and refunds through PaymentService over RPC while the
/// sandbox injects every fault kind, then the reconciler run to completion. Seeded: the seed is
/// printed, and `BOXOFFICE_FAULT_SEED` repeats a run.
@Suite("Fault run")
struct FaultRunTests {
    static let chargeCount = Int(ProcessInfo.processInfo.environment["BOXOFFICE_FAULT_CHARGES"] ?? "") ?? 200
    /// Calls in flight at once (the sandbox's cap is 5 per terminal; the client waits on 429).
    static let concurrentCallsMax = 8
    /// Retries of a call refused as never sent (UNAVAILABLE): the key was released, so the same
    /// key may be sent again.
    static let notSentRetriesMax = 3

    /// A small deterministic generator (SplitMix64) for the run's own choices.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(bound)) }
    }

    /// What one charge (and its refunds) did, as the caller saw it.
    struct Plan: Sendable {
        var card: String
        var amountMinor: Int64
        var refunds: [Int64]
    }

    @Test("every fault kind: zero double charges, zero lost payments, ledger balanced")
    func faultRun() async throws {
        let seed =
            ProcessInfo.processInfo.environment["BOXOFFICE_FAULT_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...999_999)
        print("fault run: seed \(seed) (repeat with BOXOFFICE_FAULT_SEED=\(seed)), \(Self.chargeCount) charges")
        let faults = SandboxFaults(
            seed: seed,
            latencyMilliseconds: 3,
            serverErrorPerMille: 40,
            timeoutPerMille: 30,
            responseLostPerMille: 50,
            hangMilliseconds: 400,
            notificationDuplicatePerMille: 100,
            notificationDropPerMille: 100,
            notificationDelayMilliseconds: 30,
            notificationReorderPerMille: 100
        )
        let started = Date()
        let tune = ProviderWorld.Tune(
            timeoutMilliseconds: 1_500,
            reconcileScheduleSeconds: [1],
            pendingGraceSeconds: 3,
            // Nothing the sandbox holds unprocessed is processed later, so "not found" after a few
            // seconds means it never happened.
            providerRequestIDWindowSeconds: 5,
            rateLimitRetriesMax: 50,
            faults: faults
        )
        try await ProviderWorld.with(tune) { world in
            var random = Random(state: seed)
            let cards = ["4000000000003055", "4111111111111111", "5200828282828210", "4000056655665556"]
            var plans: [Plan] = []
            for _ in 0..<Self.chargeCount {
                let card = cards[random.below(cards.count)]
                let amount = Int64(1_000 + random.below(50) * 100)
                var refunds: [Int64] = []
                switch random.below(10) {
                case 0, 1: refunds = [amount / 4, amount / 4]
                case 2: refunds = [amount]
                default: break
                }
                plans.append(Plan(card: card, amountMinor: amount, refunds: refunds))
            }
            let outcomes = try await withThrowingTaskGroup(of: String?.self) { group in
                var next = 0
                var errors: [String?] = []
                while next < min(Self.concurrentCallsMax, plans.count) {
                    let plan = plans[next]
                    group.addTask { try await Self.run(plan, in: world) }
                    next += 1
                }
                while let error = try await group.next() {
                    errors.append(error)
                    if next < plans.count {
                        let plan = plans[next]
                        group.addTask { try await Self.run(plan, in: world) }
                        next += 1
                    }
                }
                return errors
            }
            let callsSeconds = Date().timeIntervalSince(started)
            // Faults off: what is left to do is the reconciler's and the notifications' retries.
            await world.sandbox.setFaults(SandboxFaults())
            // Every fault kind the run asked for was met at least once.
            let injected = await world.sandbox.injectedFaults()
            let kinds: [(String, Int)] = [
                ("latency", injected.latencyAdded), ("5xx", injected.serverErrors), ("timeout", injected.timeouts),
                ("response lost", injected.responsesLost), ("notification dropped", injected.notificationsDropped),
                ("duplicated", injected.notificationsDuplicated), ("delayed", injected.notificationsDelayed),
                ("reordered", injected.notificationsReordered),
            ]
            #expect(kinds.allSatisfy { $0.1 > 0 }, "fault kinds never injected: \(kinds.filter { $0.1 == 0 })")
            let unknownBefore = try await world.count(
                "SELECT count(*) FROM attempts WHERE state IN ('pending', 'unknown') AND kind <> 'hosted_order'"
            )
            let reconciler = world.reconciler(PaymentReconciler.Options())
            // Reordered notifications are held up to 5 s by the sandbox; deferred ones need their payment.
            var open = try await reconciler.runUntilSettled(timeoutSeconds: 40)
            try await Task.sleep(for: .seconds(6))
            open = try await reconciler.runUntilSettled(timeoutSeconds: 10)
            #expect(open == 0, "attempts left open")

            // Zero double charges: at most one charge operation per InvoiceId.
            let operations = await world.sandbox.operations()
            let chargeKinds: Set<SandboxOperation.Kind> = [.cardCharge, .cardAuth, .tokenCharge, .tokenAuth]
            let chargeOps = operations.filter { chargeKinds.contains($0.kind) }
            let byInvoice = Dictionary(grouping: chargeOps, by: { $0.invoiceID ?? "" })
            let doubles = byInvoice.filter { $0.value.count > 1 }
            #expect(doubles.isEmpty, "double charges: \(doubles.keys.sorted())")

            // Zero lost payments: every sandbox charge has our payment in the matching state.
            let rows = try await world.postgres.withConnection { connection in
                try await connection.query(
                    "SELECT payment_id::text, status, amount_minor, refunded_minor FROM payments"
                ).map {
                    (
                        try $0.decode(0, as: String.self), try $0.decode(1, as: String.self),
                        try $0.decode(2, as: Int64.self), try $0.decode(3, as: Int64.self)
                    )
                }
            }
            let ours = Dictionary(uniqueKeysWithValues: rows.map { ($0.0, ($0.1, $0.2, $0.3)) })
            var lost: [String] = []
            var approved = 0
            var declined = 0
            for operation in chargeOps {
                let invoice = operation.invoiceID ?? ""
                guard let (status, amount, refunded) = ours[invoice] else {
                    lost.append("\(invoice): no payment")
                    continue
                }
                if operation.status == "Completed" {
                    approved += 1
                    let refundedAtProvider = operations.filter {
                        $0.kind == .refund && $0.success && $0.invoiceID == invoice
                    }.compactMap(\.amountMinor).reduce(0, +)
                    let expected =
                        refundedAtProvider == 0
                        ? "succeeded" : (refundedAtProvider == amount ? "refunded" : "partially_refunded")
                    if status != expected || refunded != refundedAtProvider {
                        lost.append(
                            "\(invoice): provider Completed refunded \(refundedAtProvider), ours \(status) refunded \(refunded)"
                        )
                    }
                } else if operation.status == "Declined" {
                    declined += 1
                    if status != "failed" { lost.append("\(invoice): provider Declined, ours \(status)") }
                }
            }
            #expect(lost.isEmpty, "lost or mismatched payments: \(lost)")
            // And ours took no money the provider did not.
            let chargedInvoices = Set(chargeOps.filter { $0.status == "Completed" }.compactMap(\.invoiceID))
            let phantom = rows.filter {
                ["succeeded", "partially_refunded", "refunded"].contains($0.1) && !chargedInvoices.contains($0.0)
            }
            #expect(phantom.isEmpty, "payments succeeded without a charge: \(phantom.map(\.0))")

            let report = try await reconciler.reconcileDay(Date())
            #expect(report.mismatches.isEmpty, "daily reconciliation: \(report.mismatches)")

            let unknownSettled = try await world.count("SELECT count(*) FROM attempts WHERE checks > 0")
            let notSent = try await world.count("SELECT count(*) FROM attempts WHERE error = 'provider unreachable'")
            let notifications = try await world.count("SELECT count(*) FROM provider_notifications")
            let deferred = try await world.count(
                "SELECT count(*) FROM provider_notifications WHERE outcome = 'applied' AND kind = 'Refund'"
            )
            let refundOps = operations.filter { $0.kind == .refund && $0.success }.count
            let callErrors = outcomes.compactMap { $0 }
            #expect(callErrors.count <= Self.chargeCount / 10, "calls that ended in an error: \(callErrors.prefix(5))")
            print(
                """
                fault run: seed \(seed): \(Self.chargeCount) charges (\(approved) approved, \(declined) declined at the \
                provider, \(chargeOps.count) charge operations), \(refundOps) refunds done; \
                \(unknownBefore) attempts unknown/pending after the calls, \(unknownSettled) looked up by the reconciler, \
                \(notSent) not sent (retried), \(callErrors.count) calls that ended in an error; \(notifications) notifications \
                recorded (\(deferred) refunds applied from notifications); faults injected: \
                \(kinds.map { "\($0.1) \($0.0)" }.joined(separator: ", ")); calls \(String(format: "%.1f", callsSeconds)) s, \
                total \(String(format: "%.1f", Date().timeIntervalSince(started))) s
                """
            )
        }
    }

    /// Charges per `plan` (retrying a call that was never sent), then refunds what it says when
    /// the charge succeeded. Returns the error a call ended with that no retry fixed, if any
    /// (the payment then stays for the reconciler).
    static func run(_ plan: Plan, in world: ProviderWorld) async throws -> String? {
        let request = world.chargeRequest(card: plan.card, amountMinor: plan.amountMinor)
        let key = UUID().uuidString
        var payment: Payments_V1_Payment?
        var lastError: String?
        for _ in 0...Self.notSentRetriesMax {
            do {
                payment = try await world.client.charge(request, options: ProviderWorld.options(key: key))
                lastError = nil
                break
            } catch {
                // Never sent (the key was released), or the first try still holds the key: again.
                guard error.code == .unavailable || error.code == .aborted else { return "charge: \(error)" }
                lastError = "\(error)"
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        if let lastError { return "charge: \(lastError)" }
        guard let payment, payment.status == .succeeded else { return nil }
        for amount in plan.refunds {
            var refund = Payments_V1_RefundPaymentRequest()
            refund.paymentID = payment.paymentID
            refund.amountMinor = amount
            refund.reason = "fault run"
            refund.requestedBy = "admin:fault-run"
            let refundKey = UUID().uuidString
            for _ in 0...Self.notSentRetriesMax {
                do {
                    _ = try await world.client.refundPayment(refund, options: ProviderWorld.options(key: refundKey))
                    break
                } catch {
                    // Refused (the earlier refund's outcome is still unknown, or all is refunded):
                    // nothing happened.
                    if error.code == .failedPrecondition { break }
                    guard error.code == .unavailable || error.code == .aborted else { return "refund: \(error)" }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        return nil
    }
}
