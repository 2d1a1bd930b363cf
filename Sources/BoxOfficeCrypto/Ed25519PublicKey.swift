import COpenSSL

/// An Ed25519 verification key (RFC 8032), e.g. the `x` member of an OKP JWK (RFC 8037).
public struct Ed25519PublicKey: Sendable, CustomStringConvertible {
    /// The length of a raw public key.
    public static let byteCount = 32
    /// The length of a signature.
    public static let signatureByteCount = 64

    let handle: PKeyHandle

    /// The 32-byte public key, as a JWK's `x` holds it (base64url-decoded).
    public let rawRepresentation: [UInt8]

    /// The key whose 32-byte encoding is `rawRepresentation`.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when the key is not 32 bytes.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw CryptoError(
                code: .invalidKey,
                message: "an Ed25519 public key is \(Self.byteCount) bytes, got \(rawRepresentation.count)"
            )
        }
        let key = rawRepresentation.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let key else {
            throw CryptoError(code: .invalidKey, message: "OpenSSL rejected the Ed25519 key: \(OpenSSLErrors.drain())")
        }
        self.handle = PKeyHandle(key)
        self.rawRepresentation = rawRepresentation
    }

    /// True when `signature` is a valid Ed25519 signature of `message` by this key's owner.
    ///
    /// Any malformed input (wrong signature length, non-canonical encoding) is simply invalid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == Self.signatureByteCount, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, self.handle.pointer) == 1 else {
            _ = OpenSSLErrors.drain()
            return false
        }
        let result = signature.withUnsafeBufferPointer { signatureBytes in
            message.withNonNullBytes { input, inputCount in
                EVP_DigestVerify(context, signatureBytes.baseAddress, signatureBytes.count, input, inputCount)
            }
        }
        // A failed verification queues an error entry; leave the queue clean for later calls.
        if result != 1 { _ = OpenSSLErrors.drain() }
        return result == 1
    }

    /// The key in base64url, as in a JWK; public keys are not secret.
    public var description: String { "Ed25519PublicKey(\(Base64URL.encode(self.rawRepresentation)))" }
}
