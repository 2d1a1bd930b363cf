public import BoxOfficePostgres
public import Foundation

/// All SQL of payments, attempts and refunds, in one place. Every function runs on the
/// connection it is given, so callers compose them into one transaction (the payment row lock
/// of ``payment(_:forUpdate:in:)`` serializes every change of one payment).
public enum PaymentStore {
    static let paymentColumns = """
        payment_id, user_id, invoice_id, status, amount_minor, requested_minor, currency, refunded_minor,
        source, payment_method_id, save_method, recurring, two_stage, provider_transaction_id, action,
        failure_code, failure_message, failure_final, description, email, created_at, updated_at, version
        """

    // MARK: - Payments

    /// Inserts a new payment. Queued (`PostgresConnection.enqueue`): it is sent with the
    /// transaction's next statement or its COMMIT, which throw its error.
    ///
    /// - Throws: `PostgresError` (a duplicate id is a unique violation).
    public static func insert(_ payment: PaymentRecord, in connection: PostgresConnection) async throws {
        try connection.enqueue(
            """
            INSERT INTO payments (payment_id, user_id, invoice_id, status, amount_minor, requested_minor, currency,
                refunded_minor, source, payment_method_id, save_method, recurring, two_stage, provider_transaction_id,
                action, failure_code, failure_message, failure_final, description, email, created_at, updated_at,
                version)
            VALUES (\(payment.paymentID), \(payment.userID), \(payment.invoiceID), \(payment.status.rawValue),
                \(payment.amountMinor), \(payment.requestedMinor), \(payment.currency), \(payment.refundedMinor),
                \(payment.source.rawValue), \(payment.paymentMethodID), \(payment.saveMethod), \(payment.recurring),
                \(payment.twoStage), \(payment.providerTransactionID), \(payment.action), \(payment.failureCode),
                \(payment.failureMessage), \(payment.failureFinal), \(payment.description), \(payment.email),
                \(payment.createdAt), \(payment.updatedAt), \(payment.version))
            """
        )
    }

