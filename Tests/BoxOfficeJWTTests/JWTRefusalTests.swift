import BoxOfficeCrypto
import BoxOfficeJWT
import Foundation
import Testing

/// One test per refusal. Each token is correctly signed unless the test is about the signature,
/// so the refusal must come from the check under test: remove the check and the token is
/// accepted (or refused with another code), and the test fails.
@Suite struct JWTRefusalTests {
    let edKey: Ed25519PrivateKey
    let ecKey: P256PrivateKey
    let edSigner: JWTSigner
    let ecSigner: JWTSigner
    let verifier: JWTVerifier

    init() throws {
        self.edKey = try Ed25519PrivateKey()
        self.ecKey = try P256PrivateKey()
        self.edSigner = .ed25519(privateKey: self.edKey, kid: "ed")
        self.ecSigner = .p256(privateKey: self.ecKey, kid: "ec")
        self.verifier = Fixtures.verifier([self.edSigner.publicKey, self.ecSigner.publicKey])
    }

    /// A token with header `header` (JSON text) and the claims `claims`, signed by the Ed25519 key.
    func token(header: String = #"{"alg":"EdDSA","kid":"ed"}"#, _ claims: [String: JSONValue]) throws -> String {
        try Fixtures.token(header: header, payload: try Fixtures.json(claims), key: .ed25519(self.edKey))
    }

    func token(editing edit: (inout [String: JSONValue]) -> Void) throws -> String {
        var claims = Fixtures.validClaims()
        edit(&claims)
        return try self.token(claims)
    }

    @Test func theBaselineTokensAreAccepted() throws {
        // Guards every other test here: the hand-made token differs from the refused ones only
        // in what each test changes.
        #expect(self.verifier.refusal(try self.token(Fixtures.validClaims())) == nil)
        #expect(self.verifier.refusal(try self.ecSigner.sign(Fixtures.validClaims())) == nil)
    }

    // MARK: Algorithms and keys

    @Test func algNoneIsRefused() throws {
        let signingInput =
            Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "."
            + Base64URL.encode(Array(try Fixtures.json(Fixtures.validClaims()).utf8))
        #expect(self.verifier.refusal(signingInput + ".") == .unsupportedAlgorithm)
        // Also with a signature that is valid for the other keys' algorithm.
        let signature = Base64URL.encode(try self.edKey.signature(for: Array(signingInput.utf8)))
        #expect(self.verifier.refusal(signingInput + "." + signature) == .unsupportedAlgorithm)
    }

    @Test(arguments: ["HS256", "HS384", "HS512", "RS256", "PS256", "ES384", "ES256K", "Ed25519", "eddsa", "es256"])
    func otherAlgorithmsAreRefused(_ alg: String) throws {
        // The classic confusion attack: an HMAC keyed with the public key's bytes, which an
        // attacker knows.
        let token = try Fixtures.token(
            header: #"{"alg":"\#(alg)"}"#,
            payload: try Fixtures.json(Fixtures.validClaims()),
            key: .hmac(self.edKey.publicKey.rawRepresentation)
        )
        #expect(self.verifier.refusal(token) == .unsupportedAlgorithm)
    }

    @Test func algMustMatchTheKidsKeyType() throws {
        // Signed by the P-256 key but naming the Ed25519 key's kid.
        let token = try Fixtures.token(
            header: #"{"alg":"ES256","kid":"ed"}"#,
            payload: try Fixtures.json(Fixtures.validClaims()),
            key: .p256(self.ecKey)
        )
        #expect(self.verifier.refusal(token) == .unsupportedAlgorithm)
    }

    @Test func withoutKidAnAlgWithNoKeyOfItsTypeIsRefused() throws {
        let edOnly = Fixtures.verifier([self.edSigner.publicKey])
        let token = try Fixtures.token(
            header: #"{"alg":"ES256"}"#,
            payload: try Fixtures.json(Fixtures.validClaims()),
            key: .p256(self.ecKey)
        )
        #expect(edOnly.refusal(token) == .unsupportedAlgorithm)
        #expect(self.verifier.refusal(token) == nil)
    }

