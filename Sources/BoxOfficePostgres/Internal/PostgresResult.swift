import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns a libpq `PGresult` and frees it when the last row referring to it goes away.
///
/// libpq documents a `PGresult` as read-only once created and safe to read from any thread,
/// which is what makes rows `Sendable` without copying their bytes.
final class PostgresResult: @unchecked Sendable {
    let pointer: OpaquePointer
    let rowCount: Int32
    let columnCount: Int32

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        self.rowCount = PQntuples(pointer)
        self.columnCount = PQnfields(pointer)
    }

    deinit { PQclear(self.pointer) }

    var rows: [PostgresRow] {
        (0..<self.rowCount).map { PostgresRow(result: self, index: $0) }
    }

    /// The rows affected by an INSERT, UPDATE, DELETE, MERGE, COPY or SELECT.
    var affectedRowCount: Int {
        Int(String(cString: PQcmdTuples(self.pointer))) ?? 0
    }

    /// The command tag, e.g. `COMMIT` or `ROLLBACK`.
    var commandTag: String { String(cString: PQcmdStatus(self.pointer)) }

    func columnName(_ column: Int32) -> String { String(cString: PQfname(self.pointer, column)) }

    func columnIndex(named name: String) -> Int32? {
        // A linear scan with strcmp allocates nothing, and rows have few columns.
        name.withCString { wanted in
            for column in 0..<self.columnCount where strcmp(PQfname(self.pointer, column), wanted) == 0 {
                return column
            }
            return nil
        }
    }
}
