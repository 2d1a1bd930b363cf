import COpenSSL

/// A P-256 ECDSA signing key, for ES256 (RFC 7518 §3.4).
///
/// The description shows the public key only; the private scalar is never printed.
public struct P256PrivateKey: Sendable, CustomStringConvertible {
    private let handle: PKeyHandle

    /// The matching verification key.
    public let publicKey: P256PublicKey

    /// A new random key.
    ///
    /// - Throws: ``CryptoError`` `.internalFailure` when OpenSSL cannot generate a key.
    public init() throws(CryptoError) {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw CryptoError(code: .internalFailure, message: "EVP_PKEY_CTX_new_from_name(EC) failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_generate(context, &key) == 1,
            let key
        else {
            throw CryptoError(code: .internalFailure, message: "P-256 key generation: \(OpenSSLErrors.drain())")
        }
        try self.init(checking: PKeyHandle(key))
    }

    /// The key in a PEM block: `PRIVATE KEY` (PKCS#8, as `openssl genpkey` writes it) or
    /// `EC PRIVATE KEY` (SEC1, as `openssl ecparam -genkey` writes it). Encrypted keys are refused.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when the text holds no unencrypted private key or a
    ///   key of another type or curve.
    public init(pem: String) throws(CryptoError) {
        try self.init(checking: try PEMCoding.readPrivateKey(pem))
    }

    private init(checking handle: PKeyHandle) throws(CryptoError) {
        try P256PublicKey.checkIsP256(handle)
        // i2d_PUBKEY writes only the public half; reading it back gives a key object that holds
        // no secret, so the public key can be handed around freely.
        let length = i2d_PUBKEY(handle.pointer, nil)
        guard length > 0 else {
            throw CryptoError(code: .invalidKey, message: "the P-256 key has no public point: \(OpenSSLErrors.drain())")
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        _ = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PUBKEY(handle.pointer, &cursor)
        }
        let publicKey = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let publicKey else {
            throw CryptoError(code: .invalidKey, message: "the P-256 public point: \(OpenSSLErrors.drain())")
        }
        self.publicKey = try P256PublicKey(checking: PKeyHandle(publicKey))
        self.handle = handle
    }

    /// The ECDSA signature with SHA-256 of `message` in the JOSE form: `r || s`, 64 bytes.
    /// Signatures are randomized: signing twice gives different, equally valid signatures.
    ///
    /// - Throws: ``CryptoError`` `.signingFailed` when OpenSSL fails.
    public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(code: .internalFailure, message: "EVP_MD_CTX_new failed")
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, self.handle.pointer) == 1 else {
            throw CryptoError(code: .signingFailed, message: "EVP_DigestSignInit: \(OpenSSLErrors.drain())")
        }
        // The DER form of a P-256 signature is at most 72 bytes; EVP_PKEY_get_size says so exactly.
        var der = [UInt8](repeating: 0, count: Int(EVP_PKEY_get_size(self.handle.pointer)))
        var length = der.count
        let result = message.withNonNullBytes { input, inputCount in
            der.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context, output.baseAddress, &length, input, inputCount)
            }
        }
        guard result == 1,
            let raw = ECDSASignatureEncoding.raw(
                fromDER: Array(der.prefix(length)),
                scalarByteCount: P256PublicKey.coordinateByteCount
            )
        else {
            throw CryptoError(code: .signingFailed, message: "EVP_DigestSign: \(OpenSSLErrors.drain())")
        }
        return raw
    }

    /// The key as an unencrypted PKCS#8 `PRIVATE KEY` PEM block. Treat it as a secret.
    public var pemRepresentation: String { PEMCoding.writePrivateKey(self.handle) }

    public var description: String { "P256PrivateKey(public: \(self.publicKey))" }
}
