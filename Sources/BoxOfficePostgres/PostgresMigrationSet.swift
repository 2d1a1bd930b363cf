public import struct Foundation.URL

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The migrations of one owner (a service, or the shared `messaging` tables), applied in order
/// of version. Several sets may share a database: their records are kept apart by set name.
public struct PostgresMigrationSet: Sendable {
    /// The owner's name, e.g. `messaging` or `payments`.
    public var name: String
    /// The migrations, by ascending version.
    public var migrations: [PostgresMigration]

    /// A set from migrations already in memory; ``PostgresMigrator`` checks that the versions are
    /// 1, 2, 3, … without gaps.
    public init(name: String, migrations: [PostgresMigration]) {
        self.name = name
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Loads every `NNNN_name.sql` file of `directory` (other files are ignored).
    ///
    /// - Throws: ``PostgresError/Code/migrationInvalid`` naming the file for a `.sql` file whose
    ///   name does not start with a number and an underscore, for two files with one number, for
    ///   a missing number, and for an unreadable file.
    public static func load(name: String, directory: URL) throws -> PostgresMigrationSet {
        let fileNames: [String]
        do {
            fileNames = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw PostgresError(
                code: .migrationInvalid,
                message: "cannot list the migrations of \(name) in \(directory.path)",
                underlying: error
            )
        }
        var migrations: [PostgresMigration] = []
        for fileName in fileNames.sorted() where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(".sql".count)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0,
                stem.index(after: underscore) < stem.endIndex
            else {
                throw PostgresError(
                    code: .migrationInvalid,
                    message: "migration file \(name)/\(fileName) is not named NNNN_name.sql"
                )
            }
            let sql: String
            do {
                sql = try String(contentsOf: directory.appendingPathComponent(fileName), encoding: .utf8)
            } catch {
                throw PostgresError(
                    code: .migrationInvalid,
                    message: "cannot read migration \(name)/\(fileName)",
                    underlying: error
                )
            }
            migrations.append(
                PostgresMigration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
            )
        }
        let set = PostgresMigrationSet(name: name, migrations: migrations)
        try set.validate()
        return set
    }

    /// Checks that the versions run 1, 2, 3, … with no number twice and none missing.
    func validate() throws(PostgresError) {
        for (position, migration) in self.migrations.enumerated() where migration.version != position + 1 {
            if position > 0, self.migrations[position - 1].version == migration.version {
                throw PostgresError(
                    code: .migrationInvalid,
                    message: "migration set \(self.name) has two migrations numbered \(migration.version): "
                        + "\(self.migrations[position - 1].identifier) and \(migration.identifier)"
                )
            }
            throw PostgresError(
                code: .migrationInvalid,
                message: "migration set \(self.name) is missing version \(position + 1) "
                    + "(found \(migration.identifier) instead)"
            )
        }
    }
}
