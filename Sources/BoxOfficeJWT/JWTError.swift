/// Why a token was refused, or a key or signer could not be made.
///
/// `description` names the failed check (and the claim or header name) but never contains the
/// token, its signature, a claim value or key material, so it is safe to log.
public struct JWTError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a value callers can match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case malformed
            case unsupportedAlgorithm
            case unsupportedHeader
            case badSignature
            case expired
            case notYetValid
            case wrongIssuer
            case wrongAudience
            case missingClaim
            case unknownKey
            case invalidKey
            case signingFailed
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Not a JWS compact token: segment count, base64url, JSON, a claim of the wrong type,
        /// or longer than ``JWTVerifier/tokenBytesMax``.
        public static let malformed = Code(.malformed)
        /// `alg` is `none`, an HMAC algorithm, unknown, or not the algorithm of the key it names.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// The header asks for an extension this verifier does not implement (`crit`).
        public static let unsupportedHeader = Code(.unsupportedHeader)
        /// No candidate key verifies the signature.
        public static let badSignature = Code(.badSignature)
        /// `exp` lies further in the past than the leeway.
        public static let expired = Code(.expired)
        /// `nbf` or `iat` lies further in the future than the leeway.
        public static let notYetValid = Code(.notYetValid)
        /// `iss` is not the configured issuer.
        public static let wrongIssuer = Code(.wrongIssuer)
        /// `aud` does not contain the configured audience.
        public static let wrongAudience = Code(.wrongAudience)
        /// A required claim (`exp`, `iss`, `aud`, `sub`) is absent.
        public static let missingClaim = Code(.missingClaim)
        /// The header's `kid` names no configured key.
        public static let unknownKey = Code(.unknownKey)
        /// Key material that cannot be loaded (wrong type, curve, length or encoding).
        public static let invalidKey = Code(.invalidKey)
        /// The signer's key could not sign.
        public static let signingFailed = Code(.signingFailed)

        public var description: String { String(describing: self.value) }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, free of token contents and key material.
    public var message: String
    /// The error that caused this one, if any (e.g. a `CryptoError` loading a key).
    public var underlying: (any Error & Sendable)?
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    /// Creates an error; `message` must not contain token contents or secrets.
    public init(
        code: Code,
        message: String,
        underlying: (any Error & Sendable)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String { "JWTError.\(self.code): \(self.message)" }
}
