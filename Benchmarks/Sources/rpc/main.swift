import BenchmarkSupport
import Foundation

// Unary ping-pong, our RPC over SwiftNIO against grpc-swift 2 (HTTP/2 Posix transport, plaintext,
// compression off, server flush coalescing off), ~200-byte request and response on both sides.
// The server runs in a child process (this executable with `serve-ours` / `serve-grpc`), so that
// client and server do not share a concurrency pool. Runs alternate between the sides so that
// load from other work on the machine falls on both alike; medians of `runs` runs are reported.
//
//   rpc               run the comparison, print figures and the RESULT line
//   rpc serve-ours    serve the echo method with RPCServer; prints the port
//   rpc serve-grpc    serve the echo method with grpc-swift 2; prints the port
let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "serve-ours":
    try await OursSide.serve()
case "serve-grpc":
    try await GRPCSide.serve()
default:
    try await RPCBenchmark.main()
}
