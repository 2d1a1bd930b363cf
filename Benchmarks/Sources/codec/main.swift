import BenchmarkSupport
import BoxOfficeProtobuf
import BoxOfficeRPC
import Foundation
import SwiftProtobuf
import TestContracts

// The `codec` benchmark: one operation = encode the ten-line invoice (~1.6 KB) and decode it
// back, through our generated code (protobuf-c underneath) and through swift-protobuf's generated
// code for the same .proto. Runs alternate between the two; the RESULT ratio is ours/theirs in
// operations per CPU second (medians).

let runs = Int(Bench.env("CODEC_RUNS", "7"))!
let runSeconds = Double(Bench.env("CODEC_RUN_SECONDS", "0.5"))!

func ours() -> Codegentest_V1_Invoice {
    var invoice = Codegentest_V1_Invoice()
    invoice.invoiceID = "inv_2024_000123"
    invoice.customerID = "cus_9f8e7d6c5b4a"
    invoice.customerEmail = "jane.doe@example.com"
    var address = Codegentest_V1_Invoice.Address()
    address.name = "Jane Doe"
    address.line1 = "12 Rue de Rivoli"
    address.line2 = "Bâtiment B, 3e étage"
    address.city = "Paris"
    address.postalCode = "75001"
    address.country = "FR"
    invoice.billingAddress = address
    func money(_ amountMinor: Int64) -> Codegentest_V1_Money {
        var money = Codegentest_V1_Money()
        money.amountMinor = amountMinor
        money.currency = "EUR"
        return money
    }
    for index in 0..<10 {
        var line = Codegentest_V1_Invoice.Line()
        line.sku = "SKU-CONCERT-\(1000 + index)"
        line.description = "Concert ticket, category \(index), row \(index + 3), seat \(index * 7 + 1), Salle Pleyel"
        line.quantity = Int32(index + 1)
        line.unitPrice = money(4_500 + Int64(index) * 100)
        line.total = money((4_500 + Int64(index) * 100) * Int64(index + 1))
        line.taxCode = "FR-VAT-20"
        invoice.lines.append(line)
    }
    invoice.subtotal = money(300_000)
    invoice.tax = money(60_000)
    invoice.total = money(360_000)
    invoice.status = .open
    invoice.issuedAtUnixSeconds = 1_714_000_000
    invoice.dueAtUnixSeconds = 1_716_592_000
    invoice.memo = "Thank you for your purchase. Tickets are sent by e-mail one week before the concert."
    return invoice
}

func theirs() -> Boxoffice_Codegentest_V1_Invoice {
    var invoice = Boxoffice_Codegentest_V1_Invoice()
    invoice.invoiceID = "inv_2024_000123"
    invoice.customerID = "cus_9f8e7d6c5b4a"
    invoice.customerEmail = "jane.doe@example.com"
    var address = Boxoffice_Codegentest_V1_Invoice.Address()
    address.name = "Jane Doe"
    address.line1 = "12 Rue de Rivoli"
    address.line2 = "Bâtiment B, 3e étage"
    address.city = "Paris"
    address.postalCode = "75001"
    address.country = "FR"
    invoice.billingAddress = address
    func money(_ amountMinor: Int64) -> Boxoffice_Codegentest_V1_Money {
        var money = Boxoffice_Codegentest_V1_Money()
        money.amountMinor = amountMinor
        money.currency = "EUR"
        return money
    }
    for index in 0..<10 {
        var line = Boxoffice_Codegentest_V1_Invoice.Line()
        line.sku = "SKU-CONCERT-\(1000 + index)"
        line.description_p = "Concert ticket, category \(index), row \(index + 3), seat \(index * 7 + 1), Salle Pleyel"
        line.quantity = Int32(index + 1)
        line.unitPrice = money(4_500 + Int64(index) * 100)
        line.total = money((4_500 + Int64(index) * 100) * Int64(index + 1))
        line.taxCode = "FR-VAT-20"
        invoice.lines.append(line)
    }
    invoice.subtotal = money(300_000)
    invoice.tax = money(60_000)
    invoice.total = money(360_000)
    invoice.status = .open
    invoice.issuedAtUnixSeconds = 1_714_000_000
    invoice.dueAtUnixSeconds = 1_716_592_000
    invoice.memo = "Thank you for your purchase. Tickets are sent by e-mail one week before the concert."
    return invoice
}

