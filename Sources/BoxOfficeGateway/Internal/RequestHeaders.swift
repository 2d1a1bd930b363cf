import HTTPTypes
import Synchronization

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

    /// A new id: 32 lowercase hex digits (128 bits), unique within this process and, through its
    /// random half, across processes. The first 64 bits are drawn once per process and the second
    /// are a counter: a request id is a correlation key, not a secret (a client may send its own),
    /// so it needs uniqueness, not two `getrandom` calls per request.
    static func newRequestID() -> String {
        let sequence = Self.requestSequence.wrappingAdd(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 32) { digits in
            Self.writeHex(Self.processRandom, into: digits, at: 0)
            Self.writeHex(sequence, into: digits, at: 16)
            return 32
        }
    }

    /// The random half of every id this process makes.
    private static let processRandom: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    /// The counting half.
    private static let requestSequence = Atomic<UInt64>(0)

    /// Writes `value` as 16 lowercase hex digits at `offset`.
    private static func writeHex(_ value: UInt64, into digits: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        let alphabet: StaticString = "0123456789abcdef"
        for index in 0..<16 {
            let nibble = Int((value >> UInt64(60 - 4 * index)) & 0xF)
            digits[offset + index] = alphabet.utf8Start[nibble]
        }
    }

    /// True when `key` is 1–255 visible ASCII characters (`!` through `~`), the OpenAPI
    /// pattern `^[!-~]+$` the generator publishes.
    static func isValidIdempotencyKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= Self.idempotencyKeyLengthMax else { return false }
        return key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
