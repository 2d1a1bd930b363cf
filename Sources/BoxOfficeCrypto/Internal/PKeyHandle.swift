import COpenSSL

/// Owns an `EVP_PKEY`.
///
/// OpenSSL keys are reference counted and safe to use from several threads at once for
/// signing and verification (each operation makes its own `EVP_MD_CTX`), hence `Sendable`.
final class PKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(self.pointer) }
}
