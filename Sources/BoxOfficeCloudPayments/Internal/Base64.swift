import BoxOfficeCrypto

/// Standard base64 with padding (RFC 4648 §4), as Basic auth and `Content-HMAC` use it, built on
/// BoxOfficeCrypto's base64url by swapping the two alphabet characters that differ.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        var text = String(
            Base64URL.encode(bytes).map { character -> Character in
                switch character {
                case "-": "+"
                case "_": "/"
                default: character
                }
            }
        )
        while text.utf8.count % 4 != 0 { text += "=" }
        return text
    }
}
