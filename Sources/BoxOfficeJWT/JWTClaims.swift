#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The claims of a verified token (RFC 7519 §4).
///
/// Only ``JWTVerifier`` makes these, after the signature and every time, issuer and audience
/// check passed; the typed members are the registered claims the verifier requires or checks.
public struct JWTClaims: Sendable {
    /// `sub`: whom the token is about (for bearer tokens, the user id). Required.
    public var subject: String
    /// `iss`: who issued the token; equals the verifier's issuer.
    public var issuer: String
    /// `aud`: the audiences (a single string claim becomes one element); contains the verifier's
    /// audience.
    public var audience: [String]
    /// `exp`: the time from which the token is no longer accepted (before leeway).
    public var expiresAt: Date
    /// `iat`: when the token was issued, if it says.
    public var issuedAt: Date?
    /// `nbf`: the time before which the token is not accepted (before leeway), if any.
    public var notBefore: Date?
    /// `jti`: the token's unique id, if any.
    public var id: String?
    /// `roles`: the roles granted (`["admin"]` for admin bearer tokens); empty when absent.
    public var roles: [String]
    /// Every claim of the payload, the registered ones included, as JSON.
    public var all: [String: JSONValue]
}
