import BoxOfficeRPC
import Foundation
import NIOCore
import Testing

@_spi(Fuzzing) @testable import BoxOfficeRPCNIO

/// Random and mutated frames against the decoder and a live server, a bounded number of times
/// (the longer run is `Benchmarks/` `fuzz`). Seeded: a failure prints its seed, and
/// `RPC_FUZZ_SEED` replays it.
@Suite("RPC fuzz")
struct RPCFuzzTests {
    /// Inputs fed to the in-memory decoder.
    static let decoderIterations = 20_000
    /// Connections opened against the server, each fed a few frames.
    static let socketIterations = 2_000
    static let framesPerConnectionMax = 4
    /// How long one fuzz connection may wait for the server to answer or close.
    static let socketWait = Duration.milliseconds(5)
    /// Growth of this process's resident memory allowed between the warm-up and the end of a
    /// run. Generous, since other suites run in the same process at the same time; a leak per
    /// input (thousands of inputs of up to ~100 bytes plus a connection each) would pass it.
    static let residentGrowthBytesMax = 64 * 1024 * 1024
    /// Share of the iterations run before the resident size is first read.
    static let warmupDivisor = 10

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["RPC_FUZZ_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }

    @Test("the decoder survives random and mutated input, in bounded memory")
    func decoder() throws {
        let seed = Self.seed
        var random = SplitMix64(seed: seed)
        let frames = RPCFrameFuzzing.validFrames(methodID: TestMethods.echo.id)
        var residentAfterWarmup: Int?
        for iteration in 0..<Self.decoderIterations {
            if iteration == Self.decoderIterations / Self.warmupDivisor {
                residentAfterWarmup = RPCFrameFuzzing.residentBytes()
            }
            let input = RPCFrameFuzzing.input(&random, frames: frames)
            if case .failure(let error) = RPCFrameFuzzing.decode(input, payloadBytesMax: 256),
                !RPCFrameFuzzing.isMalformedFrame(error)
            {
                Issue.record("seed \(seed): unexpected error \(error)")
                return
            }
        }
        Self.expectBounded(since: residentAfterWarmup, seed: seed)
    }

    @Test("the server survives random and mutated frames, still serves, in bounded memory")
    func server() async throws {
        let seed = Self.seed
        try await TestServers.withServer(configuration: RPCServerConfiguration(payloadBytesMax: 4096)) { _, _, port in
            var random = SplitMix64(seed: seed)
            let frames = RPCFrameFuzzing.validFrames(methodID: TestMethods.echo.id)
            let start = ContinuousClock.now
            let connections = Self.socketIterations / Self.framesPerConnectionMax
            var residentAfterWarmup: Int?
            for connection in 0..<connections {
                if connection == connections / Self.warmupDivisor {
                    residentAfterWarmup = RPCFrameFuzzing.residentBytes()
                }
                var bytes: [UInt8] = []
                for _ in 0..<(1 + Int(random.next() % UInt64(Self.framesPerConnectionMax))) {
                    bytes += RPCFrameFuzzing.input(&random, frames: frames)
                }
                _ = try await RawSocket.exchange(port: port, bytes, wait: Self.socketWait)
            }
            #expect(ContinuousClock.now - start < .seconds(60), "seed \(seed): the server was slow to answer")
            Self.expectBounded(since: residentAfterWarmup, seed: seed)
            await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                let result = await RPCClient(transport: $0).call(TestMethods.echo, "after the storm")
                #expect(result == .success("after the storm"), "seed \(seed)")
            }
        }
    }

    static func expectBounded(since warm: Int?, seed: UInt64) {
        guard let warm, let now = RPCFrameFuzzing.residentBytes() else {
            Issue.record("no resident set size to check (/proc/self/statm)")
            return
        }
        #expect(
            now - warm < Self.residentGrowthBytesMax,
            "seed \(seed): resident memory grew \((now - warm) / 1024) KiB during the run"
        )
    }
}
