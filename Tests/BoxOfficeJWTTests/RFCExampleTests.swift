import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation
import Testing

/// The signed examples of the JOSE RFCs, verified with the keys the RFCs give.
@Suite struct RFCExampleTests {
    // RFC 7515 Appendix A.3: ES256. Payload {"iss":"joe","exp":1300819380,"http://example.com/is_root":true}.
    static let es256X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
    static let es256Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
    static let es256Token =
        "eyJhbGciOiJFUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
    // Its exp is 2011-03-22T18:43:00Z; an hour earlier it is valid.
    static let es256Now = Date(timeIntervalSince1970: 1_300_819_380 - 3600)

    // RFC 8037 Appendix A.4: EdDSA over the (non-JSON) payload "Example of Ed25519 signing".
    static let edDSAPrivate = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
    static let edDSAPublic = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    static let edDSAToken =
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
        + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    static func signingInput(_ token: String) -> [UInt8] {
        Array(token.split(separator: ".").prefix(2).joined(separator: ".").utf8)
    }

    static func signature(_ token: String) throws -> [UInt8] {
        try Base64URL.decodeUnpadded(String(token.split(separator: ".")[2]))
    }

    @Test func es256ExampleVerifiesWithTheJWKCoordinates() throws {
        let key = try P256PublicKey(x: Base64URL.decodeUnpadded(Self.es256X), y: Base64URL.decodeUnpadded(Self.es256Y))
        let signature = try Self.signature(Self.es256Token)
        #expect(key.isValidSignature(signature, for: Self.signingInput(Self.es256Token)))
        var tampered = signature
        tampered[40] ^= 0x01
        #expect(!key.isValidSignature(tampered, for: Self.signingInput(Self.es256Token)))
    }

    @Test func es256ExampleVerifiesAsAToken() throws {
        let key = try JWTPublicKey.p256(
            x: Base64URL.decodeUnpadded(Self.es256X),
            y: Base64URL.decodeUnpadded(Self.es256Y),
            kid: nil
        )
        // The example carries iss and exp but neither aud nor sub, which every token of ours
        // must have: the signature and time checks pass, and the first missing claim refuses it.
        let verifier = JWTVerifier(keys: [key], issuer: "joe", audience: "any", leewaySeconds: 0)
        do {
            _ = try verifier.verify(Self.es256Token, now: Self.es256Now)
            Issue.record("a token without aud was accepted")
        } catch {
            #expect(error.code == .missingClaim)
            #expect(error.message.contains("aud"))
        }
        // After its exp it is refused as expired, which shows the payload was read and checked.
        #expect(verifier.refusal(Self.es256Token, now: Date(timeIntervalSince1970: 1_300_819_380)) == .expired)
        // With the last signature character changed it no longer verifies.
        var tampered = Self.es256Token
        tampered.removeLast()
        tampered += "A"
        #expect(verifier.refusal(tampered, now: Self.es256Now) == .badSignature)
    }

    @Test func edDSAExampleVerifiesAndIsReproduced() throws {
        let publicKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decodeUnpadded(Self.edDSAPublic))
        let signature = try Self.signature(Self.edDSAToken)
        #expect(publicKey.isValidSignature(signature, for: Self.signingInput(Self.edDSAToken)))
        // Ed25519 is deterministic: the RFC's private key makes exactly the RFC's signature.
        let privateKey = try Ed25519PrivateKey(rawRepresentation: Base64URL.decodeUnpadded(Self.edDSAPrivate))
        #expect(privateKey.publicKey.rawRepresentation == publicKey.rawRepresentation)
        #expect(try privateKey.signature(for: Self.signingInput(Self.edDSAToken)) == signature)
    }

    @Test func edDSAExampleVerifiesAsAToken() throws {
        let key = try JWTPublicKey.ed25519(raw: Base64URL.decodeUnpadded(Self.edDSAPublic), kid: nil)
        let verifier = JWTVerifier(keys: [key], issuer: "any", audience: "any")
        // The signature verifies; the payload is plain text, not a claims object, so the token is
        // refused as malformed after the signature check, not before it.
        do {
            _ = try verifier.verify(Self.edDSAToken)
            Issue.record("a non-JSON payload was accepted")
        } catch {
            #expect(error.code == .malformed)
            #expect(error.message.contains("payload"))
        }
        var tampered = Array(Self.edDSAToken.utf8)
        tampered[30] = tampered[30] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(verifier.refusal(String(decoding: tampered, as: UTF8.self)) == .badSignature)
    }
}
