import Testing

@testable import BoxOfficePostgres

@Suite("Prepared statements")
struct PreparedStatementTests {
    @Test func cachedStatementSurvivesASchemaChange() async throws {
        try await TestDatabase.withClient(poolSizeMax: 1) { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE items (id int8)")
                try await connection.execute("INSERT INTO items VALUES (\(1))")
                let before = try await connection.query("SELECT * FROM items WHERE id = \(1)")
                #expect(before[0].columnCount == 1)
                // Another session (a migration) changes the table under the prepared statement.
                let other = PostgresClient(
                    configuration: client.configuration,
                    poolSizeMax: 1,
                    logger: TestDatabase.logger
                )
                try await other.withConnection {
                    try await $0.execute("ALTER TABLE items ADD COLUMN label text DEFAULT 'x'")
                }
                await other.shutdown()
                let after = try await connection.query("SELECT * FROM items WHERE id = \(1)")
                #expect(after[0].columnNames == ["id", "label"])
            }
        }
    }

    @Test func cacheEvictsTheLeastRecentlyUsed() {
        var cache = PreparedStatementCache(statementsMax: 2)
        let first = cache.nextName()
        #expect(cache.insert(sql: "a", name: first, parameterTypes: []) == nil)
        #expect(cache.insert(sql: "b", name: cache.nextName(), parameterTypes: []) == nil)
        #expect(cache.lookUp(sql: "a", parameterTypes: []) == first)
        // "b" is now the least recently used.
        let evicted = cache.insert(sql: "c", name: cache.nextName(), parameterTypes: [])
        #expect(evicted != nil && evicted != first)
        #expect(cache.lookUp(sql: "b", parameterTypes: []) == nil)
        #expect(cache.lookUp(sql: "a", parameterTypes: [20]) == nil)  // other parameter types
        #expect(cache.count == 2)
    }
}
