/// `Recurrent`: a provider-side subscription changed.
///
/// BoxOffice schedules renewals itself with tokens, and CLOUDPAYMENTS.md does not list this
/// notification's fields, so only the subscription's identity, status and price are read;
/// ``fields`` keeps every field as sent.
public struct RecurrentNotification: Hashable, Sendable {
    /// `Id`: the subscription.
    public var id: String
    /// `AccountId`.
    public var accountId: String?
    /// `Status` (`Active`, `Cancelled`, …).
    public var status: String?
    /// `Amount` in `Currency`, when sent.
    public var amount: Money?
    /// Every field as sent, empty ones left out.
    public var fields: [String: String]

    init(fields: LooseFields) throws(CloudPaymentsError) {
        self.id = try fields.requiredString("Id")
        self.accountId = try fields.string("AccountId")
        self.status = try fields.string("Status")
        if let amount = try fields.decimal("Amount") {
            self.amount = try amount.money(in: try fields.currency("Currency") ?? .rub)
        }
        var all: [String: String] = [:]
        for member in fields.object.members {
            if case .string(let value) = member.value, !value.isEmpty { all[member.key] = value }
        }
        self.fields = all
    }
}
