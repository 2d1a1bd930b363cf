import BenchmarkSupport
import Foundation

/// The comparison: for each side, QPS at 64 calls in flight on one connection, p50/p99 latency
/// with one call in flight, and client + server CPU time per call.
enum RPCBenchmark {
    static let runs = 5
    /// Calls in flight for the throughput figure.
    static let concurrency = 64
    /// Length of each throughput phase and each latency phase.
    static let phaseDuration = Duration.milliseconds(1500)
    /// Excluded from the figures: connection set-up and warm caches.
    static let warmupDuration = Duration.milliseconds(300)
    /// Bytes of the request and of the response.
    static let messageBytes = 200

    struct Figures {
        var callsPerSecond: Double
        var cpuMicrosecondsPerCall: Double
        var p50Microseconds: Double
        var p99Microseconds: Double
    }

    /// What a side must offer: a client to a server at `port`.
    protocol Side {
        static var name: String { get }
        static var serveCommand: String { get }
        /// Runs `body` with a function that makes one call.
        static func withCaller(
            port: Int,
            _ body: (@escaping @Sendable () async throws -> Void) async throws -> Void
        ) async throws
    }

    static func main() async throws {
        var ours: [Figures] = []
        var anchor: [Figures] = []
        for run in 0..<Self.runs {
            anchor.append(try await Self.measure(GRPCSide.self))
            ours.append(try await Self.measure(OursSide.self))
            Bench.progress(
                "run \(run + 1)/\(Self.runs): ours \(Self.describe(ours[run])); grpc \(Self.describe(anchor[run]))"
            )
        }
        let o = Self.medians(ours)
        let a = Self.medians(anchor)
        print("rpc ours: \(Self.describe(o))")
        print("rpc grpc-swift 2: \(Self.describe(a))")
        print(
            "rpc p50 latency (1 in flight): ratio=\(String(format: "%.3f", o.p50Microseconds / a.p50Microseconds)) "
                + "ours=\(Int(o.p50Microseconds))us anchor=\(Int(a.p50Microseconds))us"
        )
        print(
            "rpc CPU per call (client+server): ours=\(String(format: "%.1f", o.cpuMicrosecondsPerCall))us "
                + "anchor=\(String(format: "%.1f", a.cpuMicrosecondsPerCall))us"
        )
        Bench.result("rpc", ours: o.callsPerSecond, anchor: a.callsPerSecond, unit: "qps")
    }

    static func describe(_ figures: Figures) -> String {
        "\(Int(figures.callsPerSecond)) qps at \(Self.concurrency) in flight, "
            + "\(String(format: "%.1f", figures.cpuMicrosecondsPerCall)) us CPU/call, "
            + "p50 \(Int(figures.p50Microseconds)) us, p99 \(Int(figures.p99Microseconds)) us"
    }

    static func medians(_ figures: [Figures]) -> Figures {
        Figures(
            callsPerSecond: Bench.median(figures.map(\.callsPerSecond)),
            cpuMicrosecondsPerCall: Bench.median(figures.map(\.cpuMicrosecondsPerCall)),
            p50Microseconds: Bench.median(figures.map(\.p50Microseconds)),
            p99Microseconds: Bench.median(figures.map(\.p99Microseconds))
        )
    }

    /// Starts the side's server as a child process, measures, stops the child.
    static func measure<S: Side>(_ side: S.Type) async throws -> Figures {
        let server = try ServerProcess(command: S.serveCommand)
        defer { server.stop() }
        var figures = Figures(callsPerSecond: 0, cpuMicrosecondsPerCall: 0, p50Microseconds: 0, p99Microseconds: 0)
        try await S.withCaller(port: server.port) { call in
            // Throughput: `concurrency` loops, each one call in flight, for a fixed time.
            _ = try await Self.loop(call, concurrency: Self.concurrency, duration: Self.warmupDuration)
            let cpuBefore = CPUTime.selfMicroseconds() + server.cpuMicroseconds()
            let start = ContinuousClock.now
            let calls = try await Self.loop(call, concurrency: Self.concurrency, duration: Self.phaseDuration)
            let seconds = Self.seconds(ContinuousClock.now - start)
            let cpu = CPUTime.selfMicroseconds() + server.cpuMicroseconds() - cpuBefore
            figures.callsPerSecond = Double(calls) / seconds
            figures.cpuMicrosecondsPerCall = cpu / Double(calls)

            // Latency: one call at a time.
            var latencies: [Double] = []
            latencies.reserveCapacity(100_000)
            let end = ContinuousClock.now + Self.phaseDuration
            while ContinuousClock.now < end {
                let callStart = ContinuousClock.now
                try await call()
                latencies.append(Self.seconds(ContinuousClock.now - callStart) * 1e6)
            }
            latencies.sort()
            figures.p50Microseconds = latencies[latencies.count / 2]
            figures.p99Microseconds = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        }
        return figures
    }

    /// Calls made by `concurrency` loops in `duration`.
    static func loop(
        _ call: @escaping @Sendable () async throws -> Void,
        concurrency: Int,
        duration: Duration
    ) async throws -> Int {
        let end = ContinuousClock.now + duration
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < end {
                        try await call()
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A server child process: started with a subcommand, reports its port on its first line.
final class ServerProcess {
    let process = Process()
    let port: Int

    init(command: String) throws {
        self.process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        self.process.arguments = [command]
        let pipe = Pipe()
        self.process.standardOutput = pipe
        try self.process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchError("\(command) exited before reporting its port") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(text) else { throw BenchError("\(command) printed \(text) instead of a port") }
        self.port = port
    }

    /// User + system CPU time the child has used, from /proc/PID/stat.
    func cpuMicroseconds() -> Double {
        CPUTime.processMicroseconds(pid: self.process.processIdentifier)
    }

    func stop() {
        self.process.terminate()
        self.process.waitUntilExit()
    }
}
