/// A JSON value for the OpenAPI text the generator emits. Object members keep their insertion
/// order (the generator inserts them in a fixed order), so regenerating gives identical text and
/// the golden diff stays empty.
indirect enum JSONText {
    case object([(String, JSONText)])
    case array([JSONText])
    case string(String)
    case integer(Int64)
    /// A number's literal JSON text, for bounds an `Int64` cannot hold (`UInt64.max`, the largest
    /// double).
    case number(String)
    case bool(Bool)

    /// Compact JSON text (one line: the generated code holds it as a single-line raw string).
    var text: String {
        var result = ""
        self.write(into: &result)
        return result
    }

    private func write(into result: inout String) {
        switch self {
        case .object(let members):
            result += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { result += "," }
                Self.writeString(key, into: &result)
                result += ":"
                value.write(into: &result)
            }
            result += "}"
        case .array(let elements):
            result += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { result += "," }
                element.write(into: &result)
            }
            result += "]"
        case .string(let text): Self.writeString(text, into: &result)
        case .integer(let value): result += String(value)
        case .number(let text): result += text
        case .bool(let value): result += value ? "true" : "false"
        }
    }

    private static func writeString(_ text: String, into result: inout String) {
        result += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            // Control characters must be escaped in JSON; the line and paragraph separators too,
            // as a single-line Swift literal may not hold them.
            case "\u{0}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                result += "\\u" + String(String(scalar.value, radix: 16).leftPadded(4))
            default: result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
    }

    /// The member `key` of an object, nil for other values or a missing key.
    subscript(key: String) -> JSONText? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// An object with the member `key` set to `value`: replaced in place if present, appended
    /// otherwise (objects only; other values are returned unchanged).
    func setting(_ key: String, _ value: JSONText) -> JSONText {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.0 == key }) {
            members[index].1 = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }
}

extension String {
    /// A single-line Swift raw string literal of `self` with as few `#` as keep it unambiguous:
    /// JSON holds `"#/components/…"`, which would close a `#"…"#` literal.
    var rawLiteral: String {
        var hashes = "#"
        while self.contains("\"" + hashes) || self.contains("\\" + hashes) { hashes += "#" }
        return hashes + "\"" + self + "\"" + hashes
    }
}
