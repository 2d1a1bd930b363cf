import ArgumentParser
import BoxOfficeCloudPaymentsSandbox
import Logging
import ServiceLifecycle
import UnixSignals

/// `boxoffice sandbox`: serves the CloudPayments sandbox (docs/cloudpayments-sandbox.md).
struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the CloudPayments sandbox, an in-memory emulator of the provider's API.",
        discussion: """
            Our CloudPayments client points its base URL here. State is kept in memory only. Faults \
            are set per run with POST /sandbox/faults; GET /sandbox/operations lists every operation.
            """,
        subcommands: [Serve.self, Cryptogram.self],
        defaultSubcommand: Serve.self
    )

    /// Serves until SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the sandbox.")

        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8090
        @Option(name: .customLong("public-id"), help: "The terminal's Public ID (Basic-auth user).")
        var publicID = "pk_sandbox"
        @Option(name: .customLong("api-secret"), help: "The terminal's API secret (Basic-auth password, HMAC key).")
        var apiSecret = "sandbox_api_secret"
        @Option(
            name: .customLong("notify"),
            help: "A notification URL as TYPE=URL (Check, Pay, Fail, Confirm, Refund, Recurrent, Cancel); repeatable."
        )
        var notifications: [String] = []
        @Option(help: "Requests in flight per terminal before HTTP 429.") var concurrentRequestsMax = 5

        func run() async throws {
            var urls: [SandboxNotificationType: String] = [:]
            for entry in notifications {
                let parts = entry.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let type = SandboxNotificationType(rawValue: String(parts[0])) else {
                    throw ValidationError(
                        "--notify wants TYPE=URL with TYPE one of Check, Pay, Fail, …; got '\(entry)'"
                    )
                }
                urls[type] = String(parts[1])
            }
            let logger = Logger(label: "boxoffice.sandbox")
            let sandbox = CloudPaymentsSandbox(
                configuration: SandboxConfiguration(
                    host: host,
                    port: port,
                    terminals: [.init(publicID: publicID, apiSecret: apiSecret, notificationURLs: urls)],
                    concurrentRequestsMax: concurrentRequestsMax
                ),
                logger: logger
            )
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [sandbox],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await group.run()
        }
    }

    /// Prints a test cryptogram.
    struct Cryptogram: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a sandbox CardCryptogramPacket for a test card."
        )

        @Option(help: "The card number.") var card: String
        @Option(help: "The expiry, MM/YY.") var exp: String
        @Option(help: "The CVV.") var cvv: String

        func validate() throws {
            // A past MM/YY is accepted: it is how a test asks the sandbox for 5054 ExpiredCard.
            guard self.exp.wholeMatch(of: /(0[1-9]|1[0-2])\/[0-9]{2}/) != nil else {
                throw ValidationError("--exp must be MM/YY with a month 01 to 12, got '\(self.exp.prefix(20))'")
            }
        }

        func run() async throws {
            print(SandboxCryptogram(cardNumber: card, expiry: exp, cvv: cvv).packet)
        }
    }
}
