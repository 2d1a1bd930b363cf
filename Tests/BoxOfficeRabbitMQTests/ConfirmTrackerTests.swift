import Testing

@testable import BoxOfficeRabbitMQ

@Suite struct ConfirmTrackerTests {
    @Test func multipleAckResolvesEverythingUpToTheTagInOrder() {
        var tracker = ConfirmTracker<Int>()
        for token in 1...5 { _ = tracker.register(messageID: "m\(token)", token: token) }
        let resolved = tracker.ack(deliveryTag: 3, multiple: true)
        #expect(resolved.map(\.0) == [1, 2, 3])
        #expect(resolved.allSatisfy { $0.1 == .confirmed })
        #expect(tracker.outstandingCount == 2)
    }

    @Test func singleAckAndNackResolveOnlyTheirMessage() {
        var tracker = ConfirmTracker<Int>()
        for token in 1...3 { _ = tracker.register(messageID: "m\(token)", token: token) }
        #expect(tracker.ack(deliveryTag: 2, multiple: false).map(\.0) == [2])
        let nacked = tracker.nack(deliveryTag: 3, multiple: false)
        #expect(nacked.map(\.0) == [3])
        #expect(nacked.first?.1 == .nacked)
        // A multiple ack after gaps resolves only what is still outstanding.
        #expect(tracker.ack(deliveryTag: 3, multiple: true).map(\.0) == [1])
        #expect(tracker.outstandingCount == 0)
    }

    @Test func returnedMessageResolvesAsUnroutableOnItsAck() {
        var tracker = ConfirmTracker<Int>()
        _ = tracker.register(messageID: "same", token: 1)
        _ = tracker.register(messageID: "same", token: 2)
        _ = tracker.register(messageID: "other", token: 3)
        let known = tracker.markReturned(messageID: "same")
        let unknown = tracker.markReturned(messageID: "missing")
        #expect(known)
        #expect(!unknown)
        let resolved = tracker.ack(deliveryTag: 3, multiple: true)
        #expect(resolved.map(\.1) == [.unroutable, .confirmed, .confirmed])
    }

    @Test func resetHandsBackEveryOutstandingTokenAndRestartsNumbering() {
        var tracker = ConfirmTracker<Int>()
        for token in 1...3 { _ = tracker.register(messageID: "m", token: token) }
        _ = tracker.ack(deliveryTag: 1, multiple: false)
        let outstanding = tracker.reset()
        let sequence = tracker.register(messageID: "m", token: 9)
        #expect(outstanding == [2, 3])
        #expect(sequence == 1)
    }
}

@Suite struct BackoffTests {
    @Test func pausesDoubleUpToTheMaximumWithJitterAndResetToTheMinimum() {
        var generator = SplitMix(seed: 42)
        var backoff = Backoff(minimum: .milliseconds(100), maximum: .milliseconds(1000))
        var ceiling = Duration.milliseconds(100)
        for attempt in 0..<10 {
            let pause = backoff.next(using: &generator)
            #expect(pause <= ceiling, "attempt \(attempt), seed 42")
            #expect(pause >= max(.milliseconds(100), ceiling / 2), "attempt \(attempt), seed 42")
            ceiling = min(.milliseconds(1000), ceiling * 2)
        }
        backoff.reset()
        #expect(backoff.next(using: &generator) <= .milliseconds(100))
    }
}

/// A seeded generator, so that a failing jitter test can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
