import COpenSSL

/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    /// The length of a digest.
    public static let digestByteCount = 32

    /// The SHA-256 digest of `data`.
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Self.digestByteCount)
        data.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                // The one-shot SHA256 cannot fail: it allocates nothing.
                _ = COpenSSL.SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest
    }
}
