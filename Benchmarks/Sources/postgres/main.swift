import BenchmarkSupport
import BoxOfficePostgres
import Foundation
import Logging

// Prepared single-row SELECTs on one connection, ours against `pgbench -S -M prepared -c 1` on the
// same server and database, run alternately; then batched INSERTs in pipeline mode against the
// same INSERTs one by one. Prints the pipeline ratio, then the RESULT line for the SELECT ratio.

// Short runs, alternated often: the machine is shared, and its load changes within seconds.
let runsPerSide = 9
let selectSeconds = 3
let insertRuns = 5
let insertRowsPerRun = 5_000
let pgbenchScale = 1
let pgbenchAccountsPerScale: Int32 = 100_000

let url = Bench.env("POSTGRES_URL", "postgres://boxoffice:boxoffice@127.0.0.1:55432/postgres")
let binaries = Bench.env("BOXOFFICE_PG_BIN", "/usr/lib/postgresql/15/bin")
let adminConfiguration = try PostgresConfiguration(url: url)
var logger = Logger(label: "bench.postgres")
logger.logLevel = .warning

let database = "bench_postgres_\(ProcessInfo.processInfo.processIdentifier)"
let admin = PostgresClient(configuration: adminConfiguration, poolSizeMax: 1, logger: logger)
try await admin.withConnection { try await $0.execute("CREATE DATABASE \(unescaped: database)") }

let pgEnvironment = ["PGPASSWORD": adminConfiguration.password ?? ""]
let pgConnectionArguments = [
    "-h", adminConfiguration.host, "-p", String(adminConfiguration.port), "-U", adminConfiguration.user,
]

func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A small, fast generator (xorshift64*): the random aid must not cost more than pgbench's does.
struct FastRandom {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next(upTo bound: Int32) -> Int32 {
        self.state ^= self.state >> 12
        self.state ^= self.state << 25
        self.state ^= self.state >> 27
        return Int32(truncatingIfNeeded: (self.state &* 0x2545_F491_4F6C_DD1D) % UInt64(bound)) + 1
    }
}

func oursSelectsPerSecond(client: PostgresClient) async throws -> Double {
    try await client.withConnection { connection in
        var random = FastRandom()
        let accounts = pgbenchAccountsPerScale * Int32(pgbenchScale)
        var count = 0
        var checksum = 0
        let start = ContinuousClock.now
        let end = start + .seconds(selectSeconds)
        while ContinuousClock.now < end {
            let aid = random.next(upTo: accounts)
            let rows = try await connection.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)")
            checksum &+= Int(try rows[0].decode(0, as: Int32.self))
            count += 1
        }
        precondition(checksum == 0, "pgbench -i starts every balance at 0")
        return Double(count) / secondsSince(start)
    }
}

/// `transactions` is sized to take about as long as our run: pgbench's `-T` relies on SIGALRM,
/// which a child of a Swift process may have blocked (pgbench then never stops), so `-t` it is.
func pgbenchSelectsPerSecond(transactions: Int) throws -> Double {
    let output = try Bench.run(
        ["\(binaries)/pgbench", "-S", "-M", "prepared", "-c", "1", "-t", String(transactions), "-n"]
            + pgConnectionArguments + [database],
        environment: pgEnvironment
    )
    guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
        let tps = Double(line.dropFirst("tps = ".count).prefix { $0 != " " })
    else { throw BenchError("no tps in pgbench output: \(output)") }
    return tps
}

func insertsPerSecond(client: PostgresClient, pipelined: Bool) async throws -> Double {
    try await client.withConnection { try await $0.execute("TRUNCATE bench_items") }
    let payload = "ticket-payload-0123456789"
    let queries: [PostgresQuery] = (0..<insertRowsPerRun).map {
        "INSERT INTO bench_items (id, payload) VALUES (\($0), \(payload))"
    }
    // Both inside one transaction, so that the comparison is of round trips, not of commits.
    let start = ContinuousClock.now
    try await client.withTransaction { connection in
        if pipelined {
            _ = try await connection.pipeline(queries)
        } else {
            for query in queries { try await connection.execute(query) }
        }
    }
    return Double(insertRowsPerRun) / secondsSince(start)
}

do {
    Bench.progress("pgbench -i -s \(pgbenchScale) \(database)")
    _ = try Bench.run(
        ["\(binaries)/pgbench", "-i", "-q", "-s", String(pgbenchScale)] + pgConnectionArguments + [database],
        environment: pgEnvironment
    )
    let client = PostgresClient(
        configuration: adminConfiguration.with(database: database),
        poolSizeMax: 1,
        logger: logger
    )
    try await client.withConnection { try await $0.execute("CREATE TABLE bench_items (id int8, payload text)") }

    // Warm-up: connection, prepared statement, caches.
    _ = try await oursSelectsPerSecond(client: client)

    var ours: [Double] = []
    var anchor: [Double] = []
    for run in 1...runsPerSide {
        ours.append(try await oursSelectsPerSecond(client: client))
        anchor.append(try pgbenchSelectsPerSecond(transactions: Int(ours.last! * Double(selectSeconds))))
        Bench.progress(
            "run \(run): ours \(String(format: "%.0f", ours.last!)) q/s, pgbench \(String(format: "%.0f", anchor.last!)) q/s"
        )
    }

    var pipelined: [Double] = []
    var oneByOne: [Double] = []
    for run in 1...insertRuns {
        pipelined.append(try await insertsPerSecond(client: client, pipelined: true))
        oneByOne.append(try await insertsPerSecond(client: client, pipelined: false))
        Bench.progress(
            "inserts run \(run): pipeline \(String(format: "%.0f", pipelined.last!)) rows/s, "
                + "one by one \(String(format: "%.0f", oneByOne.last!)) rows/s"
        )
    }
    await client.shutdown()
    try await admin.withConnection { try await $0.execute("DROP DATABASE \(unescaped: database) WITH (FORCE)") }
    await admin.shutdown()

    let pipelineMedian = Bench.median(pipelined)
    let oneByOneMedian = Bench.median(oneByOne)
    print(
        "PIPELINE postgres-inserts ratio=\(String(format: "%.2f", pipelineMedian / oneByOneMedian)) "
            + "pipeline=\(String(format: "%.0f", pipelineMedian))rows/s one_by_one=\(String(format: "%.0f", oneByOneMedian))rows/s"
    )
    Bench.result("postgres", ours: Bench.median(ours), anchor: Bench.median(anchor), unit: "q/s")
} catch {
    _ = try? await admin.withConnection {
        try await $0.execute("DROP DATABASE IF EXISTS \(unescaped: database) WITH (FORCE)")
    }
    await admin.shutdown()
    throw error
}
