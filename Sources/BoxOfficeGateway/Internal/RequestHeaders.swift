import HTTPTypes

/// Validation of the request headers the gateway reads itself.
enum RequestHeaders {
    static let requestID = HTTPField.Name("X-Request-ID")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// Set by load balancers and proxies: the addresses a request passed through, client first.
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The longest client `X-Request-ID` kept; longer ones are replaced by a fresh id.
    static let requestIDLengthMax = 128
    /// The longest `Idempotency-Key` accepted (API.md: 1–255 characters).
    static let idempotencyKeyLengthMax = 255

    /// The client's id when it is 1–128 characters of `[A-Za-z0-9._-]`, else nil.
    static func validRequestID(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= Self.requestIDLengthMax else { return nil }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return nil
            }
        }
        return value
    }

    /// A new random id: 32 lowercase hex digits (128 bits).
    static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return Self.hex(high) + Self.hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// True when `key` is 1–255 visible ASCII characters (`!` through `~`), the OpenAPI
    /// pattern `^[!-~]+$` the generator publishes.
    static func isValidIdempotencyKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= Self.idempotencyKeyLengthMax else { return false }
        return key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
