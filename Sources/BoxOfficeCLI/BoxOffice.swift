import ArgumentParser

/// The one BoxOffice executable; each long-running part and each tool is a subcommand.
@main
struct BoxOffice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxoffice",
        abstract: "The BoxOffice billing system.",
        discussion: """
            Settings come from environment variables (POSTGRES_URL, RABBITMQ_URL, REDIS_URL, LOG_LEVEL, \
            LOG_FORMAT, …), then from the JSON file given with --config, then from defaults that \
            point at the local stack of ./dev.
            """,
        subcommands: [
            Migrate.self, Token.self, GatewayCommand.self, Sandbox.self, PaymentsCommand.self, LedgerCommand.self,
            Demo.self,
        ]
    )
}

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "A JSON settings file, read below the environment variables.")
    var config: String?
}
