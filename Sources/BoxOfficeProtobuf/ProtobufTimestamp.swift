/// `google.protobuf.Timestamp`: a point in time as seconds and nanoseconds since the Unix epoch,
/// UTC. Proto3 JSON writes it in RFC 3339 (`2024-05-01T12:30:00.250Z`).
public struct ProtobufTimestamp: Hashable, Sendable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z; the valid range is years 0001 to 9999.
    public var seconds: Int64
    /// Nanoseconds within the second, 0 ... 999,999,999.
    public var nanos: Int32

    public init(seconds: Int64 = 0, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// The earliest valid timestamp, 0001-01-01T00:00:00Z.
    public static let secondsMin: Int64 = -62_135_596_800
    /// The latest valid timestamp's seconds, 9999-12-31T23:59:59Z.
    public static let secondsMax: Int64 = 253_402_300_799

    public static func < (lhs: ProtobufTimestamp, rhs: ProtobufTimestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }
}
