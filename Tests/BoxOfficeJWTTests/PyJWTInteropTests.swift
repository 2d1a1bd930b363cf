import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation
import TestSupport
import Testing

/// Tokens against the reference implementation, PyJWT with `cryptography` (in the test-tool
/// virtualenv, `TestEnvironment.python`), with keys made by the openssl CLI: PyJWT's tokens verify
/// with ours, ours verify with PyJWT, for EdDSA and ES256, and PyJWT reads our JWKS.
@Suite("JWTs interoperate with PyJWT")
struct PyJWTInteropTests {
    static let script =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        + "/Interop/pyjwt_interop.py"

    struct KeyKind: Sendable, CustomStringConvertible {
        var algorithm: JWTAlgorithm
        var genpkey: [String]
        var description: String { self.algorithm.name }
    }

    static let kinds = [
        KeyKind(algorithm: .edDSA, genpkey: ["openssl", "genpkey", "-algorithm", "ed25519"]),
        KeyKind(
            algorithm: .es256,
            genpkey: ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        ),
    ]

    /// A fresh key pair from the openssl CLI: the PKCS#8 private key PEM and the SPKI public key PEM.
    static func opensslKeyPair(_ kind: KeyKind) throws -> (privatePEM: String, publicPEM: String) {
        let privatePEM = try ChildProcess.run(kind.genpkey)
        let publicPEM = String(
            decoding: try ChildProcess.run(["openssl", "pkey", "-pubout"], input: Array(privatePEM.utf8)),
            as: UTF8.self
        )
        return (privatePEM, publicPEM)
    }

    static func python(_ request: [String: Any]) throws -> [String: Any] {
        let input = try JSONSerialization.data(withJSONObject: request)
        let output = try ChildProcess.run([TestEnvironment.python, Self.script], input: [UInt8](input))
        return try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
    }

    /// Claims valid on the real clock, because PyJWT checks times against it.
    static func claims(subject: String) -> [String: JSONValue] {
        let now = Int(Date().timeIntervalSince1970)
        return [
            "sub": .string(subject), "iss": .string(Fixtures.issuer), "aud": .string(Fixtures.audience),
            "exp": .number(Double(now + 300)), "iat": .number(Double(now)), "roles": ["admin"],
        ]
    }

    static func signer(_ kind: KeyKind, privatePEM: String, kid: String?) throws -> JWTSigner {
        kind.algorithm == .edDSA
            ? .ed25519(privateKey: try Ed25519PrivateKey(pem: privatePEM), kid: kid)
            : try .p256(privateKeyPEM: privatePEM, kid: kid)
    }

