import BoxOfficeRPC

/// Who a verified bearer token names.
struct BearerIdentity: Sendable {
    var subject: String
    var roles: [String]
}

/// Turns an `Authorization` header into the caller of a user or admin route.
struct BearerAuthenticator: Sendable {
    /// Verifies a token (signature, expiry, issuer, audience) and returns its claims; throws
    /// when the token is not acceptable. The thrown error's text never reaches the client.
    let verify: @Sendable (_ token: String) throws -> BearerIdentity

    /// The `Metadata.caller` for a route of `access`, or the error to answer.
    func caller(authorization: String?, access: Route.Access) throws(RPCError) -> String? {
        let prefix = access == .admin ? "admin:" : "user:"
        guard access != .everyone else { return nil }
        guard let authorization, let token = Self.bearerToken(authorization) else {
            throw RPCError(code: .unauthenticated, message: "a bearer token is required")
        }
        let identity: BearerIdentity
        do {
            identity = try self.verify(token)
        } catch {
            throw RPCError(code: .unauthenticated, message: "the bearer token is not valid")
        }
        guard Self.isUUID(identity.subject) else {
            throw RPCError(code: .unauthenticated, message: "the bearer token is not valid")
        }
        if access == .admin, !identity.roles.contains("admin") {
            throw RPCError(code: .permissionDenied, message: "this route needs an admin token")
        }
        return prefix + identity.subject.lowercased()
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, as RFC 9110 says).
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// `8-4-4-4-12` hex digits.
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isHex =
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
                guard isHex else { return false }
            }
        }
        return true
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
