import BoxOfficeRPC
import Configuration
import NIOHTTP1
import Testing

@testable import BoxOfficeGateway

/// The client address behind trusted proxies: CIDR parsing, the right-to-left walk of
/// `X-Forwarded-For`, and a live gateway keying its limit and metadata on the address it read.
@Suite("X-Forwarded-For from trusted proxies")
struct ForwardedForTests {
    static func networks(_ texts: String...) -> [IPNetwork] {
        texts.map { IPNetwork($0)! }
    }

    @Test("CIDR ranges and single addresses parse; bad ones do not")
    func parsing() {
        #expect(IPNetwork("10.0.0.0/8")?.description == "10.0.0.0/8")
        #expect(IPNetwork("192.0.2.7")?.description == "192.0.2.7/32")
        #expect(IPNetwork("2001:db8::/32")?.description == "2001:db8::/32")
        #expect(IPNetwork("::1")?.description == "::1/128")
        #expect(IPNetwork("0.0.0.0/0")?.description == "0.0.0.0/0")
        // An IPv4-mapped IPv6 address is its IPv4 address.
        #expect(IPNetwork("::ffff:192.0.2.7")?.description == "192.0.2.7/32")
        for bad in [
            "", "10.0.0.0/33", "10.0.0.1/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "example.com",
            "300.1.1.1", "2001:db8::/129", "10.0.0.0/+8", "10.0.0.0/٨",
        ] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test("a network contains exactly its addresses, one family at a time")
    func containment() throws {
        let network = try #require(IPNetwork("172.16.0.0/12"))
        #expect(network.contains(IPAddress.bytes("172.16.0.1")!))
        #expect(network.contains(IPAddress.bytes("172.31.255.255")!))
        #expect(!network.contains(IPAddress.bytes("172.32.0.0")!))
        #expect(!network.contains(IPAddress.bytes("172.15.255.255")!))
        #expect(network.contains(IPAddress.bytes("::ffff:172.16.0.1")!))
        #expect(!network.contains(IPAddress.bytes("2001:db8::1")!))
        let v6 = try #require(IPNetwork("2001:db8:abcd::/48"))
        #expect(v6.contains(IPAddress.bytes("2001:db8:abcd:12::1")!))
        #expect(!v6.contains(IPAddress.bytes("2001:db8:abce::1")!))
        #expect(!v6.contains(IPAddress.bytes("10.0.0.1")!))
    }

    @Test("without trusted proxies, or from an untrusted peer, the header is ignored")
    func untrusted() {
        let none = ClientAddressResolver(trustedProxies: [])
        #expect(none.clientAddress(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        let some = ClientAddressResolver(trustedProxies: Self.networks("10.0.0.0/8"))
        #expect(some.clientAddress(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        #expect(some.clientAddress(peer: nil, forwardedFor: ["198.51.100.1"]) == nil)
    }

    @Test("from a trusted peer, the rightmost untrusted entry is the client")
    func walk() {
        let resolver = ClientAddressResolver(trustedProxies: Self.networks("10.0.0.0/8", "2001:db8::/32"))
        // The client put a forged entry first; the proxies appended what they saw.
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 198.51.100.7, 10.0.0.9"])
                == "198.51.100.7"
        )
        // Several header lines are one list, in order.
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["1.2.3.4", "198.51.100.7", "10.0.0.9"])
                == "198.51.100.7"
        )
        // Ports and brackets are dropped; addresses come out canonical.
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["198.51.100.7:4711"]) == "198.51.100.7")
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["[2001:DB9:0::1]:443"]) == "2001:db9::1"
        )
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: [" 2001:db9::2 "]) == "2001:db9::2")
        // Every entry trusted: the leftmost.
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["10.1.1.1, 10.2.2.2"]) == "10.1.1.1")
        // No header: the peer itself.
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: []) == "10.0.0.2")
        // Junk stops the walk at the trusted hop after it.
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["198.51.100.7, unknown, 10.0.0.9"]) == "10.0.0.9"
        )
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: [""]) == "10.0.0.2")
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["1.2.3.4\u{0}"]) == "10.0.0.2")
    }

    @Test("a chain longer than the limit is cut there")
    func longChain() {
        let resolver = ClientAddressResolver(trustedProxies: Self.networks("10.0.0.0/8"))
        let trusted = (0..<ClientAddressResolver.forwardedEntriesMax).map { "10.0.0.\($0 % 250)" }
        let header = (["198.51.100.7"] + trusted).joined(separator: ",")
        // The client's entry lies past the limit: the walk stops at the last trusted entry read.
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: [header]) == "10.0.0.0")
        let within = (["198.51.100.7"] + trusted.dropLast()).joined(separator: ",")
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: [within]) == "198.51.100.7")
    }

    @Test("gateway.trusted.proxies is read, and a bad entry names the key")
    func configuration() throws {
        func read(_ text: String) throws -> GatewayConfiguration {
            try GatewayConfiguration(
                reader: ConfigReader(
                    provider: InMemoryProvider(values: [
                        "gateway.trusted.proxies": .init(.string(text), isSecret: false)
                    ])
                ),
                upstreams: [:]
            )
        }
        #expect(
            try read("10.0.0.0/8, 192.0.2.7 2001:db8::/32").trustedProxies.map(\.description) == [
                "10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32",
            ]
        )
        #expect(try read("").trustedProxies.isEmpty)
        var description = ""
        do { _ = try read("10.0.0.0/8,10.0.0.1/8") } catch { description = "\(error)" }
        #expect(description.contains("gateway.trusted.proxies"))
        #expect(description.contains("10.0.0.1/8"))
    }

    @Test("a live gateway behind a trusted proxy keys its limit and metadata on the forwarded client")
    func live() async throws {
        try await GatewayHarness.run(
            clientRateLimit: RateLimit(requestsPerSecond: 1, burst: 2),
            trustedProxies: Self.networks("127.0.0.1")
        ) { (harness: GatewayHarness) async throws in
            let first = [("X-Forwarded-For", "198.51.100.7"), ("X-Request-ID", "xff-first")]
            #expect(try await harness.send(.GET, "/v1/invoices?pageSize=1", headers: first).status == 200)
            #expect(harness.service.metadata(forRequestID: "xff-first")?.values["client-address"] == "198.51.100.7")
            // That client's burst is 2 and it refills at 1/s: of 20 requests at once, some are
            // refused (counted, not timed, so a slow machine cannot pass or fail it) ...
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await harness.send(.GET, "/v1/invoices?pageSize=1", headers: [first[0]]).status
                    }
                }
                var statuses: [Int] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.contains(429))
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 })
            // ... while another client behind the same proxy is not.
            let other = [("X-Forwarded-For", "198.51.100.8")]
            #expect(try await harness.send(.GET, "/v1/invoices?pageSize=1", headers: other).status == 200)
        }
    }

    @Test("a live gateway that trusts no proxy ignores the header")
    func liveUntrusted() async throws {
        try await GatewayHarness.run { (harness: GatewayHarness) async throws in
            let headers = [("X-Forwarded-For", "198.51.100.7"), ("X-Request-ID", "xff-ignored")]
            #expect(try await harness.send(.GET, "/v1/invoices?pageSize=1", headers: headers).status == 200)
            #expect(harness.service.metadata(forRequestID: "xff-ignored")?.values["client-address"] == "127.0.0.1")
        }
    }
}
