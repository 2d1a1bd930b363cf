import BoxOfficeProtobuf
import CProtobufC

/// Random valid encodings of any generated message, written by walking its protobuf-c
/// descriptor: every field with its own wire type and a value the decoder accepts (UTF-8
/// strings without NUL, timestamps in range, nesting bounded), so that mutations of them reach
/// deep into a decoder rather than stopping at the first byte.
enum RandomWireMessage {
    /// Depth at which no further sub-message is written (recursive messages end there).
    static let nestingDepthMax = 4
    /// Elements of one repeated field, at most.
    static let repeatedCountMax = 3
    /// Characters of one string, at most.
    static let stringCharactersMax = 12
    /// Bytes of one `bytes` value, at most.
    static let bytesCountMax = 16
    /// The characters strings are drawn from: 1-, 2-, 3- and 4-byte UTF-8, quotes and escapes.
    static let characters: [Character] = ["a", "Z", "0", " ", "\"", "\\", "\n", "ä", "€", "😀"]
    /// Seconds since 1970 of 9999-12-31T23:59:59Z, the last instant a timestamp may hold.
    static let timestampSecondsMax: UInt64 = 253_402_300_799
    static let nanosecondsPerSecond: UInt64 = 1_000_000_000

    /// A valid encoding of the message `descriptor` describes.
    static func encoding(
        _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        random: inout SplitMix64,
        depth: Int = 0
    ) -> [UInt8] {
        let message = descriptor.pointee
        if String(cString: message.name) == "google.protobuf.Timestamp" {
            // Any other instant or fraction is refused by the reader: not a valid message.
            return Self.tag(1, wireType: 0) + Self.varint(random.next() % (Self.timestampSecondsMax + 1))
                + Self.tag(2, wireType: 0) + Self.varint(random.next() % Self.nanosecondsPerSecond)
        }
        var bytes: [UInt8] = []
        for index in 0..<Int(message.n_fields) {
            let field = message.fields[index]
            // About two fields in three present.
            guard random.next() % 3 != 0 else { continue }
            let count =
                field.label == PROTOBUF_C_LABEL_REPEATED ? Int(random.next() % UInt64(Self.repeatedCountMax + 1)) : 1
            for _ in 0..<count {
                bytes += Self.value(field, random: &random, depth: depth)
            }
        }
        return bytes
    }

    /// One occurrence of `field`, tag included (nothing for a sub-message past the depth limit).
    private static func value(
        _ field: ProtobufCFieldDescriptor,
        random: inout SplitMix64,
        depth: Int
    ) -> [UInt8] {
        let number = field.id
        switch field.type {
        case PROTOBUF_C_TYPE_INT32:
            let value = Int64(Int32(truncatingIfNeeded: random.next()))
            return Self.tag(number, wireType: 0) + Self.varint(UInt64(bitPattern: value))
        case PROTOBUF_C_TYPE_UINT32:
            return Self.tag(number, wireType: 0) + Self.varint(random.next() & 0xFFFF_FFFF)
        case PROTOBUF_C_TYPE_SINT32:
            let value = Int32(truncatingIfNeeded: random.next())
            return Self.tag(number, wireType: 0) + Self.varint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_UINT64:
            return Self.tag(number, wireType: 0) + Self.varint(random.next() >> (random.next() % 64))
        case PROTOBUF_C_TYPE_SINT64:
            let value = Int64(bitPattern: random.next())
            return Self.tag(number, wireType: 0) + Self.varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
        case PROTOBUF_C_TYPE_BOOL:
            return Self.tag(number, wireType: 0) + [UInt8(random.next() % 2)]
        case PROTOBUF_C_TYPE_ENUM:
            let enumeration = field.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee
            // Mostly a declared value; sometimes an unknown number, which the reader keeps.
            let value: Int32
            if enumeration.n_values > 0, random.next() % 4 != 0 {
                value = enumeration.values[Int(random.next() % UInt64(enumeration.n_values))].value
            } else {
                value = Int32(truncatingIfNeeded: random.next())
            }
            return Self.tag(number, wireType: 0) + Self.varint(UInt64(bitPattern: Int64(value)))
        case PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_SFIXED32:
            return Self.tag(number, wireType: 5) + Self.littleEndian(random.next(), count: 4)
        case PROTOBUF_C_TYPE_FLOAT:
            // Finite only: a NaN would make a decoded message unequal to itself.
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            let bits = value.isFinite ? value.bitPattern : Float(1.5).bitPattern
            return Self.tag(number, wireType: 5) + Self.littleEndian(UInt64(bits), count: 4)
        case PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_SFIXED64:
            return Self.tag(number, wireType: 1) + Self.littleEndian(random.next(), count: 8)
        case PROTOBUF_C_TYPE_DOUBLE:
            let value = Double(bitPattern: random.next())
            return Self.tag(number, wireType: 1)
                + Self.littleEndian((value.isFinite ? value : 1.5).bitPattern, count: 8)
        case PROTOBUF_C_TYPE_STRING:
            var text = ""
            for _ in 0..<Int(random.next() % UInt64(Self.stringCharactersMax + 1)) {
                text.append(Self.characters[Int(random.next() % UInt64(Self.characters.count))])
            }
            return Self.lengthDelimited(number, Array(text.utf8))
        case PROTOBUF_C_TYPE_BYTES:
            let count = Int(random.next() % UInt64(Self.bytesCountMax + 1))
            return Self.lengthDelimited(number, (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        case PROTOBUF_C_TYPE_MESSAGE:
            guard depth < Self.nestingDepthMax else { return [] }
            let nested = field.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
            return Self.lengthDelimited(number, Self.encoding(nested, random: &random, depth: depth + 1))
        default:
            return []
        }
    }

    static func tag(_ number: UInt32, wireType: UInt32) -> [UInt8] {
        Self.varint(UInt64(number << 3 | wireType))
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    static func littleEndian(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func lengthDelimited(_ number: UInt32, _ payload: [UInt8]) -> [UInt8] {
        Self.tag(number, wireType: 2) + Self.varint(UInt64(payload.count)) + payload
    }
}
