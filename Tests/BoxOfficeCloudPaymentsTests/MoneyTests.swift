import Testing

@testable import BoxOfficeCloudPayments

@Suite("Exact money")
struct MoneyTests {
    @Test(
        "provider decimals convert to minor units exactly",
        arguments: [
            ("0.01", "RUB", Int64(1)),
            ("123.00", "RUB", 12_300),
            ("123", "RUB", 12_300),
            ("123.4", "RUB", 12_340),
            ("123.45", "USD", 12_345),
            ("10.000", "RUB", 1000),
            ("0", "EUR", 0),
            ("500", "JPY", 500),
            ("500.0", "JPY", 500),
            ("1.234", "KWD", 1234),
            ("0.005", "KWD", 5),
            ("92233720368547758.07", "RUB", Int64.max),
        ]
    )
    func decimalToMinorUnits(text: String, currency: String, minorUnits: Int64) throws {
        let money = try DecimalAmount(parsing: text).money(in: try Currency(code: currency))
        #expect(money.minorUnits == minorUnits)
        #expect(money.currency.code == currency)
    }

    @Test(
        "minor units render as the provider's decimal and parse back to the same value",
        arguments: [
            (Int64(1), "RUB", "0.01"),
            (12_300, "RUB", "123.00"),
            (12_345, "USD", "123.45"),
            (5, "EUR", "0.05"),
            (0, "RUB", "0.00"),
            (500, "JPY", "500"),
            (1234, "KWD", "1.234"),
            (5, "KWD", "0.005"),
            (Int64.max, "RUB", "92233720368547758.07"),
        ]
    )
    func minorUnitsRoundTrip(minorUnits: Int64, currency: String, text: String) throws {
        let money = try Money(minorUnits: minorUnits, currency: try Currency(code: currency))
        #expect(money.decimal.description == text)
        #expect(try DecimalAmount(parsing: money.decimal.description).money(in: money.currency) == money)
    }

    @Test(
        "amounts that are not plain non-negative decimals are refused",
        arguments: ["1e-2", "1E2", "-1.00", "+1", ".5", "5.", "", " 1", "1 ", "1,00", "0x10", "1.2.3", "١٢"]
    )
    func refusedSpellings(text: String) {
        #expect(throws: CloudPaymentsError.self) { try DecimalAmount(parsing: text) }
        do throws(CloudPaymentsError) {
            _ = try DecimalAmount(parsing: text)
        } catch {
            #expect(error.code == .invalidAmount)
        }
    }

    @Test(
        "more decimals than the currency holds are refused, never rounded",
        arguments: [("0.001", "RUB"), ("123.451", "USD"), ("1.5", "JPY"), ("0.0001", "KWD"), ("10.011", "RUB")]
    )
    func tooManyDecimals(text: String, currency: String) throws {
        let amount = try DecimalAmount(parsing: text)
        #expect(throws: CloudPaymentsError.self) { try amount.money(in: try Currency(code: currency)) }
    }

    @Test("values past Int64 minor units are refused")
    func hugeValues() throws {
        #expect(throws: CloudPaymentsError.self) { try DecimalAmount(parsing: "92233720368547758.08").money(in: .rub) }
        #expect(throws: CloudPaymentsError.self) { try DecimalAmount(parsing: "99999999999999999999") }
        // Fits as a decimal but not once scaled to kopecks.
        let large = try DecimalAmount(parsing: "922337203685477581")
        #expect(throws: CloudPaymentsError.self) { try large.money(in: .rub) }
        #expect(try large.money(in: try Currency(code: "JPY")).minorUnits == 922_337_203_685_477_581)
    }

    @Test("negative minor units and unknown currencies are errors")
    func negativeAndUnknown() {
        #expect(throws: CloudPaymentsError.self) { try Money(minorUnits: -1, currency: .rub) }
        do throws(CloudPaymentsError) {
            _ = try Currency(code: "XYZ")
            Issue.record("XYZ accepted")
        } catch {
            #expect(error.code == .unknownCurrency)
        }
        #expect((try? Currency(code: "rub")) == .rub)
    }
}
