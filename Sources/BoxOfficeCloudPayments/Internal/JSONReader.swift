/// A small strict JSON parser (RFC 8259) that keeps number text; see ``JSONValue``.
struct JSONReader {
    /// Nesting deeper than any provider answer; bounds recursion on hostile input.
    static let nestingDepthMax = 64

    enum Failure: Error { case invalid(offset: Int) }

    private let bytes: [UInt8]
    private var offset = 0
    private var depth = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON value that spans the whole of `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.parseValue()
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw .invalid(offset: reader.offset) }
        return value
    }

    static func parse(_ text: String) throws(Failure) -> JSONValue { try Self.parse(Array(text.utf8)) }

    private var current: UInt8? { self.offset < self.bytes.count ? self.bytes[self.offset] : nil }

    private mutating func skipWhitespace() {
        while let byte = self.current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            self.offset += 1
        }
    }

    private func fail() -> Failure { .invalid(offset: self.offset) }

    private mutating func expect(_ literal: String) throws(Failure) {
        for byte in literal.utf8 {
            guard self.current == byte else { throw self.fail() }
            self.offset += 1
        }
    }

    private mutating func parseValue() throws(Failure) -> JSONValue {
        guard let byte = self.current else { throw self.fail() }
        switch byte {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"):
            try self.expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.expect("null")
            return .null
        default: return .number(try self.parseNumber())
        }
    }

    private mutating func enter() throws(Failure) {
        self.depth += 1
        guard self.depth <= Self.nestingDepthMax else { throw self.fail() }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try self.enter()
        defer { self.depth -= 1 }
        self.offset += 1
        var members: [(key: String, value: JSONValue)] = []
        var keys = Set<String>()
        self.skipWhitespace()
        if self.current == UInt8(ascii: "}") {
            self.offset += 1
            return .object(JSONObject(members: members))
        }
        while true {
            self.skipWhitespace()
            guard self.current == UInt8(ascii: "\"") else { throw self.fail() }
            let key = try self.parseString()
            // Keys are read case-insensitively, so two that differ only in case would make the
            // answer ambiguous; refuse rather than pick one.
            guard keys.insert(key.lowercased()).inserted else { throw self.fail() }
            self.skipWhitespace()
            try self.expect(":")
            self.skipWhitespace()
            members.append((key, try self.parseValue()))
            self.skipWhitespace()
            if self.current == UInt8(ascii: ",") {
                self.offset += 1
                continue
            }
            try self.expect("}")
            return .object(JSONObject(members: members))
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try self.enter()
        defer { self.depth -= 1 }
        self.offset += 1
        var elements: [JSONValue] = []
        self.skipWhitespace()
        if self.current == UInt8(ascii: "]") {
            self.offset += 1
            return .array(elements)
        }
        while true {
            self.skipWhitespace()
            elements.append(try self.parseValue())
            self.skipWhitespace()
            if self.current == UInt8(ascii: ",") {
                self.offset += 1
                continue
            }
            try self.expect("]")
            return .array(elements)
        }
    }

    private mutating func parseNumber() throws(Failure) -> String {
        let start = self.offset
        if self.current == UInt8(ascii: "-") { self.offset += 1 }
        guard let first = self.current, Self.isDigit(first) else { throw self.fail() }
        self.offset += 1
        if first != UInt8(ascii: "0") {
            while let byte = self.current, Self.isDigit(byte) { self.offset += 1 }
        }
        if self.current == UInt8(ascii: ".") {
            self.offset += 1
            guard let byte = self.current, Self.isDigit(byte) else { throw self.fail() }
            while let byte = self.current, Self.isDigit(byte) { self.offset += 1 }
        }
        if self.current == UInt8(ascii: "e") || self.current == UInt8(ascii: "E") {
            self.offset += 1
            if self.current == UInt8(ascii: "+") || self.current == UInt8(ascii: "-") { self.offset += 1 }
            guard let byte = self.current, Self.isDigit(byte) else { throw self.fail() }
            while let byte = self.current, Self.isDigit(byte) { self.offset += 1 }
        }
        return String(decoding: self.bytes[start..<self.offset], as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func parseString() throws(Failure) -> String {
        self.offset += 1
        var output: [UInt8] = []
        while true {
            guard let byte = self.current else { throw self.fail() }
            self.offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: output, as: UTF8.self) else { throw self.fail() }
                return text
            case UInt8(ascii: "\\"):
                guard let escape = self.current else { throw self.fail() }
                self.offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try self.parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        try self.expect("\\u")
                        let low = try self.parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw self.fail() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw self.fail() }
                    output.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw self.fail()
                }
            case 0x00..<0x20: throw self.fail()
            default: output.append(byte)
            }
        }
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = self.current else { throw self.fail() }
            self.offset += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw self.fail()
            }
            value = value << 4 | digit
        }
        return value
    }
}
