import COpenSSL

/// Comparisons whose running time does not depend on where the inputs differ.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes.
    ///
    /// The time taken depends only on the lengths. Inputs of different lengths are unequal; the
    /// content is still scanned once so that the answer does not come back measurably earlier
    /// than for a same-length mismatch.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { left in
            b.withUnsafeBufferPointer { right in
                guard left.count == right.count else {
                    _ = CRYPTO_memcmp(left.baseAddress, left.baseAddress, left.count)
                    return false
                }
                guard left.count > 0 else { return true }
                return CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
