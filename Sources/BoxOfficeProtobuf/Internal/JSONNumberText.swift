/// The number grammars of proto3 JSON reading, one place for both integer kinds so that signed
/// and unsigned fields read the same text the same way (the generated JSON Schemas describe
/// exactly these grammars).
enum JSONNumberText {
    /// Longer digit strings are out of every integer field's range; stopping there keeps the
    /// arithmetic within `Int128`.
    static let integerDigitsMax = 30

    /// The value of canonical decimal text: `0`, or an optional `-` and digits without a leading
    /// zero. Nothing else: no `+`, no `-0`, no exponent, fraction or whitespace.
    static func canonicalInteger(_ text: String) -> Int128? {
        var utf8 = Substring(text).utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        guard let first = utf8.first, utf8.count <= Self.integerDigitsMax else { return nil }
        if first == UInt8(ascii: "0") {
            return !negative && utf8.count == 1 ? 0 : nil
        }
        var magnitude: Int128 = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            magnitude = magnitude * 10 + Int128(byte - UInt8(ascii: "0"))
        }
        return negative ? -magnitude : magnitude
    }

    /// The integer value of a JSON number's text (as the parser checked it), or nil when it has a
    /// fractional part. Digits alone are read exactly; a fraction or exponent through a double,
    /// as JSON Schema validators compare such numbers.
    static func integerValue(ofNumber text: String) -> Int128? {
        let isPlain = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
        if isPlain {
            if text == "-0" { return 0 }
            return Self.canonicalInteger(text)
        }
        // 2^100 is past every field's range and well within Int128.
        guard let value = Double(text), value.rounded() == value, abs(value) < 0x1p100 else { return nil }
        return Int128(value)
    }

    /// JSON number syntax (RFC 8259): `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if let first = bytes.first, first | 0x20 == UInt8(ascii: "e") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
