/// A JWS signature algorithm (RFC 7518 §3.1, RFC 8037 §3.1) this module implements.
///
/// Each key type has exactly one algorithm, so a token cannot choose how its signature is checked.
public struct JWTAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The `alg` header value.
    public let name: String

    private init(_ name: String) { self.name = name }

    /// EdDSA with Ed25519 (RFC 8037).
    public static let edDSA = JWTAlgorithm("EdDSA")
    /// ECDSA with P-256 and SHA-256 (RFC 7518 §3.4).
    public static let es256 = JWTAlgorithm("ES256")

    /// The implemented algorithm called `name`, or nil (`none`, `HS256`, `RS256`, anything else).
    init?(name: String) {
        switch name {
        case Self.edDSA.name: self = .edDSA
        case Self.es256.name: self = .es256
        default: return nil
        }
    }

    public var description: String { self.name }
}
