import BoxOfficeRedis
import Testing

@Suite struct RedisCommandTests {
    @Test func setGetDeleteRoundTrip() async throws {
        try await withTestClient { client, prefix async throws in
            let key = prefix + "greeting"
            #expect(try await client.get(key) == nil)
            #expect(try await client.set(key, Array("hello".utf8)))
            #expect(try await client.get(key) == Array("hello".utf8))
            // Binary values survive unchanged, including zero bytes.
            let binary: [UInt8] = [0, 255, 13, 10, 0, 1]
            #expect(try await client.set(key, binary))
            #expect(try await client.get(key) == binary)
            #expect(try await client.set(prefix + "empty", []))
            #expect(try await client.get(prefix + "empty") == [])
            #expect(try await client.delete([key, prefix + "empty", prefix + "missing"]) == 2)
            #expect(try await client.get(key) == nil)
            #expect(try await client.delete([]) == 0)
        }
    }

    @Test func setOnlyIfAbsentDoesNotOverwrite() async throws {
        try await withTestClient { client, prefix async throws in
            let key = prefix + "lock"
            #expect(try await client.set(key, [1], onlyIfAbsent: true))
            #expect(try await !client.set(key, [2], onlyIfAbsent: true))
            #expect(try await client.get(key) == [1])
        }
    }

    @Test func incrementCountsAndRejectsNonIntegers() async throws {
        try await withTestClient { client, prefix async throws in
            let key = prefix + "counter"
            #expect(try await client.increment(key) == 1)
            #expect(try await client.increment(key) == 2)
            try await client.withConnection { connection async throws in
                for expected in Int64(3)...10 { #expect(try await connection.increment(key) == expected) }
            }
            let text = prefix + "text"
            _ = try await client.set(text, Array("not a number".utf8))
            do {
                _ = try await client.increment(text)
                Issue.record("INCR of a non-integer succeeded")
            } catch let error as RedisError {
                #expect(error.code == .server)
                #expect(error.serverMessage?.hasPrefix("ERR") == true)
                #expect(!"\(error)".contains("not a number"))
            }
            // A server error leaves the connection usable.
            #expect(try await client.increment(key) == 11)
        }
    }

    @Test func mgetReturnsValuesInOrderWithNilForMissing() async throws {
        try await withTestClient { client, prefix async throws in
            _ = try await client.set(prefix + "a", [1])
            _ = try await client.set(prefix + "c", [3])
            let values = try await client.mget([prefix + "a", prefix + "b", prefix + "c"])
            #expect(values == [[1], nil, [3]])
            #expect(try await client.mget([]) == [])
        }
    }

    @Test func expirationInMillisecondsIsHonoured() async throws {
        try await withTestClient { client, prefix async throws in
            let key = prefix + "short"
            #expect(try await client.set(key, [1], expiration: .milliseconds(200)))
            #expect(try await client.get(key) == [1])
            let ttl = try #require(try await client.ttlMilliseconds(key))
            #expect(ttl > 0 && ttl <= 200)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await client.get(key) == nil)
        }
    }

    @Test func expirationInSecondsAndExpireSetTimeToLive() async throws {
        try await withTestClient { client, prefix async throws in
            let key = prefix + "session"
            #expect(try await client.set(key, [1], expiration: .seconds(100)))
            let ttl = try #require(try await client.ttlMilliseconds(key))
            #expect(ttl > 95_000 && ttl <= 100_000)

            let plain = prefix + "plain"
            _ = try await client.set(plain, [1])
            #expect(try await client.ttlMilliseconds(plain) == nil)
            #expect(try await client.expire(plain, seconds: 50))
            let newTTL = try #require(try await client.ttlMilliseconds(plain))
            #expect(newTTL > 45_000 && newTTL <= 50_000)
            #expect(try await !client.expire(prefix + "missing", seconds: 50))
            #expect(try await client.ttlMilliseconds(prefix + "missing") == nil)
        }
    }

    @Test func pipelineReturnsRepliesInOrder() async throws {
        try await withTestClient { client, prefix async throws in
            var commands: [RedisCommand] = []
            for index in 0..<25 {
                commands.append(.set(prefix + "p\(index)", Array("v\(index)".utf8)))
                commands.append(.increment(prefix + "pcount"))
                commands.append(.get(prefix + "p\(index)"))
                commands.append(RedisCommand("HSET", prefix + "p\(index)", "f", "x"))  // wrong type: an error reply
            }
            let replies = try await client.pipeline(commands)
            #expect(replies.count == 100)
            for index in 0..<25 {
                #expect(replies[index * 4] == .status("OK"))
                #expect(replies[index * 4 + 1] == .integer(Int64(index + 1)))
                #expect(replies[index * 4 + 2] == .string(Array("v\(index)".utf8)))
                guard case .error(let message) = replies[index * 4 + 3] else {
                    Issue.record("expected an error reply, got \(replies[index * 4 + 3])")
                    continue
                }
                #expect(message.hasPrefix("WRONGTYPE"))
            }
            // The connection is still in step after error replies inside the pipeline.
            #expect(try await client.get(prefix + "p7") == Array("v7".utf8))
        }
    }

    @Test func genericCommandsReturnEveryReplyKind() async throws {
        try await withTestClient { client, prefix async throws in
            try await client.withConnection { connection async throws in
                #expect(try await connection.command(["PING"]) == .status("PONG"))
                #expect(try await connection.command(["RPUSH", prefix + "list", "a", "b"]) == .integer(2))
                #expect(
                    try await connection.command([
                        Array("LRANGE".utf8), Array((prefix + "list").utf8), [0x30], [0x2d, 0x31],
                    ])
                        == .array([.string([0x61]), .string([0x62])])
                )
                #expect(try await connection.command(["GET", prefix + "nothing"]) == .null)
                guard case .error = try await connection.command(["NOSUCHCOMMAND", "secret-argument"]) else {
                    Issue.record("an unknown command did not give an error reply")
                    return
                }
            }
        }
    }

    @Test func concurrentUseOfThePoolStaysCorrect() async throws {
        try await withTestClient(poolSizeMax: 3) { client, prefix async throws in
            let key = prefix + "shared"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        for _ in 0..<20 { _ = try await client.increment(key) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await client.get(key) == Array("200".utf8))
        }
    }
}
