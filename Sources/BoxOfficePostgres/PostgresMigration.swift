import BoxOfficeCrypto

/// One numbered schema change: the SQL of a file `NNNN_name.sql`.
public struct PostgresMigration: Sendable, Hashable {
    /// The number that orders the migrations of a set, from 1.
    public var version: Int
    /// The name after the number, e.g. `create_outbox`.
    public var name: String
    /// The SQL; may hold several statements. It runs in a transaction, so it must not contain
    /// `BEGIN`/`COMMIT` nor statements that refuse transactions (`CREATE INDEX CONCURRENTLY`).
    public var sql: String

    /// A migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The SHA-256 of the SQL as lowercase hex, recorded when applied so that a later edit of
    /// an applied migration is noticed.
    public var checksum: String {
        SHA256.hash(Array(self.sql.utf8)).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined()
    }

    /// `0007_create_outbox`: how the migration is named in records, logs and errors.
    public var identifier: String {
        let digits = String(self.version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + self.name
    }
}
