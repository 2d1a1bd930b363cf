import ArgumentParser

@main
struct BoxOffice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "boxoffice", abstract: "The BoxOffice billing system.")
}
