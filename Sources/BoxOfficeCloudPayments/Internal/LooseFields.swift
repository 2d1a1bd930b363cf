#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads the provider's loosely typed fields: amounts as numbers or strings, booleans as
/// `true`/`false` or `1`/`0`, ids as numbers or strings, dates as `/Date(ms)/` or ISO text.
///
/// Works over a JSON object (API answers) or form fields (notifications), which both come
/// down to "a key maps to a JSON value"; form values are strings.
struct LooseFields: Sendable {
    let object: JSONObject

    init(_ object: JSONObject) { self.object = object }

    private func malformed(_ key: String, _ why: String) -> CloudPaymentsError {
        CloudPaymentsError(code: .malformedResponse, message: "field \(key) \(why)")
    }

    /// The value, with `null` and the empty string (how notifications send an empty optional
    /// field) both meaning absent.
    func value(_ key: String) -> JSONValue? {
        switch self.object[key] {
        case .none, .null?: return nil
        case .string(let text)? where text.isEmpty: return nil
        case let value?: return value
        }
    }

    func has(_ key: String) -> Bool { self.value(key) != nil }

    func string(_ key: String) throws(CloudPaymentsError) -> String? {
        switch self.value(key) {
        case nil: return nil
        case .string(let text)?: return text
        // Ids such as InvoiceId and AccountId come back numeric when they look like numbers.
        case .number(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        default: throw self.malformed(key, "is not a string")
        }
    }

    func requiredString(_ key: String) throws(CloudPaymentsError) -> String {
        guard let text = try self.string(key) else { throw self.malformed(key, "is missing") }
        return text
    }

    func int64(_ key: String) throws(CloudPaymentsError) -> Int64? {
        switch self.value(key) {
        case nil: return nil
        case .number(let text)?, .string(let text)?:
            guard let number = Int64(text) else { throw self.malformed(key, "is not an integer") }
            return number
        default: throw self.malformed(key, "is not an integer")
        }
    }

    func requiredInt64(_ key: String) throws(CloudPaymentsError) -> Int64 {
        guard let number = try self.int64(key) else { throw self.malformed(key, "is missing") }
        return number
    }

    func int(_ key: String) throws(CloudPaymentsError) -> Int? {
        guard let number = try self.int64(key) else { return nil }
        guard let small = Int(exactly: number) else { throw self.malformed(key, "is out of range") }
        return small
    }

    func bool(_ key: String) throws(CloudPaymentsError) -> Bool? {
        switch self.value(key) {
        case nil: return nil
        case .bool(let flag)?: return flag
        case .number(let text)?, .string(let text)?:
            switch text.lowercased() {
            case "1", "true": return true
            case "0", "false": return false
            default: throw self.malformed(key, "is not a boolean")
            }
        default: throw self.malformed(key, "is not a boolean")
        }
    }

    func decimal(_ key: String) throws(CloudPaymentsError) -> DecimalAmount? {
        switch self.value(key) {
        case nil: return nil
        case .number(let text)?, .string(let text)?: return try DecimalAmount(parsing: text)
        default: throw self.malformed(key, "is not an amount")
        }
    }

    func requiredDecimal(_ key: String) throws(CloudPaymentsError) -> DecimalAmount {
        guard let amount = try self.decimal(key) else { throw self.malformed(key, "is missing") }
        return amount
    }

    func currency(_ key: String) throws(CloudPaymentsError) -> Currency? {
        guard let code = try self.string(key) else { return nil }
        return try Currency(code: code)
    }

    func date(_ key: String) throws(CloudPaymentsError) -> Date? {
        guard let text = try self.string(key) else { return nil }
        guard let date = ProviderDate.parse(text) else { throw self.malformed(key, "is not a provider date") }
        return date
    }

    func requiredDate(_ key: String) throws(CloudPaymentsError) -> Date {
        guard let date = try self.date(key) else { throw self.malformed(key, "is missing") }
        return date
    }

    /// A date field and its `…Iso` twin (`CreatedDate`, `CreatedDateIso`); either may be absent.
    func dateWithIsoTwin(_ key: String) throws(CloudPaymentsError) -> Date? {
        if let date = try self.date(key) { return date }
        return try self.date(key + "Iso")
    }

    /// JsonData: an object, or the same object as a JSON string; kept as JSON text.
    func jsonText(_ key: String) throws(CloudPaymentsError) -> String? {
        switch self.value(key) {
        case nil: return nil
        case .string(let text)?: return text
        case let value?: return value.rendered
        }
    }
}
