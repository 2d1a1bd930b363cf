import BoxOfficeMessaging
import BoxOfficePayments
import BoxOfficePostgres

/// A service that owns a Postgres database, with the migration sets that build it.
enum ServiceDatabase: String, CaseIterable, Sendable {
    case catalog
    case users
    case payments
    case entitlements

    /// The database's name on the configured server.
    var databaseName: String { "boxoffice_\(self.rawValue)" }

    /// The sets applied to this database, in order: the shared outbox / inbox first, then the
    /// service's own (added by the issue that builds the service).
    func migrationSets() throws -> [PostgresMigrationSet] {
        switch self {
        case .payments: [try MessagingMigrations.load(), try PaymentsMigrations.load()]
        case .catalog, .users, .entitlements: [try MessagingMigrations.load()]
        }
    }
}
