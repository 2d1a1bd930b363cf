import Foundation
import TestSupport
import Testing

/// The gateway's OpenAPI document checked by an implementation we did not write: schemathesis
/// generates requests from `/openapi.json` and runs every check against the live gateway and the
/// test service (no 5xx, answers that match the schemas, 4xx for invalid input, 405 with Allow,
/// 401 without credentials, …).
@Suite("Gateway against schemathesis")
struct SchemathesisTests {
    /// Test cases per operation and phase; with the time budget below it bounds the run.
    static let examplesPerOperationMax = 40
    /// schemathesis's own time budget, in seconds.
    static let schemathesisSecondsMax = 60
    /// When the child process is killed if it has not finished (its budget plus start-up).
    static let processSecondsMax = 100.0
    /// How many of schemathesis's last output lines are printed after a passing run.
    static let summaryLinesShown = 40
    /// Names a seed to replay (`BOXOFFICE_SCHEMATHESIS_SEED=1023591463 swift test --filter
    /// Schemathesis`); without it each run draws one and prints it.
    static let seedVariable = "BOXOFFICE_SCHEMATHESIS_SEED"

    /// The seed of this run: the environment's, or a fresh one.
    static func seed() throws -> UInt32 {
        guard let text = ProcessInfo.processInfo.environment[Self.seedVariable], !text.isEmpty else {
            return UInt32.random(in: 1...UInt32.max)
        }
        return try #require(UInt32(text), "\(Self.seedVariable)=\(text) is not a seed (1 to \(UInt32.max))")
    }

    @Test("schemathesis --checks all reports no failure")
    func schemathesis() async throws {
        let python = URL(fileURLWithPath: TestEnvironment.python)
        let tool = python.deletingLastPathComponent().appendingPathComponent("schemathesis").path
        try #require(
            FileManager.default.isExecutableFile(atPath: tool),
            "schemathesis not found at \(tool); ./dev installs it (BOXOFFICE_PYTHON names the venv's python)"
        )
        let seed = try Self.seed()
        print("schemathesis seed: \(seed) (replay with \(Self.seedVariable)=\(seed))")
        try await GatewayHarness.run(specialIDs: false) { harness in
            // Every check, negative_data_rejection and positive_data_acceptance included: the
            // schemas describe exactly what the gateway reads, so it accepts every valid
            // request and answers 4xx to every invalid one.
            let arguments = [
                tool, "run", harness.baseURL + "/openapi.json",
                "--checks", "all",
                "--max-examples", String(Self.examplesPerOperationMax),
                "--seed", String(seed),
                "--max-time", String(Self.schemathesisSecondsMax),
                "--request-timeout", "10",
                "--workers", "1",
                "--header", "Authorization: \(GatewayHarness.adminBearer)",
            ]
            let started = ContinuousClock.now
            let (status, output) = try await Self.run(arguments, secondsMax: Self.processSecondsMax)
            print("schemathesis (seed \(seed)) took \(ContinuousClock.now - started), exit status \(status)")
            // Its summary (operations, checks, phases) shows what the run covered.
            print(output.split(separator: "\n").suffix(Self.summaryLinesShown).joined(separator: "\n"))
            if status != 0 {
                Issue.record("schemathesis (seed \(seed)) exited with \(status):\n\(output)")
            }
        }
    }

    /// Runs `arguments` on its own thread (a blocking wait must not hold a pool thread the
    /// gateway needs), standard output and error merged; kills it after `secondsMax`.
    static func run(_ arguments: [String], secondsMax: Double) async throws -> (Int32, String) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: arguments[0])
                process.arguments = Array(arguments.dropFirst())
                var environment = ProcessInfo.processInfo.environment
                environment["NO_COLOR"] = "1"
                process.environment = environment
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + secondsMax, execute: watchdog)
                let output = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                watchdog.cancel()
                continuation.resume(returning: (process.terminationStatus, String(decoding: output, as: UTF8.self)))
            }
            thread.start()
        }
    }
}
