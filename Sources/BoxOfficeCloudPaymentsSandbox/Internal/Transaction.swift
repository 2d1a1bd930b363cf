import FoundationEssentials

/// The provider's transaction status and its `StatusCode`.
enum TransactionStatus: Int, Sendable {
    case awaitingAuthentication = 1
    case authorized = 2
    case completed = 3
    case cancelled = 4
    case declined = 5

    var name: String {
        switch self {
        case .awaitingAuthentication: return "AwaitingAuthentication"
        case .authorized: return "Authorized"
        case .completed: return "Completed"
        case .cancelled: return "Cancelled"
        case .declined: return "Declined"
        }
    }

    init?(name: String) {
        let all: [TransactionStatus] = [.awaitingAuthentication, .authorized, .completed, .cancelled, .declined]
        guard let match = all.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = match
    }
}

/// The card data a transaction shows; the full number is kept only to finish 3-D Secure and to
/// back tokens, and never appears in an answer.
struct CardData: Sendable {
    var number: String
    var expiry: String
    var cvv: String

    var firstSix: String { String(number.prefix(6)) }
    var lastFour: String { String(number.suffix(4)) }
}

/// One transaction: a payment (one or two stage) or a refund.
struct Transaction: Sendable {
    var id: Int64
    var publicID: String
    var twoStage: Bool
    /// Set for a refund: the payment it returns money of.
    var originalTransactionID: Int64?
    var amountMinor: Int64
    var currency: String
    var invoiceID: String?
    var accountID: String?
    var email: String?
    var description: String?
    var jsonData: String?
    var name: String?
    var ipAddress: String?
    var created: Date
    var authDate: Date?
    var confirmDate: Date?
    var authCode: String?
    var rrn: String?
    var card: CardData
    var status: TransactionStatus
    var reasonCode: Int
    var token: String?
    var refundedMinor: Int64 = 0
    /// The reason code the payment ends with once 3-D Secure succeeds.
    var pendingReasonCode: Int = 0

    var isRefund: Bool { originalTransactionID != nil }

    /// Nothing pending: no 3-D Secure to finish, no confirm or void to come. What the
    /// ``SandboxConfiguration/transactionsKeptMax`` eviction forgets first.
    var isFinished: Bool { status != .awaitingAuthentication && status != .authorized }

    /// The transaction Model, every field of CLOUDPAYMENTS.md in its order.
    func model() -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func date(_ value: Date?) -> JSONValue { value.map { .string(ProviderDates.microsoftJSON($0)) } ?? .null }
        func iso(_ value: Date?) -> JSONValue { value.map { .string(ProviderDates.iso($0)) } ?? .null }
        let cardType = TestCards.cardType(card.number)
        let amount = JSONValue.number(Money.decimalText(amountMinor))
        return .object([
            ("TransactionId", .number(String(id))),
            ("Amount", amount),
            ("Currency", .string(currency)),
            ("CurrencyCode", .number(String(Money.currencyCode(currency)))),
            ("PaymentAmount", amount),
            ("PaymentCurrency", .string(currency)),
            ("InvoiceId", text(invoiceID)),
            ("AccountId", text(accountID)),
            ("Email", text(email)),
            ("Description", text(description)),
            ("JsonData", text(jsonData)),
            ("CreatedDate", date(created)),
            ("CreatedDateIso", iso(created)),
            ("AuthDate", date(authDate)),
            ("AuthDateIso", iso(authDate)),
            ("ConfirmDate", date(confirmDate)),
            ("ConfirmDateIso", iso(confirmDate)),
            ("AuthCode", text(authCode)),
            ("TestMode", .bool(true)),
            ("Rrn", text(rrn)),
            ("OriginalTransactionId", originalTransactionID.map { .number(String($0)) } ?? .null),
            ("IpAddress", text(ipAddress)),
            ("IpCountry", ipAddress == nil ? .null : .string("RU")),
            ("CardFirstSix", .string(card.firstSix)),
            ("CardLastFour", .string(card.lastFour)),
            ("CardExpDate", .string(card.expiry)),
            ("CardType", .string(cardType.name)),
            ("CardTypeCode", .number(String(cardType.code))),
            ("Issuer", .string("Sandbox Bank")),
            ("IssuerBankCountry", .string("RU")),
            ("Status", .string(status.name)),
            ("StatusCode", .number(String(status.rawValue))),
            ("Reason", .string(ReasonCode.name(reasonCode))),
            ("ReasonCode", .number(String(reasonCode))),
            ("CardHolderMessage", .string(ReasonCode.cardHolderMessage(reasonCode))),
            ("Token", text(token)),
            ("SubscriptionId", .null),
            ("GatewayName", .string("Sandbox")),
            ("Refunded", .bool(refundedMinor > 0)),
            ("TotalFee", .number("0.00")),
            ("Name", text(name)),
        ])
    }
}
