import ArgumentParser
import AsyncHTTPClient
import BoxOfficeCloudPayments
import BoxOfficePayments
import BoxOfficePostgres
import BoxOfficeRuntime
import Foundation
import Logging

extension PaymentsCommand {
    /// Runs the daily reconciliation of one UTC day by hand and prints its report; exit status 1
    /// when the provider and we disagree.
    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconcile",
            abstract: "Compare one UTC day of the provider's payments and refunds with ours and print the report.",
            discussion: """
                Asks the provider (PAYMENTS_CLOUDPAYMENTS_BASE_URL, _PUBLIC_ID, _API_SECRET) for every payment \
                and refund created on the day and compares them with the payments database (PAYMENTS_DATABASE \
                on the server of POSTGRES_URL); changes nothing. Prints a summary line and one line per \
                mismatch and exits 1 when there is any, else exits 0. The reconciler of `payments serve` does \
                the same for the previous day once a day.
                """
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "The UTC day to reconcile, YYYY-MM-DD.") var day: String

        /// The first instant of the `--day`, parsed strictly.
        static func dayStart(_ text: String) throws -> Date {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.isLenient = false
            // The round trip refuses what the formatter would otherwise read loosely (`2026-2-3`).
            guard text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil, let date = formatter.date(from: text),
                formatter.string(from: date) == text
            else {
                throw ValidationError("--day must be a calendar date YYYY-MM-DD (UTC), got '\(text.prefix(40))'")
            }
            return date
        }

        func validate() throws {
            _ = try Self.dayStart(self.day)
        }

        func run() async throws {
            let dayStart = try Self.dayStart(self.day)
            let settings = try await Settings.load(configFile: self.common.config)
            _ = Observability.bootstrap(settings)
            let logger = Logger(label: "boxoffice.payments.reconcile")
            let paymentsSettings = try await PaymentsSettings.load(configFile: self.common.config, settings: settings)
            let configuration = paymentsSettings.payments
            let server = try PostgresConfiguration(url: settings.postgresURL)
            let postgres = PostgresClient(
                configuration: server.with(database: paymentsSettings.database),
                poolSizeMax: 1,
                logger: logger
            )
            let httpClient = CloudPaymentsClient.makeHTTPClient(configuration.cloudPayments)
            var options = PaymentReconciler.Options()
            options.dailyReconciliation = false
            let reconciler = PaymentReconciler(
                postgres: postgres,
                provider: CloudPaymentsClient(
                    configuration: configuration.cloudPayments,
                    httpClient: httpClient,
                    logger: logger
                ),
                configuration: configuration,
                options: options,
                logger: logger
            )
            let result: Result<ReconciliationReport, any Error>
            do {
                result = .success(try await reconciler.reconcileDay(dayStart))
            } catch {
                result = .failure(error)
            }
            await postgres.shutdown()
            try await httpClient.shutdown()
            let report = try result.get()
            print(
                "reconciliation \(self.day): provider \(report.providerTransactions) payment(s), "
                    + "\(report.providerRefunds) refund(s); ours \(report.payments) payment(s), "
                    + "\(report.refunds) refund(s); \(report.mismatches.count) mismatch(es)"
            )
            for mismatch in report.mismatches { print(mismatch) }
            if !report.mismatches.isEmpty { throw ExitCode(1) }
        }
    }
}
