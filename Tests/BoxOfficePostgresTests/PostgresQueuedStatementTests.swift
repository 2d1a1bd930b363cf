import BoxOfficePostgres
import Testing

@Suite("Queued statements")
struct PostgresQueuedStatementTests {
    private static func ids(_ client: PostgresClient) async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode("id", as: Int.self) }
        }
    }

    @Test func queuedWritesRunInOrderBeforeTheNextQuery() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { try await $0.execute("CREATE TABLE items (id int8, seen int8)") }
            let seen = try await client.withTransaction { connection in
                try connection.enqueue("INSERT INTO items VALUES (\(1), NULL)")
                // Sees the row queued before it: queued statements run first, in order.
                try connection.enqueue("UPDATE items SET seen = (SELECT count(*) FROM items) WHERE id = \(1)")
                return try await connection.query("SELECT seen FROM items WHERE id = \(1)")[0].decode(
                    "seen",
                    as: Int.self
                )
            }
            #expect(seen == 1)
            #expect(try await Self.ids(client) == [1])
        }
    }

    @Test func commitSendsWhatIsQueued() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { try await $0.execute("CREATE TABLE items (id int8)") }
            try await client.withTransaction { connection in
                try connection.enqueue("INSERT INTO items VALUES (\(1))")
                try connection.enqueue("INSERT INTO items VALUES (\(2))")
            }
            #expect(try await Self.ids(client) == [1, 2])
        }
    }

    @Test func aFailingQueuedStatementFailsTheCallThatSendsItAndTheTransaction() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection {
                try await $0.execute("CREATE TABLE items (id int8 CONSTRAINT items_pkey PRIMARY KEY)")
            }
            let error = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try connection.enqueue("INSERT INTO items VALUES (\(1))")
                    try connection.enqueue("INSERT INTO items VALUES (\(1))")
                    _ = try await connection.query("SELECT 1 AS one")
                    Issue.record("the query after a failing queued statement returned")
                }
            }
            #expect(error?.sqlState == PostgresError.SQLState.uniqueViolation)
            #expect(error?.constraintName == "items_pkey")
            #expect(error?.queryIndex == nil)
            #expect(try await Self.ids(client) == [])
        }
    }

    @Test func aFailingQueuedStatementAtCommitRollsBack() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection {
                try await $0.execute("CREATE TABLE items (id int8 CONSTRAINT items_pkey PRIMARY KEY)")
            }
            let error = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try await connection.execute("INSERT INTO items VALUES (\(1))")
                    try connection.enqueue("INSERT INTO items VALUES (\(2))")
                    try connection.enqueue("INSERT INTO items VALUES (\(1))")
                }
            }
            #expect(error?.sqlState == PostgresError.SQLState.uniqueViolation)
            #expect(try await Self.ids(client) == [])
            // The connection is clean for the next user.
            try await client.withTransaction { try $0.enqueue("INSERT INTO items VALUES (\(3))") }
            #expect(try await Self.ids(client) == [3])
        }
    }

    @Test func pipelineIndexesCountFromItsOwnQueries() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection {
                try await $0.execute("CREATE TABLE items (id int8 CONSTRAINT items_pkey PRIMARY KEY)")
            }
            let error = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try connection.enqueue("INSERT INTO items VALUES (\(1))")
                    _ = try await connection.pipeline([
                        "INSERT INTO items VALUES (\(2))", "INSERT INTO items VALUES (\(1))",
                    ])
                }
            }
            #expect(error?.queryIndex == 1)
            #expect(try await Self.ids(client) == [])
        }
    }

    @Test func outsideATransactionTheScopeSendsWhatIsLeftAndDropsItOnError() async throws {
        try await TestDatabase.withClient(poolSizeMax: 1) { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE items (id int8)")
                try connection.enqueue("INSERT INTO items VALUES (\(1))")
            }
            #expect(try await Self.ids(client) == [1])
            await #expect(throws: TestFailure.self) {
                try await client.withConnection { connection in
                    try connection.enqueue("INSERT INTO items VALUES (\(2))")
                    throw TestFailure()
                }
            }
            #expect(try await Self.ids(client) == [1])
        }
    }

    @Test(arguments: [
        (PostgresIsolationLevel.readCommitted, "read committed"), (.repeatableRead, "repeatable read"),
        (.serializable, "serializable"),
    ])
    func beginGoesWithTheFirstStatementAtItsIsolationLevel(
        isolation: PostgresIsolationLevel,
        name: String
    )
        async throws
    {
        try await TestDatabase.withClient { client in
            let level = try await client.withTransaction(isolation: isolation) { connection in
                try await connection.query("SELECT current_setting('transaction_isolation') AS level")[0].decode(
                    "level",
                    as: String.self
                )
            }
            #expect(level == name)
        }
    }
}
