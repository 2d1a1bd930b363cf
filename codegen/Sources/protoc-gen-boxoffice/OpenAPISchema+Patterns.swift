/// The regular expressions of the schemas: each is exactly the text grammar the proto3 JSON
/// reader (`ProtobufJSONValue`) accepts for that value, ranges included, so that a schema-valid
/// string is read and a string the reader refuses is schema-invalid.
extension OpenAPISchema {
    /// Canonical decimal (`0`, or an optional `-` and digits without a leading zero) of a value in
    /// `min...max`, as ECMA 262 and Python read it (no `\d`, which Python widens to every Unicode
    /// digit). `min` is 0 or negative, `max` positive; both are decimal text.
    static func decimalPattern(min: String, max: String) -> String {
        var alternatives = ["0", Self.positiveDecimal(upTo: max)]
        if min.hasPrefix("-") {
            alternatives.append("-(?:" + Self.positiveDecimal(upTo: String(min.dropFirst())) + ")")
        }
        return "^(?:" + alternatives.joined(separator: "|") + ")$"
    }

    /// Digits without a leading zero whose value is in `1...bound` (`bound` is decimal text, at
    /// least 10): every shorter length, then for each position the numbers that agree with
    /// `bound` before it and are smaller at it, then `bound` itself.
    static func positiveDecimal(upTo bound: String) -> String {
        let digits = bound.map { Int(String($0))! }
        let length = digits.count
        var alternatives = ["[1-9][0-9]{0,\(length - 2)}"]
        for position in 0..<length {
            let low = position == 0 ? 1 : 0
            let high = digits[position] - 1
            guard low <= high else { continue }
            let prefix = digits[..<position].map(String.init).joined()
            let digit = low == high ? String(low) : "[\(low)-\(high)]"
            let rest = length - position - 1
            alternatives.append(prefix + digit + (rest == 0 ? "" : rest == 1 ? "[0-9]" : "[0-9]{\(rest)}"))
        }
        alternatives.append(bound)
        return alternatives.joined(separator: "|")
    }

    /// A float or double as a string: the three non-finite names or a number in JSON syntax
    /// (rounded to the nearest value; past the largest finite one it is an infinity).
    static let floatingTextPattern = "^(?:NaN|-?Infinity|-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)$"

    /// Base64 in either alphabet (they may mix), padded or not: groups of four, then at most one
    /// group of two or three characters whose bits past the last byte are zero (the second of two
    /// is a multiple of 16, the third of three a multiple of 4).
    static let base64Pattern =
        "^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-][AQgw](?:==)?|[A-Za-z0-9+/_-]{2}[AEIMQUYcgkosw048]=?)?$"

    /// The shape of an RFC 3339 timestamp the reader takes (years 0001 to 9999, `T` or `t`, up to
    /// nine fractional digits, `Z`, `z` or an offset); the `date-time` format beside it checks
    /// that the date and time exist.
    static let timestampPattern =
        "^(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9]"
        + "(?:\\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
}
