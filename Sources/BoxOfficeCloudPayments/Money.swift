/// An amount of money as BoxOffice keeps it: integer minor units of a currency.
///
/// Converted to and from the provider's decimals exactly (``decimal``, ``DecimalAmount/money(in:)``);
/// no floating-point type is ever involved.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The amount in minor units (kopecks, cents; yen for JPY; fils for KWD). Never negative.
    public let minorUnits: Int64
    /// The currency.
    public let currency: Currency

    /// `minorUnits` of `currency`.
    ///
    /// - Throws: ``CloudPaymentsError`` `.invalidAmount` for a negative amount.
    public init(minorUnits: Int64, currency: Currency) throws(CloudPaymentsError) {
        guard minorUnits >= 0 else {
            throw CloudPaymentsError(code: .invalidAmount, message: "amounts are never negative")
        }
        self.minorUnits = minorUnits
        self.currency = currency
    }

    init(validatedMinorUnits: Int64, currency: Currency) {
        self.minorUnits = validatedMinorUnits
        self.currency = currency
    }

    /// The provider's decimal for this amount: 12345 RUB minor units → `123.45`, 500 JPY → `500`.
    public var decimal: DecimalAmount { DecimalAmount(minorUnits: self.minorUnits, currency: self.currency) }

    public var description: String { "\(self.decimal) \(self.currency.code)" }
}
