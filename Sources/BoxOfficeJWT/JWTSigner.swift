public import BoxOfficeCrypto

/// Signs claims into JWS compact tokens with EdDSA or ES256, with an optional `kid` header.
///
/// The entitlement service issues EdDSA tokens with this; tests and tools use ES256 too.
public struct JWTSigner: Sendable {
    enum Key: Sendable {
        case ed25519(Ed25519PrivateKey)
        case p256(P256PrivateKey)
    }

    private let key: Key
    /// The `kid` header of every token, if any.
    public let kid: String?

    private init(_ key: Key, kid: String?) {
        self.key = key
        self.kid = kid
    }

    /// A signer issuing EdDSA tokens.
    public static func ed25519(privateKey: Ed25519PrivateKey, kid: String?) -> JWTSigner {
        JWTSigner(.ed25519(privateKey), kid: kid)
    }

    /// A signer issuing ES256 tokens.
    public static func p256(privateKey: P256PrivateKey, kid: String?) -> JWTSigner {
        JWTSigner(.p256(privateKey), kid: kid)
    }

    /// A signer issuing ES256 tokens with the key in a PEM `PRIVATE KEY` (PKCS#8) or
    /// `EC PRIVATE KEY` (SEC1) block.
    ///
    /// - Throws: ``JWTError`` `.invalidKey` when the block holds no unencrypted P-256 private key.
    public static func p256(privateKeyPEM: String, kid: String?) throws(JWTError) -> JWTSigner {
        do {
            return .p256(privateKey: try P256PrivateKey(pem: privateKeyPEM), kid: kid)
        } catch {
            throw JWTError(code: .invalidKey, message: "P-256 private key PEM", underlying: error)
        }
    }

    /// The algorithm of every token.
    public var algorithm: JWTAlgorithm {
        switch self.key {
        case .ed25519: .edDSA
        case .p256: .es256
        }
    }

    /// The key that verifies this signer's tokens, with the same `kid`: put it in a
    /// ``JWTVerifier`` or publish it with ``JWTPublicKey/jwks(_:)``.
    public var publicKey: JWTPublicKey {
        switch self.key {
        case .ed25519(let key): .ed25519(key.publicKey, kid: self.kid)
        case .p256(let key): .p256(key.publicKey, kid: self.kid)
        }
    }

    /// The token `header.payload.signature` whose payload is `claims` and whose header is
    /// `{"alg":…,"kid":…,"typ":"JWT"}`.
    ///
    /// The claims are signed as given: set `exp` (seconds since 1970, a number), `iss`, `aud`
    /// and `sub` for tokens that ``JWTVerifier`` is to accept.
    ///
    /// - Throws: ``JWTError`` `.signingFailed` when OpenSSL fails.
    public func sign(_ claims: [String: JSONValue]) throws(JWTError) -> String {
        var header: [String: JSONValue] = ["alg": .string(self.algorithm.name), "typ": "JWT"]
        if let kid = self.kid { header["kid"] = .string(kid) }
        let signingInput =
            Base64URL.encode(JSONCoding.encodeBytes(.object(header))) + "."
            + Base64URL.encode(JSONCoding.encodeBytes(.object(claims)))
        let signature: [UInt8]
        do {
            switch self.key {
            case .ed25519(let key): signature = try key.signature(for: Array(signingInput.utf8))
            case .p256(let key): signature = try key.signature(for: Array(signingInput.utf8))
            }
        } catch {
            throw JWTError(code: .signingFailed, message: "\(self.algorithm) signing failed", underlying: error)
        }
        return signingInput + "." + Base64URL.encode(signature)
    }
}
