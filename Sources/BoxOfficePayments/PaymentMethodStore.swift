public import BoxOfficePostgres
public import Foundation

/// All SQL of saved payment methods.
public enum PaymentMethodStore {
    static let columns = """
        payment_method_id, user_id, token, brand, first_six, last_four, exp_month, exp_year, created_at, deleted_at
        """

    /// Saves `method`, or returns the user's live method with the same token (a card paid with
    /// twice is saved once).
    ///
    /// - Returns: the stored method and whether it was inserted now.
    public static func save(
        _ method: PaymentMethodRecord,
        in connection: PostgresConnection
    ) async throws -> (method: PaymentMethodRecord, inserted: Bool) {
        let inserted = try await connection.query(
            """
            INSERT INTO payment_methods (payment_method_id, user_id, token, brand, first_six, last_four, exp_month,
                exp_year, created_at)
            VALUES (\(method.paymentMethodID), \(method.userID), \(method.token), \(method.brand), \(method.firstSix),
                \(method.lastFour), \(method.expMonth), \(method.expYear), \(method.createdAt))
            ON CONFLICT (user_id, token) WHERE deleted_at IS NULL DO NOTHING
            RETURNING \(unescaped: Self.columns)
            """
        )
        if let row = inserted.first { return (try Self.decode(row), true) }
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM payment_methods
            WHERE user_id = \(method.userID) AND token = \(method.token) AND deleted_at IS NULL
            """
        )
        guard let row = rows.first else {
            throw PaymentsError(code: .illegalTransition, message: "saved method vanished while saving it")
        }
        return (try Self.decode(row), false)
    }

    /// The method `id`, deleted or not.
    public static func method(_ id: UUID, in connection: PostgresConnection) async throws -> PaymentMethodRecord? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM payment_methods WHERE payment_method_id = \(id)"
        )
        return try rows.first.map(Self.decode)
    }

    /// Up to `pageSize` live methods of `userID`, newest first, after `cursor`.
    public static func list(
        userID: UUID,
        pageSize: Int,
        after cursor: PaymentStore.Cursor?,
        in connection: PostgresConnection
    ) async throws -> [PaymentMethodRecord] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM payment_methods
            WHERE user_id = \(userID) AND deleted_at IS NULL
              AND (\(cursor?.createdAt)::timestamptz IS NULL
                   OR (created_at, payment_method_id) < (\(cursor?.createdAt), \(cursor?.id)))
            ORDER BY created_at DESC, payment_method_id DESC
            LIMIT \(Int64(pageSize))
            """
        )
        return try rows.map(Self.decode)
    }

    /// Marks the user's method `id` deleted; returns false when there is no such live method.
    public static func delete(_ id: UUID, userID: UUID, in connection: PostgresConnection) async throws -> Bool {
        try await connection.execute(
            """
            UPDATE payment_methods SET deleted_at = now()
            WHERE payment_method_id = \(id) AND user_id = \(userID) AND deleted_at IS NULL
            """
        ) == 1
    }

    static func decode(_ row: PostgresRow) throws -> PaymentMethodRecord {
        PaymentMethodRecord(
            paymentMethodID: try row.decode(0),
            userID: try row.decode(1),
            token: try row.decode(2),
            brand: try row.decode(3),
            firstSix: try row.decode(4),
            lastFour: try row.decode(5),
            expMonth: try row.decode(6),
            expYear: try row.decode(7),
            createdAt: try row.decode(8),
            deletedAt: try row.decode(9)
        )
    }
}