/// The CPU time this thread has used, in seconds. The machine is shared (other builds and tests
/// run beside the benchmark), so throughput is counted per second of this thread's CPU time
/// rather than of wall time, which would charge us for other processes' slices.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Operations per CPU second, running `operation` for `seconds` of CPU time.
func measure(seconds: Double, _ operation: () throws -> Int) rethrows -> Double {
    var operations = 0
    var checksum = 0
    let start = threadCPUSeconds()
    var elapsed = 0.0
    while elapsed < seconds {
        for _ in 0..<100 { checksum &+= try operation() }
        operations += 100
        elapsed = threadCPUSeconds() - start
    }
    precondition(checksum != 0)
    return Double(operations) / elapsed
}

let ourInvoice = ours()
let theirInvoice = theirs()
let ourBytes = try ourInvoice.serializedBytes()
let theirBytes: [UInt8] = try theirInvoice.serializedBytes()
// Both sides must do the same work: the same message, byte for byte.
precondition(ourBytes == theirBytes, "the two encodings differ")
let crossDecoded = try Codegentest_V1_Invoice(rpcBytes: theirBytes)
precondition(crossDecoded == ourInvoice)
Bench.progress("codec: invoice of \(ourBytes.count) bytes, \(runs) alternated runs of \(runSeconds) s each")

func ourOperation() throws -> Int {
    let bytes = try ourInvoice.serializedBytes()
    let decoded = try Codegentest_V1_Invoice(rpcBytes: bytes)
    return bytes.count &+ decoded.lines.count
}

func theirOperation() throws -> Int {
    let bytes: [UInt8] = try theirInvoice.serializedBytes()
    let decoded = try Boxoffice_Codegentest_V1_Invoice(serializedBytes: bytes)
    return bytes.count &+ decoded.lines.count
}

// `CODEC_PROFILE=ours|theirs CODEC_ITERATIONS=N` runs a fixed number of operations of one side and
// exits, for profilers (callgrind, perf) whose slowdown would distort the CPU-time loop below.
if let side = ProcessInfo.processInfo.environment["CODEC_PROFILE"] {
    let iterations = Int(Bench.env("CODEC_ITERATIONS", "2000"))!
    let operation = side == "theirs" ? theirOperation : ourOperation
    var checksum = 0
    for _ in 0..<iterations { checksum &+= try operation() }
    Bench.progress("\(side): \(iterations) operations, checksum \(checksum)")
    exit(0)
}

// Warm-up (caches, lazy statics).
_ = try measure(seconds: 0.2, ourOperation)
_ = try measure(seconds: 0.2, theirOperation)

var oursPerSecond: [Double] = []
var theirsPerSecond: [Double] = []
for run in 0..<runs {
    oursPerSecond.append(try measure(seconds: runSeconds, ourOperation))
    theirsPerSecond.append(try measure(seconds: runSeconds, theirOperation))
    Bench.progress(
        "run \(run + 1): ours \(Int(oursPerSecond.last!)) ops/s, swift-protobuf \(Int(theirsPerSecond.last!)) ops/s"
    )
}

// Encode and decode separately, for the note.
let encodeOurs = try measure(seconds: runSeconds) { try ourInvoice.serializedBytes().count }
let encodeTheirs = try measure(seconds: runSeconds) { try (theirInvoice.serializedBytes() as [UInt8]).count }
let decodeOurs = try measure(seconds: runSeconds) { try Codegentest_V1_Invoice(rpcBytes: ourBytes).lines.count }
let decodeTheirs = try measure(seconds: runSeconds) {
    try Boxoffice_Codegentest_V1_Invoice(serializedBytes: theirBytes).lines.count
}
print(
    "encode ratio=\(String(format: "%.2f", encodeOurs / encodeTheirs)) ours=\(Int(encodeOurs))/s anchor=\(Int(encodeTheirs))/s"
)
print(
    "decode ratio=\(String(format: "%.2f", decodeOurs / decodeTheirs)) ours=\(Int(decodeOurs))/s anchor=\(Int(decodeTheirs))/s"
)
Bench.result("codec", ours: Bench.median(oursPerSecond), anchor: Bench.median(theirsPerSecond), unit: "ops/s")
