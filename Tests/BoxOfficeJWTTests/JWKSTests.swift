import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation
import Testing

@Suite struct JWKSTests {
    @Test func rendersOKPAndECKeys() throws {
        let edKey = try Ed25519PrivateKey()
        let ecKey = try P256PrivateKey()
        let jwks = JWTPublicKey.jwks([.ed25519(edKey.publicKey, kid: "ed-2026"), .p256(ecKey.publicKey, kid: nil)])
        let parsed = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(jwks.utf8))
        #expect(
            parsed == [
                "keys": [
                    [
                        "kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(edKey.publicKey.rawRepresentation),
                        "kid": "ed-2026", "alg": "EdDSA", "use": "sig",
                    ],
                    [
                        "kty": "EC", "crv": "P-256", "x": Base64URL.encode(ecKey.publicKey.x),
                        "y": Base64URL.encode(ecKey.publicKey.y), "alg": "ES256", "use": "sig",
                    ],
                ]
            ]
        )
        #expect(
            jwks.hasPrefix(#"{"keys":[{"alg":"EdDSA","crv":"Ed25519","kid":"ed-2026","kty":"OKP","use":"sig","x":""#)
        )
    }

    @Test func jwkCoordinatesRoundTripIntoAVerifier() throws {
        let signer = JWTSigner.p256(privateKey: try P256PrivateKey(), kid: "ec")
        let jwk = signer.publicKey.jwk
        let key = try JWTPublicKey.p256(
            x: Base64URL.decodeUnpadded(try #require(jwk["x"]?.stringValue)),
            y: Base64URL.decodeUnpadded(try #require(jwk["y"]?.stringValue)),
            kid: jwk["kid"]?.stringValue
        )
        #expect(Fixtures.verifier([key]).refusal(try signer.sign(Fixtures.validClaims())) == nil)
    }

    @Test func rfc8037PublicJWKRendersAsInTheRFC() throws {
        // RFC 8037 Appendix A.2's public key.
        let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        let key = try JWTPublicKey.ed25519(raw: Base64URL.decodeUnpadded(x), kid: nil)
        #expect(
            JWTPublicKey.jwks([key])
                == #"{"keys":[{"alg":"EdDSA","crv":"Ed25519","kty":"OKP","use":"sig","x":"\#(x)"}]}"#
        )
    }

    @Test func invalidKeysAreRefused() throws {
        #expect(throws: JWTError.self) { try JWTPublicKey.ed25519(raw: [UInt8](repeating: 1, count: 31), kid: nil) }
        // (1, 1) is not on P-256.
        var one = [UInt8](repeating: 0, count: 32)
        one[31] = 1
        do {
            _ = try JWTPublicKey.p256(x: one, y: one, kid: nil)
            Issue.record("a point off the curve was accepted")
        } catch {
            #expect(error.code == .invalidKey)
        }
        #expect(throws: JWTError.self) {
            try JWTPublicKey.pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", kid: nil)
        }
        let edPEM = try Ed25519PrivateKey().publicKey.pemRepresentation
        #expect(throws: JWTError.self) { try JWTPublicKey.p256(pem: edPEM, kid: nil) }
        #expect(try JWTPublicKey.pem(edPEM, kid: nil).algorithm == .edDSA)
    }
}
