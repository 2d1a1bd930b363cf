import Foundation

/// Helpers shared by the benchmarks: repeated runs, medians, anchors run as child processes, and
/// the `RESULT` line that `./dev bench` ends with.
public enum Bench {
    /// Runs `body` `runs` times and returns the median of what it returns (e.g. operations per
    /// second). The machine is shared and noisy, so single runs are not reported.
    public static func median(runs: Int, _ body: (Int) async throws -> Double) async rethrows -> Double {
        var values: [Double] = []
        for run in 0..<runs { values.append(try await body(run)) }
        return median(values)
    }

    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty)
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Seconds elapsed while `body` runs.
    public static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Runs a program and returns its standard output (standard error is passed through).
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// An environment variable or a default.
    public static func env(_ name: String, _ fallback: String) -> String {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    /// Prints one line of progress to standard error.
    public static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints the closing line: `RESULT name ratio=<ours/anchor> ours=<ours> anchor=<anchor>`.
    public static func result(_ name: String, ours: Double, anchor: Double, unit: String) {
        let ratio = anchor > 0 ? ours / anchor : 0
        print(
            "RESULT \(name) ratio=\(String(format: "%.2f", ratio)) "
                + "ours=\(String(format: "%.0f", ours))\(unit) anchor=\(String(format: "%.0f", anchor))\(unit)"
        )
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
