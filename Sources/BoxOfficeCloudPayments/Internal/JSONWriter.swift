/// Builds the JSON object of a request body; amounts go in as number text, never as `Double`.
struct JSONWriter {
    private var output = "{"
    private var isEmpty = true

    private mutating func key(_ name: String) {
        if !self.isEmpty { self.output += "," }
        self.isEmpty = false
        Self.appendQuoted(name, to: &self.output)
        self.output += ":"
    }

    mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        self.key(name)
        Self.appendQuoted(value, to: &self.output)
    }

    mutating func integer(_ name: String, _ value: Int64?) {
        guard let value else { return }
        self.key(name)
        self.output += String(value)
    }

    mutating func bool(_ name: String, _ value: Bool?) {
        guard let value else { return }
        self.key(name)
        self.output += value ? "true" : "false"
    }

    /// An amount as a JSON number with exactly the currency's decimals (`123.45`, `500`).
    mutating func amount(_ name: String, _ value: DecimalAmount) {
        self.key(name)
        self.output += value.description
    }

    mutating func raw(_ name: String, _ value: JSONValue?) {
        guard let value else { return }
        self.key(name)
        value.render(into: &self.output)
    }

    mutating func strings(_ name: String, _ values: [String]?) {
        guard let values else { return }
        self.key(name)
        JSONValue.array(values.map { .string($0) }).render(into: &self.output)
    }

    var bytes: [UInt8] { Array((self.output + "}").utf8) }

    static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        // Runs that need no escaping (nearly all text) are appended whole rather than scalar by
        // scalar. Only ASCII bytes are escaped, so every run ends on a scalar boundary.
        let bytes = text.utf8
        var runStart = bytes.startIndex
        var index = runStart
        while index != bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else {
                bytes.formIndex(after: &index)
                continue
            }
            output += text[runStart..<index]
            switch byte {
            case UInt8(ascii: "\""): output += "\\\""
            case UInt8(ascii: "\\"): output += "\\\\"
            case UInt8(ascii: "\n"): output += "\\n"
            case UInt8(ascii: "\r"): output += "\\r"
            case UInt8(ascii: "\t"): output += "\\t"
            default:
                let hex = String(byte, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            bytes.formIndex(after: &index)
            runStart = index
        }
        output += text[runStart..<index]
        output += "\""
    }
}
