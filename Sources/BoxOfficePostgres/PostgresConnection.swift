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
    // Statements sent with the next call that needs an answer; see `enqueue(_:)`.
    private let queued = Mutex<[PostgresQuery]>([])

    init(base: LibPQConnection) {
        self.base = base
    }

    /// Runs `query` and returns its rows.
    ///
    /// The statement is prepared on first use and the preparation reused by later calls with the
    /// same SQL text. Statements queued with ``enqueue(_:)`` go first, in the same round trip.
    /// Throws ``PostgresError`` (SQLSTATE and constraint name for server errors).
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try self.checkLent()
        let queued = self.takeQueued()
        return try await self.base.thread.run { () throws(PostgresError) -> [PostgresRow] in
            try self.base.execute(query, after: queued).rows
        }
    }

    /// Runs a statement and returns the number of rows it affected; queued statements go first.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try self.checkLent()
        let queued = self.takeQueued()
        return try await self.base.thread.run { () throws(PostgresError) -> Int in
            try self.base.execute(query, after: queued).affectedRowCount
        }
    }

    /// Runs `queries` in libpq's pipeline mode: all are sent, then all results read, in one round
    /// trip. Returns each query's rows, in order. Queued statements go first.
    ///
    /// Outside a transaction the batch is atomic: Postgres runs it as one implicit transaction.
    /// When a query fails the rest are skipped and the error, with ``PostgresError/queryIndex`` set
    /// to the failing position, is thrown.
    public func pipeline(_ queries: [PostgresQuery]) async throws -> [[PostgresRow]] {
        try self.checkLent()
        let queued = self.takeQueued()
        return try await self.base.thread.run { () throws(PostgresError) -> [[PostgresRow]] in
            try self.base.pipeline(queries, after: queued).map(\.rows)
        }
    }

    /// Queues a statement whose answer the caller does not read (an insert, an update): it is sent
    /// in the same round trip as the next call that needs an answer (``query(_:)``,
    /// ``execute(_:)``, ``pipeline(_:)``) or as the transaction's `COMMIT`, in pipeline mode.
    ///
    /// Statements run in the order they were queued and called, so a later query sees a queued
    /// write. A queued statement that fails makes the call that sends it throw the statement's
    /// ``PostgresError`` (with no ``PostgresError/queryIndex``), and the transaction fails as it
    /// would have anyway; so queue only statements whose failure the caller does not handle on
    /// the spot. What is still queued when a ``PostgresClient/withConnection(_:)`` body returns
    /// is sent before the connection goes back; when the body throws it is dropped.
    public func enqueue(_ query: PostgresQuery) throws {
        try self.checkLent()
        self.queued.withLock { $0.append(query) }
    }

    /// Sends what is queued, if anything.
    func flushQueued() async throws {
        let queued = self.takeQueued()
        guard !queued.isEmpty else { return }
        try self.checkLent()
        try await self.base.thread.run { () throws(PostgresError) in
            _ = try self.base.pipeline([], after: queued)
        }
    }

    /// Drops what is queued (the scope failed; it would be rolled back anyway).
    func discardQueued() {
        self.queued.withLock { $0.removeAll() }
    }

    /// Runs SQL text without parameters over the simple protocol; it may hold several statements.
    /// Queued statements are sent first.
    func executeScript(_ sql: String) async throws {
        try await self.flushQueued()
        try self.checkLent()
        try await self.base.thread.run { () throws(PostgresError) in
            _ = try self.base.executeScript(sql)
        }
    }

    /// Runs `COMMIT` (with the queued statements, in one round trip), which the server answers
    /// with `ROLLBACK` when the transaction had failed.
    func commit() async throws {
        try self.checkLent()
        let queued = self.takeQueued()
        let tag = try await self.base.thread.run { () throws(PostgresError) -> String in
            try self.base.commit(after: queued)
        }
        guard tag == "COMMIT" else {
            throw PostgresError(code: .commitFailed, message: "the transaction had failed and was rolled back")
        }
    }

    private func takeQueued() -> [PostgresQuery] {
        self.queued.withLock { queued in
            defer { queued = [] }
            return queued
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
