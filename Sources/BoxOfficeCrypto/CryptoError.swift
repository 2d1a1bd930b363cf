/// An error from BoxOfficeCrypto.
///
/// `description` names the failing operation and never contains key material, passwords,
/// hashes or the input that failed to decode.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a value callers can match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidKey
            case signingFailed
            case invalidBase64
            case malformedHash
            case invalidParameters
            case derivationFailed
            case internalFailure
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Key bytes of the wrong length or rejected by OpenSSL.
        public static let invalidKey = Code(.invalidKey)
        /// OpenSSL could not produce a signature.
        public static let signingFailed = Code(.signingFailed)
        /// A string that is not valid unpadded base64url.
        public static let invalidBase64 = Code(.invalidBase64)
        /// A password hash string not in the `$scrypt$ln=…,r=…,p=…$salt$hash` format.
        public static let malformedHash = Code(.malformedHash)
        /// Cost parameters outside the accepted limits.
        public static let invalidParameters = Code(.invalidParameters)
        /// The key derivation function failed.
        public static let derivationFailed = Code(.derivationFailed)
        /// OpenSSL failed where it should not (allocation failure, missing algorithm).
        public static let internalFailure = Code(.internalFailure)

        public var description: String { String(describing: self.value) }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, free of secrets.
    public var message: String
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    /// Creates an error; `message` must not contain secrets.
    public init(code: Code, message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "CryptoError.\(self.code): \(self.message)" }
}
