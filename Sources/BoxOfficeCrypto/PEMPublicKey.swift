import COpenSSL

/// A signature verification key read from a PEM `PUBLIC KEY` block, of whichever supported
/// type the block holds.
public enum PEMPublicKey: Sendable {
    /// An Ed25519 key (OID 1.3.101.112).
    case ed25519(Ed25519PublicKey)
    /// An EC key on the named curve P-256.
    case p256(P256PublicKey)

    /// The key in `pem`, typed by what the block holds.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when the text holds no public key, or a key of any
    ///   other type (RSA, X25519, other curves), or an invalid one.
    public init(pem: String) throws(CryptoError) {
        let handle = try PEMCoding.readPublicKey(pem)
        if EVP_PKEY_is_a(handle.pointer, "ED25519") == 1 {
            var raw = [UInt8](repeating: 0, count: Ed25519PublicKey.byteCount)
            var length = raw.count
            let result = raw.withUnsafeMutableBufferPointer {
                EVP_PKEY_get_raw_public_key(handle.pointer, $0.baseAddress, &length)
            }
            guard result == 1, length == Ed25519PublicKey.byteCount else {
                throw CryptoError(code: .invalidKey, message: "the Ed25519 key: \(OpenSSLErrors.drain())")
            }
            self = .ed25519(try Ed25519PublicKey(rawRepresentation: raw))
        } else if EVP_PKEY_is_a(handle.pointer, "EC") == 1 {
            self = .p256(try P256PublicKey(checking: handle))
        } else {
            throw CryptoError(code: .invalidKey, message: "the PEM public key is neither Ed25519 nor P-256")
        }
    }
}
