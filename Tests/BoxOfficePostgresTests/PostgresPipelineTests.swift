import BoxOfficePostgres
import Testing

@Suite("Pipeline mode")
struct PostgresPipelineTests {
    @Test func pipelineReturnsResultsInOrder() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                let queries: [PostgresQuery] = (1...20).map { "SELECT \($0) AS n, \("q\($0)") AS label" }
                let results = try await connection.pipeline(queries)
                #expect(results.count == 20)
                for (index, rows) in results.enumerated() {
                    #expect(try rows[0].decode("n", as: Int.self) == index + 1)
                    #expect(try rows[0].decode("label", as: String.self) == "q\(index + 1)")
                }
            }
        }
    }

    @Test func errorInTheMiddleIsReportedAndTheBatchRolledBack() async throws {
        try await TestDatabase.withClient(poolSizeMax: 1) { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE items (id int8 CONSTRAINT items_pkey PRIMARY KEY)")
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.pipeline([
                        "INSERT INTO items VALUES (\(1))",
                        "INSERT INTO items VALUES (\(1))",
                        "INSERT INTO items VALUES (\(2))",
                    ])
                }
                #expect(error?.queryIndex == 1)
                #expect(error?.sqlState == "23505")
                #expect(error?.constraintName == "items_pkey")
                // One sync: the batch was one implicit transaction.
                let count = try await connection.query("SELECT count(*) AS n FROM items")[0].decode("n", as: Int.self)
                #expect(count == 0)
            }
        }
    }

    @Test func largeBatchDoesNotDeadlock() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE items (id int8, payload text)")
                let payload = String(repeating: "x", count: 200)
                let queries: [PostgresQuery] = (0..<20_000).map {
                    "INSERT INTO items VALUES (\($0), \(payload)) RETURNING id, payload"
                }
                let results = try await connection.pipeline(queries)
                #expect(results.count == 20_000)
                #expect(try results[19_999][0].decode("id", as: Int.self) == 19_999)
                let count = try await connection.query("SELECT count(*) AS n FROM items")[0].decode("n", as: Int.self)
                #expect(count == 20_000)
            }
        }
    }

    @Test func pipelineInsideATransaction() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { try await $0.execute("CREATE TABLE items (id int8)") }
            await #expect(throws: TestFailure.self) {
                try await client.withTransaction { connection in
                    _ = try await connection.pipeline([
                        "INSERT INTO items VALUES (\(1))", "INSERT INTO items VALUES (\(2))",
                    ])
                    throw TestFailure()
                }
            }
            try await client.withTransaction { connection in
                _ = try await connection.pipeline([
                    "INSERT INTO items VALUES (\(3))", "INSERT INTO items VALUES (\(4))",
                ])
            }
            let ids = try await client.withConnection { connection in
                try await connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode("id", as: Int.self) }
            }
            #expect(ids == [3, 4])
        }
    }

    @Test func batchOfManyDistinctStatementsRuns() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                // More distinct statements than the prepared-statement cache holds.
                let queries: [PostgresQuery] = (0..<400).map {
                    "SELECT \($0) AS n, \(unescaped: String($0)) AS literal"
                }
                let results = try await connection.pipeline(queries)
                for (index, rows) in results.enumerated() {
                    #expect(try rows[0].decode("n", as: Int.self) == index)
                    #expect(try rows[0].decode("literal", as: Int32.self) == Int32(index))
                }
                // And again, for the cached path.
                #expect(try await connection.pipeline(Array(queries.prefix(50))).count == 50)
            }
        }
    }
}
