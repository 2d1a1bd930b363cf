import Configuration
import Foundation
import NIOHTTP1
import Testing

@testable import BoxOfficeGateway

/// The per-client and per-caller rate limits: the limiter's arithmetic on a given clock, and the
/// 429 answers of a live gateway.
@Suite("Gateway rate limits")
struct RateLimitTests {
    static let second: Int64 = 1_000_000_000

    @Test("a key gets its burst at once, then one request per interval")
    func burstThenRate() {
        let limiter = RateLimiter(limit: RateLimit(requestsPerSecond: 10, burst: 3), keysMax: 100)
        let start: Int64 = 50 * Self.second
        for _ in 0..<3 { #expect(limiter.admit("a", now: start) == .allowed) }
        guard case .refused(let wait) = limiter.admit("a", now: start) else {
            Issue.record("the fourth request at once was allowed")
            return
        }
        // One emission interval (100 ms) until the next slot frees up.
        #expect(wait == Self.second / 10)
        #expect(RateLimiter.retryAfterSeconds(wait) == 1)
        // Another key is not affected.
        #expect(limiter.admit("b", now: start) == .allowed)
        // After the interval exactly one more request fits.
        #expect(limiter.admit("a", now: start + wait) == .allowed)
        #expect(limiter.admit("a", now: start + wait) != .allowed)
        // After a long idle period the whole burst is back, and no more.
        let later = start + 10 * Self.second
        for _ in 0..<3 { #expect(limiter.admit("a", now: later) == .allowed) }
        #expect(limiter.admit("a", now: later) != .allowed)
    }

    @Test("Retry-After rounds up to whole seconds, at least 1")
    func retryAfterRounding() {
        #expect(RateLimiter.retryAfterSeconds(1) == 1)
        #expect(RateLimiter.retryAfterSeconds(Self.second) == 1)
        #expect(RateLimiter.retryAfterSeconds(Self.second + 1) == 2)
        let slow = RateLimiter(limit: RateLimit(requestsPerSecond: 1, burst: 1), keysMax: 10)
        #expect(slow.admit("k", now: 0) == .allowed)
        #expect(slow.admit("k", now: 0) == .refused(retryAfterNanoseconds: Self.second))
    }

    @Test("the table stays bounded, and a flood of new keys is limited rather than let through")
    func boundedKeys() {
        let limiter = RateLimiter(limit: RateLimit(requestsPerSecond: 1, burst: 2), keysMax: 4)
        for index in 0..<4 { #expect(limiter.admit("k\(index)", now: 0) == .allowed) }
        #expect(limiter.keyCount == 4)
        // All four are still active: a fifth key is treated as having used its burst.
        #expect(limiter.admit("new", now: 0) != .allowed)
        #expect(limiter.keyCount == 4)
        // Once the four have refilled they are dropped to make room.
        #expect(limiter.admit("new", now: 10 * Self.second) == .allowed)
        #expect(limiter.keyCount == 1)
    }

    @Test("over the client limit: 429 in the error shape with Retry-After; probes are never limited")
    func clientLimit() async throws {
        try await GatewayHarness.run(clientRateLimit: RateLimit(requestsPerSecond: 1, burst: 3)) { harness in
            // Twenty at once: the burst of 3 plus one per elapsed second get through, the rest
            // are refused (counted rather than sequenced, so a slow machine cannot refill the
            // bucket between requests and make the test pass or fail by timing).
            let started = ContinuousClock.now
            let answers = try await withThrowingTaskGroup(of: GatewayHarness.Answer.self) { group in
                for _ in 0..<20 { group.addTask { try await harness.send(.GET, "/v1/invoices?pageSize=1") } }
                var answers: [GatewayHarness.Answer] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            let elapsedSeconds = Int((ContinuousClock.now - started).components.seconds) + 1
            let allowed = answers.filter { $0.status == 200 }.count
            #expect(allowed >= 3 && allowed <= 3 + elapsedSeconds, "\(allowed) allowed in \(elapsedSeconds) s")
            #expect(answers.allSatisfy { $0.status == 200 || $0.status == 429 })
            let refused = try #require(answers.first { $0.status == 429 })
            #expect(try refused.error().code == "RESOURCE_EXHAUSTED")
            let retryAfter = try #require(refused.headers.first(name: "Retry-After").flatMap { Int($0) })
            #expect(retryAfter >= 1 && retryAfter <= 2)
            #expect(refused.headers.first(name: "X-Request-ID") != nil)
            for path in ["/healthz", "/metrics", "/openapi.json"] {
                #expect(try await harness.send(.GET, path).status == 200, "\(path)")
            }
            try await Task.sleep(for: .seconds(retryAfter))
            #expect(try await harness.send(.GET, "/v1/invoices?pageSize=1").status == 200)
            #expect(harness.logs.all.contains { $0.metadata["http.route"] == "rate_limited" })
        }
    }

    @Test("the caller limit counts per authenticated user, not per address")
    func callerLimit() async throws {
        try await GatewayHarness.run(callerRateLimit: RateLimit(requestsPerSecond: 1, burst: 2)) { harness in
            let first = [("Authorization", "Bearer " + Tokens.make(subject: UUID().uuidString.lowercased()))]
            let second = [("Authorization", "Bearer " + Tokens.make(subject: UUID().uuidString.lowercased()))]
            // Ten at once from the first user: the burst gets through, the rest are refused.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await harness.send(.GET, "/v1/invoices/inv-1", headers: first).status }
                }
                var statuses: [Int] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.filter { $0 == 200 }.count >= 2)
            #expect(statuses.contains(429))
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 })
            #expect(try await harness.send(.GET, "/v1/invoices/inv-1", headers: second).status == 200)
            // Public routes carry no caller: only the client limit (off here) applies.
            for _ in 0..<5 {
                #expect(try await harness.send(.GET, "/v1/invoices?pageSize=1").status == 200)
            }
        }
    }

    @Test("the limits are read from configuration, 0 turns one off, bad values name the key")
    func configuration() throws {
        let upstreams: [String: (key: String, default: GatewayConfiguration.UpstreamAddress)] = [:]
        func read(_ values: [AbsoluteConfigKey: ConfigValue]) throws -> GatewayConfiguration {
            try GatewayConfiguration(
                reader: ConfigReader(provider: InMemoryProvider(values: values)),
                upstreams: upstreams
            )
        }
        let defaults = try read([:])
        #expect(defaults.clientRateLimit == GatewayConfiguration.clientRateLimitDefault)
        #expect(defaults.callerRateLimit == GatewayConfiguration.callerRateLimitDefault)
        let set = try read([
            "gateway.rate.client.per.second": 7, "gateway.rate.client.burst": 9,
            "gateway.rate.caller.per.second": 0, "gateway.rate.keys.max": 12,
        ])
        #expect(set.clientRateLimit == RateLimit(requestsPerSecond: 7, burst: 9))
        #expect(!set.callerRateLimit.isOn)
        #expect(set.rateLimitKeysMax == 12)
        let bad: [(AbsoluteConfigKey, ConfigValue, String)] = [
            ("gateway.rate.client.per.second", -1, "gateway.rate.client.per.second"),
            ("gateway.rate.caller.burst", 0, "gateway.rate.caller.burst"),
            ("gateway.rate.keys.max", 0, "gateway.rate.keys.max"),
        ]
        for (key, value, named) in bad {
            var description = ""
            do { _ = try read([key: value]) } catch { description = "\(error)" }
            #expect(description.contains(named), "\(key): \(description)")
        }
    }
}
