import BenchmarkSupport
import BenchmarkTestService
import BoxOfficeRPC
@_spi(Fuzzing) import BoxOfficeRPCNIO
import Foundation
import Logging
import TestContracts

/// One fuzz run: batches of frame inputs against a live server and of decoder inputs, a
/// liveness call after each batch, and the resident-set check at the end.
struct FuzzRun {
    /// Connections per batch, each fed 1…`framesPerConnectionMax` inputs.
    static let connectionsPerBatch = 40
    static let framesPerConnectionMax = 4
    /// Inputs per batch, each fed to every generated decoder.
    static let decoderInputsPerBatch = 100
    /// How long one fuzz connection waits for the server to answer or close.
    static let socketWait = Duration.milliseconds(5)
    /// Share of the run spent warming up before the resident size is first read.
    static let warmupDivisor = 10
    /// The server's payload limit: small, so that oversized frames are common.
    static let payloadBytesMax = 4096
    /// Seconds between progress lines.
    static let progressIntervalSeconds = 10
    /// Findings printed in full; more are only counted.
    static let findingsPrintedMax = 20

    let options: FuzzOptions

    var logger: Logger {
        var logger = Logger(label: "fuzz")
        logger.logLevel = .critical  // the fuzz makes the server log every refusal at debug
        return logger
    }

    func run() async throws -> Bool {
        var router = RPCRouter()
        router.register(FuzzInvoiceService())
        let server = RPCServer(
            host: "127.0.0.1",
            port: 0,
            router: router,
            configuration: RPCServerConfiguration(payloadBytesMax: Self.payloadBytesMax),
            logger: self.logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.boundPort()
            defer { group.cancelAll() }
            return try await NIORPCClientTransport.withTransport(
                host: "127.0.0.1",
                port: port,
                logger: self.logger
            ) { transport in
                try await self.fuzz(port: port, client: RPCClient(transport: transport))
            }
        }
    }

