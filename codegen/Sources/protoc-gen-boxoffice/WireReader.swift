/// Reads the protobuf wire format: just enough for protoc's plugin request.
struct WireReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
        self.end = bytes.count
    }

    private init(bytes: [UInt8], start: Int, end: Int) {
        self.bytes = bytes
        self.index = start
        self.end = end
    }

    var isAtEnd: Bool { self.index >= self.end }

    /// The next field's number and wire type.
    mutating func nextTag() throws -> (number: Int, wireType: Int) {
        let tag = try self.varint()
        return (Int(tag >> 3), Int(tag & 7))
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard self.index < self.end, shift < 64 else { throw Failure(description: "truncated varint") }
            let byte = self.bytes[self.index]
            self.index += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func int32() throws -> Int32 { Int32(truncatingIfNeeded: try self.varint()) }

    mutating func bool() throws -> Bool { try self.varint() != 0 }

    /// A length-delimited field as a reader over its contents.
    mutating func submessage() throws -> WireReader {
        let length = Int(try self.varint())
        guard length >= 0, length <= self.end - self.index else { throw Failure(description: "truncated field") }
        let reader = WireReader(bytes: self.bytes, start: self.index, end: self.index + length)
        self.index += length
        return reader
    }

    mutating func string() throws -> String {
        var reader = try self.submessage()
        let text = String(decoding: self.bytes[reader.index..<reader.end], as: UTF8.self)
        reader.index = reader.end
        return text
    }

    /// Packed or unpacked repeated int32 values.
    mutating func int32s(wireType: Int) throws -> [Int32] {
        guard wireType == 2 else { return [try self.int32()] }
        var reader = try self.submessage()
        var values: [Int32] = []
        while !reader.isAtEnd { values.append(try reader.int32()) }
        return values
    }

    mutating func skip(wireType: Int) throws {
        switch wireType {
        case 0: _ = try self.varint()
        case 1: try self.advance(8)
        case 2: _ = try self.submessage()
        case 5: try self.advance(4)
        default: throw Failure(description: "unsupported wire type \(wireType)")
        }
    }

    private mutating func advance(_ count: Int) throws {
        guard count <= self.end - self.index else { throw Failure(description: "truncated field") }
        self.index += count
    }
}

/// Writes the protobuf wire format: just enough for the plugin response.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        self.bytes.append(UInt8(value))
    }

    mutating func tag(_ number: Int, _ wireType: Int) {
        self.varint(UInt64(number << 3 | wireType))
    }

    mutating func string(_ number: Int, _ text: String) {
        self.bytes(number, Array(text.utf8))
    }

    mutating func bytes(_ number: Int, _ value: [UInt8]) {
        self.tag(number, 2)
        self.varint(UInt64(value.count))
        self.bytes.append(contentsOf: value)
    }
}
