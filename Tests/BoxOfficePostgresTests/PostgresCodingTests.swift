import BoxOfficePostgres
import Foundation
import Testing

@Suite("Binding and decoding")
struct PostgresCodingTests {
    @Test func integersRoundTripIncludingExtremes() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE numbers (small int2, medium int4, large int8)")
                for (small, medium, large) in [
                    (Int16.min, Int32.min, Int64.min), (Int16.max, Int32.max, Int64.max), (0, 0, 0), (-1, -1, -1),
                ] {
                    try await connection.execute("TRUNCATE numbers")
                    try await connection.execute("INSERT INTO numbers VALUES (\(small), \(medium), \(large))")
                    let row = try #require(try await connection.query("SELECT * FROM numbers").first)
                    #expect(try row.decode("small", as: Int16.self) == small)
                    #expect(try row.decode("medium", as: Int32.self) == medium)
                    #expect(try row.decode("large", as: Int64.self) == large)
                    #expect(try row.decode("large", as: Int.self) == Int(large))
                    // Wider Swift types read narrower columns.
                    #expect(try row.decode("small", as: Int64.self) == Int64(small))
                    // The server saw the values themselves, not a re-interpretation.
                    let text = try await connection.query("SELECT large::text AS t FROM numbers")[0].decode(
                        "t",
                        as: String.self
                    )
                    #expect(text == String(large))
                }
            }
        }
    }

    @Test func byteaRoundTripsEmptyAndEveryByte() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE blobs (id int8, data bytea)")
                let everyByte = [UInt8](0...255)
                try await connection.execute("INSERT INTO blobs VALUES (1, \([UInt8]())), (2, \(everyByte))")
                let rows = try await connection.query("SELECT data, length(data) AS size FROM blobs ORDER BY id")
                #expect(try rows[0].decode("data", as: [UInt8].self) == [])
                #expect(try rows[0].decode("size", as: Int32.self) == 0)
                #expect(try rows[1].decode("data", as: [UInt8].self) == everyByte)
                #expect(try rows[1].decode("size", as: Int32.self) == 256)
                let hex = try await connection.query("SELECT encode(data, 'hex') AS h FROM blobs WHERE id = 2")[0]
                    .decode("h", as: String.self)
                #expect(hex.hasPrefix("000102") && hex.hasSuffix("fdfeff"))
            }
        }
    }

    @Test func timestamptzRoundTripsWithMicroseconds() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try await connection.execute("SET TIME ZONE 'UTC'")
                // 2026-11-29 07:54:31.123456 UTC.
                let date = Date(timeIntervalSince1970: 1_795_938_871.123456)
                let row = try await connection.query(
                    "SELECT \(date)::timestamptz AS t, to_char(\(date)::timestamptz, 'YYYY-MM-DD HH24:MI:SS.US') AS text"
                )[0]
                #expect(try row.decode("t", as: Date.self) == date)
                #expect(try row.decode("text", as: String.self) == "2026-11-29 07:54:31.123456")

                // Far past and future, read from server literals: exact to Double's precision there.
                for literal in [
                    "0001-01-01 00:00:00.000001+00", "9999-12-31 23:59:59.999999+00", "1969-12-31 23:59:59.5+00",
                ] {
                    let row = try await connection.query(
                        "SELECT \(literal)::timestamptz AS t, extract(epoch FROM \(literal)::timestamptz)::float8 AS epoch"
                    )[0]
                    let decoded = try row.decode("t", as: Date.self)
                    let epoch = try row.decode("epoch", as: Double.self)
                    #expect(abs(decoded.timeIntervalSince1970 - epoch) < 0.000_1)
                    // And back: the server finds the value it sent within a few microseconds.
                    let close = try await connection.query(
                        "SELECT abs(extract(epoch FROM (\(decoded) - \(literal)::timestamptz))) < 0.0001 AS close"
                    )[0].decode("close", as: Bool.self)
                    #expect(close)
                }
                let infinities = try await connection.query(
                    "SELECT 'infinity'::timestamptz AS future, '-infinity'::timestamptz AS past, \(Date.distantFuture) = 'infinity' AS same"
                )[0]
                #expect(try infinities.decode("future", as: Date.self) == .distantFuture)
                #expect(try infinities.decode("past", as: Date.self) == .distantPast)
                #expect(try infinities.decode("same", as: Bool.self))
            }
        }
    }

    @Test func uuidStringBoolAndOptionalsRoundTrip() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                let id = UUID()
                let name = "Zoë 🎟️ ünïcödé"
                let row = try await connection.query(
                    """
                    SELECT \(id) AS id, \(id)::text AS id_text, \(name) AS name, \(true) AS yes, \(false) AS no,
                        \(Int?.none) AS nothing, \(Optional(7)) AS seven, \(2.5) AS half
                    """
                )[0]
                #expect(try row.decode("id", as: UUID.self) == id)
                #expect(try row.decode("id_text", as: String.self) == id.uuidString.lowercased())
                #expect(try row.decode("name", as: String.self) == name)
                #expect(try row.decode("yes", as: Bool.self))
                #expect(try !row.decode("no", as: Bool.self))
                #expect(try row.decode("nothing", as: Int?.self) == nil)
                #expect(try row.decode("seven", as: Int?.self) == 7)
                #expect(try row.decode("half", as: Double.self) == 2.5)
                #expect(try row.decode(0, as: UUID.self) == id)
            }
        }
    }

    @Test func injectionAttemptStaysData() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE x (name text)")
                let hostile = "'); DROP TABLE x; --"
                try await connection.execute("INSERT INTO x (name) VALUES (\(hostile))")
                let found = try await connection.query("SELECT name FROM x WHERE name = \(hostile)")
                #expect(found.count == 1)
                #expect(try found[0].decode("name", as: String.self) == hostile)
                let tables = try await connection.query("SELECT count(*) AS n FROM pg_tables WHERE tablename = 'x'")
                #expect(try tables[0].decode("n", as: Int.self) == 1)
            }
        }
    }

    @Test func typeMismatchErrorNamesTheColumn() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                let row = try await connection.query(
                    "SELECT 'abc'::text AS label, NULL::int8 AS missing, 70000 AS big"
                )[0]
                let mismatch = #expect(throws: PostgresError.self) { try row.decode("label", as: Int.self) }
                #expect(mismatch?.code == .typeMismatch)
                #expect(mismatch?.column == "label")
                #expect(mismatch?.description.contains("label") == true)

                let null = #expect(throws: PostgresError.self) { try row.decode("missing", as: Int.self) }
                #expect(null?.code == .unexpectedNull)
                #expect(null?.description.contains("missing") == true)
                #expect(try row.decode("missing", as: Int?.self) == nil)

                // An int4 column does not silently narrow into Int16.
                let narrow = #expect(throws: PostgresError.self) { try row.decode(2, as: Int16.self) }
                #expect(narrow?.column == "big")

                let absent = #expect(throws: PostgresError.self) { try row.decode("nope", as: Int.self) }
                #expect(absent?.code == .columnNotFound)
            }
        }
    }

    @Test func uniqueViolationCarriesSQLStateAndConstraintButNoValues() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try await connection.execute("CREATE TABLE users (email text CONSTRAINT users_email_key UNIQUE)")
                let secret = "alice-secret@example.com"
                try await connection.execute("INSERT INTO users VALUES (\(secret))")
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.execute("INSERT INTO users VALUES (\(secret))")
                }
                #expect(error?.code == .server)
                #expect(error?.sqlState == "23505")
                #expect(error?.constraintName == "users_email_key")
                #expect(error?.serverMessage?.contains("users_email_key") == true)
                #expect(error?.detail?.contains(secret) == true)
                let description = try #require(error?.description)
                #expect(description.contains("23505") && description.contains("users_email_key"))
                #expect(!description.contains(secret))
                #expect(!"\(try #require(error))".contains(secret))

                // A data exception's message quotes the value: left out of the description too.
                let cast = await #expect(throws: PostgresError.self) {
                    try await connection.query("SELECT \(secret)::int4 AS n")
                }
                #expect(cast?.sqlState == "22P02")
                #expect(cast?.description.contains(secret) == false)
            }
        }
    }
}
