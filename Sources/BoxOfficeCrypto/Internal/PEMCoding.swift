import COpenSSL

/// Reading and writing keys in PEM through OpenSSL's memory BIOs.
enum PEMCoding {
    /// The longest PEM text accepted: an RSA-4096 private key is about 3.3 KB, and nothing we
    /// load comes close, so anything longer is refused before OpenSSL parses it.
    static let pemBytesMax = 16 * 1024

    /// The public key in a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) block.
    static func readPublicKey(_ pem: String) throws(CryptoError) -> PKeyHandle {
        let key = try Self.withBIO(pem) { bio in PEM_read_bio_PUBKEY(bio, nil, nil, nil) }
        guard let key else {
            throw CryptoError(code: .invalidKey, message: "no PEM public key: \(OpenSSLErrors.drain())")
        }
        return PKeyHandle(key)
    }

    /// The private key in a `PRIVATE KEY` (PKCS#8) or algorithm-specific (`EC PRIVATE KEY`,
    /// SEC1) block. Encrypted keys are refused.
    static func readPrivateKey(_ pem: String) throws(CryptoError) -> PKeyHandle {
        let key = try Self.withBIO(pem) { bio in
            // Without a callback OpenSSL would prompt on the terminal for the passphrase of an
            // encrypted key; answering "no passphrase" makes it fail instead.
            PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let key else {
            throw CryptoError(code: .invalidKey, message: "no unencrypted PEM private key: \(OpenSSLErrors.drain())")
        }
        return PKeyHandle(key)
    }

    /// `key`'s public half as a `PUBLIC KEY` PEM block.
    static func writePublicKey(_ key: PKeyHandle) -> String {
        Self.write { bio in PEM_write_bio_PUBKEY(bio, key.pointer) }
    }

    /// `key` as an unencrypted PKCS#8 `PRIVATE KEY` PEM block.
    static func writePrivateKey(_ key: PKeyHandle) -> String {
        Self.write { bio in PEM_write_bio_PrivateKey(bio, key.pointer, nil, nil, 0, nil, nil) }
    }

    private static func withBIO(
        _ pem: String,
        _ body: (OpaquePointer) -> OpaquePointer?
    ) throws(CryptoError) -> OpaquePointer? {
        let bytes = Array(pem.utf8)
        guard bytes.count <= Self.pemBytesMax else {
            throw CryptoError(code: .invalidKey, message: "PEM text longer than \(Self.pemBytesMax) bytes")
        }
        return bytes.withNonNullBytes { pointer, count in
            guard let bio = BIO_new_mem_buf(pointer, Int32(count)) else { return nil }
            defer { BIO_free(bio) }
            let key = body(bio)
            // OpenSSL 3's decoders queue errors from the formats they tried and rejected even when
            // one succeeds; clear them so they do not surface in a later call's diagnosis.
            if key != nil { ERR_clear_error() }
            return key
        }
    }

    private static func write(_ body: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { preconditionFailure("BIO_new failed") }
        defer { BIO_free(bio) }
        // Writing a valid key into memory only fails when allocation fails.
        precondition(body(bio) == 1, "PEM_write failed: \(OpenSSLErrors.drain())")
        var output = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let read = output.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
        precondition(Int(read) == output.count, "BIO_read returned \(read) of \(output.count) bytes")
        return String(decoding: output, as: UTF8.self)
    }
}
