import FoundationEssentials

/// An order made by `/orders/create`, paid on the sandbox's hosted page.
struct Order: Sendable {
    var id: String
    var number: Int64
    var publicID: String
    var amountMinor: Int64
    var currency: String
    var description: String
    var email: String?
    var invoiceID: String?
    var accountID: String?
    var requireConfirmation: Bool
    var successRedirectURL: String?
    var failRedirectURL: String?
    var jsonData: String?
    var created: Date
    var status: String
    var transactionID: Int64?

    func model(url: String) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return .object([
            ("Id", .string(id)),
            ("Number", .number(String(number))),
            ("Amount", .number(Money.decimalText(amountMinor))),
            ("Currency", .string(currency)),
            ("CurrencyCode", .number(String(Money.currencyCode(currency)))),
            ("Email", text(email)),
            ("Description", .string(description)),
            ("RequireConfirmation", .bool(requireConfirmation)),
            ("Url", .string(url)),
            ("InvoiceId", text(invoiceID)),
            ("AccountId", text(accountID)),
            ("SuccessRedirectUrl", text(successRedirectURL)),
            ("FailRedirectUrl", text(failRedirectURL)),
            ("JsonData", text(jsonData)),
            ("CreatedDate", .string(ProviderDates.microsoftJSON(created))),
            ("CreatedDateIso", .string(ProviderDates.iso(created))),
            ("Status", .string(status)),
            ("TransactionId", transactionID.map { .number(String($0)) } ?? .null),
        ])
    }
}