    /// The payment `id`; with `forUpdate` its row stays locked until the transaction ends.
    public static func payment(
        _ id: UUID,
        forUpdate: Bool = false,
        in connection: PostgresConnection
    ) async throws -> PaymentRecord? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.paymentColumns) FROM payments WHERE payment_id = \(id)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """
        )
        return try rows.first.map(Self.decodePayment)
    }

    /// The payment whose provider TransactionId is `transactionID` (3-D Secure's MD).
    public static func payment(
        providerTransactionID transactionID: Int64,
        forUpdate: Bool = false,
        in connection: PostgresConnection
    ) async throws -> PaymentRecord? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.paymentColumns) FROM payments WHERE provider_transaction_id = \(transactionID)
            ORDER BY created_at DESC LIMIT 1 \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """
        )
        return try rows.first.map(Self.decodePayment)
    }

    /// Writes every mutable field of `payment`, sets `updated_at` to `now` and bumps `version`;
    /// returns the row as written.
    ///
    /// The caller holds the payment's row lock (``payment(_:forUpdate:in:)``), so `payment` is
    /// the row being replaced and the result is known without reading it back: the update is
    /// queued like the inserts, and goes with the transaction's next statement.
    ///
    /// - Throws: `PostgresError`, from the call that sends it (a refunded amount outside
    ///   `0...amount` violates a check).
    @discardableResult
    public static func update(
        _ payment: PaymentRecord,
        now: Date,
        in connection: PostgresConnection
    ) async throws -> PaymentRecord {
        try connection.enqueue(
            """
            UPDATE payments SET status = \(payment.status.rawValue), amount_minor = \(payment.amountMinor),
                refunded_minor = \(payment.refundedMinor), payment_method_id = \(payment.paymentMethodID),
                provider_transaction_id = \(payment.providerTransactionID), action = \(payment.action),
                failure_code = \(payment.failureCode), failure_message = \(payment.failureMessage),
                failure_final = \(payment.failureFinal), updated_at = \(now), version = \(payment.version + 1)
            WHERE payment_id = \(payment.paymentID)
            """
        )
        var written = payment
        written.updatedAt = now
        written.version = payment.version + 1
        return written
    }

    /// Filters of ``list(_:pageSize:after:in:)``; nil fields do not filter.
    public struct ListFilter: Hashable, Sendable {
        /// Only this user's.
        public var userID: UUID?
        /// Only this invoice's.
        public var invoiceID: String?
        /// Only this status.
        public var status: PaymentStatus?
        /// Created at or after.
        public var from: Date?
        /// Created before.
        public var to: Date?

        /// A filter.
        public init(
            userID: UUID? = nil,
            invoiceID: String? = nil,
            status: PaymentStatus? = nil,
            from: Date? = nil,
            to: Date? = nil
        ) {
            self.userID = userID
            self.invoiceID = invoiceID
            self.status = status
            self.from = from
            self.to = to
        }
    }

    /// Where a page of a list starts: after the row with this creation time and id (keyset paging).
    public struct Cursor: Hashable, Sendable {
        /// The last row's `created_at`.
        public var createdAt: Date
        /// The last row's id.
        public var id: UUID

        /// A cursor.
        public init(createdAt: Date, id: UUID) {
            self.createdAt = createdAt
            self.id = id
        }
    }

    /// Up to `pageSize` payments matching `filter`, newest first, after `cursor`.
    public static func list(
        _ filter: ListFilter,
        pageSize: Int,
        after cursor: Cursor?,
        in connection: PostgresConnection
    ) async throws -> [PaymentRecord] {
        // Optional filters as `($n IS NULL OR column = $n)`: one prepared statement serves every
        // combination, and the parameters stay bound.
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.paymentColumns) FROM payments
            WHERE (\(filter.userID)::uuid IS NULL OR user_id = \(filter.userID))
              AND (\(filter.invoiceID)::text IS NULL OR invoice_id = \(filter.invoiceID))
              AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
              AND (\(filter.from)::timestamptz IS NULL OR created_at >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR created_at < \(filter.to))
              AND (\(cursor?.createdAt)::timestamptz IS NULL
                   OR (created_at, payment_id) < (\(cursor?.createdAt), \(cursor?.id)))
            ORDER BY created_at DESC, payment_id DESC
            LIMIT \(Int64(pageSize))
            """
        )
        return try rows.map(Self.decodePayment)
    }

    // MARK: - Attempts

    static let attemptColumns = """
        attempt_id, payment_id, refund_id, kind, request_id, state, amount_minor, provider_transaction_id,
        reason_code, error, created_at, sent_at, settled_at, next_check_at, checks
        """

    /// Inserts a new attempt; queued like the payment's insert.
    public static func insert(_ attempt: AttemptRecord, in connection: PostgresConnection) async throws {
        try connection.enqueue(
            """
            INSERT INTO attempts (attempt_id, payment_id, refund_id, kind, request_id, state, amount_minor,
                provider_transaction_id, reason_code, error, created_at, sent_at, settled_at, next_check_at, checks)
            VALUES (\(attempt.attemptID), \(attempt.paymentID), \(attempt.refundID), \(attempt.kind.rawValue),
                \(attempt.requestID), \(attempt.state.rawValue), \(attempt.amountMinor), \(attempt.providerTransactionID),
                \(attempt.reasonCode), \(attempt.error), \(attempt.createdAt), \(attempt.sentAt), \(attempt.settledAt),
                \(attempt.nextCheckAt), \(attempt.checks))
            """
        )
    }

    /// The attempt `id`; with `forUpdate` its row stays locked until the transaction ends.
    public static func attempt(
        _ id: UUID,
        forUpdate: Bool = false,
        in connection: PostgresConnection
    ) async throws -> AttemptRecord? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.attemptColumns) FROM attempts WHERE attempt_id = \(id)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """
        )
        return try rows.first.map(Self.decodeAttempt)
    }

    /// The attempt `id` and its payment, both locked for update, payment first (the order every
    /// path takes the locks in); nil when the attempt does not exist.
    ///
    /// Both statements go in one round trip: the payment is found through the attempt by a
    /// sub-select, which locks nothing, so the payment's lock is still the first one taken.
    public static func lockedPaymentAndAttempt(
        _ attemptID: UUID,
        in connection: PostgresConnection
    ) async throws -> (payment: PaymentRecord, attempt: AttemptRecord)? {
        let results = try await connection.pipeline([
            """
            SELECT \(unescaped: Self.paymentColumns) FROM payments
            WHERE payment_id = (SELECT payment_id FROM attempts WHERE attempt_id = \(attemptID))
            FOR UPDATE
            """,
            "SELECT \(unescaped: Self.attemptColumns) FROM attempts WHERE attempt_id = \(attemptID) FOR UPDATE",
        ])
        guard let paymentRow = results[0].first, let attemptRow = results[1].first else { return nil }
        return (try Self.decodePayment(paymentRow), try Self.decodeAttempt(attemptRow))
    }

    /// The attempts of a payment, oldest first.
    public static func attempts(payment id: UUID, in connection: PostgresConnection) async throws -> [AttemptRecord] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.attemptColumns) FROM attempts WHERE payment_id = \(id)
            ORDER BY created_at, attempt_id
            """
        )
        return try rows.map(Self.decodeAttempt)
    }

    /// Writes the mutable fields of `attempt` (state, ids, error, times, checks); queued like the
    /// inserts.
    public static func update(_ attempt: AttemptRecord, in connection: PostgresConnection) async throws {
        try connection.enqueue(
            """
            UPDATE attempts SET state = \(attempt.state.rawValue), provider_transaction_id = \(attempt.providerTransactionID),
                reason_code = \(attempt.reasonCode), error = \(attempt.error), sent_at = \(attempt.sentAt),
                settled_at = \(attempt.settledAt), next_check_at = \(attempt.nextCheckAt), checks = \(attempt.checks)
            WHERE attempt_id = \(attempt.attemptID)
            """
        )
    }

    // MARK: - Refunds

    static let refundColumns = """
        refund_id, payment_id, amount_minor, currency, status, reason, requested_by, provider_transaction_id,
        created_at, updated_at
        """

    /// Inserts a new refund; queued like the other inserts.
    public static func insert(_ refund: RefundRecord, in connection: PostgresConnection) async throws {
        try connection.enqueue(
            """
            INSERT INTO refunds (refund_id, payment_id, amount_minor, currency, status, reason, requested_by,
                provider_transaction_id, created_at, updated_at)
            VALUES (\(refund.refundID), \(refund.paymentID), \(refund.amountMinor), \(refund.currency),
                \(refund.status.rawValue), \(refund.reason), \(refund.requestedBy), \(refund.providerTransactionID),
                \(refund.createdAt), \(refund.updatedAt))
            """
        )
    }

    /// The refund `id`.
    public static func refund(
        _ id: UUID,
        forUpdate: Bool = false,
        in connection: PostgresConnection
    ) async throws -> RefundRecord? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.refundColumns) FROM refunds WHERE refund_id = \(id)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """
        )
        return try rows.first.map(Self.decodeRefund)
    }

    /// The refund whose own provider TransactionId is `transactionID`.
    public static func refund(
        providerTransactionID transactionID: Int64,
        in connection: PostgresConnection
    ) async throws -> RefundRecord? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.refundColumns) FROM refunds WHERE provider_transaction_id = \(transactionID)"
        )
        return try rows.first.map(Self.decodeRefund)
    }

    /// The refunds of a payment, oldest first.
    public static func refunds(payment id: UUID, in connection: PostgresConnection) async throws -> [RefundRecord] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.refundColumns) FROM refunds WHERE payment_id = \(id)
            ORDER BY created_at, refund_id
            """
        )
        return try rows.map(Self.decodeRefund)
    }

    /// The refunds of several payments, oldest first per payment.
    public static func refunds(
        payments ids: [UUID],
        in connection: PostgresConnection
    ) async throws -> [UUID: [RefundRecord]] {
        guard !ids.isEmpty else { return [:] }
        // The ids travel as one text parameter: the driver binds no uuid arrays.
        let list = ids.map { $0.uuidString.lowercased() }.joined(separator: ",")
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.refundColumns) FROM refunds
            WHERE payment_id = ANY(string_to_array(\(list), ',')::uuid[])
            ORDER BY created_at, refund_id
            """
        )
        return try Dictionary(grouping: rows.map(Self.decodeRefund), by: \.paymentID)
    }

    /// Writes the status and provider id of `refund` and sets `updated_at` to now; queued like
    /// the inserts.
    public static func update(_ refund: RefundRecord, in connection: PostgresConnection) async throws {
        try connection.enqueue(
            """
            UPDATE refunds SET status = \(refund.status.rawValue), provider_transaction_id = \(refund.providerTransactionID),
                updated_at = now()
            WHERE refund_id = \(refund.refundID)
            """
        )
    }

    /// The sum of the refunds of a payment that are still pending (sent, not answered).
    public static func pendingRefundsMinor(payment id: UUID, in connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query(
            "SELECT COALESCE(sum(amount_minor), 0)::bigint FROM refunds WHERE payment_id = \(id) AND status = 'pending'"
        )
        return try rows.first?.decode(0, as: Int64.self) ?? 0
    }

    // MARK: - Decoding

    static func decodePayment(_ row: PostgresRow) throws -> PaymentRecord {
        var record = PaymentRecord(
            paymentID: try row.decode(0),
            userID: try row.decode(1),
            invoiceID: try row.decode(2),
            amountMinor: try row.decode(4),
            currency: try row.decode(6),
            source: try Self.enumValue(row, 8, PaymentRecord.Source.self),
            paymentMethodID: try row.decode(9),
            saveMethod: try row.decode(10),
            recurring: try row.decode(11),
            twoStage: try row.decode(12),
            description: try row.decode(18),
            email: try row.decode(19),
            createdAt: try row.decode(20)
        )
        record.status = try Self.enumValue(row, 3, PaymentStatus.self)
        record.requestedMinor = try row.decode(5)
        record.refundedMinor = try row.decode(7)
        record.providerTransactionID = try row.decode(13)
        record.action = try row.decode(14)
        record.failureCode = try row.decode(15)
        record.failureMessage = try row.decode(16)
        record.failureFinal = try row.decode(17)
        record.updatedAt = try row.decode(21)
        record.version = try row.decode(22)
        return record
    }

    static func decodeAttempt(_ row: PostgresRow) throws -> AttemptRecord {
        var record = AttemptRecord(
            attemptID: try row.decode(0),
            paymentID: try row.decode(1),
            refundID: try row.decode(2),
            kind: try Self.enumValue(row, 3, AttemptRecord.Kind.self),
            amountMinor: try row.decode(6),
            createdAt: try row.decode(10)
        )
        record.requestID = try row.decode(4)
        record.state = try Self.enumValue(row, 5, AttemptRecord.State.self)
        record.providerTransactionID = try row.decode(7)
        record.reasonCode = try row.decode(8)
        record.error = try row.decode(9)
        record.sentAt = try row.decode(11)
        record.settledAt = try row.decode(12)
        record.nextCheckAt = try row.decode(13)
        record.checks = try row.decode(14)
        return record
    }

    static func decodeRefund(_ row: PostgresRow) throws -> RefundRecord {
        var record = RefundRecord(
            refundID: try row.decode(0),
            paymentID: try row.decode(1),
            amountMinor: try row.decode(2),
            currency: try row.decode(3),
            reason: try row.decode(5),
            requestedBy: try row.decode(6),
            createdAt: try row.decode(8)
        )
        record.status = try Self.enumValue(row, 4, RefundRecord.Status.self)
        record.providerTransactionID = try row.decode(7)
        record.updatedAt = try row.decode(9)
        return record
    }

    static func enumValue<T: RawRepresentable>(_ row: PostgresRow, _ column: Int, _: T.Type) throws -> T
    where T.RawValue == String {
        let text: String = try row.decode(column)
        guard let value = T(rawValue: text) else {
            throw PaymentsError(code: .illegalTransition, message: "column \(column) holds an unknown value '\(text)'")
        }
        return value
    }
}
