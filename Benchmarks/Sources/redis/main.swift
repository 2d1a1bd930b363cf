import BenchmarkSupport
import BoxOfficeRedis
import Foundation
import Logging

// GET throughput on one connection, ours against `redis-benchmark` (the hiredis-based tool that
// ships with Redis), unpipelined and with 16 commands per pipeline. Both sides GET the same
// 3-byte value (redis-benchmark's default -d 3) from the key redis-benchmark uses without -r.
// Runs alternate between the two sides so that load from other work on the machine falls on
// both alike; medians of `runs` runs are compared.
enum RedisBenchmark {
    static let runs = 5
    /// GETs per unpipelined run (redis-benchmark's -n).
    static let requestCount = 100_000
    /// GETs per pipelined run: more, since pipelining is ~10 times faster and short runs are
    /// at the mercy of the shared machine's scheduling.
    static let pipelinedRequestCount = 400_000
    static let pipelineDepth = 16
    static let key = "key:__rand_int__"
    static let value = Array("xxx".utf8)

    static func main() async throws {
        let url = Bench.env("REDIS_URL", "redis://127.0.0.1:56379")
        let configuration = try RedisConfiguration(url: url)
        let client = RedisClient(configuration: configuration, poolSizeMax: 1, logger: Logger(label: "bench"))
        _ = try await client.set(Self.key, Self.value)

        var anchorSingle: [Double] = []
        var oursSingle: [Double] = []
        var anchorPipelined: [Double] = []
        var oursPipelined: [Double] = []
        for run in 0..<Self.runs {
            anchorSingle.append(try Self.redisBenchmark(configuration, pipelineDepth: 1))
            oursSingle.append(try await Self.oursSingle(client))
            anchorPipelined.append(try Self.redisBenchmark(configuration, pipelineDepth: Self.pipelineDepth))
            oursPipelined.append(try await Self.oursPipelined(client))
            Bench.progress(
                "run \(run + 1)/\(Self.runs): -P 1 ours \(Int(oursSingle[run]))/s anchor \(Int(anchorSingle[run]))/s; "
                    + "-P \(Self.pipelineDepth) ours \(Int(oursPipelined[run]))/s anchor \(Int(anchorPipelined[run]))/s"
            )
        }
        await client.shutdown()

        let single = (ours: Bench.median(oursSingle), anchor: Bench.median(anchorSingle))
        let pipelined = (ours: Bench.median(oursPipelined), anchor: Bench.median(anchorPipelined))
        let singleRatio = single.ours / single.anchor
        let pipelinedRatio = pipelined.ours / pipelined.anchor
        print(
            "redis GET -P \(Self.pipelineDepth): ratio=\(String(format: "%.2f", pipelinedRatio)) "
                + "ours=\(Int(pipelined.ours))req/s anchor=\(Int(pipelined.anchor))req/s"
        )
        print(
            "redis GET -P 1: ratio=\(String(format: "%.2f", singleRatio)) "
                + "ours=\(Int(single.ours))req/s anchor=\(Int(single.anchor))req/s"
        )
        // The RESULT line reports the weaker of the two comparisons.
        if pipelinedRatio < singleRatio {
            print("the RESULT line reports GET -P \(Self.pipelineDepth), the lower ratio")
            Bench.result("redis", ours: pipelined.ours, anchor: pipelined.anchor, unit: "req/s")
        } else {
            print("the RESULT line reports GET -P 1, the lower ratio")
            Bench.result("redis", ours: single.ours, anchor: single.anchor, unit: "req/s")
        }
    }

    /// Requests per second that `redis-benchmark` reports for GET on one connection.
    static func redisBenchmark(_ configuration: RedisConfiguration, pipelineDepth: Int) throws -> Double {
        let requestCount = pipelineDepth == 1 ? Self.requestCount : Self.pipelinedRequestCount
        var arguments = [
            "redis-benchmark", "-h", configuration.host, "-p", String(configuration.port), "-c", "1", "-P",
            String(pipelineDepth), "-t", "get", "-n", String(requestCount), "-q", "--csv",
        ]
        if let password = configuration.password { arguments += ["-a", password] }
        let output = try Bench.run(arguments)
        // --csv prints a header line, then "GET","<rps>",…
        for line in output.split(separator: "\n") where line.hasPrefix("\"GET\"") {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if fields.count > 1, let rate = Double(fields[1]) { return rate }
        }
        throw BenchError("cannot read redis-benchmark's output: \(output)")
    }

    /// GETs per second, one at a time, all in one connection scope.
    static func oursSingle(_ client: RedisClient) async throws -> Double {
        let seconds = try await Bench.seconds {
            try await client.withConnection { connection in
                for _ in 0..<Self.requestCount {
                    guard try await connection.get(Self.key)?.count == Self.value.count else {
                        throw BenchError("GET returned the wrong value")
                    }
                }
            }
        }
        return Double(Self.requestCount) / seconds
    }

    /// GETs per second in pipelines of `pipelineDepth`.
    static func oursPipelined(_ client: RedisClient) async throws -> Double {
        let batch = Array(repeating: RedisCommand.get(Self.key), count: Self.pipelineDepth)
        let batchCount = Self.pipelinedRequestCount / Self.pipelineDepth
        let seconds = try await Bench.seconds {
            try await client.withConnection { connection in
                for _ in 0..<batchCount {
                    let replies = try await connection.pipeline(batch)
                    guard replies.count == Self.pipelineDepth else { throw BenchError("short pipeline") }
                }
            }
        }
        return Double(batchCount * Self.pipelineDepth) / seconds
    }
}

try await RedisBenchmark.main()
