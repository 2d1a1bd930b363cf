import BenchmarkSupport
import BenchmarkTestService
import BoxOfficeGateway
import BoxOfficeRPC
import BoxOfficeRPCNIO
import Foundation
import Hummingbird
import Logging
import Prometheus
import TestContracts

// JSON → RPC → JSON through the gateway against a plain Hummingbird handler that returns the
// same JSON bytes. One process serves both sides and the test service (InvoiceService of the test
// proto, over a real RPCServer on a loopback port); wrk loads one side at a time, alternating, and
// the medians of `runs` runs are compared: ratio = gateway / plain requests per second.
//
// The route is `GET /v1/invoices/{invoiceId}?includeLines=true` (a three-line invoice). It is a
// user route in the contract; here it is made public, so the figure is the transcoding path
// (routing, request id, JSON → protobuf, the RPC round trip, protobuf → JSON, metrics) without
// bearer-token verification. Both sides log nothing per request (the access log goes to a no-op
// handler), so the terminal is not the bottleneck.

let runs = Int(Bench.env("GATEWAY_BENCH_RUNS", "5"))!
let secondsPerRun = Int(Bench.env("GATEWAY_BENCH_SECONDS", "4"))!
let connections = Int(Bench.env("GATEWAY_BENCH_CONNECTIONS", "32"))!
let wrk = Bench.env("WRK", "/usr/bin/wrk")
let path = "/v1/invoices/inv-0042?includeLines=true"

