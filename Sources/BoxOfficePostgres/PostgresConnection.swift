import BoxOfficeThreads
import Synchronization

/// A connection lent by ``PostgresClient``, valid only inside the scope that handed it out.
///
/// Every call runs libpq on the connection's own thread, never on the concurrency pool. Inside
/// ``PostgresClient/withConnection(_:)`` the scope already runs on that thread, so a query costs
/// no thread hop. Calls made after the scope ended throw ``PostgresError/Code/connectionMisuse``.
public final class PostgresConnection: Sendable {
    let base: LibPQConnection
    private let isLent = Atomic<Bool>(true)

    init(base: LibPQConnection) {
        self.base = base
    }

    /// Runs `query` and returns its rows.
    ///
    /// The statement is prepared on first use and the preparation reused by later calls with the
    /// same SQL text. Throws ``PostgresError`` (SQLSTATE and constraint name for server errors).
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try self.checkLent()
        return try await self.base.thread.run { () throws(PostgresError) -> [PostgresRow] in
            try self.base.execute(query).rows
        }
    }

    /// Runs a statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try self.checkLent()
        return try await self.base.thread.run { () throws(PostgresError) -> Int in
            try self.base.execute(query).affectedRowCount
        }
    }

    /// Runs `queries` in libpq's pipeline mode: all are sent, then all results read, in one round
    /// trip. Returns each query's rows, in order.
    ///
    /// Outside a transaction the batch is atomic: Postgres runs it as one implicit transaction.
    /// When a query fails the rest are skipped and the error, with ``PostgresError/queryIndex`` set
    /// to the failing position, is thrown.
    public func pipeline(_ queries: [PostgresQuery]) async throws -> [[PostgresRow]] {
        try self.checkLent()
        return try await self.base.thread.run { () throws(PostgresError) -> [[PostgresRow]] in
            try self.base.pipeline(queries).map(\.rows)
        }
    }

    /// Runs SQL text without parameters over the simple protocol; it may hold several statements.
    func executeScript(_ sql: String) async throws {
        try self.checkLent()
        try await self.base.thread.run { () throws(PostgresError) in
            _ = try self.base.executeScript(sql)
        }
    }

    /// Runs `COMMIT`, which the server answers with `ROLLBACK` when the transaction had failed.
    func commit() async throws {
        try self.checkLent()
        let tag = try await self.base.thread.run { () throws(PostgresError) -> String in
            try self.base.executeScript("COMMIT").commandTag
        }
        guard tag == "COMMIT" else {
            throw PostgresError(code: .commitFailed, message: "the transaction had failed and was rolled back")
        }
    }

    /// Ends the loan: later calls throw.
    func endLoan() {
        self.isLent.store(false, ordering: .relaxed)
    }

    private func checkLent() throws(PostgresError) {
        guard self.isLent.load(ordering: .relaxed) else {
            throw PostgresError(code: .connectionMisuse, message: "the connection was used after its scope ended")
        }
    }
}
