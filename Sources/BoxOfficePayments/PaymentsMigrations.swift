public import BoxOfficePostgres
import Foundation

/// The migration set of PaymentService's database (`boxoffice_payments`); applied after
/// `MessagingMigrations`, whose outbox it writes events to.
public enum PaymentsMigrations {
    /// The set's name in `schema_migrations`.
    public static let setName = "payments"

    /// Loads the set from the module's bundled `Migrations/` folder.
    ///
    /// - Throws: `PostgresError` `.migrationInvalid` for a misnamed or unreadable file.
    public static func load() throws -> PostgresMigrationSet {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            fatalError("BoxOfficePayments's Migrations folder is missing from its bundle")
        }
        return try PostgresMigrationSet.load(name: Self.setName, directory: directory)
    }
}
