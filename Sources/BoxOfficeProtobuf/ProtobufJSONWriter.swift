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

    public mutating func int32(_ value: Int32) { self.raw(String(value)) }

    public mutating func uint32(_ value: UInt32) { self.raw(String(value)) }

    /// 64-bit integers are strings in proto3 JSON (JavaScript numbers lose digits past 2^53).
    public mutating func int64(_ value: Int64) { self.raw("\"\(value)\"") }

    public mutating func uint64(_ value: UInt64) { self.raw("\"\(value)\"") }

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
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                self.bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                ])
                self.bytes.append(hex[Int(byte >> 4)])
                self.bytes.append(hex[Int(byte & 0xf)])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
