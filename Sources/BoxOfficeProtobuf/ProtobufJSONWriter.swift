/// Writes proto3 JSON into a byte buffer; generated `writeJSON(into:)` methods drive it.
public struct ProtobufJSONWriter {
    /// The JSON written so far (UTF-8).
    public private(set) var bytes: [UInt8]
    @usableFromInline var needsComma = false
    /// Whether generated code writes fields without presence (scalars, enums, repeated fields,
    /// maps) at their default values too, as json_format's `always_print_fields_with_no_presence`;
    /// unset messages, wrappers and oneof members are still left out. Off by default (proto3 JSON).
    public var emitsDefaults = false

    /// A writer whose buffer starts with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    /// Writes `"name":`; the next call writes the member's value.
    public mutating func key(_ name: String) {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
        self.quoted(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.needsComma = false
    }

    public mutating func endObject() {
        self.bytes.append(UInt8(ascii: "}"))
        self.needsComma = true
    }

    public mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma = false
    }

    public mutating func endArray() {
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma = true
    }

    public mutating func string(_ value: String) {
        self.separate()
        self.quoted(value)
        self.needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        self.raw(value ? "true" : "false")
    }

    public mutating func int32(_ value: Int32) {
        self.integer(UInt64(value.magnitude), negative: value < 0, quoted: false)
    }

    public mutating func uint32(_ value: UInt32) { self.integer(UInt64(value), negative: false, quoted: false) }

    /// 64-bit integers are strings in proto3 JSON (JavaScript numbers lose digits past 2^53).
    public mutating func int64(_ value: Int64) { self.integer(value.magnitude, negative: value < 0, quoted: true) }

    public mutating func uint64(_ value: UInt64) { self.integer(value, negative: false, quoted: true) }

    /// Finite values as shortest round-trip decimals; NaN and infinities as the strings proto3
    /// JSON names them.
    public mutating func double(_ value: Double) {
        if value.isNaN {
            self.raw("\"NaN\"")
        } else if value.isInfinite {
            self.raw(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        } else {
            self.raw(value.description)
        }
    }

    public mutating func float(_ value: Float) {
        if value.isNaN {
            self.raw("\"NaN\"")
        } else if value.isInfinite {
            self.raw(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        } else {
            self.raw(value.description)
        }
    }

    /// Standard base64 with padding.
    public mutating func bytes(_ value: [UInt8]) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        Base64.encode(value, into: &self.bytes)
        self.bytes.append(UInt8(ascii: "\""))
        self.needsComma = true
    }

    /// The value's name, or its number when the build does not know it.
    public mutating func enumValue<E: ProtobufEnum>(_ value: E) {
        if let name = value.protoName {
            self.string(name)
        } else {
            self.int32(value.rawValue)
        }
    }

    /// RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits.
    public mutating func timestamp(_ value: ProtobufTimestamp) {
        self.string(RFC3339.format(value))
    }

    private mutating func separate() {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func raw(_ text: String) {
        self.separate()
        self.bytes.append(contentsOf: text.utf8)
        self.needsComma = true
    }

    private mutating func quoted(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs that need no escaping (nearly all text) are copied whole.
            var runStart = 0
            for index in utf8.indices where Self.needsEscape(utf8[index]) {
                self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                self.escape(utf8[index])
                runStart = index + 1
            }
            self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            self.bytes.append(hex[Int(byte >> 4)])
            self.bytes.append(hex[Int(byte & 0xf)])
        }
    }

    /// Writes the decimal digits of `magnitude`, after a `-` when `negative`.
    private mutating func decimal(_ magnitude: UInt64, negative: Bool) {
        if negative { self.bytes.append(UInt8(ascii: "-")) }
        // UInt64.max has 20 digits; they are produced last first.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    private mutating func integer(_ magnitude: UInt64, negative: Bool, quoted: Bool) {
        self.separate()
        if quoted { self.bytes.append(UInt8(ascii: "\"")) }
        self.decimal(magnitude, negative: negative)
        if quoted { self.bytes.append(UInt8(ascii: "\"")) }
        self.needsComma = true
    }
}
