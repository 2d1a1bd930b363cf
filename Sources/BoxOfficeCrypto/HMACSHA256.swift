import COpenSSL

/// HMAC with SHA-256 (RFC 2104, RFC 4231).
public enum HMACSHA256 {
    /// The length of an authentication code.
    public static let codeByteCount = 32

    /// The HMAC-SHA-256 of `message` under `key`.
    ///
    /// Compare codes with ``ConstantTime/equals(_:_:)``, never with `==`.
    public static func authenticationCode(for message: some Collection<UInt8>, key: [UInt8]) -> [UInt8] {
        if let code = message.withContiguousStorageIfAvailable({ Self.compute($0, key: key) }) {
            return code
        }
        return Array(message).withUnsafeBufferPointer { Self.compute($0, key: key) }
    }

    /// The HMAC-SHA-256 of `message` under `key`.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        message.withUnsafeBufferPointer { Self.compute($0, key: key) }
    }

    private static func compute(_ message: UnsafeBufferPointer<UInt8>, key: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: Self.codeByteCount)
        var length: UInt32 = 0
        let result = key.withUnsafeBufferPointer { keyBytes in
            code.withUnsafeMutableBufferPointer { output in
                // An empty key is legal for HMAC; OpenSSL wants a non-null pointer for it.
                withUnsafePointer(to: UInt8(0)) { empty in
                    HMAC(
                        EVP_sha256(),
                        keyBytes.baseAddress ?? UnsafeRawPointer(empty).assumingMemoryBound(to: UInt8.self),
                        Int32(keyBytes.count),
                        message.baseAddress ?? UnsafeRawPointer(empty).assumingMemoryBound(to: UInt8.self),
                        message.count,
                        output.baseAddress,
                        &length
                    )
                }
            }
        }
        // HMAC with SHA-256 only fails on allocation failure, which Swift treats as fatal too.
        precondition(result != nil && Int(length) == Self.codeByteCount, "HMAC-SHA-256 failed")
        return code
    }
}
