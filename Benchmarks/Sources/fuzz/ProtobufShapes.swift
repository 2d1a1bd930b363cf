@_spi(Fuzzing) import BoxOfficeRPCNIO

/// Decoder inputs: random bytes, protobuf-shaped messages (fields with random numbers and wire
/// types, nested length-delimited parts), and such messages with bytes changed, cut or inserted.
enum ProtobufShapes {
    /// Field numbers drawn from 1…this, so that most hit real fields of small messages.
    static let fieldNumberMax: UInt64 = 32
    static let fieldsPerMessageMax: UInt64 = 8
    static let randomBytesMax: UInt64 = 300
    static let nestingDepthMax = 4

    static func input(_ random: inout SplitMix64) -> [UInt8] {
        switch random.next() % 3 {
        case 0:
            return Self.bytes(&random, count: Int(random.next() % Self.randomBytesMax))
        case 1:
            return Self.message(&random, depth: Self.nestingDepthMax)
        default:
            var bytes = Self.message(&random, depth: Self.nestingDepthMax)
            for _ in 0..<(1 + Int(random.next() % 8)) {
                guard !bytes.isEmpty else { break }
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes[position] ^= 1 << UInt8(random.next() % 8)
                case 2: bytes.removeSubrange(position...)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                }
            }
            return bytes
        }
    }

    /// A message of random fields; length-delimited ones hold a string, bytes or a nested message.
    static func message(_ random: inout SplitMix64, depth: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int(random.next() % Self.fieldsPerMessageMax) {
            let number = 1 + random.next() % Self.fieldNumberMax
            switch random.next() % 4 {
            case 0:
                Self.varint(number << 3, into: &bytes)
                Self.varint(random.next() >> (random.next() % 64), into: &bytes)
            case 1:
                Self.varint(number << 3 | 1, into: &bytes)
                bytes += Self.bytes(&random, count: 8)
            case 2:
                Self.varint(number << 3 | 5, into: &bytes)
                bytes += Self.bytes(&random, count: 4)
            default:
                let payload =
                    depth > 0 && random.next() % 2 == 0
                    ? Self.message(&random, depth: depth - 1)
                    : Array("fuzz-\(random.next() % 1000)".utf8)
                Self.varint(number << 3 | 2, into: &bytes)
                Self.varint(UInt64(payload.count), into: &bytes)
                bytes += payload
            }
        }
        return bytes
    }

    static func bytes(_ random: inout SplitMix64, count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    static func varint(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
