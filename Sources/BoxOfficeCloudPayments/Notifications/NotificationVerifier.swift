import BoxOfficeCrypto

/// Checks a notification's signature over its raw body, before anything parses it.
///
/// The provider signs with `Content-HMAC` (and `X-Content-HMAC`) = base64(HMAC-SHA256(body, API
/// secret)). The comparison is constant-time and over the bytes as received: re-encoding parsed
/// fields would accept bodies the provider never sent.
public struct NotificationVerifier: Sendable {
    /// Longer than any base64 HMAC-SHA256 (44 characters); a longer header is refused unread.
    public static let signatureLengthMax = 128

    private let key: [UInt8]

    /// A verifier with the terminal's API secret.
    public init(apiSecret: CloudPaymentsSecret) { self.key = apiSecret.bytes }

    /// Accepts `body` when its `Content-HMAC` header (or, without one, `X-Content-HMAC`) is the
    /// base64 HMAC-SHA256 of exactly these bytes. Header names are matched case-insensitively.
    ///
    /// CLOUDPAYMENTS.md states that `Content-HMAC` is over the raw body; for `X-Content-HMAC` it
    /// gives the same formula, so both are checked against the raw bytes (some clients describe
    /// `X-Content-HMAC` over the decoded body — *unverified*; a body signed that way is refused
    /// rather than verified against anything but the bytes received).
    ///
    /// - Throws: ``CloudPaymentsError`` `.signatureMissing` without either header,
    ///   `.signatureInvalid` when the code does not match.
    public func verify(body: [UInt8], headers: some Sequence<(name: String, value: String)>) throws(CloudPaymentsError)
    {
        var contentHMAC: String?
        var xContentHMAC: String?
        for header in headers {
            switch header.name.lowercased() {
            case "content-hmac": contentHMAC = contentHMAC ?? header.value
            case "x-content-hmac": xContentHMAC = xContentHMAC ?? header.value
            default: continue
            }
        }
        guard let signature = contentHMAC ?? xContentHMAC else {
            throw CloudPaymentsError(code: .signatureMissing, message: "notification without Content-HMAC")
        }
        try self.verify(body: body, signature: signature)
    }

    /// Accepts `body` when `signature` is the base64 HMAC-SHA256 of exactly these bytes.
    ///
    /// - Throws: ``CloudPaymentsError`` `.signatureInvalid` otherwise.
    public func verify(body: [UInt8], signature: String) throws(CloudPaymentsError) {
        let received = Array(signature.utf8).trimmingSpaces()
        guard received.count <= Self.signatureLengthMax else {
            throw CloudPaymentsError(code: .signatureInvalid, message: "notification HMAC does not match")
        }
        let expected = Array(Base64.encode(HMACSHA256.authenticationCode(for: body, key: self.key)).utf8)
        guard ConstantTime.equals(expected, received) else {
            throw CloudPaymentsError(code: .signatureInvalid, message: "notification HMAC does not match")
        }
    }

    /// The header value the provider would send for `body`; for tests and the sandbox.
    public func signature(for body: [UInt8]) -> String {
        Base64.encode(HMACSHA256.authenticationCode(for: body, key: self.key))
    }
}

extension [UInt8] {
    fileprivate func trimmingSpaces() -> [UInt8] {
        var slice = self[...]
        while slice.first == UInt8(ascii: " ") || slice.first == UInt8(ascii: "\t") { slice = slice.dropFirst() }
        while slice.last == UInt8(ascii: " ") || slice.last == UInt8(ascii: "\t") { slice = slice.dropLast() }
        return Array(slice)
    }
}