    private func fuzz(port: Int, client: RPCClient) async throws -> Bool {
        let options = self.options
        Bench.progress(
            "fuzz: seed \(options.seed), \(options.durationSeconds) s"
                + (options.iterationsMax.map { ", at most \($0) inputs" } ?? "")
                + ", \(GeneratedDecoders.all.count) decoders, server on port \(port)"
        )
        var random = SplitMix64(seed: options.seed)
        let methods = Codegentest_V1_InvoiceServiceMethods.all
        var frames = methods.flatMap { RPCFrameFuzzing.validFrames(methodID: $0.id) }
        for (index, method) in methods.enumerated() {
            // Requests whose messages are protobuf-shaped, so mutations reach the generated decoders.
            frames.append(
                RPCFrameFuzzing.requestFrame(
                    requestID: UInt32(10 + index),
                    methodID: method.id,
                    message: ProtobufShapes.message(&random, depth: 2)
                )
            )
        }
        var findings = Findings()
        var counts = Counts()
        let start = ContinuousClock.now
        let end = start + .seconds(options.durationSeconds)
        let warmupEnd = start + .seconds(options.durationSeconds) / Self.warmupDivisor
        var residentAfterWarmup: Int?
        var nextProgress = start + .seconds(Self.progressIntervalSeconds)
        var batch = 0
        while ContinuousClock.now < end, counts.inputs < options.iterationsMax ?? Int.max {
            batch += 1
            for _ in 0..<Self.connectionsPerBatch {
                var bytes: [UInt8] = []
                for _ in 0..<(1 + Int(random.next() % UInt64(Self.framesPerConnectionMax))) {
                    bytes += RPCFrameFuzzing.input(&random, frames: frames)
                    counts.frameInputs += 1
                }
                counts.connections += 1
                try await RawSocket.exchange(port: port, bytes, wait: Self.socketWait)
            }
            for _ in 0..<Self.decoderInputsPerBatch {
                let input = ProtobufShapes.input(&random)
                counts.decoderInputs += 1
                for (name, decode) in GeneratedDecoders.all {
                    counts.decodes += 1
                    do {
                        try decode(input)
                    } catch let error as RPCError
                        where error.code == .invalidArgument || error.code == .resourceExhausted
                    {
                        // Refused: the expected outcome for most inputs.
                    } catch {
                        findings.record("batch \(batch), \(name): unexpected \(error) for \(input.count) bytes")
                    }
                }
            }
            // The server must still serve a well-behaved caller after every batch.
            do {
                let request = Codegentest_V1_PingRequest(text: "batch \(batch)")
                let response: Codegentest_V1_PingResponse = try await client.unary(
                    Codegentest_V1_InvoiceServiceMethods.ping,
                    request,
                    options: CallOptions(timeout: .seconds(5))
                )
                if response.text != request.text { findings.record("batch \(batch): ping answered \(response.text)") }
            } catch {
                findings.record("batch \(batch): the server no longer answers a valid call: \(error)")
                break
            }
            let now = ContinuousClock.now
            if residentAfterWarmup == nil, now >= warmupEnd {
                residentAfterWarmup = RPCFrameFuzzing.residentBytes()
                Bench.progress("fuzz: warm-up done, resident \(Self.mebibytes(residentAfterWarmup)) MiB")
            }
            if now >= nextProgress {
                nextProgress = now + .seconds(Self.progressIntervalSeconds)
                Bench.progress(
                    "fuzz: \(Int(Bench.secondsBetween(start, now))) s, \(counts.summary), "
                        + "resident \(Self.mebibytes(RPCFrameFuzzing.residentBytes())) MiB, findings \(findings.count)"
                )
            }
        }
        let warm = residentAfterWarmup ?? RPCFrameFuzzing.residentBytes() ?? 0
        let after = RPCFrameFuzzing.residentBytes() ?? 0
        let bound = options.residentGrowthMiBMax * 1024 * 1024
        let bounded = after - warm <= bound
        if !bounded { findings.record("resident memory grew \((after - warm) / 1024) KiB, over the bound") }
        print("fuzz inputs: \(counts.summary), seed \(options.seed)")
        print(
            "fuzz resident: warm \(Self.mebibytes(warm)) MiB, after \(Self.mebibytes(after)) MiB, "
                + "bound +\(options.residentGrowthMiBMax) MiB; findings \(findings.count)"
        )
        let ratio = warm > 0 ? Double(after) / Double(warm) : 0
        print(
            "RESULT fuzz ratio=\(String(format: "%.2f", ratio)) ours=\(counts.inputs) "
                + "anchor=\(options.residentGrowthMiBMax)MiB"
        )
        return findings.count == 0
    }

    static func mebibytes(_ bytes: Int?) -> String {
        guard let bytes else { return "?" }
        return String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}

/// What the run fed.
struct Counts {
    var frameInputs = 0
    var connections = 0
    var decoderInputs = 0
    var decodes = 0

    var inputs: Int { self.frameInputs + self.decoderInputs }

    var summary: String {
        "\(self.frameInputs) frame inputs on \(self.connections) connections, "
            + "\(self.decoderInputs) decoder inputs (\(self.decodes) decodes)"
    }
}

/// Problems found; the first few are printed as they come.
struct Findings {
    private(set) var count = 0

    mutating func record(_ text: String) {
        self.count += 1
        if self.count <= FuzzRun.findingsPrintedMax { Bench.progress("fuzz FINDING: \(text)") }
    }
}

/// The service behind the fuzzed server: the test contract's, answering defaults.
struct FuzzInvoiceService: Codegentest_V1_InvoiceServiceProtocol {
    func getInvoice(
        _ request: Codegentest_V1_GetInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice {
        Codegentest_V1_Invoice()
    }

    func ping(_ request: Codegentest_V1_PingRequest, context: ServerContext) async throws -> Codegentest_V1_PingResponse
    {
        var response = Codegentest_V1_PingResponse()
        response.text = request.text
        return response
    }
}

extension Codegentest_V1_PingRequest {
    init(text: String) {
        self.init()
        self.text = text
    }
}

extension Bench {
    static func secondsBetween(_ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
