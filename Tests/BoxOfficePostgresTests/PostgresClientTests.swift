import BoxOfficePostgres
import Testing

@Suite("Pool and transactions")
struct PostgresClientTests {
    @Test func poolExhaustionAnswersWithATimeoutError() async throws {
        let acquireTimeout = Duration.milliseconds(300)
        try await TestDatabase.withClient(poolSizeMax: 1, acquireTimeout: acquireTimeout) { client in
            try await client.withConnection { _ in
                let start = ContinuousClock.now
                let error = await #expect(throws: PostgresError.self) {
                    try await client.withConnection { _ in }
                }
                let waited = ContinuousClock.now - start
                #expect(error?.code == .poolTimeout)
                #expect(waited >= acquireTimeout)
                #expect(waited < .seconds(3))
            }
            // The connection came back: the pool works again.
            let one = try await client.withConnection {
                try await $0.query("SELECT 1 AS one")[0].decode("one", as: Int32.self)
            }
            #expect(one == 1)
        }
    }

    @Test func waiterGetsTheReleasedConnection() async throws {
        try await TestDatabase.withClient(poolSizeMax: 1) { client in
            async let first: Int = client.withConnection { connection in
                try await Task.sleep(for: .milliseconds(200))
                return try await connection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid", as: Int.self)
            }
            try await Task.sleep(for: .milliseconds(50))
            let second = try await client.withConnection { connection in
                try await connection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid", as: Int.self)
            }
            #expect(try await first == second)
        }
    }

    @Test func rollbackOnThrowLeavesNothing() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { try await $0.execute("CREATE TABLE items (id int8 PRIMARY KEY)") }
            await #expect(throws: TestFailure.self) {
                try await client.withTransaction { connection in
                    try await connection.execute("INSERT INTO items VALUES (\(1))")
                    try await connection.execute("INSERT INTO items VALUES (\(2))")
                    throw TestFailure()
                }
            }
            let count = try await client.withConnection {
                try await $0.query("SELECT count(*) AS n FROM items")[0].decode("n", as: Int.self)
            }
            #expect(count == 0)
        }
    }

    @Test func commitFailureIsSurfaced() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection {
                try await $0.execute(
                    "CREATE TABLE items (id int8, CONSTRAINT items_id_key UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"
                )
            }
            // The duplicate is only detected at COMMIT.
            let error = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try await connection.execute("INSERT INTO items VALUES (\(1))")
                    try await connection.execute("INSERT INTO items VALUES (\(1))")
                }
            }
            #expect(error?.sqlState == PostgresError.SQLState.uniqueViolation)
            #expect(error?.constraintName == "items_id_key")

            // A body that swallows a failed statement cannot commit either.
            let swallowed = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try await connection.execute("INSERT INTO items VALUES (\(2))")
                    _ = try? await connection.execute("SELECT 1 / 0")
                }
            }
            #expect(swallowed?.code == .commitFailed)
            let count = try await client.withConnection {
                try await $0.query("SELECT count(*) AS n FROM items")[0].decode("n", as: Int.self)
            }
            #expect(count == 0)
        }
    }

    @Test func serializationRetrySucceedsUnderARealConflict() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE accounts (id int8 PRIMARY KEY, balance int8 NOT NULL)")
                try await connection.execute("INSERT INTO accounts VALUES (1, 100), (2, 100)")
            }
            let readers = Counter()
            let attempts = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in 1...2 {
                    group.addTask {
                        try await Self.addTotal(to: id, client: client, readers: readers, attempts: attempts)
                    }
                }
                try await group.waitForAll()
            }

            #expect(attempts.value > 2)
            let balances = try await client.withConnection { connection in
                try await connection.query("SELECT balance FROM accounts ORDER BY balance").map {
                    try $0.decode("balance", as: Int.self)
                }
            }
            #expect(balances == [300, 500])
        }
    }

    @Test func retryGivesUpAfterAttemptsMax() async throws {
        try await TestDatabase.withClient { client in
            let attempts = Counter()
            let error = await #expect(throws: PostgresError.self) {
                try await client.withRetryingTransaction(attemptsMax: 3) { connection in
                    attempts.increment()
                    // Raises a genuine 40001 from the server every time.
                    try await connection.execute(
                        "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$"
                    )
                }
            }
            #expect(error?.sqlState == PostgresError.SQLState.serializationFailure)
            #expect(attempts.value == 3)
        }
    }

    @Test func isolationLevelIsApplied() async throws {
        try await TestDatabase.withClient { client in
            for (level, expected) in [
                (PostgresIsolationLevel.readCommitted, "read committed"),
                (.repeatableRead, "repeatable read"), (.serializable, "serializable"),
            ] {
                let actual = try await client.withTransaction(isolation: level) { connection in
                    try await connection.query("SHOW transaction_isolation")[0].decode(0, as: String.self)
                }
                #expect(actual == expected)
            }
        }
    }

    @Test func brokenConnectionIsReplaced() async throws {
        try await TestDatabase.withClient(poolSizeMax: 1) { client in
            let error = await #expect(throws: PostgresError.self) {
                try await client.withConnection { connection in
                    try await connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                }
            }
            #expect(error != nil)
            let one = try await client.withConnection {
                try await $0.query("SELECT 1 AS one")[0].decode("one", as: Int32.self)
            }
            #expect(one == 1)
        }
    }

    @Test func serverDownFailsFast() async throws {
        var configuration = try TestDatabase.adminConfiguration
        configuration.port = 1  // nothing listens there
        let client = PostgresClient(configuration: configuration, logger: TestDatabase.logger)
        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) {
            try await client.withConnection { _ in }
        }
        #expect(error?.code == .connectionFailed)
        #expect(ContinuousClock.now - start < .seconds(PostgresConfiguration.connectTimeoutSecondsDefault))
        await client.shutdown()
    }

    @Test func shutdownFailsLaterCalls() async throws {
        try await TestDatabase.withClient(poolSizeMax: 1) { client in
            try await client.withConnection { try await $0.execute("SELECT 1") }
            await client.shutdown()
            let error = await #expect(throws: PostgresError.self) { try await client.withConnection { _ in } }
            #expect(error?.code == .clientShutdown)
        }
    }

    @Test func connectionUsedAfterItsScopeThrows() async throws {
        try await TestDatabase.withClient { client in
            let escaped = try await client.withConnection { $0 }
            let error = await #expect(throws: PostgresError.self) { try await escaped.execute("SELECT 1") }
            #expect(error?.code == .connectionMisuse)
        }
    }

    @Test func slowQueriesDoNotBlockTheConcurrencyPool() async throws {
        let connections = 6
        try await TestDatabase.withClient(poolSizeMax: connections) { client in
            // More sleeping queries than the pool has threads: if libpq blocked pool threads, the
            // ticker below could not finish before the queries do, four seconds after the start
            // (it is given half of that, room for a loaded machine).
            let start = ContinuousClock.now
            let sleepSeconds = 4
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    group.addTask {
                        _ = try await client.withConnection { try await $0.execute("SELECT pg_sleep(\(sleepSeconds))") }
                    }
                }
                for _ in 0..<10 { try await Task.sleep(for: .milliseconds(10)) }
                #expect(ContinuousClock.now - start < .seconds(sleepSeconds) / 2)
                try await group.waitForAll()
            }
            #expect(ContinuousClock.now - start >= .seconds(sleepSeconds))
        }
    }

    /// Adds the total of all balances to account `id`: a write skew with a concurrent call for
    /// the other account, which only a serial order gets right (300 + 500 in either order;
    /// 300 + 300 without isolation).
    private static func addTotal(to id: Int, client: PostgresClient, readers: Counter, attempts: Counter) async throws {
        var attempt = 0
        try await client.withRetryingTransaction(attemptsMax: 5) { connection in
            attempt += 1
            attempts.increment()
            let total = try await connection.query("SELECT sum(balance)::int8 AS total FROM accounts")[0]
                .decode("total", as: Int.self)
            if attempt == 1 {
                // Both first attempts read before either writes, so they really conflict.
                readers.increment()
                let deadline = ContinuousClock.now + .seconds(10)
                while readers.value < 2 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            try await connection.execute("UPDATE accounts SET balance = balance + \(total) WHERE id = \(id)")
        }
    }
}
