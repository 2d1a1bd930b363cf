public import Logging

/// Applies migration sets to the client's database, each migration once.
///
/// Each migration runs in its own transaction together with its record in `schema_migrations`
/// (keyed by set name and version, with name, checksum and time). Processes that migrate at
/// once are serialized by a session advisory lock: the second waits, then finds everything
/// applied and applies nothing. A migration whose SQL changed after it was applied is refused.
public struct PostgresMigrator: Sendable {
    /// The advisory lock key every BoxOffice migrator takes ("BoxOff" in ASCII).
    static let advisoryLockKey: Int64 = 0x426f_784f_6666
    /// How long a migrator waits for another one before failing.
    public static let lockWaitSecondsMax = 120

    private let client: PostgresClient
    private let logger: Logger

    /// A migrator that works through `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Applies the migrations of `sets` that are not applied yet, set by set in the order given.
    ///
    /// - Returns: what was applied, as `set/NNNN_name`; empty when everything already was.
    /// - Throws: ``PostgresError/Code/migrationChecksumMismatch`` naming the migration when an
    ///   applied one was edited, ``PostgresError/Code/migrationInvalid`` for a malformed set, or
    ///   the server's error for a failing migration (its transaction is rolled back, earlier ones
    ///   stay applied).
    @discardableResult
    public func migrate(_ sets: [PostgresMigrationSet]) async throws -> [String] {
        for set in sets { try set.validate() }
        // One connection holds the lock for the whole run; a session lock rather than a
        // transaction one because every migration commits on its own.
        return try await self.client.withConnection { connection in
            try await connection.executeScript("SET lock_timeout = '\(Self.lockWaitSecondsMax)s'")
            do {
                try await connection.execute("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
            } catch {
                // The connection goes back to the pool: it must not keep the short lock timeout.
                try? await connection.executeScript("RESET lock_timeout")
                throw error
            }
            try await connection.executeScript("RESET lock_timeout")
            do {
                let applied = try await self.migrateLocked(sets, connection: connection)
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                return applied
            } catch {
                // If this fails too the connection is broken, is discarded, and the session's lock
                // goes with it.
                _ = try? await connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                throw error
            }
        }
    }

    private func migrateLocked(_ sets: [PostgresMigrationSet], connection: PostgresConnection) async throws -> [String]
    {
        try await connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                set_name text NOT NULL,
                version integer NOT NULL,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (set_name, version)
            )
            """
        )
        var appliedNow: [String] = []
        for set in sets {
            var recorded: [Int: (name: String, checksum: String)] = [:]
            for row in try await connection.query(
                "SELECT version, name, checksum FROM schema_migrations WHERE set_name = \(set.name)"
            ) {
                recorded[try row.decode("version", as: Int.self)] = (
                    try row.decode("name", as: String.self), try row.decode("checksum", as: String.self)
                )
            }
            for migration in set.migrations {
                let label = "\(set.name)/\(migration.identifier)"
                if let record = recorded[migration.version] {
                    guard record.checksum == migration.checksum else {
                        throw PostgresError(
                            code: .migrationChecksumMismatch,
                            message: "migration \(label) was edited after it was applied "
                                + "(add a new migration instead of changing an applied one)"
                        )
                    }
                    continue
                }
                self.logger.info("applying migration", metadata: ["migration": "\(label)"])
                try await connection.executeScript("BEGIN")
                do {
                    try await connection.executeScript(migration.sql)
                    try await connection.execute(
                        """
                        INSERT INTO schema_migrations (set_name, version, name, checksum)
                        VALUES (\(set.name), \(migration.version), \(migration.name), \(migration.checksum))
                        """
                    )
                    try await connection.commit()
                } catch {
                    try? await connection.executeScript("ROLLBACK")
                    self.logger.error("migration failed", metadata: ["migration": "\(label)", "error": "\(error)"])
                    guard var error = error as? PostgresError else { throw error }
                    error.message = "migration \(label) failed: \(error.message)"
                    throw error
                }
                appliedNow.append(label)
            }
            let known = Set(set.migrations.map(\.version))
            for (version, record) in recorded where !known.contains(version) {
                // A newer release may have migrated already (a rolling deploy): not an error.
                self.logger.warning(
                    "database has a migration this build does not know",
                    metadata: ["set": "\(set.name)", "version": "\(version)", "name": "\(record.name)"]
                )
            }
        }
        return appliedNow
    }
}
