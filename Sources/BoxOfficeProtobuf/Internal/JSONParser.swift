import BoxOfficeRPC

/// A strict RFC 8259 parser with a depth limit.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(RPCError) -> ProtobufJSONValue {
        let value = try self.parseValue()
        self.skipWhitespace()
        guard self.index == self.bytes.count else { throw self.error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ reason: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "malformed JSON: \(reason) at byte \(self.index)")
    }

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0a, 0x0d: self.index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(RPCError) -> ProtobufJSONValue {
        self.skipWhitespace()
        guard self.index < self.bytes.count else { throw self.error("unexpected end") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"):
            try self.literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.parseNumber())
        default: throw self.error("unexpected character")
        }
    }

    private mutating func literal(_ text: StaticString) throws(RPCError) {
        let count = text.utf8CodeUnitCount
        guard self.bytes.count - self.index >= count else { throw self.error("unexpected end") }
        for offset in 0..<count where self.bytes[self.index + offset] != text.utf8Start[offset] {
            throw self.error("unexpected character")
        }
        self.index += count
    }

    private mutating func enter() throws(RPCError) {
        self.depth += 1
        guard self.depth <= ProtobufLimits.jsonNestingDepthMax else {
            throw self.error("nesting deeper than \(ProtobufLimits.jsonNestingDepthMax) levels")
        }
    }

    private mutating func parseObject() throws(RPCError) -> ProtobufJSONValue {
        try self.enter()
        self.index += 1
        var members: [ProtobufJSONValue.Member] = []
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            self.depth -= 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("expected a member name")
            }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else {
                throw self.error("expected ':'")
            }
            self.index += 1
            members.append(.init(key: key, value: try self.parseValue()))
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unexpected end") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
            } else if self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                self.depth -= 1
                return .object(members)
            } else {
                throw self.error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(RPCError) -> ProtobufJSONValue {
        try self.enter()
        self.index += 1
        var elements: [ProtobufJSONValue] = []
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            self.depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try self.parseValue())
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unexpected end") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
            } else if self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                self.depth -= 1
                return .array(elements)
            } else {
                throw self.error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(RPCError) -> String {
        let start = self.index
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if self.bytes[self.index] == UInt8(ascii: "-") { self.index += 1 }
        guard self.index < self.bytes.count, isDigit(self.bytes[self.index]) else {
            throw self.error("malformed number")
        }
        if self.bytes[self.index] == UInt8(ascii: "0") {
            self.index += 1
        } else {
            while self.index < self.bytes.count, isDigit(self.bytes[self.index]) { self.index += 1 }
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
            self.index += 1
            guard self.index < self.bytes.count, isDigit(self.bytes[self.index]) else {
                throw self.error("malformed number")
            }
            while self.index < self.bytes.count, isDigit(self.bytes[self.index]) { self.index += 1 }
        }
        if self.index < self.bytes.count, self.bytes[self.index] | 0x20 == UInt8(ascii: "e") {
            self.index += 1
            if self.index < self.bytes.count,
                self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-")
            {
                self.index += 1
            }
            guard self.index < self.bytes.count, isDigit(self.bytes[self.index]) else {
                throw self.error("malformed number")
            }
            while self.index < self.bytes.count, isDigit(self.bytes[self.index]) { self.index += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
    }

    private mutating func parseString() throws(RPCError) -> String {
        self.index += 1
        let start = self.index
        // Fast path: no escapes.
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let utf8 = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                guard UTF8Validation.isValid(utf8) else { throw self.error("invalid UTF-8") }
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            self.index += 1
        }
        var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]))
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                let valid = scalars.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
                guard valid else { throw self.error("invalid UTF-8") }
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard self.index < self.bytes.count else { throw self.error("unexpected end") }
                let escape = self.bytes[self.index]
                self.index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0c)
                case UInt8(ascii: "n"): scalars.append(0x0a)
                case UInt8(ascii: "r"): scalars.append(0x0d)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try self.hex4()
                    if (0xd800..<0xdc00).contains(code) {
                        guard self.bytes.count - self.index >= 6, self.bytes[self.index] == UInt8(ascii: "\\"),
                            self.bytes[self.index + 1] == UInt8(ascii: "u")
                        else { throw self.error("unpaired surrogate") }
                        self.index += 2
                        let low = try self.hex4()
                        guard (0xdc00..<0xe000).contains(low) else { throw self.error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
                    } else if (0xdc00..<0xe000).contains(code) {
                        throw self.error("unpaired surrogate")
                    }
                    scalars.append(contentsOf: String(Character(Unicode.Scalar(code)!)).utf8)
                default: throw self.error("invalid escape")
                }
            case 0..<0x20: throw self.error("control character in string")
            default: scalars.append(byte)
            }
        }
        throw self.error("unterminated string")
    }

    private mutating func hex4() throws(RPCError) -> UInt32 {
        guard self.bytes.count - self.index >= 4 else { throw self.error("unexpected end") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            self.index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
