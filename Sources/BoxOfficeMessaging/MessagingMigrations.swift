public import BoxOfficePostgres
import Foundation

/// The migration set that creates the outbox and inbox tables; every service database applies it
/// beside its own set.
public enum MessagingMigrations {
    /// The set's name in `schema_migrations`.
    public static let setName = "messaging"

    /// Loads the set from the module's bundled `Migrations/` folder.
    public static func load() throws -> PostgresMigrationSet {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            fatalError("BoxOfficeMessaging's Migrations folder is missing from its bundle")
        }
        return try PostgresMigrationSet.load(name: Self.setName, directory: directory)
    }
}
