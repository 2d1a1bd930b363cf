/// Conversion between integer minor units and the provider's decimal text, exactly, without a
/// floating-point type in between.
enum Money {
    /// Every currency the sandbox accepts has two decimals, as RUB, USD, EUR, KZT do; the
    /// provider's amount rule ("2 decimals") says the same.
    static let decimalPlaces = 2
    /// 10^decimalPlaces.
    static let minorPerMajor: Int64 = 100
    /// Larger amounts are refused as invalid rather than risking overflow.
    static let amountMinorMax: Int64 = 1_000_000_000_000

    /// Parses `10`, `10.5`, `10.50`, `10.500` (extra zeros only) to minor units; nil for
    /// anything else (signs, exponents, a third significant decimal).
    static func minorUnits(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
            whole.count <= 13, let major = Int64(whole)
        else { return nil }
        var fraction = parts.count > 1 ? Substring(parts[1]) : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        while fraction.count > Self.decimalPlaces, fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= Self.decimalPlaces else { return nil }
        let padded = fraction + String(repeating: "0", count: Self.decimalPlaces - fraction.count)
        let minor = major * Self.minorPerMajor + (Int64(padded) ?? 0)
        return minor <= Self.amountMinorMax ? minor : nil
    }

    /// `1050` → `10.50`: always two decimals, as a JSON number literal or a form value.
    static func decimalText(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        let fraction = String(magnitude % UInt64(Self.minorPerMajor))
        return sign + String(magnitude / UInt64(Self.minorPerMajor)) + "."
            + String(repeating: "0", count: Self.decimalPlaces - fraction.count) + fraction
    }

    /// The provider's own currency numbering for `CurrencyCode` (*unverified* beyond RUB = 0);
    /// 0 for one the table does not know.
    static func currencyCode(_ currency: String) -> Int {
        switch currency {
        case "RUB": return 0
        case "USD": return 1
        case "EUR": return 2
        case "GBP": return 3
        case "UAH": return 4
        case "BYN": return 5
        case "KZT": return 6
        default: return 0
        }
    }
}
