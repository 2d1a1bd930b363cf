import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG, for keys, salts, tokens and ids.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        let result = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        // A seeded DRBG does not fail; if the OS entropy source is gone, continuing would hand
        // out predictable secrets, so stopping is the only safe answer.
        precondition(result == 1, "RAND_bytes failed: \(OpenSSLErrors.drain())")
        return bytes
    }

    /// A random identifier: `byteCount` random bytes as unpadded base64url (22 characters for
    /// the default 16 bytes, i.e. 128 bits).
    public static func identifier(byteCount: Int = 16) -> String {
        Base64URL.encode(Self.bytes(count: byteCount))
    }
}
