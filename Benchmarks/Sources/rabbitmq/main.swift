import BenchmarkSupport
import BoxOfficeRabbitMQ
import Foundation
import Logging

// Confirmed persistent publishes per second, with many confirms outstanding, against the same
// wrapper publishing unconfirmed: what waiting for the broker's confirms costs. Same 200-byte
// persistent messages, same quorum queue (purged between runs), the same number of publishes
// in flight. RESULT ratio = confirmed / unconfirmed.
//
// An unconfirmed run ends with one round trip on the channel it published on (a passive queue
// declare, answered only after the broker's channel has handled every earlier publish): without
// it the figure would be how fast the kernel takes bytes into its socket buffer, not how fast
// the broker takes messages. The rate without that barrier is printed too, as "written".

let runCount = 5
let messagesPerRun = Int(Bench.env("RABBITMQ_BENCH_MESSAGES", "20000"))!
let publishersInFlight = Int(Bench.env("RABBITMQ_BENCH_IN_FLIGHT", "256"))!
let messageBytes = 200

let url = Bench.env("RABBITMQ_URL", "amqp://boxoffice:boxoffice@127.0.0.1:55672/%2F")
let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
let topology = RabbitMQTopology(
    exchange: "bench_exchange_\(suffix)",
    queues: [RabbitMQTopology.Queue(name: "bench_queue_\(suffix)", bindingKeys: ["bench.#"])]
)
let queue = topology.queues[0].name
let body = [UInt8](repeating: UInt8(ascii: "x"), count: messageBytes)

let connection = RabbitMQConnection(
    configuration: try RabbitMQConfiguration(url: url),
    topology: topology,
    logger: Logger(label: "bench-rabbitmq")
)

/// Publishes `messagesPerRun` messages from `publishersInFlight` concurrent tasks; returns
/// messages per second, and the rate before the final barrier ("written", unconfirmed only).
func publishRun(confirm: Bool, run: Int) async throws -> (rate: Double, written: Double) {
    _ = try await connection.purge(queue: queue)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for publisher in 0..<publishersInFlight {
            group.addTask {
                var index = publisher
                while index < messagesPerRun {
                    let message = RabbitMQMessage(
                        exchange: topology.exchange,
                        routingKey: "bench.created",
                        body: body,
                        messageID: "run\(run)-\(index)"
                    )
                    try await connection.publish(message, confirm: confirm)
                    index += publishersInFlight
                }
            }
        }
        try await group.waitForAll()
    }
    let written = ContinuousClock.now
    if !confirm { _ = try await connection.messageCount(queue: queue) }
    let end = ContinuousClock.now
    let rate = Double(messagesPerRun) / seconds(end - start)
    let writtenRate = Double(messagesPerRun) / seconds(written - start)
    Bench.progress(
        "run \(run) \(confirm ? "confirmed" : "unconfirmed"): \(Int(rate)) msg/s"
            + (confirm ? "" : " (written \(Int(writtenRate)) msg/s)")
    )
    return (rate, writtenRate)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await connection.run() }
    // Warm-up: connection, topology, JIT-free but caches and the quorum queue's first writes.
    _ = try await publishRun(confirm: true, run: -1)
    var confirmed: [Double] = []
    var unconfirmed: [Double] = []
    var written: [Double] = []
    for run in 0..<runCount {
        // Alternate which goes first so drift on the shared machine hits both sides alike.
        if run % 2 == 0 {
            confirmed.append(try await publishRun(confirm: true, run: run).rate)
            let other = try await publishRun(confirm: false, run: run)
            unconfirmed.append(other.rate)
            written.append(other.written)
        } else {
            let other = try await publishRun(confirm: false, run: run)
            unconfirmed.append(other.rate)
            written.append(other.written)
            confirmed.append(try await publishRun(confirm: true, run: run).rate)
        }
    }
    try await connection.deleteTopology()
    group.cancelAll()
    print(
        "unconfirmed written (before the barrier) median \(Int(Bench.median(written))) msg/s; "
            + "confirmed / written = \(String(format: "%.2f", Bench.median(confirmed) / Bench.median(written)))"
    )
    try await group.waitForAll()
    Bench.result(
        "rabbitmq",
        ours: Bench.median(confirmed),
        anchor: Bench.median(unconfirmed),
        unit: "msg/s"
    )
}