/// Answers every GetInvoice with a three-line invoice.
struct BenchInvoiceService: Codegentest_V1_InvoiceServiceProtocol {
    func getInvoice(
        _ request: Codegentest_V1_GetInvoiceRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_Invoice
    {
        var invoice = Codegentest_V1_Invoice()
        invoice.invoiceID = request.invoiceID
        invoice.customerID = "4f9c2a4e-8d1b-4c55-9a8e-2f1d3c4b5a69"
        invoice.customerEmail = "viewer@example.test"
        invoice.status = .open
        invoice.issuedAtUnixSeconds = 1_767_225_600
        if request.includeLines {
            for index in 0..<3 {
                var line = Codegentest_V1_Invoice.Line()
                line.sku = "PLAN-\(index)"
                line.description = "Monthly subscription, tier \(index)"
                line.quantity = 1
                var price = Codegentest_V1_Money()
                price.amountMinor = 19_900
                price.currency = "RUB"
                line.unitPrice = price
                line.total = price
                invoice.lines.append(line)
            }
        }
        var total = Codegentest_V1_Money()
        total.amountMinor = 59_700
        total.currency = "RUB"
        invoice.total = total
        return invoice
    }

    func createInvoice(
        _ request: Codegentest_V1_CreateInvoiceRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_Invoice
    { request.invoice ?? Codegentest_V1_Invoice() }

    func ping(
        _ request: Codegentest_V1_PingRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_PingResponse
    { Codegentest_V1_PingResponse() }
}

/// What one wrk run against a server measured.
struct LoadRun {
    /// Requests per second that wrk measured.
    var requestsPerSecond: Double
    /// This process's CPU time (user + system) per request, in microseconds: both servers and the
    /// test service live in it, and only one side is loaded at a time.
    var cpuMicrosecondsPerRequest: Double
}

/// Loads `url` with wrk for one run.
func wrkRun(_ url: String) throws -> LoadRun {
    let cpuBefore = CPUTime.selfMicroseconds()
    let output = try Bench.run([
        wrk, "-t1", "-c\(connections)", "-d\(secondsPerRun)s", url,
    ])
    let cpu = CPUTime.selfMicroseconds() - cpuBefore
    let lines = output.split(separator: "\n")
    guard let line = lines.first(where: { $0.hasPrefix("Requests/sec:") }),
        let value = Double(line.split(separator: " ").last.map(String.init) ?? ""),
        // "  123456 requests in 4.00s, 98.21MB read"
        let totalLine = lines.first(where: { $0.contains(" requests in ") }),
        let total = Double(totalLine.split(separator: " ").first.map(String.init) ?? ""), total > 0
    else { throw BenchError("wrk printed no Requests/sec: \(output)") }
    let non2xx = lines.first { $0.contains("Non-2xx") }
    if let non2xx { throw BenchError("wrk saw errors: \(non2xx)") }
    return LoadRun(requestsPerSecond: value, cpuMicrosecondsPerRequest: cpu / total)
}

let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
var router = RPCRouter()
router.register(BenchInvoiceService())
// BENCH_RPC_HANDLERS=loop runs the test service's handlers on the connection's event loop (off by default).
let rpcServer = RPCServer(
    host: "127.0.0.1",
    port: 0,
    router: router,
    configuration: RPCServerConfiguration(handlersRunOnEventLoop: Bench.env("BENCH_RPC_HANDLERS", "pool") == "loop"),
    logger: quiet
)

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await rpcServer.run() }
    let rpcPort = try await rpcServer.boundPort()
    let transport = NIORPCClientTransport(host: "127.0.0.1", port: rpcPort, logger: quiet)
    var bindings = Codegentest_V1_InvoiceServiceMethods.httpBindings
    for index in bindings.indices { bindings[index].access = "public" }
    let gateway = try Gateway(
        // The rate limiter stays on the path, with a limit wrk cannot reach from one address.
        configuration: GatewayConfiguration(
            port: 0,
            clientRateLimit: RateLimit(requestsPerSecond: 1_000_000_000, burst: 1_000_000_000)
        ),
        bindings: bindings,
        upstreams: [Codegentest_V1_InvoiceServiceMethods.getInvoice.service: transport],
        metricsRegistry: PrometheusCollectorRegistry(),
        logger: quiet
    )
    group.addTask { try await gateway.run() }
    let gatewayPort = try await gateway.boundPort()

    // The plain side answers with exactly the bytes the gateway produces for the route.
    var sample = Codegentest_V1_GetInvoiceRequest()
    sample.invoiceID = "inv-0042"
    sample.includeLines = true
    let context = ServerContext(
        method: Codegentest_V1_InvoiceServiceMethods.getInvoice,
        metadata: Metadata(),
        deadline: nil
    )
    let sampleBytes = try await BenchInvoiceService().getInvoice(sample, context: context).serializedBytes()
    let binding = bindings.first { $0.method == Codegentest_V1_InvoiceServiceMethods.getInvoice }!
    let jsonBytes = try sampleBytes.withUnsafeBytes { buffer in
        Result { () throws(RPCError) -> [UInt8] in try binding.encodeJSONResponse(buffer) }
    }.get()
    Bench.progress("gateway: answer is \(jsonBytes.count) bytes of JSON")
    let plainRouter = Router()
    plainRouter.get("/v1/invoices/{invoiceId}") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: jsonBytes)))
    }
    let plainPort = PortBox()
    let plain = Application(
        router: plainRouter,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in plainPort.set(channel.localAddress?.port ?? 0) },
        logger: quiet
    )
    group.addTask { try await plain.run() }
    let plainURL = "http://127.0.0.1:\(await plainPort.get())\(path)"
    let gatewayURL = "http://127.0.0.1:\(gatewayPort)\(path)"

    // Warm both up (connections, caches, lazily created metrics).
    _ = try wrkRun(gatewayURL)
    _ = try wrkRun(plainURL)
    var gatewayRuns: [LoadRun] = []
    var plainRuns: [LoadRun] = []
    for run in 0..<runs {
        let ours = try wrkRun(gatewayURL)
        let anchor = try wrkRun(plainURL)
        gatewayRuns.append(ours)
        plainRuns.append(anchor)
        Bench.progress(
            "run \(run + 1)/\(runs): gateway \(String(format: "%.0f", ours.requestsPerSecond)) req/s "
                + "\(String(format: "%.1f", ours.cpuMicrosecondsPerRequest)) µs CPU/req, "
                + "plain \(String(format: "%.0f", anchor.requestsPerSecond)) req/s "
                + "\(String(format: "%.1f", anchor.cpuMicrosecondsPerRequest)) µs CPU/req"
        )
    }
    // CPU per request is steadier than throughput on a shared machine; printed before RESULT.
    let gatewayCPU = Bench.median(gatewayRuns.map(\.cpuMicrosecondsPerRequest))
    let plainCPU = Bench.median(plainRuns.map(\.cpuMicrosecondsPerRequest))
    print(
        "gateway CPU per request \(String(format: "%.1f", gatewayCPU)) µs, plain "
            + "\(String(format: "%.1f", plainCPU)) µs: ratio plain/gateway \(String(format: "%.2f", plainCPU / gatewayCPU))"
    )
    group.cancelAll()
    await transport.shutdown()
    Bench.result(
        "gateway",
        ours: Bench.median(gatewayRuns.map(\.requestsPerSecond)),
        anchor: Bench.median(plainRuns.map(\.requestsPerSecond)),
        unit: "req/s"
    )
}

/// The plain server's port, once it listens.
final class PortBox: Sendable {
    private let stream: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Int.self)
    }

    func set(_ port: Int) {
        self.continuation.yield(port)
        self.continuation.finish()
    }

    func get() async -> Int {
        for await port in self.stream { return port }
        return 0
    }
}
