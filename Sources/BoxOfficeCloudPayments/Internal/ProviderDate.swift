#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The provider's date spellings, all UTC: `/Date(1407583781000)/` (milliseconds since 1970),
/// the `…Iso` twins `2014-08-09T11:49:41` (no zone suffix), and notifications'
/// `2014-08-09 11:49:41`.
enum ProviderDate {
    static func parse(_ text: String) -> Date? {
        if text.hasPrefix("/Date("), text.hasSuffix(")/") {
            return Self.parseMilliseconds(text.dropFirst(6).dropLast(2))
        }
        return Self.parseCalendar(Array(text.utf8))
    }

    /// `yyyy-MM-dd` as midnight UTC, or nil.
    static func parseDay(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, let days = Self.days(bytes) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400))
    }

    private static func parseMilliseconds(_ text: Substring) -> Date? {
        // A zone offset (`+0300`) may follow the milliseconds in this old ASP.NET format; the
        // milliseconds are UTC either way, so it is ignored.
        var digits = text
        if let signIndex = digits.dropFirst().firstIndex(where: { $0 == "+" || $0 == "-" }) {
            digits = digits[..<signIndex]
        }
        guard let milliseconds = Int64(digits) else { return nil }
        // One correctly rounded division: the nearest TimeInterval to the exact instant.
        return Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.upperBound <= bytes.count else { return nil }
        var value = 0
        for index in range {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    // Days since 1970-01-01 of `yyyy-MM-dd` at the start of `bytes` (H. Hinnant's days_from_civil).
    private static func days(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0..<4), let month = number(bytes, 5..<7), let day = number(bytes, 8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func parseCalendar(_ bytes: [UInt8]) -> Date? {
        guard bytes.count >= 19, let days = Self.days(bytes),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes, 11..<13), let minute = number(bytes, 14..<16),
            let second = number(bytes, 17..<19), hour < 24, minute < 60, second < 61
        else { return nil }
        var rest = bytes[19...]
        var fraction: TimeInterval = 0
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            var scale: TimeInterval = 0.1
            var count = 0
            while let byte = rest.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                fraction += TimeInterval(byte - UInt8(ascii: "0")) * scale
                scale /= 10
                count += 1
                rest = rest.dropFirst()
            }
            guard count > 0 else { return nil }
        }
        // The provider writes no suffix (the time is UTC); a `Z` says the same thing.
        if rest.first == UInt8(ascii: "Z") { rest = rest.dropFirst() }
        guard rest.isEmpty else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    /// `2014-08-09T11:49:41`, the format of the `…Iso` fields and of v2 list's date bounds.
    static func isoString(_ date: Date) -> String {
        let total = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = total / 86_400
        var seconds = total % 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        let (year, month, day) = Self.civil(days: days)
        return Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) + "T"
            + Self.pad(Int64(seconds / 3600), 2) + ":" + Self.pad(Int64(seconds % 3600 / 60), 2) + ":"
            + Self.pad(Int64(seconds % 60), 2)
    }

    /// `2014-08-09`, the format of `/payments/list`'s `Date`.
    static func dayString(_ date: Date) -> String { String(Self.isoString(date).prefix(10)) }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    // H. Hinnant's civil_from_days.
    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
