import COpenSSL

/// Converts ECDSA signatures between the fixed-size `r || s` form of JOSE (RFC 7518 §3.4) and
/// the DER `ECDSA-Sig-Value` that OpenSSL produces and expects.
enum ECDSASignatureEncoding {
    /// `r || s`, each left-padded to `scalarByteCount`, from a DER signature; nil when the DER
    /// does not parse or a value does not fit.
    static func raw(fromDER der: [UInt8], scalarByteCount: Int) -> [UInt8]? {
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let signature = parsed else {
            _ = OpenSSLErrors.drain()
            return nil
        }
        defer { ECDSA_SIG_free(signature) }
        var output = [UInt8](repeating: 0, count: 2 * scalarByteCount)
        let written = output.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let r = BN_bn2binpad(ECDSA_SIG_get0_r(signature), base, Int32(scalarByteCount))
            let s = BN_bn2binpad(ECDSA_SIG_get0_s(signature), base + scalarByteCount, Int32(scalarByteCount))
            return r == Int32(scalarByteCount) && s == Int32(scalarByteCount)
        }
        return written ? output : nil
    }

    /// The DER encoding of the signature whose `r || s` form is `raw` (two equal halves).
    static func der(fromRaw raw: [UInt8]) -> [UInt8]? {
        guard !raw.isEmpty, raw.count % 2 == 0, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let half = raw.count / 2
        let numbers = raw.withUnsafeBufferPointer { buffer -> (OpaquePointer, OpaquePointer)? in
            guard let r = BN_bin2bn(buffer.baseAddress, Int32(half), nil) else { return nil }
            guard let s = BN_bin2bn(buffer.baseAddress! + half, Int32(half), nil) else {
                BN_free(r)
                return nil
            }
            return (r, s)
        }
        guard let (r, s) = numbers else { return nil }
        // ECDSA_SIG_set0 takes ownership of both numbers on success only.
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return written == length ? der : nil
    }
}
