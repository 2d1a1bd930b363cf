import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation
import Testing

@Suite struct JWTRoundTripTests {
    static func signers() throws -> [JWTSigner] {
        [
            .ed25519(privateKey: try Ed25519PrivateKey(), kid: "ed-1"),
            .p256(privateKey: try P256PrivateKey(), kid: "ec-1"),
            .ed25519(privateKey: try Ed25519PrivateKey(), kid: nil),
            .p256(privateKey: try P256PrivateKey(), kid: nil),
        ]
    }

    @Test func signedTokensVerifyWithEveryClaim() throws {
        for signer in try Self.signers() {
            var claims = Fixtures.validClaims()
            claims["aud"] = ["billing", .string(Fixtures.audience)]
            claims["nbf"] = .number(Double(Fixtures.nowSeconds - 5))
            claims["jti"] = "token-7"
            claims["roles"] = ["admin", "support"]
            claims["plan"] = ["tier": "gold", "seats": 5]
            let token = try signer.sign(claims)
            let verified = try Fixtures.verifier([signer.publicKey]).verify(token, now: Fixtures.now)
            #expect(verified.subject == claims["sub"]?.stringValue)
            #expect(verified.issuer == Fixtures.issuer)
            #expect(verified.audience == ["billing", Fixtures.audience])
            #expect(verified.expiresAt == Date(timeIntervalSince1970: Double(Fixtures.nowSeconds + 600)))
            #expect(verified.issuedAt == Date(timeIntervalSince1970: Double(Fixtures.nowSeconds - 10)))
            #expect(verified.notBefore == Date(timeIntervalSince1970: Double(Fixtures.nowSeconds - 5)))
            #expect(verified.id == "token-7")
            #expect(verified.roles == ["admin", "support"])
            #expect(verified.all == claims, "\(signer.algorithm)")
        }
    }

    @Test func headerNamesAlgorithmKidAndType() throws {
        for signer in try Self.signers() {
            let token = try signer.sign(Fixtures.validClaims())
            let header = try Base64URL.decodeUnpadded(String(token.split(separator: ".")[0]))
            let object = try JSONDecoder().decode([String: String].self, from: Data(header))
            var expected = ["alg": signer.algorithm.name, "typ": "JWT"]
            expected["kid"] = signer.kid
            #expect(object == expected)
        }
    }

    @Test func optionalClaimsMayBeAbsent() throws {
        let signer = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: nil)
        var claims = Fixtures.validClaims()
        claims["iat"] = nil
        let verified = try Fixtures.verifier([signer.publicKey]).verify(try signer.sign(claims), now: Fixtures.now)
        #expect(verified.issuedAt == nil)
        #expect(verified.notBefore == nil)
        #expect(verified.id == nil)
        #expect(verified.roles == [])
    }

    @Test func numericDatesAreWrittenAsIntegers() throws {
        let signer = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: nil)
        let token = try signer.sign(Fixtures.validClaims())
        let payload = String(
            decoding: try Base64URL.decodeUnpadded(String(token.split(separator: ".")[1])),
            as: UTF8.self
        )
        #expect(payload.contains("\"exp\":\(Fixtures.nowSeconds + 600),"))
    }

    @Test func verifierFindsTheKeyByKidAmongSeveral() throws {
        let signers = try Self.signers().filter { $0.kid != nil }
        let verifier = Fixtures.verifier(signers.map(\.publicKey))
        for signer in signers {
            #expect(verifier.refusal(try signer.sign(Fixtures.validClaims())) == nil)
        }
    }

    @Test func withoutKidEveryKeyOfTheAlgorithmIsTried() throws {
        let first = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: nil)
        let second = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: nil)
        let stranger = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: nil)
        let verifier = Fixtures.verifier([first.publicKey, second.publicKey])
        #expect(verifier.refusal(try first.sign(Fixtures.validClaims())) == nil)
        #expect(verifier.refusal(try second.sign(Fixtures.validClaims())) == nil)
        #expect(verifier.refusal(try stranger.sign(Fixtures.validClaims())) == .badSignature)
    }

    @Test func p256SignerLoadsPEMAndRefusesOtherKeys() throws {
        let key = try P256PrivateKey()
        let signer = try JWTSigner.p256(privateKeyPEM: key.pemRepresentation, kid: "k")
        let verifier = Fixtures.verifier([.p256(key.publicKey, kid: "k")])
        #expect(verifier.refusal(try signer.sign(Fixtures.validClaims())) == nil)
        #expect(throws: JWTError.self) { try JWTSigner.p256(privateKeyPEM: "not a key", kid: nil) }
        let edPEM = try Ed25519PrivateKey().pemRepresentation
        do {
            _ = try JWTSigner.p256(privateKeyPEM: edPEM, kid: nil)
            Issue.record("an Ed25519 key made a P-256 signer")
        } catch {
            #expect(error.code == .invalidKey)
        }
    }
}
