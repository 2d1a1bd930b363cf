import BoxOfficeJWT

extension Gateway {
    /// Bearer verification with the configured keys, issuer and audience.
    ///
    /// - Throws: ``GatewayError`` `invalidKey` when a key cannot be read, or keys are given
    ///   without the issuer and audience they must be checked against.
    static func authenticator(_ configuration: GatewayConfiguration) throws(GatewayError) -> BearerAuthenticator {
        var keys: [JWTPublicKey] = []
        for (index, key) in configuration.jwtPublicKeys.enumerated() {
            do {
                keys.append(try JWTPublicKey.pem(key.pem, kid: key.kid))
            } catch {
                throw GatewayError(code: .invalidKey, message: "JWT public key \(index + 1): \(error.code)")
            }
        }
        if !keys.isEmpty, configuration.jwtIssuer.isEmpty || configuration.jwtAudience.isEmpty {
            throw GatewayError(code: .invalidKey, message: "JWT keys need gateway.jwt.issuer and gateway.jwt.audience")
        }
        let verifier = JWTVerifier(keys: keys, issuer: configuration.jwtIssuer, audience: configuration.jwtAudience)
        return BearerAuthenticator { token in
            let claims = try verifier.verify(token)
            return BearerIdentity(subject: claims.subject, roles: claims.roles)
        }
    }
}
