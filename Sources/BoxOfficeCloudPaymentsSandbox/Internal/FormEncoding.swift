/// `application/x-www-form-urlencoded` as the provider writes it: lowercase percent escapes,
/// `+` for a space, and only the unreserved characters left as they are.
enum FormEncoding {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { Self.escape($0.0) + "=" + Self.escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: " "):
                output.append(UInt8(ascii: "+"))
            default:
                output.append(UInt8(ascii: "%"))
                output.append(Self.hexDigits[Int(byte >> 4)])
                output.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The fields of a form body in order; nil when an escape is malformed.
    static func decode(_ body: [UInt8]) -> [(String, String)]? {
        var fields: [(String, String)] = []
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.unescape(parts[0]) else { return nil }
            let value = parts.count > 1 ? Self.unescape(parts[1]) : ""
            guard let value else { return nil }
            fields.append((key, value))
        }
        return fields
    }

    private static func unescape(_ bytes: ArraySlice<UInt8>) -> String? {
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
                index += 1
            } else if byte == UInt8(ascii: "%") {
                guard index + 3 <= bytes.endIndex,
                    let value = UInt8(String(decoding: bytes[(index + 1)..<(index + 3)], as: UTF8.self), radix: 16)
                else { return nil }
                output.append(value)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(validating: output, as: UTF8.self)
    }
}