    @Test func critHeaderIsRefused() throws {
        let token = try self.token(
            header: #"{"alg":"EdDSA","kid":"ed","crit":["exp"],"exp":1}"#,
            Fixtures.validClaims()
        )
        #expect(self.verifier.refusal(token) == .unsupportedHeader)
    }

    @Test func unknownKidIsRefused() throws {
        let token = try self.token(header: #"{"alg":"EdDSA","kid":"rotated-away"}"#, Fixtures.validClaims())
        #expect(self.verifier.refusal(token) == .unknownKey)
    }

    @Test func nonStringKidIsRefused() throws {
        let token = try self.token(header: #"{"alg":"EdDSA","kid":7}"#, Fixtures.validClaims())
        #expect(self.verifier.refusal(token) == .malformed)
    }

    @Test func signatureByAnotherKeyIsRefused() throws {
        let other = JWTSigner.ed25519(privateKey: try Ed25519PrivateKey(), kid: "ed")
        #expect(self.verifier.refusal(try other.sign(Fixtures.validClaims())) == .badSignature)
        let otherEC = JWTSigner.p256(privateKey: try P256PrivateKey(), kid: "ec")
        #expect(self.verifier.refusal(try otherEC.sign(Fixtures.validClaims())) == .badSignature)
    }

    @Test func alteredPayloadIsRefused() throws {
        let parts = try self.ecSigner.sign(Fixtures.validClaims()).split(separator: ".").map(String.init)
        var claims = Fixtures.validClaims()
        claims["roles"] = ["admin"]
        let forged = parts[0] + "." + Base64URL.encode(Array(try Fixtures.json(claims).utf8)) + "." + parts[2]
        #expect(self.verifier.refusal(forged) == .badSignature)
    }

    @Test(arguments: [63, 65, 0])
    func es256SignaturesOfTheWrongLengthAreRefused(_ length: Int) throws {
        let parts = try self.ecSigner.sign(Fixtures.validClaims()).split(separator: ".").map(String.init)
        var signature = try Base64URL.decodeUnpadded(parts[2])
        signature = length < 64 ? Array(signature.prefix(length)) : signature + [0]
        #expect(self.verifier.refusal(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)) == .badSignature)
    }

    // MARK: Structure

    @Test func wrongSegmentCountsAreRefused() throws {
        let token = try self.token(Fixtures.validClaims())
        let parts = token.split(separator: ".").map(String.init)
        for candidate in [parts[0] + "." + parts[1], token + "." + parts[2], token + ".", "", "abc"] {
            #expect(self.verifier.refusal(candidate) == .malformed)
        }
    }

    @Test func paddedSegmentsAreRefused() throws {
        // An Ed25519 signature is 64 bytes, 86 characters: "==" makes the padded form that a
        // lenient decoder would accept.
        let token = try self.token(Fixtures.validClaims())
        #expect(self.verifier.refusal(token + "==") == .malformed)
    }

    @Test func nonURLAlphabetAndWhitespaceAreRefused() throws {
        let parts = try self.token(Fixtures.validClaims()).split(separator: ".").map(String.init)
        let standard = parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if standard != parts[2] {
            #expect(self.verifier.refusal(parts[0] + "." + parts[1] + "." + standard) == .malformed)
        }
        #expect(self.verifier.refusal(parts[0] + "." + parts[1] + "." + parts[2] + "\n") == .malformed)
        #expect(self.verifier.refusal(" " + parts[0] + "." + parts[1] + "." + parts[2]) == .malformed)
        // The header is decoded before the signature is checked; the payload only after it, so
        // a bad payload character shows up as a bad signature.
        #expect(self.verifier.refusal(parts[0] + "+." + parts[1] + "." + parts[2]) == .malformed)
        #expect(self.verifier.refusal(parts[0] + "." + parts[1] + "+." + parts[2]) == .badSignature)
    }

    @Test(arguments: [#"[1,2]"#, #""claims""#, "42", "null", "{", #"{"sub":"a"} x"#, "not json"])
    func payloadThatIsNotAJSONObjectIsRefused(_ payload: String) throws {
        let token = try Fixtures.token(
            header: #"{"alg":"EdDSA","kid":"ed"}"#,
            payload: payload,
            key: .ed25519(self.edKey)
        )
        #expect(self.verifier.refusal(token) == .malformed)
    }

    @Test(arguments: [#"["EdDSA"]"#, #""EdDSA""#, "{"])
    func headerThatIsNotAJSONObjectIsRefused(_ header: String) throws {
        let token = try self.token(header: header, Fixtures.validClaims())
        #expect(self.verifier.refusal(token) == .malformed)
    }

    @Test func duplicateMemberNamesAreRefused() throws {
        // RFC 7515 §5.2 allows refusing or taking the last duplicate; refusing leaves no room for
        // two parsers (ours and a proxy's) to read different claims from one token.
        let claims = String(try Fixtures.json(Fixtures.validClaims()).dropLast()) + #","iss":"https://evil.test"}"#
        let token = try Fixtures.token(
            header: #"{"alg":"EdDSA","kid":"ed"}"#,
            payload: claims,
            key: .ed25519(self.edKey)
        )
        #expect(self.verifier.refusal(token) == .malformed)
        let header = try self.token(header: #"{"alg":"EdDSA","kid":"ed","alg":"ES256"}"#, Fixtures.validClaims())
        #expect(self.verifier.refusal(header) == .malformed)
    }

    @Test func oversizeTokensAreRefused() throws {
        var claims = Fixtures.validClaims()
        claims["padding"] = .string(String(repeating: "p", count: JWTVerifier.tokenBytesMax))
        let token = try self.token(claims)
        #expect(token.utf8.count > JWTVerifier.tokenBytesMax)
        #expect(self.verifier.refusal(token) == .malformed)
        // Just under the limit is fine.
        let overshoot = token.utf8.count - JWTVerifier.tokenBytesMax
        claims["padding"] = .string(String(repeating: "p", count: JWTVerifier.tokenBytesMax - overshoot - 4))
        let fitting = try self.token(claims)
        #expect(fitting.utf8.count <= JWTVerifier.tokenBytesMax)
        #expect(self.verifier.refusal(fitting) == nil)
    }

    // MARK: Claims

    @Test func missingExpIsRefused() throws {
        #expect(self.verifier.refusal(try self.token { $0["exp"] = nil }) == .missingClaim)
    }

    @Test(arguments: [JSONValue.string("1767226200"), .bool(true), .null, .array([1_767_226_200])])
    func nonNumericExpIsRefused(_ exp: JSONValue) throws {
        #expect(self.verifier.refusal(try self.token { $0["exp"] = exp }) == .malformed)
    }

    @Test func expiredBeyondLeewayIsRefused() throws {
        let leeway = Fixtures.leewaySeconds
        let expired = try self.token { $0["exp"] = .number(Double(Fixtures.nowSeconds - leeway - 1)) }
        #expect(self.verifier.refusal(expired) == .expired)
        // Exactly at exp + leeway it is no longer accepted (RFC 7519: "on or after").
        let atLimit = try self.token { $0["exp"] = .number(Double(Fixtures.nowSeconds - leeway)) }
        #expect(self.verifier.refusal(atLimit) == .expired)
        let withinLeeway = try self.token { $0["exp"] = .number(Double(Fixtures.nowSeconds - leeway + 1)) }
        #expect(self.verifier.refusal(withinLeeway) == nil)
    }

    @Test func notBeforeInTheFutureIsRefused() throws {
        let leeway = Fixtures.leewaySeconds
        let early = try self.token { $0["nbf"] = .number(Double(Fixtures.nowSeconds + leeway + 1)) }
        #expect(self.verifier.refusal(early) == .notYetValid)
        let withinLeeway = try self.token { $0["nbf"] = .number(Double(Fixtures.nowSeconds + leeway)) }
        #expect(self.verifier.refusal(withinLeeway) == nil)
        #expect(self.verifier.refusal(try self.token { $0["nbf"] = "soon" }) == .malformed)
    }

    @Test func issuedInTheFutureIsRefused() throws {
        let early = try self.token { $0["iat"] = .number(Double(Fixtures.nowSeconds + Fixtures.leewaySeconds + 1)) }
        #expect(self.verifier.refusal(early) == .notYetValid)
    }

    @Test func wrongIssuerIsRefused() throws {
        #expect(self.verifier.refusal(try self.token { $0["iss"] = "https://evil.test" }) == .wrongIssuer)
        // Comparison is exact: no prefix, case or trailing-slash games.
        #expect(self.verifier.refusal(try self.token { $0["iss"] = .string(Fixtures.issuer + "/") }) == .wrongIssuer)
        #expect(self.verifier.refusal(try self.token { $0["iss"] = nil }) == .missingClaim)
        #expect(self.verifier.refusal(try self.token { $0["iss"] = 1 }) == .malformed)
    }

    @Test func audienceNotContainingOursIsRefused() throws {
        #expect(self.verifier.refusal(try self.token { $0["aud"] = "billing" }) == .wrongAudience)
        #expect(self.verifier.refusal(try self.token { $0["aud"] = ["billing", "payments"] }) == .wrongAudience)
        #expect(self.verifier.refusal(try self.token { $0["aud"] = [] }) == .wrongAudience)
        #expect(self.verifier.refusal(try self.token { $0["aud"] = nil }) == .missingClaim)
        #expect(self.verifier.refusal(try self.token { $0["aud"] = [.string(Fixtures.audience), 3] }) == .malformed)
        #expect(self.verifier.refusal(try self.token { $0["aud"] = ["billing", .string(Fixtures.audience)] }) == nil)
    }

    @Test func missingSubjectIsRefused() throws {
        #expect(self.verifier.refusal(try self.token { $0["sub"] = nil }) == .missingClaim)
        #expect(self.verifier.refusal(try self.token { $0["sub"] = 42 }) == .malformed)
    }

    @Test func rolesMustBeStrings() throws {
        #expect(self.verifier.refusal(try self.token { $0["roles"] = "admin" }) == .malformed)
        #expect(self.verifier.refusal(try self.token { $0["roles"] = ["admin", 1] }) == .malformed)
    }

    // MARK: Error text

    @Test func errorsNeverContainTheTokenOrClaimValues() throws {
        let secretSubject = "subject-\(UInt64.random(in: 0...UInt64.max))"
        let secretIssuer = "issuer-\(UInt64.random(in: 0...UInt64.max))"
        var tokens: [String] = []
        for edit: (inout [String: JSONValue]) -> Void in [
            { $0["iss"] = .string(secretIssuer) },
            { $0["aud"] = .string(secretIssuer) },
            { $0["exp"] = 1 },
            { $0["exp"] = .string(secretIssuer) },
            { $0["sub"] = [.string(secretIssuer)] },
        ] {
            var claims = Fixtures.validClaims(subject: secretSubject)
            edit(&claims)
            tokens.append(try self.token(claims))
        }
        tokens.append(try self.token(header: #"{"alg":"\#(secretIssuer)","kid":"ed"}"#, Fixtures.validClaims()))
        tokens.append(try self.token(header: #"{"alg":"EdDSA","kid":"\#(secretIssuer)"}"#, Fixtures.validClaims()))
        // A signature with its first character changed (always a different one).
        var parts = try self.token(Fixtures.validClaims(subject: secretSubject)).split(separator: ".").map(String.init)
        parts[2] = (parts[2].hasPrefix("A") ? "B" : "A") + parts[2].dropFirst()
        tokens.append(parts.joined(separator: "."))
        for token in tokens {
            do {
                _ = try self.verifier.verify(token, now: Fixtures.now)
                Issue.record("accepted")
            } catch {
                let text = "\(error) \(String(reflecting: error)) \(error.message)"
                #expect(!text.contains(secretSubject))
                #expect(!text.contains(secretIssuer))
                for part in token.split(separator: ".") { #expect(!text.contains(part)) }
            }
        }
    }
}
