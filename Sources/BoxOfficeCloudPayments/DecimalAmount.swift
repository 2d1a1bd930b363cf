/// An exact non-negative decimal number as the provider writes amounts: `123.45`, `"123.00"`, `10`.
///
/// Kept as an integer significand and a count of fraction digits, so no value ever passes
/// through a floating-point type. Convert to integer minor units with ``money(in:)``.
public struct DecimalAmount: Hashable, Sendable, CustomStringConvertible {
    /// The digits without the decimal point: `12345` for `123.45`.
    public let significand: Int64
    /// How many of those digits follow the decimal point: `2` for `123.45`.
    public let fractionDigits: Int

    /// More fraction digits than any real amount has; bounds the work on hostile input.
    static let fractionDigitsMax = 18

    /// Parses a plain decimal: digits, optionally a point and at least one more digit.
    ///
    /// Refused: a sign (amounts are never negative on the wire), exponent notation (`1e-2`:
    /// the provider never writes money that way, and it is the mark of a float printed
    /// somewhere upstream), `.5`, `5.`, whitespace, and values that overflow `Int64`.
    ///
    /// - Throws: ``CloudPaymentsError`` `.invalidAmount`.
    public init(parsing text: some StringProtocol) throws(CloudPaymentsError) {
        var significand: Int64 = 0
        var fractionDigits = 0
        var digitsBeforePoint = 0
        var seenPoint = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, digitsBeforePoint > 0 else { throw Self.invalid(text) }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw Self.invalid(text) }
            let (times10, overflowMultiply) = significand.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowMultiply, !overflowAdd else { throw Self.invalid(text, why: "too large") }
            significand = sum
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= Self.fractionDigitsMax else { throw Self.invalid(text) }
            } else {
                digitsBeforePoint += 1
            }
        }
        guard digitsBeforePoint > 0, !seenPoint || fractionDigits > 0 else { throw Self.invalid(text) }
        self.significand = significand
        self.fractionDigits = fractionDigits
    }

    /// The amount `minorUnits` of `currency` as a decimal with the currency's digits.
    public init(minorUnits: Int64, currency: Currency) {
        precondition(minorUnits >= 0, "amounts are never negative")
        self.significand = minorUnits
        self.fractionDigits = currency.minorDigits
    }

    /// This amount in `currency`'s integer minor units.
    ///
    /// Fraction digits beyond the currency's are accepted only when they are zeros (`10.000`
    /// RUB is exactly 1000 kopecks, as a JSON number `10.0` for JPY is exactly 10 yen); any other
    /// extra digit would need rounding, so it is refused.
    ///
    /// - Throws: ``CloudPaymentsError`` `.invalidAmount` when the amount is not a whole number
    ///   of minor units or overflows `Int64`.
    public func money(in currency: Currency) throws(CloudPaymentsError) -> Money {
        var value = self.significand
        var digits = self.fractionDigits
        while digits > currency.minorDigits {
            guard value % 10 == 0 else {
                throw CloudPaymentsError(
                    code: .invalidAmount,
                    message: "amount \(self) has more decimals than \(currency.code) allows (\(currency.minorDigits))"
                )
            }
            value /= 10
            digits -= 1
        }
        while digits < currency.minorDigits {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else {
                throw CloudPaymentsError(code: .invalidAmount, message: "amount \(self) is too large")
            }
            value = times10
            digits += 1
        }
        return Money(validatedMinorUnits: value, currency: currency)
    }

    /// The decimal text: `123.45`, `10`, `0.001`.
    public var description: String {
        guard self.fractionDigits > 0 else { return String(self.significand) }
        var digits = String(self.significand)
        if digits.count <= self.fractionDigits {
            digits = String(repeating: "0", count: self.fractionDigits - digits.count + 1) + digits
        }
        let pointIndex = digits.index(digits.endIndex, offsetBy: -self.fractionDigits)
        return String(digits[..<pointIndex]) + "." + digits[pointIndex...]
    }

    private static func invalid(_ text: some StringProtocol, why: String = "not a plain decimal") -> CloudPaymentsError
    {
        // Amounts are not secret, but cap the echo so a hostile body cannot flood the logs.
        CloudPaymentsError(code: .invalidAmount, message: "amount '\(text.prefix(32))' is \(why)")
    }
}
