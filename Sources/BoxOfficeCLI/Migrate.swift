import ArgumentParser
import BoxOfficePostgres
import BoxOfficeRuntime
import Logging

/// `boxoffice migrate`: brings service databases up to date.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the service databases if needed and apply their pending migrations.",
        discussion: """
            Each migration applies in its own transaction and is recorded with a checksum; a migration \
            edited after it was applied is refused. Several processes may migrate at once: an advisory \
            lock serializes them. Running it again applies nothing.
            """
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .long, help: "Migrate every service database.")
    var all = false

    @Argument(help: "Services to migrate: \(ServiceDatabase.allCases.map(\.rawValue).joined(separator: ", ")).")
    var services: [String] = []

    func validate() throws {
        if self.all == !self.services.isEmpty {
            throw ValidationError("name the services to migrate, or pass --all")
        }
        for service in self.services where ServiceDatabase(rawValue: service) == nil {
            throw ValidationError(
                "unknown service '\(service)'; known: \(ServiceDatabase.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func run() async throws {
        let settings = try await Settings.load(configFile: self.common.config)
        _ = Observability.bootstrap(settings)
        let logger = Logger(label: "boxoffice.migrate")
        let targets = self.all ? ServiceDatabase.allCases : self.services.compactMap(ServiceDatabase.init(rawValue:))
        let server = try PostgresConfiguration(url: settings.postgresURL)

        for service in targets {
            try await DatabaseCreator.ensureExists(service.databaseName, on: server, logger: logger)
            let client = PostgresClient(
                configuration: server.with(database: service.databaseName),
                poolSizeMax: 2,
                logger: logger
            )
            do {
                let applied = try await PostgresMigrator(client: client, logger: logger)
                    .migrate(try service.migrationSets())
                print(
                    "\(service.rawValue): \(applied.isEmpty ? "up to date" : "applied \(applied.joined(separator: ", "))")"
                )
                await client.shutdown()
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }
}
