import FoundationEssentials

/// The provider's date spellings, computed from the Unix epoch by hand so that no locale or
/// formatter setting can change them.
enum ProviderDates {
    /// `/Date(1400000000000)/`: milliseconds since the epoch.
    static func microsoftJSON(_ date: Date) -> String {
        "/Date(\(Self.milliseconds(date)))/"
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// `2014-05-13T16:53:20`: UTC, no zone suffix, as the `…Iso` fields are.
    static func iso(_ date: Date) -> String {
        let (day, seconds) = Self.split(date, offsetSeconds: 0)
        return Self.dateText(day) + "T" + Self.timeText(seconds)
    }

    /// `2014-05-13 16:53:20` UTC, the notifications' `DateTime`.
    static func notification(_ date: Date) -> String {
        let (day, seconds) = Self.split(date, offsetSeconds: 0)
        return Self.dateText(day) + " " + Self.timeText(seconds)
    }

    /// The calendar day (days since 1970-01-01) of `date` at a zone offset.
    static func day(_ date: Date, offsetSeconds: Int64) -> Int64 {
        Self.split(date, offsetSeconds: offsetSeconds).day
    }

    /// Parses `yyyy-MM-dd` to days since the epoch.
    static func parseDay(_ text: String) -> Int64? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return Self.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses `yyyy-MM-dd`, `yyyy-MM-ddTHH:mm:ss`, with optional fraction and `Z` (all UTC), to
    /// seconds since the epoch.
    static func parseDateTime(_ text: String) -> Int64? {
        var text = Substring(text)
        if text.hasSuffix("Z") { text = text.dropLast() }
        let halves = text.split(separator: "T", maxSplits: 1).flatMap { $0.split(separator: " ", maxSplits: 1) }
        guard let first = halves.first, let day = Self.parseDay(String(first)) else { return nil }
        var seconds: Int64 = 0
        if halves.count == 2 {
            let clock = halves[1].split(separator: ".", maxSplits: 1)[0].split(separator: ":")
            guard clock.count == 3, let hours = Int64(clock[0]), let minutes = Int64(clock[1]),
                let secs = Int64(clock[2]), (0..<24).contains(hours), (0..<60).contains(minutes),
                (0..<61).contains(secs)
            else { return nil }
            seconds = hours * 3600 + minutes * 60 + secs
        }
        return day * 86_400 + seconds
    }

    /// A `TimeZone` field: `UTC`/`GMT`, `MSK`, or `+03:00`/`-0500` style; nil when unknown.
    static func offsetSeconds(timeZone: String?) -> Int64? {
        guard let zone = timeZone?.uppercased(), !zone.isEmpty else { return 0 }
        switch zone {
        case "UTC", "GMT", "Z": return 0
        case "MSK": return 3 * 3600
        default: break
        }
        guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
        let digits = zone.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, let hours = Int64(digits.prefix(2)), let minutes = Int64(digits.suffix(2)) else {
            return nil
        }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    private static func split(_ date: Date, offsetSeconds: Int64) -> (day: Int64, seconds: Int64) {
        let total = Int64(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let day = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        return (day, total - day * 86_400)
    }

    private static func timeText(_ seconds: Int64) -> String {
        Self.pad(seconds / 3600) + ":" + Self.pad(seconds % 3600 / 60) + ":" + Self.pad(seconds % 60)
    }

    static func dateText(_ day: Int64) -> String {
        let (year, month, dayOfMonth) = Self.civilFromDays(day)
        return String(year) + "-" + Self.pad(month) + "-" + Self.pad(dayOfMonth)
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
