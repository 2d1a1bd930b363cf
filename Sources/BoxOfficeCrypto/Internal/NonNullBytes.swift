extension Array where Element == UInt8 {
    /// Calls `body` with a pointer that is never nil, even for an empty array: some OpenSSL
    /// functions reject a null pointer with a zero length (an empty message is legal to sign).
    func withNonNullBytes<Result>(_ body: (UnsafePointer<UInt8>, Int) throws -> Result) rethrows -> Result {
        if self.isEmpty {
            var placeholder: UInt8 = 0
            return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
        }
        return try self.withUnsafeBufferPointer { try body($0.baseAddress!, $0.count) }
    }
}
