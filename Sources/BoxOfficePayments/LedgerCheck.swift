public import BoxOfficePostgres

/// Verifies the ledger against itself and against the payments (`boxoffice ledger check`, and
/// every payments test after it ran).
public enum LedgerCheck {
    /// One thing wrong; an empty list of findings means the books are right.
    public struct Finding: Hashable, Sendable, CustomStringConvertible {
        /// Which rule failed: `currency_unbalanced`, `journal_unbalanced`, `payment_mismatch`,
        /// `refunds_mismatch`.
        public var rule: String
        /// What was found, with the ids and amounts involved.
        public var detail: String

        /// A finding.
        public init(rule: String, detail: String) {
            self.rule = rule
            self.detail = detail
        }

        public var description: String { "\(self.rule): \(self.detail)" }
    }

    /// Runs every check:
    /// - per currency, the sum of debits equals the sum of credits;
    /// - every journal is balanced;
    /// - per payment, the net `customer_payments` credit is `amount − refunded` when the payment
    ///   took money (succeeded, partially refunded, refunded) and 0 otherwise;
    /// - per payment, `refunded_minor` is the sum of its succeeded refunds.
    ///
    /// Read in one REPEATABLE READ snapshot by the caller's choice of transaction; on a plain
    /// connection each query sees its own snapshot.
    public static func run(in connection: PostgresConnection) async throws -> [Finding] {
        var findings: [Finding] = []
        for row in try await connection.query(
            """
            SELECT currency,
                   COALESCE(sum(amount_minor) FILTER (WHERE side = 'debit'), 0)::bigint,
                   COALESCE(sum(amount_minor) FILTER (WHERE side = 'credit'), 0)::bigint
            FROM ledger_entries GROUP BY currency
            HAVING COALESCE(sum(amount_minor) FILTER (WHERE side = 'debit'), 0)
                <> COALESCE(sum(amount_minor) FILTER (WHERE side = 'credit'), 0)
            """
        ) {
            let currency: String = try row.decode(0)
            let debits: Int64 = try row.decode(1)
            let credits: Int64 = try row.decode(2)
            findings.append(
                Finding(rule: "currency_unbalanced", detail: "\(currency): debits \(debits) ≠ credits \(credits)")
            )
        }
        for row in try await connection.query(
            """
            SELECT journal_id::text,
                   COALESCE(sum(amount_minor) FILTER (WHERE side = 'debit'), 0)::bigint,
                   COALESCE(sum(amount_minor) FILTER (WHERE side = 'credit'), 0)::bigint
            FROM ledger_entries GROUP BY journal_id
            HAVING COALESCE(sum(amount_minor) FILTER (WHERE side = 'debit'), 0)
                <> COALESCE(sum(amount_minor) FILTER (WHERE side = 'credit'), 0)
                OR count(DISTINCT currency) > 1
            """
        ) {
            let journal: String = try row.decode(0)
            let debits: Int64 = try row.decode(1)
            let credits: Int64 = try row.decode(2)
            findings.append(
                Finding(rule: "journal_unbalanced", detail: "journal \(journal): debits \(debits), credits \(credits)")
            )
        }
        for row in try await connection.query(
            """
            SELECT p.payment_id::text, p.status, p.amount_minor, p.refunded_minor, COALESCE(l.net, 0)::bigint
            FROM payments p
            LEFT JOIN (
                SELECT payment_id,
                       sum(CASE side WHEN 'credit' THEN amount_minor ELSE -amount_minor END) AS net
                FROM ledger_entries WHERE account = 'customer_payments' GROUP BY payment_id
            ) l ON l.payment_id = p.payment_id
            WHERE COALESCE(l.net, 0) <> CASE WHEN p.status IN ('succeeded', 'partially_refunded', 'refunded')
                                             THEN p.amount_minor - p.refunded_minor ELSE 0 END
            """
        ) {
            let payment: String = try row.decode(0)
            let status: String = try row.decode(1)
            let amount: Int64 = try row.decode(2)
            let refunded: Int64 = try row.decode(3)
            let net: Int64 = try row.decode(4)
            findings.append(
                Finding(
                    rule: "payment_mismatch",
                    detail: "payment \(payment) (\(status), amount \(amount), refunded \(refunded)): "
                        + "customer_payments net credit \(net)"
                )
            )
        }
        for row in try await connection.query(
            """
            SELECT p.payment_id::text, p.refunded_minor, COALESCE(r.total, 0)::bigint
            FROM payments p
            LEFT JOIN (
                SELECT payment_id, sum(amount_minor) AS total FROM refunds WHERE status = 'succeeded' GROUP BY payment_id
            ) r ON r.payment_id = p.payment_id
            WHERE p.refunded_minor <> COALESCE(r.total, 0)
            """
        ) {
            let payment: String = try row.decode(0)
            let refunded: Int64 = try row.decode(1)
            let total: Int64 = try row.decode(2)
            findings.append(
                Finding(
                    rule: "refunds_mismatch",
                    detail: "payment \(payment): refunded_minor \(refunded), succeeded refunds sum \(total)"
                )
            )
        }
        return findings
    }
}
