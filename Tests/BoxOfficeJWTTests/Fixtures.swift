import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation

/// Keys, clock and hand-made tokens shared by the suites.
enum Fixtures {
    static let issuer = "https://auth.boxoffice.test"
    static let audience = "boxoffice-gateway"
    /// A fixed "now" (2026-01-01T00:00:00Z), so time checks do not depend on the test machine's clock.
    static let now = Date(timeIntervalSince1970: 1_767_225_600)
    static let nowSeconds = Int(now.timeIntervalSince1970)
    static let leewaySeconds = 60

    /// Claims every check accepts at ``now``.
    static func validClaims(subject: String = "6f1c2a4e-8b3d-4c5f-9a7e-0d1b2c3d4e5f") -> [String: JSONValue] {
        [
            "sub": .string(subject),
            "iss": .string(issuer),
            "aud": .string(audience),
            "exp": .number(Double(nowSeconds + 600)),
            "iat": .number(Double(nowSeconds - 10)),
        ]
    }

    static func verifier(_ keys: [JWTPublicKey]) -> JWTVerifier {
        JWTVerifier(keys: keys, issuer: issuer, audience: audience, leewaySeconds: leewaySeconds)
    }

    /// Signing keys for hand-made tokens.
    enum SigningKey {
        case ed25519(Ed25519PrivateKey)
        case p256(P256PrivateKey)
        case hmac([UInt8])

        func signature(for message: [UInt8]) throws -> [UInt8] {
            switch self {
            case .ed25519(let key): try key.signature(for: message)
            case .p256(let key): try key.signature(for: message)
            case .hmac(let secret): HMACSHA256.authenticationCode(for: message, key: secret)
            }
        }
    }

    /// A token with exactly the given header and payload text, correctly signed with `key`:
    /// for refusals that must come from a check other than the signature.
    static func token(header: String, payload: String, key: SigningKey) throws -> String {
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return signingInput + "." + Base64URL.encode(try key.signature(for: Array(signingInput.utf8)))
    }

    /// The compact JSON of `claims`.
    static func json(_ claims: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(claims), as: UTF8.self)
    }
}

extension JWTVerifier {
    /// The code of the error `verify` throws, nil when it accepts the token.
    func refusal(_ token: String, now: Date = Fixtures.now) -> JWTError.Code? {
        do {
            _ = try self.verify(token, now: now)
            return nil
        } catch {
            return error.code
        }
    }
}
