import BoxOfficeThreads
import CLibPQ
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libpq connection and the thread that every call on it runs on.
///
/// libpq blocks its caller on network I/O, so all calls on `handle` happen on `thread` (callers
/// use `thread.run`, which makes no hop when already there). The mutable state below is only
/// touched from that thread, which is why the class can be `@unchecked Sendable`; `isBroken` is
/// atomic because the pool reads it from elsewhere.
final class LibPQConnection: @unchecked Sendable {
    let thread: DedicatedThread
    let id: Int
    private let handle: OpaquePointer
    private var statements = PreparedStatementCache()
    private let broken = Atomic<Bool>(false)

    private init(handle: OpaquePointer, thread: DedicatedThread, id: Int) {
        self.handle = handle
        self.thread = thread
        self.id = id
    }

    /// True once the connection failed in a way that makes it unusable; the pool discards it.
    var isBroken: Bool { self.broken.load(ordering: .relaxed) }

    /// Opens a connection on a new thread; fails within the configuration's connect timeout.
    static func connect(_ configuration: PostgresConfiguration, id: Int) async throws(PostgresError) -> LibPQConnection
    {
        let thread = DedicatedThread(name: "postgres-\(id)")
        let result = await thread.run { () -> Result<OpaquePointer, PostgresError> in
            var parameters = configuration.connectionParameters
            // Text travels as UTF-8 whatever the server's or the locale's default.
            parameters.append(("client_encoding", "UTF8"))
            let keywords = parameters.map { strdup($0.0) }
            let values = parameters.map { strdup($0.1) }
            defer {
                for pointer in keywords + values { free(pointer) }
            }
            let handle = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { keywordPointers in
                (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { valuePointers in
                    PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 0)
                }
            }
            guard let handle else {
                return .failure(
                    PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
                )
            }
            guard PQstatus(handle) == CONNECTION_OK else {
                let message = Self.errorMessage(handle)
                PQfinish(handle)
                return .failure(PostgresError(code: .connectionFailed, message: message))
            }
            // libpq prints server notices ("relation already exists, skipping") to stderr by
            // default, past the process's logger and its format; they are informational only.
            PQsetNoticeProcessor(handle, { _, _ in }, nil)
            return .success(handle)
        }
        switch result {
        case .success(let handle):
            return LibPQConnection(handle: handle, thread: thread, id: id)
        case .failure(let error):
            thread.shutdown()
            throw error
        }
    }

    /// Closes the connection and ends its thread. Must not be called on that thread.
    func close() async {
        await self.thread.run { PQfinish(self.handle) }
        self.thread.shutdown()
    }

    // MARK: - Calls that must run on `thread`

    /// Runs `query` as a prepared statement (prepared on first use, then cached), returning
    /// binary results.
    func execute(_ query: PostgresQuery) throws(PostgresError) -> PostgresResult {
        do {
            return try self.executePrepared(query)
        } catch  where error.sqlState == "0A000" && error.serverMessage?.contains("cached plan") == true {
            // "cached plan must not change result type": the table changed under the prepared
            // statement (a migration ran). Forget it; outside a transaction nothing was lost, so
            // prepare afresh and run once more. Inside one the transaction has failed anyway.
            if let stale = self.statements.remove(sql: query.sql) { self.deallocate(stale) }
            guard PQtransactionStatus(self.handle) == PQTRANS_IDLE else { throw error }
            return try self.executePrepared(query)
        }
    }

    private func executePrepared(_ query: PostgresQuery) throws(PostgresError) -> PostgresResult {
        let bindings = query.bindings
        let name = try self.preparedStatement(for: query)
        let result = Self.withParameters(bindings) { values, lengths, formats in
            PQexecPrepared(self.handle, name, Int32(bindings.count), values, lengths, formats, 1)
        }
        return try self.checked(result)
    }

    /// The name of the prepared statement for `query`'s SQL and parameter types, preparing it
    /// on first use.
    private func preparedStatement(for query: PostgresQuery) throws(PostgresError) -> String {
        let types = query.bindings.types
        if let cached = self.statements.lookUp(sql: query.sql, parameterTypes: types) { return cached }
        let name = self.statements.nextName()
        let prepared = PQprepare(self.handle, name, query.sql, Int32(types.count), types)
        _ = try self.checked(prepared)
        if let stale = self.statements.insert(sql: query.sql, name: name, parameterTypes: types) {
            self.deallocate(stale)
        }
        return name
    }

