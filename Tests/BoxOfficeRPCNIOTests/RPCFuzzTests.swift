import BoxOfficeRPC
import Foundation
import NIOCore
import Testing

@testable import BoxOfficeRPCNIO

/// Random and mutated frames against the decoder and a live server. Seeded: a failure prints its
/// seed, and `RPC_FUZZ_SEED` replays it.
@Suite("RPC fuzz")
struct RPCFuzzTests {
    /// Inputs fed to the in-memory decoder.
    static let decoderIterations = 20_000
    /// Connections opened against the server, each fed a few frames.
    static let socketIterations = 2_000
    static let framesPerConnectionMax = 4
    /// How long one fuzz connection may wait for the server to answer or close.
    static let socketWait = Duration.milliseconds(5)

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["RPC_FUZZ_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }

    static func validFrames() -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var buffer = ByteBuffer()
        RPCFrameEncoder.writeRequest(
            into: &buffer,
            requestID: 1,
            methodID: TestMethods.echo.id,
            deadlineMicroseconds: 1_000_000,
            metadata: Metadata(traceID: "t", caller: "c", idempotencyKey: "k", values: ["a": "b"]),
            message: Array("payload".utf8)
        )
        frames.append(Array(buffer.readableBytesView))
        buffer.clear()
        RPCFrameEncoder.writeResponse(
            into: &buffer,
            requestID: 2,
            status: RPCError(code: .notFound, message: "m", details: [RPCErrorDetail(field: "f", reason: "r")]),
            message: []
        )
        frames.append(Array(buffer.readableBytesView))
        buffer.clear()
        RPCFrameEncoder.writeCancel(into: &buffer, requestID: 3)
        frames.append(Array(buffer.readableBytesView))
        return frames
    }

    /// Either random bytes or a valid frame with a few bytes changed, cut or extended.
    static func input(_ random: inout SplitMix64, frames: [[UInt8]]) -> [UInt8] {
        if random.next() % 4 == 0 {
            return (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
        var bytes = frames[Int(random.next() % UInt64(frames.count))]
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let index = Int(random.next() % UInt64(bytes.count))
            bytes[index] = UInt8(truncatingIfNeeded: random.next())
        }
        switch random.next() % 4 {
        case 0: bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
        case 1:
            bytes.append(
                contentsOf: (0..<Int(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            )
        default: break
        }
        return bytes
    }

    @Test("the decoder survives random and mutated input")
    func decoder() throws {
        let seed = Self.seed
        var random = SplitMix64(seed: seed)
        let frames = Self.validFrames()
        for _ in 0..<Self.decoderIterations {
            var decoder = RPCFrameDecoder(payloadBytesMax: 256)
            var buffer = ByteBuffer(bytes: Self.input(&random, frames: frames))
            do {
                while try decoder.decode(buffer: &buffer) != nil {}
            } catch is RPCFrameError {
                // Refused: the expected outcome for most mutations.
            } catch {
                Issue.record("seed \(seed): unexpected error \(error)")
                return
            }
        }
    }

    @Test("the server survives random and mutated frames and still serves")
    func server() async throws {
        let seed = Self.seed
        try await TestServers.withServer(configuration: RPCServerConfiguration(payloadBytesMax: 4096)) { _, _, port in
            var random = SplitMix64(seed: seed)
            let frames = Self.validFrames()
            let start = ContinuousClock.now
            for _ in 0..<(Self.socketIterations / Self.framesPerConnectionMax) {
                var bytes: [UInt8] = []
                for _ in 0..<(1 + Int(random.next() % UInt64(Self.framesPerConnectionMax))) {
                    bytes += Self.input(&random, frames: frames)
                }
                _ = try await RawSocket.exchange(port: port, bytes, wait: Self.socketWait)
            }
            #expect(ContinuousClock.now - start < .seconds(60), "seed \(seed): the server was slow to answer")
            await NIORPCClientTransport.withTransport(host: "127.0.0.1", port: port, logger: TestServers.logger) {
                let result = await RPCClient(transport: $0).call(TestMethods.echo, "after the storm")
                #expect(result == .success("after the storm"), "seed \(seed)")
            }
        }
    }
}

/// A small seeded generator, so that a failing run can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
