/// A JSON value that keeps numbers as their source text, so amounts never pass through `Double`
/// (JSONSerialization and JSONDecoder both do).
indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number exactly as written (`123.40`, `-1`, `1e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    var isNull: Bool { self == .null }

    /// The value written back as compact JSON, numbers with their original text.
    var rendered: String {
        var output = ""
        self.render(into: &output)
        return output
    }

    func render(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): JSONWriter.appendQuoted(text, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.render(into: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { output += "," }
                JSONWriter.appendQuoted(member.key, to: &output)
                output += ":"
                member.value.render(into: &output)
            }
            output += "}"
        }
    }
}

/// A JSON object with its members in order and key lookup that ignores case, as the provider's
/// server reads keys case-insensitively.
struct JSONObject: Hashable, Sendable {
    var members: [(key: String, value: JSONValue)]

    /// The value for `key`, compared case-insensitively; nil when absent.
    subscript(key: String) -> JSONValue? {
        self.members.first { Self.keysMatch($0.key, key) }?.value
    }

    /// Whether two keys are equal ignoring case. An answer is read key by key (a transaction
    /// has some fifty) and each lookup scans the members, so ASCII keys, which all of the
    /// provider's are, are compared byte by byte without allocating and mostly rejected at the
    /// first byte; anything else (non-ASCII text, one key a prefix of the other, where
    /// lowercasing may change lengths) is compared through `lowercased()`.
    static func keysMatch(_ lhs: String, _ rhs: String) -> Bool {
        func folded(_ byte: UInt8) -> UInt8 {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
        }
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case (let leftByte?, let rightByte?) where leftByte < 0x80 && rightByte < 0x80:
                // Equal ASCII prefixes lowercase to equal prefixes, so the first ASCII difference
                // decides.
                guard folded(leftByte) == folded(rightByte) else { return false }
            default:
                return lhs.lowercased() == rhs.lowercased()
            }
        }
    }

    static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    func hash(into hasher: inout Hasher) {
        for member in self.members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
