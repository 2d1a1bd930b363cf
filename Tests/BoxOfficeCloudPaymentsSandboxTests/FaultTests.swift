import AsyncHTTPClient
import BoxOfficeCloudPaymentsSandbox
import Foundation
import NIOCore
import Testing

@Suite("Fault injection")
struct FaultTests {
    @Test("an injected 5xx performs nothing")
    func serverError() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults.scripted = [.serverError]
        try await withSandbox(configuration) { client, _ in
            let failed = try await client.charge("4000000000003055", requestID: "r1")
            #expect(failed.status == 500)
            let checked1 = try await client.operations().isEmpty
            #expect(checked1)
            // Not stored either: the retry with the same id charges, once.
            let retried = try await client.charge("4000000000003055", requestID: "r1")
            #expect(retried.success == true)
            let checked2 = try await client.operations().count
            #expect(checked2 == 1)
        }
    }

    // The tests that give up before the hang wait 1 s: a loaded machine must still deliver the
    // request in that time, or the scripted fault waits for the next call instead.

    @Test("a timeout gives no answer and performs nothing")
    func timeout() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults.scripted = [.timeout]
        configuration.faults.hangMilliseconds = 3_000
        try await withSandbox(configuration) { client, _ in
            await #expect(throws: HTTPClientError.self) {
                _ = try await client.send(
                    "/payments/cards/charge",
                    body: "{}",
                    contentType: "application/json",
                    timeout: .milliseconds(1_000)
                )
            }
            let checked3 = try await client.operations().isEmpty
            #expect(checked3)
        }
    }

    @Test("a timeout held past its hang closes the connection with no answer at all, not a 504")
    func timeoutDropsConnection() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults.scripted = [.timeout, .responseLost]
        configuration.faults.hangMilliseconds = 200
        try await withSandbox(configuration) { client, _ in
            for _ in 0..<2 {
                let started = Date()
                await #expect(throws: HTTPClientError.remoteConnectionClosed) {
                    _ = try await client.charge("4000000000003055", invoiceID: "dropped")
                }
                #expect(Date().timeIntervalSince(started) >= 0.2)
            }
            // The timeout performed nothing, the lost response one charge.
            let operations = try await client.operations()
            #expect(operations.count == 1)
            let answer = try await client.post("/test", json: "{}")
            #expect(answer.status == 200)
        }
    }

    @Test("a response lost after the charge: the charge happened once, find and replay tell it")
    func responseLost() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults.scripted = [.responseLost]
        configuration.faults.hangMilliseconds = 3_000
        try await withSandbox(configuration) { client, _ in
            await #expect(throws: HTTPClientError.self) {
                var request = client
                request.baseURL = client.baseURL
                _ = try await request.send(
                    "/payments/cards/charge",
                    body: """
                        {"Amount":10,"IpAddress":"127.0.0.1","InvoiceId":"lost-1",\
                        "CardCryptogramPacket":"\(SandboxClient.cryptogram("4000000000003055"))"}
                        """,
                    contentType: "application/json",
                    requestID: "lost",
                    timeout: .milliseconds(1_000)
                )
            }
            let operations = try await client.operations()
            #expect(operations.count == 1)
            #expect(operations.first?["Kind"] as? String == "cardCharge")
            let found = try await client.post("/v2/payments/find", json: #"{"InvoiceId":"lost-1"}"#)
            #expect(found.field("Status") == "Completed")
            let replay = try await client.charge("4000000000003055", invoiceID: "lost-1", requestID: "lost")
            #expect(replay.field("TransactionId") == found.field("TransactionId"))
            let checked4 = try await client.operations().count
            #expect(checked4 == 1)
        }
    }

    @Test("faults set through the admin endpoint; seeded draws repeat")
    func seeded() async throws {
        func statuses() async throws -> [Int] {
            var statuses: [Int] = []
            try await withSandbox { client, _ in
                let set = try await client.post("/sandbox/faults", json: #"{"Seed":42,"ServerErrorPerMille":500}"#)
                #expect(set.status == 200)
                for _ in 0..<30 { statuses.append(try await client.post("/test", json: "{}").status) }
            }
            return statuses
        }
        let first = try await statuses()
        let second = try await statuses()
        #expect(first == second)
        #expect(first.contains(500))
        #expect(first.contains(200))
    }

    @Test("added latency")
    func latency() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults.latencyMilliseconds = 300
        try await withSandbox(configuration) { client, _ in
            let started = Date()
            _ = try await client.post("/test", json: "{}")
            #expect(Date().timeIntervalSince(started) >= 0.3)
        }
    }

    @Test("notifications dropped, duplicated, delayed and reordered")
    func notificationFaults() async throws {
        let listener = TestListener()
        try await listener.withRunning { url in
            var configuration = NotificationTests.configuration(url)
            configuration.terminals[0].notificationURLs[.check] = nil
            try await withSandbox(configuration) { client, sandbox in
                await sandbox.setFaults(SandboxFaults(notificationDropPerMille: 1000))
                _ = try await client.charge("4000000000003055")
                let checked5 = try await listener.wait(for: "/pay", count: 1, seconds: 0.5).isEmpty
                #expect(checked5)

                await sandbox.setFaults(SandboxFaults(notificationDuplicatePerMille: 1000))
                let duplicated = try await client.charge("4000000000003055").field("TransactionId")
                let twice = try await listener.wait(for: "/pay", count: 2)
                #expect(twice.map { $0.field("TransactionId") } == [duplicated, duplicated])

                await sandbox.setFaults(SandboxFaults(notificationDelayMilliseconds: 400))
                let started = Date()
                _ = try await client.charge("4000000000003055")
                let checked6 = try await listener.wait(for: "/pay", count: 3).count
                #expect(checked6 == 3)
                #expect(Date().timeIntervalSince(started) >= 0.4)

                await sandbox.setFaults(SandboxFaults(notificationReorderPerMille: 1000))
                let earlier = try await client.charge("4000000000003055").field("TransactionId")
                let later = try await client.charge("4000000000003055").field("TransactionId")
                let all = try await listener.wait(for: "/pay", count: 5)
                #expect(all.suffix(2).map { $0.field("TransactionId") } == [later, earlier])

                // One of each, counted (the second reorder draw found the first still held).
                var expected = SandboxFaultCounts()
                expected.notificationsDropped = 1
                expected.notificationsDuplicated = 1
                expected.notificationsDelayed = 1
                expected.notificationsReordered = 1
                #expect(await sandbox.injectedFaults() == expected)
            }
        }
    }

    @Test("API faults are counted by kind, and GET /sandbox/faults shows the counts")
    func injectedCounts() async throws {
        var configuration = SandboxClient.configuration()
        configuration.faults = SandboxFaults(
            latencyMilliseconds: 1,
            scripted: [.serverError, .timeout, .responseLost, .serverError],
            hangMilliseconds: 100
        )
        try await withSandbox(configuration) { client, sandbox in
            for _ in 0..<5 { _ = try? await client.post("/test", json: "{}") }
            var expected = SandboxFaultCounts()
            expected.latencyAdded = 5
            expected.serverErrors = 2
            expected.timeouts = 1
            expected.responsesLost = 1
            #expect(await sandbox.injectedFaults() == expected)
            let shown = try await client.get("/sandbox/faults")
            #expect(
                shown.text.contains(#""Injected":{"LatencyAdded":5,"ServerErrors":2,"Timeouts":1"#),
                "\(shown.text)"
            )
        }
    }

    @Test("past notificationsPendingMax, a notification is discarded and counted")
    func pendingCap() async throws {
        // Nobody listens: the first notification stays pending between retries a "minute" apart.
        var configuration = NotificationTests.configuration("http://127.0.0.1:9")
        configuration.terminals[0].notificationURLs[.check] = nil
        configuration.notificationMinuteMilliseconds = 60_000
        configuration.notificationsPendingMax = 1
        try await withSandbox(configuration) { client, sandbox in
            _ = try await client.charge("4000000000003055")
            _ = try await client.charge("4000000000003055")
            #expect(await sandbox.injectedFaults().notificationsDiscarded == 1)
        }
    }
}
