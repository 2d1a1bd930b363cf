public import struct Foundation.Date

extension Date: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .timestamptz }

    // Postgres counts microseconds from 2000-01-01 UTC, Foundation seconds from 2001-01-01 UTC:
    // 366 days apart (2000 was a leap year).
    private static let postgresEpochToReferenceMicroseconds: Int64 = 366 * 86_400 * 1_000_000

    /// Sends the instant rounded to the microsecond, Postgres's resolution;
    /// `Date.distantFuture` and `Date.distantPast` are sent as `infinity` and `-infinity`.
    public func encodePostgresBinary(into bytes: inout [UInt8]) -> Bool {
        if self == .distantFuture || self == .distantPast {
            PostgresInteger.append(self == .distantFuture ? Int64.max : Int64.min, to: &bytes)
            return true
        }
        let microseconds = (self.timeIntervalSinceReferenceDate * 1_000_000).rounded()
        // Beyond ±292,000 years an Int64 overflows; clamp to Postgres's ±infinity.
        let clamped: Int64 =
            microseconds >= 9.2e18 ? .max : microseconds <= -9.2e18 ? .min : Int64(microseconds)
        let value =
            clamped == .max || clamped == .min ? clamped : clamped + Self.postgresEpochToReferenceMicroseconds
        PostgresInteger.append(value, to: &bytes)
        return true
    }

    /// Decodes timestamptz (and timestamp, read as UTC). `infinity` and `-infinity` become
    /// `Date.distantFuture` and `Date.distantPast`.
    public static func decodePostgresBinary(
        from bytes: UnsafeRawBufferPointer?,
        type: PostgresDataType
    ) throws(PostgresError) -> Date {
        let bytes = try nonNull(bytes)
        guard type == .timestamptz || type == .timestamp, bytes.count == 8 else { throw mismatch(type) }
        let microseconds = Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
        if microseconds == .max { return .distantFuture }
        if microseconds == .min { return .distantPast }
        // Subtract in integers first so the one rounding happens in the division.
        let sinceReference = microseconds - postgresEpochToReferenceMicroseconds
        return Date(timeIntervalSinceReferenceDate: Double(sinceReference) / 1_000_000)
    }
}
