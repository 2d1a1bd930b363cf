/// An ISO 4217 currency with the number of minor-unit digits the provider uses for it.
///
/// Only currencies in the table are accepted: converting an amount needs the digit count, and
/// guessing it (say, 2 for a currency that has 0 or 3) would move money by a factor of 100 or 10.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The three-letter code, upper case (`RUB`).
    public let code: String
    /// Digits after the decimal point: 2 for RUB, 0 for JPY, 3 for KWD.
    public let minorDigits: Int

    private init(code: String, minorDigits: Int) {
        self.code = code
        self.minorDigits = minorDigits
    }

    /// The currency for `code` (case-insensitive).
    ///
    /// - Throws: ``CloudPaymentsError`` `.unknownCurrency` for a code outside the table.
    public init(code: String) throws(CloudPaymentsError) {
        let upper = code.uppercased()
        guard let digits = Self.minorDigitsByCode[upper] else {
            throw CloudPaymentsError(
                code: .unknownCurrency,
                message: "currency '\(code.prefix(8))' is not in the table"
            )
        }
        self.init(code: upper, minorDigits: digits)
    }

    /// Russian rouble, the provider's default currency.
    public static let rub = Currency(code: "RUB", minorDigits: 2)
    /// US dollar.
    public static let usd = Currency(code: "USD", minorDigits: 2)
    /// Euro.
    public static let eur = Currency(code: "EUR", minorDigits: 2)

    // ISO 4217 minor units of the currencies the provider lists, plus the common zero- and
    // three-digit ones so that a terminal configured for them converts exactly.
    private static let minorDigitsByCode: [String: Int] = [
        "RUB": 2, "USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "KZT": 2, "UAH": 2, "BYN": 2, "AZN": 2,
        "UZS": 2, "AMD": 2, "GEL": 2, "MDL": 2, "KGS": 2, "TJS": 2, "TMT": 2, "CZK": 2, "PLN": 2,
        "SEK": 2, "NOK": 2, "DKK": 2, "HUF": 2, "RON": 2, "BGN": 2, "TRY": 2, "ILS": 2, "AED": 2,
        "CNY": 2, "HKD": 2, "SGD": 2, "INR": 2, "THB": 2, "CAD": 2, "AUD": 2, "NZD": 2, "BRL": 2,
        "MXN": 2, "ZAR": 2,
        "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "PYG": 0, "UGX": 0,
        "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3,
    ]

    public var description: String { self.code }
}
