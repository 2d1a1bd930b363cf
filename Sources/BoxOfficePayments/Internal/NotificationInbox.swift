import BoxOfficePostgres
import Foundation

/// All SQL of `provider_notifications`, the inbox of provider notifications: parsed fields only,
/// never the raw body (it holds card digits).
enum NotificationInbox {
    /// One row, as written or read back for a deferred re-apply.
    struct Row: Sendable {
        var id: Int64
        var kind: String
        var transactionID: Int64?
        var invoiceID: String?
        var status: String?
        var amountMinor: Int64?
        var currency: String?
    }

    /// Records a notification; nil when its `dedupeKey` is already there (a duplicate).
    static func insert(
        kind: String,
        dedupeKey: String,
        transactionID: Int64?,
        invoiceID: String?,
        status: String?,
        amountMinor: Int64?,
        currency: String?,
        in connection: PostgresConnection
    ) async throws -> Int64? {
        let rows = try await connection.query(
            """
            INSERT INTO provider_notifications (kind, dedupe_key, transaction_id, invoice_id, status, amount_minor, currency)
            VALUES (\(kind), \(dedupeKey), \(transactionID), \(invoiceID), \(status), \(amountMinor), \(currency))
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """
        )
        return try rows.first?.decode(0, as: Int64.self)
    }

    /// Writes what applying the row did; a deferred row stays unprocessed (`processed_at` NULL).
    static func finish(
        _ id: Int64,
        outcome: ProviderNotificationOutcome,
        invoiceID: String?,
        amountMinor: Int64?,
        in connection: PostgresConnection
    ) async throws {
        let processed = outcome != .deferred
        try await connection.execute(
            """
            UPDATE provider_notifications
            SET outcome = \(outcome.rawValue), processed_at = CASE WHEN \(processed) THEN now() ELSE NULL END,
                invoice_id = COALESCE(\(invoiceID), invoice_id), amount_minor = COALESCE(\(amountMinor), amount_minor)
            WHERE id = \(id)
            """
        )
    }

    /// The deferred rows of the payment `invoiceID`, oldest first, locked.
    static func deferred(invoiceID: String, in connection: PostgresConnection) async throws -> [Row] {
        let rows = try await connection.query(
            """
            SELECT id, kind, transaction_id, invoice_id, status, amount_minor, currency FROM provider_notifications
            WHERE invoice_id = \(invoiceID) AND outcome = 'deferred' ORDER BY id FOR UPDATE
            """
        )
        return try rows.map(Self.decode)
    }

    /// Payments (their invoice ids) with deferred rows whose payment has settled since, up to `limit`.
    static func deferredReady(limit: Int, in connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT DISTINCT n.invoice_id FROM provider_notifications n
            JOIN payments p ON p.payment_id::text = n.invoice_id
            WHERE n.outcome = 'deferred' AND p.status IN ('succeeded', 'partially_refunded', 'refunded', 'voided')
            LIMIT \(Int64(limit))
            """
        )
        return try rows.map { try $0.decode(0, as: String.self) }
    }

    static func decode(_ row: PostgresRow) throws -> Row {
        Row(
            id: try row.decode(0),
            kind: try row.decode(1),
            transactionID: try row.decode(2),
            invoiceID: try row.decode(3),
            status: try row.decode(4),
            amountMinor: try row.decode(5),
            currency: try row.decode(6)
        )
    }
}
