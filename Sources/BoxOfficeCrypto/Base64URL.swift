/// Base64url (RFC 4648 §5) without padding, as JWS, JWK and URL-borne tokens use it.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    // Maps an ASCII byte to its 6-bit value, 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// `bytes` as base64url without `=` padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(alphabet[Int(group >> 6 & 0x3F)])
            output.append(alphabet[Int(group & 0x3F)])
            index += 3
        }
        let remaining = bytes.count - index
        if remaining == 1 {
            let group = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
        } else if remaining == 2 {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(alphabet[Int(group >> 6 & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes that `string` encodes.
    ///
    /// Accepts the unpadded form and, for interoperability, the padded one. Decoding is strict
    /// so that every byte string has exactly one accepted encoding (tokens cannot be altered
    /// into a second valid spelling).
    ///
    /// - Throws: ``CryptoError`` with code `.invalidBase64` for a character outside the
    ///   base64url alphabet (including `+` and `/` of standard base64), an impossible length,
    ///   misplaced padding or non-zero unused bits in the last character.
    public static func decode(_ string: String) throws(CryptoError) -> [UInt8] {
        var input = Array(string.utf8)
        if input.count % 4 == 0 {
            var padding = 0
            while padding < 2, input.last == UInt8(ascii: "=") {
                input.removeLast()
                padding += 1
            }
        }
        if input.count % 4 == 1 {
            throw CryptoError(code: .invalidBase64, message: "base64url input has an impossible length")
        }
        var sextets = [UInt8](repeating: 0, count: input.count)
        for (offset, character) in input.enumerated() {
            let value = values[Int(character)]
            guard value != 0xFF else {
                // The offset helps find the problem; the character itself may be part of a secret.
                throw CryptoError(code: .invalidBase64, message: "invalid base64url character at offset \(offset)")
            }
            sextets[offset] = value
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var index = 0
        while index + 4 <= sextets.count {
            let group =
                UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12 | UInt32(sextets[index + 2]) << 6
                | UInt32(sextets[index + 3])
            output.append(UInt8(group >> 16 & 0xFF))
            output.append(UInt8(group >> 8 & 0xFF))
            output.append(UInt8(group & 0xFF))
            index += 4
        }
        let remaining = sextets.count - index
        if remaining == 2 {
            guard sextets[index + 1] & 0x0F == 0 else { throw Self.nonCanonical() }
            output.append(sextets[index] << 2 | sextets[index + 1] >> 4)
        } else if remaining == 3 {
            guard sextets[index + 2] & 0x03 == 0 else { throw Self.nonCanonical() }
            output.append(sextets[index] << 2 | sextets[index + 1] >> 4)
            output.append(sextets[index + 1] << 4 | sextets[index + 2] >> 2)
        }
        return output
    }

    /// The bytes that `string` encodes, accepting only the unpadded form that JWS compact
    /// serialization requires (RFC 7515 §2): no `=`, no `+` or `/`, no whitespace, canonical
    /// final character. Every byte string has exactly one accepted encoding.
    ///
    /// - Throws: ``CryptoError`` with code `.invalidBase64` for any other input.
    public static func decodeUnpadded(_ string: String) throws(CryptoError) -> [UInt8] {
        // `decode` differs only in stripping trailing padding, and `=` is outside the alphabet.
        if let offset = string.utf8.firstIndex(of: UInt8(ascii: "=")) {
            let position = string.utf8.distance(from: string.utf8.startIndex, to: offset)
            throw CryptoError(code: .invalidBase64, message: "padding in unpadded base64url at offset \(position)")
        }
        return try Self.decode(string)
    }

    private static func nonCanonical() -> CryptoError {
        CryptoError(code: .invalidBase64, message: "base64url input has non-zero unused bits in its last character")
    }
}
