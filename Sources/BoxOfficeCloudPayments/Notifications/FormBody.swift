/// Decodes an `application/x-www-form-urlencoded` body as the provider sends notifications:
/// `+` for space, percent escapes (the provider writes them lower case; both cases are read),
/// empty optional fields sent empty (`SubscriptionId=&Issuer=`).
enum FormBody {
    /// More fields than any notification has; bounds the work on a hostile body.
    static let fieldCountMax = 256

    static func decode(_ body: [UInt8]) throws(CloudPaymentsError) -> JSONObject {
        var members: [(key: String, value: JSONValue)] = []
        var keys = Set<String>()
        guard !body.isEmpty else { return JSONObject(members: []) }
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard members.count < Self.fieldCountMax else { throw Self.malformed("too many fields") }
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.unescape(parts[0])
            let value = parts.count > 1 ? try Self.unescape(parts[1]) : ""
            guard !key.isEmpty else { throw Self.malformed("a field without a name") }
            // Keys are matched case-insensitively; a repeated one would be ambiguous.
            guard keys.insert(key.lowercased()).inserted else {
                throw Self.malformed("field \(key.prefix(40)) repeated")
            }
            members.append((key, .string(value)))
        }
        return JSONObject(members: members)
    }

    private static func unescape(_ bytes: ArraySlice<UInt8>) throws(CloudPaymentsError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                output.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard bytes.endIndex - index >= 3, let high = Self.hexValue(bytes[index + 1]),
                    let low = Self.hexValue(bytes[index + 2])
                else { throw Self.malformed("a broken percent escape") }
                output.append(high << 4 | low)
                index += 3
            default:
                output.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw Self.malformed("a field that is not UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func malformed(_ why: String) -> CloudPaymentsError {
        CloudPaymentsError(code: .malformedNotification, message: "notification body: \(why)")
    }
}
