public import BoxOfficePostgres
public import Foundation

/// INTERNAL's number, for a stored error that lost its status (it never should).
private enum RPCStatusInternal {
    static let value: Int32 = 13
}

/// The idempotency keys of mutating calls (`idempotency_keys`): one row per (caller, key) with
/// the request's fingerprint and, once done, the stored answer.
public enum IdempotencyStore {
    /// What ``claim(caller:key:method:fingerprint:lockSeconds:retentionSeconds:in:)`` found.
    public enum Claim: Sendable, Equatable {
        /// The key is new: the caller runs the request.
        case fresh
        /// The same request finished before: answer with what was stored.
        case replay(StoredAnswer)
        /// The same request was running and its holder's lock expired (it crashed): the caller
        /// resumes it, working on `paymentID` when the holder had recorded one.
        case takeOver(paymentID: UUID?)
    }

    /// An answer kept for replays.
    public enum StoredAnswer: Sendable, Equatable {
        /// The response message's bytes.
        case success([UInt8])
        /// An error: its RPC status number and message.
        case failure(status: Int32, message: String)
    }

    /// Claims `key` of `caller` for a request with `fingerprint`, in the caller's transaction.
    ///
    /// - Throws: ``PaymentsError`` `.idempotencyMismatch` when the key was used for another
    ///   request (or method), `.idempotencyInProgress` while another call holds it.
    public static func claim(
        caller: String,
        key: String,
        method: String,
        fingerprint: [UInt8],
        lockSeconds: Int64,
        retentionSeconds: Int64,
        in connection: PostgresConnection
    ) async throws -> Claim {
        let inserted = try await connection.execute(
            """
            INSERT INTO idempotency_keys (caller, key, method, fingerprint, state, locked_until, expires_at)
            VALUES (\(caller), \(key), \(method), \(fingerprint), 'running',
                now() + make_interval(secs => \(Double(lockSeconds))),
                now() + make_interval(secs => \(Double(retentionSeconds))))
            ON CONFLICT (caller, key) DO NOTHING
            """
        )
        if inserted == 1 { return .fresh }
        let rows = try await connection.query(
            """
            SELECT method, fingerprint, state, payment_id, response, response_status, response_message,
                   locked_until < now(), expires_at < now()
            FROM idempotency_keys WHERE caller = \(caller) AND key = \(key) FOR UPDATE
            """
        )
        guard let row = rows.first else {
            // Deleted between our insert and select (released by its holder): claim it again.
            return try await Self.claim(
                caller: caller,
                key: key,
                method: method,
                fingerprint: fingerprint,
                lockSeconds: lockSeconds,
                retentionSeconds: retentionSeconds,
                in: connection
            )
        }
        // An expired key is gone as far as callers can tell, whether or not the reaper ran yet:
        // the row, now locked, starts over for this request. Checked here rather than by a DELETE
        // before the insert, so that a fresh key (nearly every call) costs one statement.
        if try row.decode(8, as: Bool.self) {
            try await connection.execute(
                """
                UPDATE idempotency_keys SET method = \(method), fingerprint = \(fingerprint), state = 'running',
                    payment_id = NULL, response = NULL, response_status = NULL, response_message = NULL,
                    locked_until = now() + make_interval(secs => \(Double(lockSeconds))), created_at = now(),
                    expires_at = now() + make_interval(secs => \(Double(retentionSeconds)))
                WHERE caller = \(caller) AND key = \(key)
                """
            )
            return .fresh
        }
        let storedMethod: String = try row.decode(0)
        let storedFingerprint: [UInt8] = try row.decode(1)
        guard storedMethod == method, storedFingerprint == fingerprint else {
            throw PaymentsError(code: .idempotencyMismatch, message: "idempotency key reused with a different request")
        }
        let state: String = try row.decode(2)
        if state == "done" {
            if let response: [UInt8] = try row.decode(4) {
                return .replay(.success(response))
            }
            let status = try row.decode(5, as: Int32?.self) ?? RPCStatusInternal.value
            let message = try row.decode(6, as: String?.self) ?? "internal error"
            return .replay(.failure(status: status, message: message))
        }
        let lockExpired: Bool = try row.decode(7)
        guard lockExpired else {
            throw PaymentsError(
                code: .idempotencyInProgress,
                message: "a request with this idempotency key is in progress"
            )
        }
        try await connection.execute(
            """
            UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => \(Double(lockSeconds)))
            WHERE caller = \(caller) AND key = \(key)
            """
        )
        return .takeOver(paymentID: try row.decode(3))
    }

    /// Records the payment a running request works on, so a take-over resumes it. The update is
    /// queued (`PostgresConnection.enqueue`): it goes with the transaction's next statement.
    public static func attach(
        paymentID: UUID,
        caller: String,
        key: String,
        in connection: PostgresConnection
    ) async throws {
        try connection.enqueue(
            "UPDATE idempotency_keys SET payment_id = \(paymentID) WHERE caller = \(caller) AND key = \(key)"
        )
    }

    /// Stores the answer and marks the key done; queued like ``attach(paymentID:caller:key:in:)``.
    public static func complete(
        caller: String,
        key: String,
        answer: StoredAnswer,
        in connection: PostgresConnection
    ) async throws {
        let response: [UInt8]?
        let status: Int32?
        let message: String?
        switch answer {
        case .success(let bytes): (response, status, message) = (bytes, nil, nil)
        case .failure(let code, let text): (response, status, message) = (nil, code, text)
        }
        try connection.enqueue(
            """
            UPDATE idempotency_keys SET state = 'done', response = \(response), response_status = \(status),
                response_message = \(message)
            WHERE caller = \(caller) AND key = \(key)
            """
        )
    }

    /// Deletes the key: the request did nothing, and the caller may send it again. Queued like
    /// ``attach(paymentID:caller:key:in:)``.
    public static func release(caller: String, key: String, in connection: PostgresConnection) async throws {
        try connection.enqueue("DELETE FROM idempotency_keys WHERE caller = \(caller) AND key = \(key)")
    }

    /// Deletes up to `limit` expired keys; returns how many. The reconciler's loop calls it.
    @discardableResult
    public static func reapExpired(limit: Int, in connection: PostgresConnection) async throws -> Int {
        try await connection.execute(
            """
            DELETE FROM idempotency_keys WHERE ctid IN (
                SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT \(Int64(limit)))
            """
        )
    }
}