    /// Runs `queued`, then `query`, in one round trip (pipeline mode), and returns `query`'s
    /// result; with nothing queued it is ``execute(_:)``. An error carries no query index.
    func execute(_ query: PostgresQuery, after queued: [PostgresQuery]) throws(PostgresError) -> PostgresResult {
        if queued.isEmpty { return try self.execute(query) }
        do {
            return try self.pipeline(queued + [query])[queued.count]
        } catch {
            var error = error
            error.queryIndex = nil
            throw error
        }
    }

    /// Runs `queued`, then `queries`, in one round trip; returns the results of `queries`. An
    /// error's query index counts from the first of `queries` (nil for a queued statement).
    func pipeline(_ queries: [PostgresQuery], after queued: [PostgresQuery]) throws(PostgresError) -> [PostgresResult] {
        if queued.isEmpty { return try self.pipeline(queries) }
        do {
            return Array(try self.pipeline(queued + queries).dropFirst(queued.count))
        } catch {
            var error = error
            error.queryIndex = error.queryIndex.flatMap { $0 >= queued.count ? $0 - queued.count : nil }
            throw error
        }
    }

    /// Runs `queued`, then `COMMIT`, in one round trip; returns the command tag of `COMMIT`
    /// (`ROLLBACK` when the transaction had failed).
    func commit(after queued: [PostgresQuery]) throws(PostgresError) -> String {
        try self.pipeline([.control("COMMIT")], after: queued)[0].commandTag
    }

    /// Runs SQL text without parameters over the simple protocol; it may hold several statements
    /// (migrations) and returns the last one's result.
    @discardableResult
    func executeScript(_ sql: String) throws(PostgresError) -> PostgresResult {
        try self.checked(PQexec(self.handle, sql))
    }

