import COpenSSL

extension Ed25519PrivateKey {
    /// The key in a PEM `PRIVATE KEY` (PKCS#8) block, as `openssl genpkey -algorithm ed25519`
    /// writes it. Encrypted keys are refused.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when the text holds no unencrypted private key or a
    ///   key of another type.
    public init(pem: String) throws(CryptoError) {
        let handle = try PEMCoding.readPrivateKey(pem)
        guard EVP_PKEY_is_a(handle.pointer, "ED25519") == 1 else {
            throw CryptoError(code: .invalidKey, message: "the PEM private key is not an Ed25519 key")
        }
        var seed = [UInt8](repeating: 0, count: Self.seedByteCount)
        defer { seed.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        var length = seed.count
        let result = seed.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_raw_private_key(handle.pointer, $0.baseAddress, &length)
        }
        guard result == 1, length == Self.seedByteCount else {
            throw CryptoError(code: .invalidKey, message: "the Ed25519 seed: \(OpenSSLErrors.drain())")
        }
        try self.init(rawRepresentation: seed)
    }

    /// The key as an unencrypted PKCS#8 `PRIVATE KEY` PEM block. Treat it as a secret.
    public var pemRepresentation: String { PEMCoding.writePrivateKey(self.handle) }
}

extension Ed25519PublicKey {
    /// The key as a PEM `PUBLIC KEY` block; read one back with ``PEMPublicKey/init(pem:)``.
    public var pemRepresentation: String { PEMCoding.writePublicKey(self.handle) }
}
