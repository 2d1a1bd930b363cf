import CLibPQ

/// One row of a query result, decoded column by column into Swift types.
public struct PostgresRow: Sendable {
    let result: PostgresResult
    let index: Int32

    /// The number of columns.
    public var columnCount: Int { Int(self.result.columnCount) }

    /// The column names, in order.
    public var columnNames: [String] { (0..<self.result.columnCount).map(self.result.columnName) }

    /// Decodes the column named `column` as `T`.
    ///
    /// - Throws: ``PostgresError`` naming the column: ``PostgresError/Code/columnNotFound``,
    ///   ``PostgresError/Code/typeMismatch`` when the column's Postgres type cannot be read as `T`,
    ///   ``PostgresError/Code/unexpectedNull`` when it is NULL and `T` is not optional.
    public func decode<T: PostgresDecodable>(_ column: String, as: T.Type = T.self) throws -> T {
        guard let columnIndex = self.result.columnIndex(named: column) else {
            throw PostgresError(code: .columnNotFound, message: "the row has no such column", column: column)
        }
        return try self.decode(columnIndex, name: column)
    }

    /// Decodes the column at position `column` (from 0) as `T`; throws as ``decode(_:as:)-(String,_)``.
    public func decode<T: PostgresDecodable>(_ column: Int, as: T.Type = T.self) throws -> T {
        guard column >= 0, column < self.result.columnCount else {
            throw PostgresError(code: .columnNotFound, message: "the row has no such column", column: "#\(column)")
        }
        return try self.decode(Int32(column), name: nil)
    }

    private func decode<T: PostgresDecodable>(_ column: Int32, name: String?) throws(PostgresError) -> T {
        let pointer = self.result.pointer
        let type = PostgresDataType(oid: PQftype(pointer, column))
        let bytes: UnsafeRawBufferPointer? =
            PQgetisnull(pointer, self.index, column) != 0
            ? nil
            : UnsafeRawBufferPointer(
                start: PQgetvalue(pointer, self.index, column),
                count: Int(PQgetlength(pointer, self.index, column))
            )
        do {
            return try T.decodePostgresBinary(from: bytes, type: type)
        } catch {
            var error = error
            error.column = name ?? self.result.columnName(column)
            error.message = "column \"\(error.column!)\": \(error.message)"
            throw error
        }
    }
}
