import BoxOfficeCloudPayments
import BoxOfficeRPC
import Contracts
import Foundation

/// Request checks that name the offending field (lowerCamelCase, as the JSON API spells it).
enum Validation {
    /// Longest idempotency key accepted (the HTTP header's limit in the OpenAPI document).
    static let idempotencyKeyLengthMax = 255
    /// Longest invoice id accepted.
    static let invoiceIDLengthMax = 128
    /// Longest description accepted (the provider's receipt shows far less).
    static let descriptionLengthMax = 1_000
    /// Longest e-mail address (RFC 5321).
    static let emailLengthMax = 254
    /// Longest card cryptogram accepted.
    static let cryptogramLengthMax = 8_192
    /// Longest reason text of a refund.
    static let reasonLengthMax = 1_000
    /// Longest URL accepted.
    static let urlLengthMax = 2_048

    static func uuid(_ text: String, _ field: String) throws(PaymentsError) -> UUID {
        guard !text.isEmpty else { throw PaymentsError.invalid(field, "is required") }
        guard let id = UUID(uuidString: text) else { throw PaymentsError.invalid(field, "must be a UUID") }
        return id
    }

    static func optionalUUID(_ text: String, _ field: String) throws(PaymentsError) -> UUID? {
        text.isEmpty ? nil : try Self.uuid(text, field)
    }

    static func money(_ money: Common_V1_Money?, _ field: String) throws(PaymentsError) -> Money {
        guard let money else { throw PaymentsError.invalid(field, "is required") }
        guard money.amountMinor > 0 else {
            throw PaymentsError.invalid("\(field).amountMinor", "must be positive")
        }
        let currency: Currency
        do {
            currency = try Currency(code: money.currency)
        } catch {
            throw PaymentsError.invalid("\(field).currency", "must be a known ISO 4217 code")
        }
        guard money.currency == currency.code else {
            throw PaymentsError.invalid("\(field).currency", "must be upper case")
        }
        do {
            return try Money(minorUnits: money.amountMinor, currency: currency)
        } catch {
            throw PaymentsError.invalid("\(field).amountMinor", "must be positive")
        }
    }

    static func text(_ text: String, _ field: String, max: Int, required: Bool = false) throws(PaymentsError) {
        if required && text.isEmpty { throw PaymentsError.invalid(field, "is required") }
        guard text.count <= max else { throw PaymentsError.invalid(field, "must be at most \(max) characters") }
    }

    static func url(_ text: String, _ field: String) throws(PaymentsError) {
        try Self.text(text, field, max: Self.urlLengthMax, required: true)
        guard text.hasPrefix("https://") || text.hasPrefix("http://"), URL(string: text)?.host != nil else {
            throw PaymentsError.invalid(field, "must be an absolute http(s) URL")
        }
    }

    static func idempotencyKey(_ metadata: Metadata) throws(PaymentsError) -> String {
        guard let key = metadata.idempotencyKey, !key.isEmpty else {
            throw PaymentsError.invalid("idempotencyKey", "is required for this call")
        }
        guard key.utf8.count <= Self.idempotencyKeyLengthMax, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw PaymentsError.invalid(
                "idempotencyKey",
                "must be 1 to \(Self.idempotencyKeyLengthMax) visible ASCII characters"
            )
        }
        return key
    }

    static func optionalAmount(_ amount: Int64?, _ field: String) throws(PaymentsError) -> Int64? {
        guard let amount else { return nil }
        guard amount > 0 else { throw PaymentsError.invalid(field, "must be positive") }
        return amount
    }
}