    @Test(arguments: kinds)
    func pyJWTTokensVerifyWithOurs(_ kind: KeyKind) throws {
        let (privatePEM, publicPEM) = try Self.opensslKeyPair(kind)
        let subject = UUID().uuidString.lowercased()
        let claims: [String: Any] = [
            "sub": subject, "iss": Fixtures.issuer, "aud": ["other", Fixtures.audience],
            "exp": Int(Date().timeIntervalSince1970) + 300, "roles": ["admin"], "extra": ["n": 1.5],
        ]
        let key = try JWTPublicKey.pem(publicPEM, kid: "py-1")
        #expect(key.algorithm == kind.algorithm)
        let verifier = JWTVerifier(keys: [key], issuer: Fixtures.issuer, audience: Fixtures.audience)
        for kid: String? in ["py-1", nil] {
            var request: [String: Any] = [
                "op": "sign", "alg": kind.algorithm.name, "private_pem": privatePEM, "claims": claims,
            ]
            request["kid"] = kid
            let token = try #require(try Self.python(request)["token"] as? String)
            let verified = try verifier.verify(token)
            #expect(verified.subject == subject)
            #expect(verified.audience == ["other", Fixtures.audience])
            #expect(verified.roles == ["admin"])
            #expect(verified.all["extra"] == ["n": 1.5])

            // One changed payload character and the signature no longer holds.
            var parts = token.split(separator: ".").map(String.init)
            let payload = try Base64URL.decodeUnpadded(parts[1])
            parts[1] = Base64URL.encode(
                Array(String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "admin", with: "adman").utf8)
            )
            #expect(verifier.refusal(parts.joined(separator: "."), now: Date()) == .badSignature)
        }
    }

    @Test(arguments: kinds)
    func ourTokensVerifyWithPyJWT(_ kind: KeyKind) throws {
        let (privatePEM, publicPEM) = try Self.opensslKeyPair(kind)
        let signer = try Self.signer(kind, privatePEM: privatePEM, kid: "ours-1")
        let subject = UUID().uuidString.lowercased()
        let token = try signer.sign(Self.claims(subject: subject))
        let answer = try Self.python([
            "op": "verify", "alg": kind.algorithm.name, "public_pem": publicPEM, "token": token,
            "issuer": Fixtures.issuer, "audience": Fixtures.audience,
        ])
        #expect(answer["error"] == nil, "PyJWT refused our token: \(answer["error"] ?? "")")
        let claims = try #require(answer["claims"] as? [String: Any])
        #expect(claims["sub"] as? String == subject)
        #expect(claims["roles"] as? [String] == ["admin"])
        let header = try #require(answer["header"] as? [String: String])
        #expect(header == ["alg": kind.algorithm.name, "kid": "ours-1", "typ": "JWT"])

        // PyJWT refuses our token under a key of the other openssl pair: the check is real.
        let (_, strangerPEM) = try Self.opensslKeyPair(kind)
        let refused = try Self.python([
            "op": "verify", "alg": kind.algorithm.name, "public_pem": strangerPEM, "token": token,
            "issuer": Fixtures.issuer, "audience": Fixtures.audience,
        ])
        #expect(refused["error"] as? String == "InvalidSignatureError")
    }

    @Test func pyJWTVerifiesOurTokensWithKeysFromOurJWKS() throws {
        let ed = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: "ent-ed")
        let ec = JWTSigner.p256(privateKey: try P256PrivateKey(), kid: "ent-ec")
        let jwks = JWTPublicKey.jwks([ed.publicKey, ec.publicKey])
        for signer in [ed, ec] {
            let answer = try Self.python([
                "op": "verify", "alg": signer.algorithm.name, "jwks": jwks, "kid": signer.kid!,
                "token": try signer.sign(Self.claims(subject: "s")), "issuer": Fixtures.issuer,
                "audience": Fixtures.audience,
            ])
            #expect(answer["error"] == nil, "\(signer.algorithm): \(answer["error"] ?? "")")
            #expect((answer["claims"] as? [String: Any])?["sub"] as? String == "s")
        }
    }

    @Test func opensslSEC1AndPKCS8PrivateKeysLoad() throws {
        let sec1 = try ChildProcess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"])
        #expect(sec1.contains("BEGIN EC PRIVATE KEY"))
        let fromSEC1 = try P256PrivateKey(pem: sec1)
        let publicPEM = String(
            decoding: try ChildProcess.run(["openssl", "ec", "-pubout"], input: Array(sec1.utf8)),
            as: UTF8.self
        )
        #expect(try P256PublicKey(pem: publicPEM).x == fromSEC1.publicKey.x)
        let pkcs8 = String(
            decoding: try ChildProcess.run(["openssl", "pkcs8", "-topk8", "-nocrypt"], input: Array(sec1.utf8)),
            as: UTF8.self
        )
        let fromPKCS8 = try P256PrivateKey(pem: pkcs8)
        #expect(fromPKCS8.publicKey.x == fromSEC1.publicKey.x)
        #expect(fromPKCS8.publicKey.y == fromSEC1.publicKey.y)
        // A signature by one verifies under the key openssl derived.
        let message = Array("ticket".utf8)
        #expect(try P256PublicKey(pem: publicPEM).isValidSignature(try fromSEC1.signature(for: message), for: message))
    }
}
