/// Limits on untrusted input. protobuf-c has none of its own: it would allocate whatever a length
/// prefix claims and recurse as deep as the input nests, so every decode checks these first.
public enum ProtobufLimits {
    /// Larger protobuf input is refused with `RESOURCE_EXHAUSTED` before any decoding.
    public static let messageBytesMax = 4 * 1024 * 1024
    /// Deeper nested messages are refused with `INVALID_ARGUMENT` (checked on the wire, before
    /// protobuf-c's recursive unpacking runs).
    public static let nestingDepthMax = 64
    /// What one decode may allocate: protobuf-c's structs can be many times the wire size
    /// (an empty sub-message is 2 bytes on the wire and a whole C struct in memory).
    public static let decodeArenaBytesMax = 64 * 1024 * 1024
    /// Larger JSON input is refused with `RESOURCE_EXHAUSTED` before parsing.
    public static let jsonBytesMax = 4 * 1024 * 1024
    /// Deeper nested JSON objects and arrays are refused with `INVALID_ARGUMENT`.
    public static let jsonNestingDepthMax = 128
}
