/// Base64 for proto3 JSON bytes: writes the standard alphabet with padding, reads both alphabets
/// with or without padding (as the reference implementations do).
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )

    static func encode(_ bytes: [UInt8], into output: inout [UInt8]) {
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
            output.append(self.alphabet[Int(value >> 6 & 63)])
            output.append(self.alphabet[Int(value & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var value = UInt32(bytes[index]) << 16
            if rest == 2 { value |= UInt32(bytes[index + 1]) << 8 }
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
            output.append(rest == 2 ? self.alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
    }

    /// Decodes base64 in either alphabet (the two may mix), with or without padding: groups of
    /// four characters, then at most one group of two or three, padded with `==` or `=` or not at
    /// all; the bits past the last byte must be zero. Anything else is nil, so that one text
    /// means one value.
    static func decode(_ text: String) -> [UInt8]? {
        var utf8 = Substring(text).utf8[...]
        var padding = 0
        while padding < 2, utf8.last == UInt8(ascii: "=") {
            utf8 = utf8.dropLast()
            padding += 1
        }
        let remainder = utf8.count % 4
        guard remainder != 1, padding == 0 || padding == 4 - remainder else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { return nil }
        return output
    }
}