    /// Sends every query, then one sync, then reads every result: one round trip for the batch.
    func pipeline(_ queries: [PostgresQuery]) throws(PostgresError) -> [PostgresResult] {
        guard !queries.isEmpty else { return [] }
        // Statements are prepared (or found in the cache) before the batch, so that the server
        // only binds and executes each one: a batch of one INSERT repeated parses it once.
        // A batch of more distinct statements than the cache keeps would evict its own
        // statements before they run; such a batch is sent unprepared instead.
        let prepares = Set(queries.lazy.map(\.sql)).count <= self.statements.statementsMax / 2
        var names: [String?] = []
        names.reserveCapacity(queries.count)
        for (index, query) in queries.enumerated() {
            do {
                names.append(prepares && query.isPrepared ? try self.preparedStatement(for: query) : nil)
            } catch {
                var error = error
                error.queryIndex = index
                throw error
            }
        }
        guard PQenterPipelineMode(self.handle) == 1 else { throw self.connectionError() }
        // Non-blocking while sending: with a large batch the server's replies could fill the socket
        // while we still write, and both sides would wait for ever. `flushPipeline` reads them.
        PQsetnonblocking(self.handle, 1)
        var sent = true
        for (query, name) in zip(queries, names) where sent {
            let bindings = query.bindings
            sent =
                Self.withParameters(bindings) { values, lengths, formats in
                    if let name {
                        PQsendQueryPrepared(self.handle, name, Int32(bindings.count), values, lengths, formats, 1)
                    } else {
                        PQsendQueryParams(
                            self.handle,
                            query.sql,
                            Int32(bindings.count),
                            bindings.types,
                            values,
                            lengths,
                            formats,
                            1
                        )
                    }
                } == 1
        }
        sent = sent && PQpipelineSync(self.handle) == 1 && self.flushPipeline()
        PQsetnonblocking(self.handle, 0)
        guard sent else {
            self.broken.store(true, ordering: .relaxed)
            throw self.connectionError()
        }

        var results: [PostgresResult] = []
        results.reserveCapacity(queries.count)
        var firstError: PostgresError?
        for index in queries.indices {
            guard let result = PQgetResult(self.handle) else {
                self.broken.store(true, ordering: .relaxed)
                throw self.connectionError()
            }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                results.append(PostgresResult(result))
            case PGRES_PIPELINE_ABORTED:
                PQclear(result)
            default:
                if firstError == nil {
                    var error = self.serverError(result)
                    error.queryIndex = index
                    firstError = error
                }
                PQclear(result)
            }
            // Each query's results end with a NULL.
            while let extra = PQgetResult(self.handle) { PQclear(extra) }
        }
        guard let sync = PQgetResult(self.handle), PQresultStatus(sync) == PGRES_PIPELINE_SYNC else {
            self.broken.store(true, ordering: .relaxed)
            throw self.connectionError()
        }
        PQclear(sync)
        if PQexitPipelineMode(self.handle) != 1 { self.broken.store(true, ordering: .relaxed) }
        if let firstError { throw firstError }
        return results
    }

    /// Makes the connection ready for the next user: rolls back a transaction left open. Returns
    /// false when it cannot be reused.
    func resetForReuse() -> Bool {
        if self.isBroken || PQstatus(self.handle) != CONNECTION_OK { return false }
        switch PQtransactionStatus(self.handle) {
        case PQTRANS_IDLE:
            return true
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            return (try? self.executeScript("ROLLBACK")) != nil
        default:
            return false
        }
    }

    // MARK: - Helpers

    private func flushPipeline() -> Bool {
        while true {
            let flushed = PQflush(self.handle)
            if flushed == 0 { return true }
            if flushed < 0 { return false }
            var descriptor = pollfd(fd: PQsocket(self.handle), events: Int16(POLLIN | POLLOUT), revents: 0)
            guard poll(&descriptor, 1, -1) >= 0 || errno == EINTR else { return false }
            if descriptor.revents & Int16(POLLIN) != 0, PQconsumeInput(self.handle) == 0 { return false }
        }
    }

    private func deallocate(_ name: String) {
        // Best effort: in a failed transaction this fails, and the statement stays until the
        // connection closes. Names are never reused, so that is harmless.
        if let result = PQexec(self.handle, "DEALLOCATE \"\(name)\"") { PQclear(result) }
    }

    private func checked(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let result else {
            self.updateBroken()
            throw self.connectionError()
        }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(result)
        default:
            let error = self.serverError(result)
            PQclear(result)
            throw error
        }
    }

    private func updateBroken() {
        if PQstatus(self.handle) != CONNECTION_OK { self.broken.store(true, ordering: .relaxed) }
    }

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        self.updateBroken()
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        guard let sqlState = field("C") else {
            // No SQLSTATE: libpq itself failed, usually because the connection dropped.
            return self.connectionError()
        }
        return PostgresError(
            code: .server,
            message: "the server reported an error",
            sqlState: sqlState,
            serverMessage: field("M"),
            constraintName: field("n"),
            detail: field("D")
        )
    }

    private func connectionError() -> PostgresError {
        self.updateBroken()
        return PostgresError(code: .connectionClosed, message: Self.errorMessage(self.handle))
    }

    private static func errorMessage(_ handle: OpaquePointer) -> String {
        let text = String(cString: PQerrorMessage(handle))
        return String(text.reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Calls `body` with libpq's parameter arrays (values, lengths, formats) pointing into
    /// `bindings`, without allocating.
    private static func withParameters<Result>(
        _ bindings: PostgresBindings,
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Result
    ) -> Result {
        let count = bindings.count
        if count == 0 { return body(nil, nil, nil) }
        return bindings.bytes.withUnsafeBytes { bytes in
            bindings.lengths.withUnsafeBufferPointer { lengths in
                withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { formats in
                        // An empty value still needs a non-NULL pointer (NULL means SQL NULL).
                        let base = bytes.baseAddress ?? UnsafeRawPointer(formats.baseAddress!)
                        for index in 0..<count {
                            formats[index] = 1
                            values[index] =
                                lengths[index] < 0
                                ? nil
                                : (base + bindings.offsets[index]).assumingMemoryBound(to: CChar.self)
                        }
                        return body(
                            UnsafePointer(values.baseAddress),
                            lengths.baseAddress,
                            UnsafePointer(formats.baseAddress)
                        )
                    }
                }
            }
        }
    }
}
