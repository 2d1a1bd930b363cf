import ArgumentParser
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRuntime
import Logging

/// `boxoffice ledger`: checks of PaymentService's double-entry ledger.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Checks of the payments ledger.",
        subcommands: [Check.self],
        defaultSubcommand: Check.self
    )

    /// Runs ``LedgerCheck`` and prints its findings; exit status 1 when there is any.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract:
                "Verify that debits equal credits per currency and journal, and that every payment's entries match it.",
            discussion: """
                Reads the payments database (PAYMENTS_DATABASE on the server of POSTGRES_URL) in one snapshot. \
                Prints one line per finding and exits 1, or prints "ledger balanced: N entries, M payments" and exits 0.
                """
        )

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let settings = try await Settings.load(configFile: self.common.config)
            _ = Observability.bootstrap(settings)
            let logger = Logger(label: "boxoffice.ledger")
            let paymentsSettings = try await PaymentsSettings.load(configFile: self.common.config, settings: settings)
            let server = try PostgresConfiguration(url: settings.postgresURL)
            let postgres = PostgresClient(
                configuration: server.with(database: paymentsSettings.database),
                poolSizeMax: 1,
                logger: logger
            )
            let result: Result<([LedgerCheck.Finding], Int64, Int64), any Error>
            do {
                result = .success(
                    try await postgres.withTransaction { connection in
                        // One snapshot for every query, so a concurrent payment cannot look unbalanced.
                        try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                        let findings = try await LedgerCheck.run(in: connection)
                        let entries =
                            try await connection.query("SELECT count(*) FROM ledger_entries").first?
                            .decode(0, as: Int64.self) ?? 0
                        let payments =
                            try await connection.query("SELECT count(*) FROM payments").first?
                            .decode(0, as: Int64.self) ?? 0
                        return (findings, entries, payments)
                    }
                )
            } catch {
                result = .failure(error)
            }
            await postgres.shutdown()
            let (findings, entries, payments) = try result.get()
            guard findings.isEmpty else {
                for finding in findings { print(finding) }
                print("ledger check: \(findings.count) finding(s)")
                throw ExitCode(1)
            }
            print("ledger balanced: \(entries) entries, \(payments) payments")
        }
    }
}
