import BoxOfficeCrypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension JWTPublicKey {
    /// The key as a JSON Web Key (RFC 7517) with `alg` and `"use": "sig"`: an OKP key
    /// (RFC 8037 §2) for Ed25519, an EC key (RFC 7518 §6.2) for P-256; `kid` when the key has one.
    public var jwk: [String: JSONValue] {
        var jwk: [String: JSONValue] = ["alg": .string(self.algorithm.name), "use": "sig"]
        switch self.material {
        case .ed25519(let key):
            jwk["kty"] = "OKP"
            jwk["crv"] = "Ed25519"
            jwk["x"] = .string(Base64URL.encode(key.rawRepresentation))
        case .p256(let key):
            jwk["kty"] = "EC"
            jwk["crv"] = "P-256"
            jwk["x"] = .string(Base64URL.encode(key.x))
            jwk["y"] = .string(Base64URL.encode(key.y))
        }
        if let kid = self.kid { jwk["kid"] = .string(kid) }
        return jwk
    }

    /// The JSON text of a JWK Set (RFC 7517 §5), `{"keys":[…]}`, for serving at
    /// `/.well-known/jwks.json`. Keys keep their order; members are sorted within each key so
    /// the text is stable.
    public static func jwks(_ keys: [JWTPublicKey]) -> String {
        JSONCoding.encode(.object(["keys": .array(keys.map { .object($0.jwk) })]))
    }
}
