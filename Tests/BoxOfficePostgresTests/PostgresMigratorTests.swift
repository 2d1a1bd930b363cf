import Foundation
import Testing

@testable import BoxOfficePostgres

@Suite("Migrations")
struct PostgresMigratorTests {
    static let appSet = PostgresMigrationSet(
        name: "app",
        migrations: [
            PostgresMigration(version: 1, name: "create_items", sql: "CREATE TABLE items (id int8 PRIMARY KEY);"),
            PostgresMigration(
                version: 2,
                name: "add_column",
                sql: "ALTER TABLE items ADD COLUMN label text;\nCREATE INDEX items_label ON items (label);"
            ),
            PostgresMigration(
                version: 3,
                name: "slow_seed",
                sql: "SELECT pg_sleep(0.3); INSERT INTO items VALUES (1, 'one');"
            ),
        ]
    )
    static let messagingSet = PostgresMigrationSet(
        name: "messaging",
        migrations: [PostgresMigration(version: 1, name: "create_outbox", sql: "CREATE TABLE outbox (id int8);")]
    )

    @Test func migrationsAreIdempotentAndSetsShareADatabase() async throws {
        try await TestDatabase.withClient { client in
            let migrator = PostgresMigrator(client: client, logger: TestDatabase.logger)
            let first = try await migrator.migrate([Self.messagingSet, Self.appSet])
            #expect(
                first == [
                    "messaging/0001_create_outbox", "app/0001_create_items", "app/0002_add_column",
                    "app/0003_slow_seed",
                ]
            )
            let second = try await migrator.migrate([Self.messagingSet, Self.appSet])
            #expect(second.isEmpty)
            let records = try await client.withConnection { connection in
                try await connection.query("SELECT set_name, version, checksum FROM schema_migrations ORDER BY 1, 2")
                    .map {
                        "\(try $0.decode("set_name", as: String.self))/\(try $0.decode("version", as: Int.self))/"
                            + (try $0.decode("checksum", as: String.self))
                    }
            }
            #expect(
                records == [
                    "app/1/\(Self.appSet.migrations[0].checksum)", "app/2/\(Self.appSet.migrations[1].checksum)",
                    "app/3/\(Self.appSet.migrations[2].checksum)",
                    "messaging/1/\(Self.messagingSet.migrations[0].checksum)",
                ]
            )
            let items = try await client.withConnection {
                try await $0.query("SELECT count(*) AS n FROM items")[0].decode("n", as: Int.self)
            }
            #expect(items == 1)
        }
    }

    @Test func twoMigratorsAtOnceApplyEachMigrationOnceAndNeitherFails() async throws {
        try await TestDatabase.withConfiguration { configuration in
            // Two clients: two pools, two sessions, as two processes would have.
            let clients = (0..<2).map { _ in
                PostgresClient(configuration: configuration, poolSizeMax: 1, logger: TestDatabase.logger)
            }
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in clients {
                    group.addTask {
                        try await PostgresMigrator(client: client, logger: TestDatabase.logger).migrate([Self.appSet])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(
                results.flatMap { $0 }.sorted() == [
                    "app/0001_create_items", "app/0002_add_column", "app/0003_slow_seed",
                ]
            )
            #expect(results.contains([]))
            let items = try await clients[0].withConnection {
                try await $0.query("SELECT count(*) AS n FROM items")[0].decode("n", as: Int.self)
            }
            #expect(items == 1)
            for client in clients { await client.shutdown() }
        }
    }

    static let childDatabaseVariable = "BOXOFFICE_MIGRATION_CHILD_DATABASE"
    static let childOutputVariable = "BOXOFFICE_MIGRATION_CHILD_OUTPUT"

    @Test func twoProcessesMigratingAtOnceApplyEachMigrationOnce() async throws {
        try await TestDatabase.withConfiguration { configuration in
            let outputs = (0..<2).map { _ in
                FileManager.default.temporaryDirectory.appendingPathComponent("migrate-\(UUID().uuidString)")
            }
            defer { for output in outputs { try? FileManager.default.removeItem(at: output) } }
            // Each child is this test binary running only `migrateAsChildProcess`.
            let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
                for output in outputs {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                    process.arguments = ["--testing-library", "swift-testing", "--filter", "migrateAsChildProcess"]
                    var environment = ProcessInfo.processInfo.environment
                    environment[Self.childDatabaseVariable] = configuration.database
                    environment[Self.childOutputVariable] = output.path
                    process.environment = environment
                    process.standardOutput = FileHandle.nullDevice
                    process.standardError = FileHandle.nullDevice
                    group.addTask {
                        try await withCheckedThrowingContinuation { continuation in
                            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                            do {
                                try process.run()
                            } catch {
                                continuation.resume(throwing: error)
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [0, 0])
            let applied = try outputs.map { try String(contentsOf: $0, encoding: .utf8) }
            #expect(
                applied.flatMap { $0.split(separator: "\n") }.sorted()
                    == ["app/0001_create_items", "app/0002_add_column", "app/0003_slow_seed"]
            )
            #expect(applied.contains(""))
        }
    }

    /// The child side of ``twoProcessesMigratingAtOnceApplyEachMigrationOnce()``; skipped otherwise.
    @Test(
        .enabled(if: ProcessInfo.processInfo.environment[childDatabaseVariable] != nil, "runs only as a child process")
    )
    func migrateAsChildProcess() async throws {
        let environment = ProcessInfo.processInfo.environment
        let database = try #require(environment[Self.childDatabaseVariable])
        let output = try #require(environment[Self.childOutputVariable])
        let client = PostgresClient(
            configuration: try TestDatabase.adminConfiguration.with(database: database),
            poolSizeMax: 1,
            logger: TestDatabase.logger
        )
        let applied = try await PostgresMigrator(client: client, logger: TestDatabase.logger).migrate([Self.appSet])
        await client.shutdown()
        try applied.joined(separator: "\n").write(toFile: output, atomically: true, encoding: .utf8)
    }

    @Test func editedAppliedMigrationIsRefused() async throws {
        try await TestDatabase.withClient { client in
            let migrator = PostgresMigrator(client: client, logger: TestDatabase.logger)
            try await migrator.migrate([Self.appSet])
            var edited = Self.appSet
            edited.migrations[1].sql += "\nCREATE INDEX items_label_2 ON items (label);"
            edited.migrations.append(PostgresMigration(version: 4, name: "later", sql: "CREATE TABLE later (id int8);"))
            let error = await #expect(throws: PostgresError.self) { try await migrator.migrate([edited]) }
            #expect(error?.code == .migrationChecksumMismatch)
            #expect(error?.description.contains("app/0002_add_column") == true)
            let later = try await client.withConnection {
                try await $0.query("SELECT to_regclass('later') IS NULL AS absent")[0].decode("absent", as: Bool.self)
            }
            #expect(later)
        }
    }

    @Test func failingMigrationRollsBackAndKeepsEarlierOnes() async throws {
        try await TestDatabase.withClient { client in
            let set = PostgresMigrationSet(
                name: "app",
                migrations: [
                    PostgresMigration(version: 1, name: "good", sql: "CREATE TABLE good (id int8);"),
                    PostgresMigration(
                        version: 2,
                        name: "bad",
                        sql: "CREATE TABLE half (id int8); SELECT * FROM nowhere;"
                    ),
                ]
            )
            let error = await #expect(throws: PostgresError.self) {
                try await PostgresMigrator(client: client, logger: TestDatabase.logger).migrate([set])
            }
            #expect(error?.sqlState == "42P01")
            #expect(error?.description.contains("app/0002_bad") == true)
            let state = try await client.withConnection { connection in
                try await connection.query(
                    """
                    SELECT to_regclass('good') IS NOT NULL AS good, to_regclass('half') IS NOT NULL AS half,
                        (SELECT count(*) FROM schema_migrations) AS recorded
                    """
                )[0]
            }
            #expect(try state.decode("good", as: Bool.self))
            #expect(try !state.decode("half", as: Bool.self))
            #expect(try state.decode("recorded", as: Int.self) == 1)
        }
    }

    @Test func loadsNumberedFilesAndRefusesBadSets() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("0002_add_label.sql", "ALTER TABLE t ADD COLUMN label text;")
        try write("0001_create_t.sql", "CREATE TABLE t (id int8);")
        try write("README.md", "not a migration")
        let set = try PostgresMigrationSet.load(name: "svc", directory: directory)
        #expect(set.migrations.map(\.identifier) == ["0001_create_t", "0002_add_label"])
        #expect(set.migrations[0].sql == "CREATE TABLE t (id int8);")

        try write("0002_again.sql", "SELECT 1;")
        let duplicate = #expect(throws: PostgresError.self) {
            try PostgresMigrationSet.load(name: "svc", directory: directory)
        }
        #expect(duplicate?.code == .migrationInvalid)
        #expect(duplicate?.description.contains("two migrations numbered 2") == true)

        try FileManager.default.removeItem(at: directory.appendingPathComponent("0002_again.sql"))
        try write("0004_gap.sql", "SELECT 1;")
        let gap = #expect(throws: PostgresError.self) {
            try PostgresMigrationSet.load(name: "svc", directory: directory)
        }
        #expect(gap?.description.contains("missing version 3") == true)

        try FileManager.default.removeItem(at: directory.appendingPathComponent("0004_gap.sql"))
        try write("seed.sql", "SELECT 1;")
        let badName = #expect(throws: PostgresError.self) {
            try PostgresMigrationSet.load(name: "svc", directory: directory)
        }
        #expect(badName?.description.contains("svc/seed.sql") == true)
    }

    @Test func checksumIsTheSHA256OfTheSQLInHex() {
        func checksum(_ sql: String) -> String { PostgresMigration(version: 1, name: "m", sql: sql).checksum }
        #expect(checksum("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(checksum("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(checksum(twoBlocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
