import ArgumentParser
import BoxOfficeCloudPaymentsSandbox
import BoxOfficePayments
import BoxOfficeRPC
import BoxOfficeRPCNIO
import BoxOfficeRuntime
import Contracts
import Foundation
import Logging

/// `boxoffice demo`: demo data for a local system.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Demo data for a local system.",
        subcommands: [Load.self],
        defaultSubcommand: Load.self
    )

    /// Makes the demo users' payments through PaymentService and the sandbox, once.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Make the demo users' payments (through PaymentService and the CloudPayments sandbox).",
            discussion: """
                Each demo user is loaded once: a user who already has payments is left as is, so running it \
                again changes nothing. The users and what they get are listed in README.md. Needs the payments \
                service and the sandbox running (./dev up starts both, then runs this).
                """
        )

        @OptionGroup var common: CommonOptions

        @Option(name: .long, help: "PaymentService's RPC address, host:port (default: payments.rpc_host / rpc_port).")
        var payments: String?

        func run() async throws {
            let settings = try await Settings.load(configFile: self.common.config)
            let logger = Logger(label: "boxoffice.demo")
            let target: (host: String, port: Int)
            if let payments = self.payments {
                guard let colon = payments.lastIndex(of: ":"),
                    let port = Int(payments[payments.index(after: colon)...]),
                    (1...65535).contains(port)
                else { throw ValidationError("--payments must be host:port") }
                target = (String(payments[..<colon]), port)
            } else {
                let paymentsSettings = try await PaymentsSettings.load(
                    configFile: self.common.config,
                    settings: settings
                )
                target = (paymentsSettings.rpcHost, paymentsSettings.payments.rpcPort)
            }
            try await NIORPCClientTransport.withTransport(host: target.host, port: target.port, logger: logger) {
                transport in
                let client = Payments_V1_PaymentServiceClient(RPCClient(transport: transport))
                for user in DemoData.users {
                    print("demo: \(user.name): \(try await DemoData.load(user, with: client))")
                }
            }
        }
    }
}

/// The demo users and the payments each gets. Every call carries a fixed idempotency key, so an
/// interrupted load resumes without charging twice.
enum DemoData {
    /// The service name demo calls are made as (a service caller, like UserService).
    static let caller = "demo"
    /// A card the sandbox approves without 3-D Secure, as cards and tokens.
    static let approvingCard = "4000000000003055"
    /// A card the sandbox declines with 5051 (insufficient funds).
    static let decliningCard = "4000056655665556"

    struct User: Sendable {
        var name: String
        var id: String
        var steps: [Step]
    }

    enum Step: Sendable {
        /// A card charge; `saveMethod` keeps the card for renewals.
        case charge(invoice: String, amountMinor: Int64, card: String, saveMethod: Bool, authorizeOnly: Bool)
        /// A refund of part of the last payment.
        case refund(amountMinor: Int64)
        /// A renewal on the card the first payment saved.
        case renew(invoice: String, amountMinor: Int64)
        /// Cancels the last payment (a void of an authorization).
        case cancel
    }

    static let users: [User] = [
        User(
            name: "Anna (paid, partly refunded, renewed on her saved card)",
            id: "0d3c5b1e-6f0a-4c1e-9a70-000000000001",
            steps: [
                .charge(
                    invoice: "demo-inv-anna-1",
                    amountMinor: 19_900,
                    card: approvingCard,
                    saveMethod: true,
                    authorizeOnly: false
                ),
                .refund(amountMinor: 5_000),
                .renew(invoice: "demo-inv-anna-2", amountMinor: 19_900),
            ]
        ),
        User(
            name: "Boris (declined: insufficient funds)",
            id: "0d3c5b1e-6f0a-4c1e-9a70-000000000002",
            steps: [
                .charge(
                    invoice: "demo-inv-boris-1",
                    amountMinor: 29_900,
                    card: decliningCard,
                    saveMethod: false,
                    authorizeOnly: false
                )
            ]
        ),
        User(
            name: "Vera (authorized, then voided)",
            id: "0d3c5b1e-6f0a-4c1e-9a70-000000000003",
            steps: [
                .charge(
                    invoice: "demo-inv-vera-1",
                    amountMinor: 9_900,
                    card: approvingCard,
                    saveMethod: false,
                    authorizeOnly: true
                ),
                .cancel,
            ]
        ),
    ]

    static func money(_ minor: Int64) -> Common_V1_Money {
        var money = Common_V1_Money()
        money.amountMinor = minor
        money.currency = "RUB"
        return money
    }

    static func options(_ user: User, _ step: Int) -> CallOptions {
        CallOptions(
            timeout: .seconds(30),
            metadata: Metadata(caller: Self.caller, idempotencyKey: "demo-\(user.id)-\(step)")
        )
    }

    /// Runs `user`'s steps unless the user already has payments; returns what happened, for people.
    static func load(_ user: User, with client: Payments_V1_PaymentServiceClient) async throws -> String {
        var list = Payments_V1_ListPaymentsRequest()
        list.userID = user.id
        list.pageSize = 1
        let existing = try await client.listPayments(
            list,
            options: CallOptions(metadata: Metadata(caller: Self.caller))
        )
        guard existing.payments.isEmpty else { return "already loaded" }
        var last: Payments_V1_Payment?
        var savedMethod = ""
        var done: [String] = []
        for (index, step) in user.steps.enumerated() {
            let options = Self.options(user, index)
            switch step {
            case .charge(let invoice, let amountMinor, let card, let saveMethod, let authorizeOnly):
                var request = Payments_V1_ChargeRequest()
                request.userID = user.id
                request.invoiceID = invoice
                request.amount = Self.money(amountMinor)
                var source = Payments_V1_PaymentSource()
                source.method = .cardCryptogram(SandboxCryptogram(cardNumber: card, expiry: "12/35", cvv: "123").packet)
                request.source = source
                request.saveMethod = saveMethod
                request.authorizeOnly = authorizeOnly
                request.description = "Demo subscription"
                request.clientIp = "127.0.0.1"
                let payment = try await client.charge(request, options: options)
                if saveMethod { savedMethod = payment.paymentMethodID }
                last = payment
            case .refund(let amountMinor):
                guard let payment = last else { continue }
                var request = Payments_V1_RefundPaymentRequest()
                request.paymentID = payment.paymentID
                request.amountMinor = amountMinor
                request.reason = "demo: goodwill credit"
                request.requestedBy = Self.caller
                last = try await client.refundPayment(request, options: options)
            case .renew(let invoice, let amountMinor):
                guard !savedMethod.isEmpty else { continue }
                var request = Payments_V1_ChargeSavedMethodRequest()
                request.userID = user.id
                request.invoiceID = invoice
                request.amount = Self.money(amountMinor)
                request.paymentMethodID = savedMethod
                request.description = "Demo subscription renewal"
                last = try await client.chargeSavedMethod(request, options: options)
            case .cancel:
                guard let payment = last else { continue }
                var request = Payments_V1_CancelPaymentRequest()
                request.paymentID = payment.paymentID
                last = try await client.cancelPayment(request, options: options)
            }
            if let last { done.append("\(last.invoiceID) \(last.status.protoName ?? "\(last.status.rawValue)")") }
        }
        return done.joined(separator: ", ")
    }
}
