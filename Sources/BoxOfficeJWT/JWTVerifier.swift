import BoxOfficeCrypto

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Verifies JWS compact tokens (RFC 7515, RFC 7519) signed with EdDSA or ES256 against a fixed
/// set of keys, issuer and audience.
///
/// Refused: `alg` `none`, HMAC and every other algorithm than the chosen key's; `crit` headers;
/// a `kid` naming no key; anything but three strict base64url segments; headers and payloads
/// that are not JSON objects; tokens over ``tokenBytesMax``; a missing or non-numeric `exp`;
/// `exp` past, `nbf` or `iat` future beyond the leeway; `iss` other than the issuer; `aud` not
/// containing the audience; a missing `sub`.
public struct JWTVerifier: Sendable {
    /// The longest token accepted, in bytes. Bearer tokens are a few hundred bytes; the bound
    /// keeps decoding and JSON parsing of hostile input small.
    public static let tokenBytesMax = 8 * 1024

    private let keys: [JWTPublicKey]
    private let issuer: String
    private let audience: String
    private let leewaySeconds: Int

    /// A verifier accepting tokens signed by any of `keys`, issued by `issuer` for `audience`.
    ///
    /// `leewaySeconds` (≥ 0) is the clock skew tolerated on `exp`, `nbf` and `iat`.
    public init(keys: [JWTPublicKey], issuer: String, audience: String, leewaySeconds: Int = 60) {
        precondition(leewaySeconds >= 0, "leewaySeconds must not be negative")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leewaySeconds = leewaySeconds
    }

