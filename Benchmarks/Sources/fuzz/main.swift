import BenchmarkSupport
import Foundation

// A longer fuzz run than the suite's bounded one: random and mutated frames to a live RPC server
// over TCP, and random, mutated and protobuf-shaped bytes to every generated decoder of Contracts
// and TestContracts. After each batch the server must still answer a valid call; at the end the
// resident set size must be within `--rss-growth-mib` of its value after the warm-up.
//
//   fuzz [--seconds T] [--iterations N] [--seed S] [--rss-growth-mib M]
//
// Progress goes to stderr. The last line is
//   RESULT fuzz ratio=<rss_after/rss_warm> ours=<iterations> anchor=<rss growth bound MiB>
// and the exit status is non-zero on any finding (crash aside, which ends the process anyway).
do {
    let options = try FuzzOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    let passed = try await FuzzRun(options: options).run()
    exit(passed ? 0 : 1)
} catch {
    Bench.progress("fuzz: \(error)")
    exit(2)
}
