import COpenSSL

/// Reads and clears OpenSSL's thread-local error queue, so a failure's reason reaches the error
/// message and stale entries do not leak into the next call's diagnosis.
enum OpenSSLErrors {
    /// The reason of the earliest queued error (library and reason strings, never data), or
    /// "unknown" when the queue is empty; the queue is left empty.
    static func drain() -> String {
        let first = ERR_get_error()
        ERR_clear_error()
        guard first != 0, let reason = ERR_reason_error_string(first) else { return "unknown" }
        return String(cString: reason)
    }
}
