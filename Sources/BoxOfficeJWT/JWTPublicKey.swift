public import BoxOfficeCrypto

/// A key that verifies tokens, with its optional key id.
///
/// The algorithm is tied to the key type (Ed25519 → EdDSA, P-256 → ES256), so a token cannot
/// make the verifier use a key with another algorithm (algorithm confusion).
public struct JWTPublicKey: Sendable, CustomStringConvertible {
    enum Material: Sendable {
        case ed25519(Ed25519PublicKey)
        case p256(P256PublicKey)
    }

    let material: Material

    /// The key id a token's `kid` header must equal to select this key; nil for a key that is
    /// tried only for tokens without `kid`.
    public let kid: String?

    /// The one algorithm this key verifies.
    public var algorithm: JWTAlgorithm {
        switch self.material {
        case .ed25519: .edDSA
        case .p256: .es256
        }
    }

    private init(_ material: Material, kid: String?) {
        self.material = material
        self.kid = kid
    }

    /// An EdDSA key from its 32 raw bytes (an OKP JWK's `x`, base64url-decoded).
    ///
    /// - Throws: ``JWTError`` `.invalidKey` when the key is not 32 bytes.
    public static func ed25519(raw: [UInt8], kid: String?) throws(JWTError) -> JWTPublicKey {
        do {
            return .ed25519(try Ed25519PublicKey(rawRepresentation: raw), kid: kid)
        } catch {
            throw JWTError(code: .invalidKey, message: "Ed25519 public key", underlying: error)
        }
    }

    /// An EdDSA key.
    public static func ed25519(_ key: Ed25519PublicKey, kid: String?) -> JWTPublicKey {
        JWTPublicKey(.ed25519(key), kid: kid)
    }

    /// An ES256 key from a PEM `PUBLIC KEY` block.
    ///
    /// - Throws: ``JWTError`` `.invalidKey` when the block holds no P-256 public key.
    public static func p256(pem: String, kid: String?) throws(JWTError) -> JWTPublicKey {
        do {
            return .p256(try P256PublicKey(pem: pem), kid: kid)
        } catch {
            throw JWTError(code: .invalidKey, message: "P-256 public key PEM", underlying: error)
        }
    }

    /// An ES256 key from the affine coordinates of an EC JWK (`x`, `y`, base64url-decoded).
    ///
    /// - Throws: ``JWTError`` `.invalidKey` when a coordinate is not 32 bytes or the point is
    ///   not on the curve.
    public static func p256(x: [UInt8], y: [UInt8], kid: String?) throws(JWTError) -> JWTPublicKey {
        do {
            return .p256(try P256PublicKey(x: x, y: y), kid: kid)
        } catch {
            throw JWTError(code: .invalidKey, message: "P-256 JWK coordinates", underlying: error)
        }
    }

    /// An ES256 key.
    public static func p256(_ key: P256PublicKey, kid: String?) -> JWTPublicKey {
        JWTPublicKey(.p256(key), kid: kid)
    }

    /// An EdDSA or ES256 key from a PEM `PUBLIC KEY` block, by the type of key it holds.
    ///
    /// - Throws: ``JWTError`` `.invalidKey` when the block holds no key, or one that is neither
    ///   Ed25519 nor P-256.
    public static func pem(_ pem: String, kid: String?) throws(JWTError) -> JWTPublicKey {
        let key: PEMPublicKey
        do {
            key = try PEMPublicKey(pem: pem)
        } catch {
            throw JWTError(code: .invalidKey, message: "PEM public key", underlying: error)
        }
        switch key {
        case .ed25519(let key): return .ed25519(key, kid: kid)
        case .p256(let key): return .p256(key, kid: kid)
        }
    }

    /// True when `signature` signs `message` under this key's algorithm.
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch self.material {
        case .ed25519(let key): key.isValidSignature(signature, for: message)
        case .p256(let key): key.isValidSignature(signature, for: message)
        }
    }

    public var description: String {
        let key: String =
            switch self.material {
            case .ed25519(let key): "\(key)"
            case .p256(let key): "\(key)"
            }
        return "JWTPublicKey(\(self.algorithm), kid: \(self.kid ?? "none"), \(key))"
    }
}
