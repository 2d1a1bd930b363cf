import COpenSSL

/// A P-256 (secp256r1, prime256v1) ECDSA verification key, as ES256 (RFC 7518 §3.4) uses it.
///
/// Loaded from a PEM `PUBLIC KEY` block or from the `x` and `y` coordinates of an EC JWK. The
/// point is checked to lie on the curve when the key is loaded.
public struct P256PublicKey: Sendable, CustomStringConvertible {
    /// The length of one coordinate or scalar.
    public static let coordinateByteCount = 32
    /// The length of a signature in the JOSE form: `r || s`, 32 bytes each.
    public static let signatureByteCount = 64

    // SubjectPublicKeyInfo DER up to the uncompressed point: SEQUENCE { SEQUENCE { id-ecPublicKey,
    // prime256v1 }, BIT STRING { 0x04 … } }. Prepending it to x and y lets OpenSSL's own SPKI
    // decoder build and check the key, rather than a second code path through OSSL_PARAMs.
    private static let spkiPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
        0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    ]

    let handle: PKeyHandle

    /// The affine x coordinate, 32 bytes big-endian: a JWK's `x` (base64url-decoded).
    public let x: [UInt8]
    /// The affine y coordinate, 32 bytes big-endian: a JWK's `y` (base64url-decoded).
    public let y: [UInt8]

    /// The key in a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block, as `openssl ec -pubout` writes it.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when the text holds no public key, a key of another
    ///   type or curve, or a point not on the curve.
    public init(pem: String) throws(CryptoError) {
        try self.init(checking: try PEMCoding.readPublicKey(pem))
    }

    /// The key with affine coordinates `x` and `y`, 32 bytes each, as in an EC JWK (RFC 7518 §6.2.1).
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when a coordinate is not 32 bytes or the point is
    ///   not on the curve.
    public init(x: [UInt8], y: [UInt8]) throws(CryptoError) {
        guard x.count == Self.coordinateByteCount, y.count == Self.coordinateByteCount else {
            throw CryptoError(
                code: .invalidKey,
                message: "P-256 coordinates are \(Self.coordinateByteCount) bytes each, got \(x.count) and \(y.count)"
            )
        }
        let der = Self.spkiPrefix + x + y
        let key = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else {
            throw CryptoError(code: .invalidKey, message: "OpenSSL rejected the P-256 point: \(OpenSSLErrors.drain())")
        }
        try self.init(checking: PKeyHandle(key))
    }

    /// Wraps `handle` after checking that it is a valid P-256 key; reads the coordinates.
    init(checking handle: PKeyHandle) throws(CryptoError) {
        try Self.checkIsP256(handle)
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, handle.pointer, nil) else {
            throw CryptoError(code: .internalFailure, message: "EVP_PKEY_CTX_new_from_pkey failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        // The decoders already refuse points off the curve; the explicit check keeps that
        // guarantee independent of how the key arrived (invalid-curve attacks).
        guard EVP_PKEY_public_check(context) == 1 else {
            throw CryptoError(code: .invalidKey, message: "the P-256 public key is invalid: \(OpenSSLErrors.drain())")
        }
        self.handle = handle
        self.x = try Self.coordinate(OSSL_PKEY_PARAM_EC_PUB_X, of: handle)
        self.y = try Self.coordinate(OSSL_PKEY_PARAM_EC_PUB_Y, of: handle)
    }

    /// True when `signature` (`r || s`, 64 bytes) is a valid ECDSA signature with SHA-256 of
    /// `message` by this key's owner.
    ///
    /// Any other length, and any malformed input, is simply invalid. Both low-S and high-S
    /// signatures are accepted, as ECDSA (and JOSE) defines them.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == Self.signatureByteCount,
            let der = ECDSASignatureEncoding.der(fromRaw: signature),
            let context = EVP_MD_CTX_new()
        else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, self.handle.pointer) == 1 else {
            _ = OpenSSLErrors.drain()
            return false
        }
        let result = der.withUnsafeBufferPointer { signatureBytes in
            message.withNonNullBytes { input, inputCount in
                EVP_DigestVerify(context, signatureBytes.baseAddress, signatureBytes.count, input, inputCount)
            }
        }
        // A failed verification queues an error entry; leave the queue clean for later calls.
        if result != 1 { _ = OpenSSLErrors.drain() }
        return result == 1
    }

    /// The key as a PEM `PUBLIC KEY` block.
    public var pemRepresentation: String { PEMCoding.writePublicKey(self.handle) }

    /// The coordinates in base64url, as in a JWK; public keys are not secret.
    public var description: String {
        "P256PublicKey(x: \(Base64URL.encode(self.x)), y: \(Base64URL.encode(self.y)))"
    }

    /// Refuses any key that is not an EC key on the named curve P-256.
    static func checkIsP256(_ handle: PKeyHandle) throws(CryptoError) {
        guard EVP_PKEY_is_a(handle.pointer, "EC") == 1 else {
            throw CryptoError(code: .invalidKey, message: "the key is not an EC key")
        }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        let result = name.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_utf8_string_param(
                handle.pointer,
                OSSL_PKEY_PARAM_GROUP_NAME,
                $0.baseAddress,
                $0.count,
                &length
            )
        }
        guard result == 1, Self.string(name, length) == "prime256v1" else {
            _ = OpenSSLErrors.drain()
            throw CryptoError(code: .invalidKey, message: "the EC key is not on the curve P-256")
        }
        // OpenSSL names the curve even when the key spells out its parameters. RFC 5480 §2.1.1
        // requires the named form, and explicit parameters are the way to smuggle in a
        // look-alike curve, so they are refused even when they equal P-256's.
        var encoding = [CChar](repeating: 0, count: 64)
        var encodingLength = 0
        let encodingResult = encoding.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_utf8_string_param(
                handle.pointer,
                OSSL_PKEY_PARAM_EC_ENCODING,
                $0.baseAddress,
                $0.count,
                &encodingLength
            )
        }
        guard encodingResult == 1, Self.string(encoding, encodingLength) == OSSL_PKEY_EC_ENCODING_GROUP else {
            _ = OpenSSLErrors.drain()
            throw CryptoError(
                code: .invalidKey,
                message: "the EC key has explicit curve parameters, not the named curve"
            )
        }
    }

    private static func string(_ characters: [CChar], _ length: Int) -> String {
        String(decoding: characters.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func coordinate(_ parameter: String, of handle: PKeyHandle) throws(CryptoError) -> [UInt8] {
        var number: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(handle.pointer, parameter, &number) == 1, let number else {
            throw CryptoError(code: .internalFailure, message: "EVP_PKEY_get_bn_param: \(OpenSSLErrors.drain())")
        }
        defer { BN_free(number) }
        var output = [UInt8](repeating: 0, count: Self.coordinateByteCount)
        let written = output.withUnsafeMutableBufferPointer {
            BN_bn2binpad(number, $0.baseAddress, Int32($0.count))
        }
        guard written == Int32(Self.coordinateByteCount) else {
            throw CryptoError(code: .internalFailure, message: "a P-256 coordinate does not fit 32 bytes")
        }
        return output
    }
}
