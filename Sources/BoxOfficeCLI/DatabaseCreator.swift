import BoxOfficePostgres
import Logging

/// Creates a service database when it does not exist yet, so that a fresh server needs no manual step.
enum DatabaseCreator {
    static func ensureExists(_ name: String, on server: PostgresConfiguration, logger: Logger) async throws {
        let client = PostgresClient(configuration: server, poolSizeMax: 1, logger: logger)
        do {
            try await client.withConnection { connection in
                let existing = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)")
                guard existing.isEmpty else { return }
                do {
                    // CREATE DATABASE takes no parameters; the name is one of ServiceDatabase's own.
                    try await connection.execute("CREATE DATABASE \(unescaped: "\"\(name)\"")")
                    logger.info("created database", metadata: ["database": "\(name)"])
                } catch let error as PostgresError where error.sqlState == "42P04" {
                    // Another process created it between our check and our CREATE: fine.
                }
            }
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
