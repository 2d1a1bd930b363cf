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
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