    /// The claims of `token` once its signature, `exp` (required), `nbf` and `iat` (if present,
    /// as of `now`), `iss` and `aud` (a string or an array of strings) check out.
    ///
    /// - Throws: ``JWTError``, with the code of the first check that failed; its description
    ///   never contains the token or claim values.
    public func verify(_ token: String, now: Date = Date()) throws(JWTError) -> JWTClaims {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.tokenBytesMax else {
            throw JWTError(code: .malformed, message: "token longer than \(Self.tokenBytesMax) bytes")
        }
        let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw JWTError(code: .malformed, message: "a JWS compact token has 3 segments, got \(segments.count)")
        }
        let header = try Self.decodeObject(segments[0], name: "header")
        let candidates = try self.candidateKeys(for: header)
        let signature = try Self.decodeSegment(segments[2], name: "signature")
        // The signing input is the ASCII text of the first two segments as sent (RFC 7515 §5.2).
        let signingInput = Array(bytes[..<segments[1].endIndex])
        guard candidates.contains(where: { $0.isValidSignature(signature, for: signingInput) }) else {
            throw JWTError(code: .badSignature, message: "no key verifies the signature")
        }
        let payload = try Self.decodeObject(segments[1], name: "payload")
        return try self.checkClaims(payload, now: now)
    }

    /// The keys that may have signed a token with `header`: by `kid` when it has one, else every
    /// key of the header's algorithm.
    private func candidateKeys(for header: [String: JSONValue]) throws(JWTError) -> [JWTPublicKey] {
        guard case .string(let name)? = header["alg"] else {
            throw JWTError(code: .malformed, message: "header has no string alg")
        }
        // The name is not echoed: it is attacker-chosen text.
        guard let algorithm = JWTAlgorithm(name: name) else {
            throw JWTError(code: .unsupportedAlgorithm, message: "alg is not EdDSA or ES256")
        }
        // RFC 7515 §4.1.11: a recipient must reject a token whose critical extensions it does
        // not understand, and this verifier implements none.
        guard header["crit"] == nil else {
            throw JWTError(code: .unsupportedHeader, message: "header has crit, no extension is supported")
        }
        let candidates: [JWTPublicKey]
        switch header["kid"] {
        case nil:
            candidates = self.keys.filter { $0.algorithm == algorithm }
            guard !candidates.isEmpty else {
                throw JWTError(code: .unsupportedAlgorithm, message: "no key for alg \(algorithm)")
            }
        case .string(let kid)?:
            let named = self.keys.filter { $0.kid == kid }
            guard !named.isEmpty else { throw JWTError(code: .unknownKey, message: "kid names no key") }
            candidates = named.filter { $0.algorithm == algorithm }
            guard !candidates.isEmpty else {
                throw JWTError(
                    code: .unsupportedAlgorithm,
                    message: "alg \(algorithm) does not match the kid's key type"
                )
            }
        default:
            throw JWTError(code: .malformed, message: "header kid is not a string")
        }
        return candidates
    }

    private func checkClaims(_ claims: [String: JSONValue], now: Date) throws(JWTError) -> JWTClaims {
        let leeway = TimeInterval(self.leewaySeconds)
        let nowSeconds = now.timeIntervalSince1970

        guard let expiresAt = try Self.numericDate(claims, "exp") else {
            throw JWTError(code: .missingClaim, message: "exp is required")
        }
        // RFC 7519 §4.1.4: the token must not be accepted on or after exp.
        guard nowSeconds < expiresAt + leeway else { throw JWTError(code: .expired, message: "exp has passed") }
        let notBefore = try Self.numericDate(claims, "nbf")
        if let notBefore, nowSeconds + leeway < notBefore {
            throw JWTError(code: .notYetValid, message: "nbf is in the future")
        }
        let issuedAt = try Self.numericDate(claims, "iat")
        if let issuedAt, nowSeconds + leeway < issuedAt {
            throw JWTError(code: .notYetValid, message: "iat is in the future")
        }

        guard let issuer = try Self.string(claims, "iss") else {
            throw JWTError(code: .missingClaim, message: "iss is required")
        }
        guard issuer == self.issuer else {
            throw JWTError(code: .wrongIssuer, message: "iss is not the expected issuer")
        }

        let audience: [String]
        switch claims["aud"] {
        case nil: throw JWTError(code: .missingClaim, message: "aud is required")
        case .string(let value)?: audience = [value]
        case .array(let values)?: audience = try Self.strings(values, "aud")
        default: throw JWTError(code: .malformed, message: "aud is not a string or an array of strings")
        }
        guard audience.contains(self.audience) else {
            throw JWTError(code: .wrongAudience, message: "aud does not contain the expected audience")
        }

        guard let subject = try Self.string(claims, "sub") else {
            throw JWTError(code: .missingClaim, message: "sub is required")
        }
        let roles: [String]
        switch claims["roles"] {
        case nil: roles = []
        case .array(let values)?: roles = try Self.strings(values, "roles")
        default: throw JWTError(code: .malformed, message: "roles is not an array of strings")
        }
        return JWTClaims(
            subject: subject,
            issuer: issuer,
            audience: audience,
            expiresAt: Date(timeIntervalSince1970: expiresAt),
            issuedAt: issuedAt.map { Date(timeIntervalSince1970: $0) },
            notBefore: notBefore.map { Date(timeIntervalSince1970: $0) },
            id: try Self.string(claims, "jti"),
            roles: roles,
            all: claims
        )
    }

    private static func decodeSegment(_ segment: ArraySlice<UInt8>, name: String) throws(JWTError) -> [UInt8] {
        do {
            return try Base64URL.decodeUnpadded(String(decoding: segment, as: UTF8.self))
        } catch {
            throw JWTError(code: .malformed, message: "\(name) is not unpadded base64url", underlying: error)
        }
    }

    private static func decodeObject(
        _ segment: ArraySlice<UInt8>,
        name: String
    ) throws(JWTError) -> [String: JSONValue] {
        guard let object = JSONCoding.decodeObject(try Self.decodeSegment(segment, name: name)) else {
            throw JWTError(code: .malformed, message: "\(name) is not a JSON object")
        }
        return object
    }

    /// A NumericDate claim (RFC 7519 §2) in seconds since 1970, nil when absent.
    private static func numericDate(_ claims: [String: JSONValue], _ name: String) throws(JWTError) -> Double? {
        switch claims[name] {
        case nil: return nil
        case .number(let seconds)?: return seconds
        default: throw JWTError(code: .malformed, message: "\(name) is not a number")
        }
    }

    private static func string(_ claims: [String: JSONValue], _ name: String) throws(JWTError) -> String? {
        switch claims[name] {
        case nil: return nil
        case .string(let value)?: return value
        default: throw JWTError(code: .malformed, message: "\(name) is not a string")
        }
    }

    private static func strings(_ values: [JSONValue], _ name: String) throws(JWTError) -> [String] {
        var strings: [String] = []
        for value in values {
            guard case .string(let string) = value else {
                throw JWTError(code: .malformed, message: "\(name) holds a non-string")
            }
            strings.append(string)
        }
        return strings
    }
}
