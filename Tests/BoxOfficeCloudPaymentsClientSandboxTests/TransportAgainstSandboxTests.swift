import BoxOfficeCloudPayments
import BoxOfficeCloudPaymentsSandbox
import Foundation
import Testing

/// `X-Request-ID` replay, the concurrency cap and every API fault of the sandbox, as the client
/// reports them (CloudPaymentsError's contract), checked against the sandbox's operations log.
@Suite("Client against the sandbox: replay, 429, faults")
struct TransportAgainstSandboxTests {
    @Test("a repeated X-Request-ID gets the identical answer and charges once, sequentially and concurrently")
    func replay() async throws {
        try await withPair { pair in
            let client = pair.client
            let requestID = Pair.requestID()
            let request = Pair.card("4000000000003055")
            let first = try await client.chargeCard(request, requestID: requestID)
            let second = try await client.chargeCard(request, requestID: requestID)
            #expect(second == first)

            // Five at once (the terminal's cap): the repeats wait for the first and share its answer.
            let concurrentID = Pair.requestID()
            let results = try await withThrowingTaskGroup(of: ChargeResult.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        try await client.chargeCard(Pair.card("4000000000003055"), requestID: concurrentID)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results).count == 1)

            // A refund too: the same refund id, one refund.
            let payment = try #require(first.transaction)
            let refundID = Pair.requestID()
            let refund1 = try await client.refund(
                transactionId: payment.transactionId,
                amount: Pair.money(1_000),
                requestID: refundID
            )
            let refund2 = try await client.refund(
                transactionId: payment.transactionId,
                amount: Pair.money(1_000),
                requestID: refundID
            )
            #expect(refund1 == refund2)

            let operations = await pair.operations()
            #expect(operations.map(\.kind) == [.cardCharge, .cardCharge, .refund])
            #expect(operations.map(\.requestID) == [requestID.value, concurrentID.value, refundID.value])
            #expect(operations[0].transactionID == payment.transactionId)
        }
    }

    @Test("after the provider's hour a repeated X-Request-ID is a new charge (why find, not retry, settles UNKNOWN)")
    func replayExpires() async throws {
        let clock = SandboxClock()
        var configuration = Pair.configuration()
        configuration.clock = clock
        try await withPair(configuration) { pair in
            let requestID = Pair.requestID()
            let request = Pair.card("4000000000003055")
            let first = try await pair.client.chargeCard(request, requestID: requestID)
            // The sandbox clock runs with the wall clock too: 100 s of slack for a slow machine.
            clock.advance(seconds: 3_500)
            #expect(try await pair.client.chargeCard(request, requestID: requestID) == first)
            clock.advance(seconds: 200)
            let later = try await pair.client.chargeCard(request, requestID: requestID)
            #expect(later.transaction?.transactionId != first.transaction?.transactionId)
            #expect(await pair.operations().count == 2)
        }
    }

    @Test("429 past the sandbox's cap is waited out by the client; every charge happens once")
    func rateLimitWaitedOut() async throws {
        var configuration = Pair.configuration()
        configuration.concurrentRequestsMax = 2
        configuration.faults.latencyMilliseconds = 150
        try await withPair(configuration) { pair in
            // The client allows more in flight than the sandbox does, so the sandbox answers 429.
            let client = pair.client(concurrentRequestsMax: 8, rateLimitRetriesMax: 12)
            let results = try await withThrowingTaskGroup(of: ChargeResult.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await client.chargeCard(Pair.card("4000000000003055"), requestID: Pair.requestID())
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { if case .approved = $0 { true } else { false } })
            let operations = await pair.operations()
            #expect(operations.count == 6)
            #expect(Set(operations.compactMap(\.requestID)).count == 6)

            // Without retries the 429s reach the caller as rateLimited, and those charged nothing.
            let impatient = pair.client(concurrentRequestsMax: 8, rateLimitRetriesMax: 0)
            let outcomes = await withTaskGroup(of: CloudPaymentsError.Code?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do throws(CloudPaymentsError) {
                            _ = try await impatient.chargeCard(
                                Pair.card("4000000000003055"),
                                requestID: Pair.requestID()
                            )
                            return nil
                        } catch {
                            return error.code
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let limited = outcomes.filter { $0 == .rateLimited }.count
            #expect(limited >= 1)
            #expect(outcomes.filter { $0 == nil }.count == 6 - limited)
            #expect(await pair.operations().count == 6 + (6 - limited))
        }
    }

    @Test("an injected 5xx: a charge is UNKNOWN (HTTP 500), a lookup unavailable; nothing was performed")
    func serverError() async throws {
        var configuration = Pair.configuration()
        configuration.faults.scripted = [.serverError, .serverError]
        try await withPair(configuration) { pair in
            let request = Pair.card("4000000000003055")
            let invoiceId = try #require(request.invoiceId)
            let requestID = Pair.requestID()
            let error = await expectError(.outcomeUnknown) { () async throws(CloudPaymentsError) in
                try await pair.client.chargeCard(request, requestID: requestID)
            }
            #expect(error?.httpStatus == 500)
            #expect(error?.isSafeToRetry == false)
            let lookup = await expectError(.unavailable) { () async throws(CloudPaymentsError) in
                try await pair.client.findPayment(invoiceId: invoiceId)
            }
            #expect(lookup?.httpStatus == 500)
            // The reconciler's way: find tells it never happened; then the same attempt again.
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.client.findPayment(invoiceId: invoiceId)
            }
            #expect(await pair.operations().isEmpty)
            let retried = try await pair.client.chargeCard(request, requestID: requestID)
            #expect(retried.transaction?.status == .completed)
            #expect(await pair.operations().count == 1)
        }
    }

    @Test(
        "an injected timeout (the connection closed unanswered, or the client gives up first) is UNKNOWN; nothing was performed",
        // The client's short timeout leaves a loaded machine time to deliver the request, so
        // the sandbox's fault is the one that hits it.
        arguments: [
            (hang: Int64(200), clientTimeout: Pair.requestTimeoutMilliseconds), (hang: 3_000, clientTimeout: 1_000),
        ]
    )
    func timeout(hang: Int64, clientTimeout: Int64) async throws {
        var configuration = Pair.configuration()
        configuration.faults.scripted = [.timeout, .timeout]
        configuration.faults.hangMilliseconds = hang
        try await withPair(configuration) { pair in
            let client = pair.client(timeoutMilliseconds: clientTimeout)
            let request = Pair.card("4000000000003055")
            let invoiceId = try #require(request.invoiceId)
            let started = ContinuousClock.now
            let error = await expectError(.outcomeUnknown) { () async throws(CloudPaymentsError) in
                try await client.chargeCard(request, requestID: Pair.requestID())
            }
            #expect(ContinuousClock.now - started >= .milliseconds(min(hang, clientTimeout)))
            // No HTTP answer at all: not a 504, the connection ended (or the client stopped waiting).
            #expect(error?.httpStatus == nil)
            #expect(error?.underlying != nil)
            let lookup = await expectError(.unavailable) { () async throws(CloudPaymentsError) in
                try await client.getTransaction(transactionId: 1)
            }
            #expect(lookup?.httpStatus == nil)
            // Settled with the usual timeout (a loaded machine may take longer than the short one).
            await expectError(.notFound) { () async throws(CloudPaymentsError) in
                try await pair.client.findPayment(invoiceId: invoiceId)
            }
            #expect(await pair.operations().isEmpty)
        }
    }

    @Test("the answer lost after the charge: UNKNOWN, then find shows the charge exactly once; a replay returns it")
    func responseLost() async throws {
        var configuration = Pair.configuration()
        configuration.faults.scripted = [.responseLost]
        configuration.faults.hangMilliseconds = 200
        try await withPair(configuration) { pair in
            let request = Pair.card("4000000000003055")
            let invoiceId = try #require(request.invoiceId)
            let requestID = Pair.requestID()
            let error = await expectError(.outcomeUnknown) { () async throws(CloudPaymentsError) in
                try await pair.client.chargeCard(request, requestID: requestID)
            }
            #expect(error?.httpStatus == nil)
            let found = try await pair.client.findPayment(invoiceId: invoiceId)
            #expect(found.status == .completed)
            #expect(found.amount == request.amount)
            let operations = await pair.operations()
            #expect(operations.count == 1)
            #expect(operations.first?.transactionID == found.transactionId)
            #expect(operations.first?.requestID == requestID.value)
            // Retrying the same attempt within the hour is answered from the stored answer.
            let replay = try await pair.client.chargeCard(request, requestID: requestID)
            #expect(replay == .approved(found))
            #expect(await pair.operations().count == 1)
        }
    }

    @Test("random faults drawn from a seed: every failure is reported as UNKNOWN and find settles each exactly")
    func seededFaults() async throws {
        var configuration = Pair.configuration()
        configuration.faults = SandboxFaults(
            seed: 7,
            serverErrorPerMille: 200,
            timeoutPerMille: 100,
            responseLostPerMille: 200,
            hangMilliseconds: 100
        )
        try await withPair(configuration) { pair in
            var unknown: [String] = []
            var approved: [String: Int64] = [:]
            for _ in 0..<30 {
                let request = Pair.card("4000000000003055")
                let invoiceId = try #require(request.invoiceId)
                do throws(CloudPaymentsError) {
                    let result = try await pair.client.chargeCard(request, requestID: Pair.requestID())
                    #expect(result.transaction?.status == .completed)
                    approved[invoiceId] = result.transaction?.transactionId
                } catch {
                    #expect(error.code == .outcomeUnknown, "seed 7: \(error)")
                    unknown.append(invoiceId)
                }
            }
            await pair.sandbox.setFaults(SandboxFaults())
            #expect(!unknown.isEmpty, "seed 7 draws faults")
            let operations = await pair.operations()
            for invoiceId in unknown {
                let performed = operations.filter { $0.invoiceID == invoiceId }
                // Settled by find: a lost answer charged once, a 5xx or timeout not at all.
                do throws(CloudPaymentsError) {
                    let found = try await pair.client.findPayment(invoiceId: invoiceId)
                    #expect(performed.map(\.transactionID) == [found.transactionId], "seed 7")
                } catch {
                    #expect(error.code == .notFound, "seed 7: \(error)")
                    #expect(performed.isEmpty, "seed 7")
                }
            }
            for (invoiceId, transactionId) in approved {
                #expect(operations.filter { $0.invoiceID == invoiceId }.map(\.transactionID) == [transactionId])
            }
        }
    }

    @Test("added latency is waited for; a sandbox that is gone is notSent (safe to retry)")
    func latencyAndGone() async throws {
        var configuration = Pair.configuration()
        configuration.faults.latencyMilliseconds = 300
        var stopped: Pair?
        try await withPair(configuration) { pair in
            let started = ContinuousClock.now
            try await pair.client.test()
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            stopped = pair
        }
        // Short: the HTTP client keeps trying to connect until the deadline, then reports the
        // refusal.
        let client = try #require(stopped).client(timeoutMilliseconds: 1_000)
        let error = await expectError(.notSent) { () async throws(CloudPaymentsError) in
            try await client.chargeCard(Pair.card("4000000000003055"), requestID: Pair.requestID())
        }
        #expect(error?.isSafeToRetry == true)
    }
}
