public import Foundation

/// A row of `payment_methods`: a saved card as the provider's token plus what identifies the
/// card to its owner. Never a card number. `description` leaves the token out.
public struct PaymentMethodRecord: Hashable, Sendable, CustomStringConvertible {
    /// The method's id.
    public var paymentMethodID: UUID
    /// Its owner.
    public var userID: UUID
    /// The provider's token; never logged or returned by the API.
    public var token: String
    /// The provider's `CardType` (`Visa`, `MasterCard`, `Mir`, …).
    public var brand: String
    /// The first six digits of the card number.
    public var firstSix: String
    /// The last four digits.
    public var lastFour: String
    /// Expiry month, 1–12.
    public var expMonth: Int32
    /// Expiry year, four digits.
    public var expYear: Int32
    /// When it was saved.
    public var createdAt: Date
    /// When it was forgotten; nil while usable.
    public var deletedAt: Date?

    /// A method.
    public init(
        paymentMethodID: UUID = UUID(),
        userID: UUID,
        token: String,
        brand: String,
        firstSix: String,
        lastFour: String,
        expMonth: Int32,
        expYear: Int32,
        createdAt: Date = Date(),
        deletedAt: Date? = nil
    ) {
        self.paymentMethodID = paymentMethodID
        self.userID = userID
        self.token = token
        self.brand = brand
        self.firstSix = firstSix
        self.lastFour = lastFour
        self.expMonth = expMonth
        self.expYear = expYear
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }

    public var description: String {
        "PaymentMethod(\(self.paymentMethodID), \(self.brand) \(self.firstSix)…\(self.lastFour), token <redacted>)"
    }
}
