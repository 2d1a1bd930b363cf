/// The answer of `/orders/create`.
public struct Order: Hashable, Sendable {
    /// `Id`.
    public var id: String
    /// `Number`.
    public var number: Int64?
    /// `Url`: the hosted payment page.
    public var url: String
    /// `Status` (`Created`).
    public var status: String?
    /// `Amount` in `Currency`.
    public var amount: Money?
    /// `InvoiceId`.
    public var invoiceId: String?
    /// `AccountId`.
    public var accountId: String?
}
