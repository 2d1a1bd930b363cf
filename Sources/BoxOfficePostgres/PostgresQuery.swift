/// A SQL statement with its parameters bound, never interpolated.
///
/// Written as a string literal with interpolations: each interpolated value becomes the next
/// placeholder (`$1`, `$2`, …) and is sent separately in binary form, so a value such as
/// `'); DROP TABLE x; --` stays data.
///
/// ```swift
/// let rows = try await connection.query("SELECT name FROM users WHERE id = \(id)")
/// ```
///
/// SQL text that cannot be a parameter (a table name, an isolation level) is spliced with
/// `\(unescaped: "…")`; only ever pass trusted text there.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text with `$n` placeholders.
    public var sql: String
    /// The bound parameters, in placeholder order.
    public var bindings: PostgresBindings
    /// Whether the connection prepares the statement and keeps it prepared. False for the
    /// transaction control statements the client sends itself (`BEGIN`, `COMMIT`): they cost
    /// nothing to parse, and a `COMMIT` must go through even in a failed transaction, where
    /// preparing it would be refused.
    var isPrepared = true

    /// A statement and its bindings.
    public init(unsafeSQL sql: String, bindings: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, bindings: stringInterpolation.bindings)
    }

    /// A transaction control statement, sent as it is and never prepared.
    static func control(_ sql: String) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: sql)
        query.isPrepared = false
        return query
    }

    /// The SQL text only: the parameters are left out so that logging a query never logs data.
    public var description: String { self.sql }

    /// Builds the SQL text and the bindings of a query literal.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var bindings: PostgresBindings

        public init(literalCapacity: Int, interpolationCount: Int) {
            self.sql = ""
            self.sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            self.bindings = PostgresBindings(capacity: interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            self.sql += literal
        }

        /// Binds `value` as the next parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            self.bindings.append(value)
            self.sql.append("$")
            self.sql.append(String(self.bindings.count))
        }

        /// Binds an optional as the next parameter: NULL for `nil`.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            self.bindings.append(value)
            self.sql.append("$")
            self.sql.append(String(self.bindings.count))
        }

        /// Splices trusted SQL text (an identifier, a keyword) into the statement as it is.
        public mutating func appendInterpolation(unescaped text: String) {
            self.sql += text
        }
    }
}

/// The parameters of a ``PostgresQuery``: their types and binary values in one buffer.
public struct PostgresBindings: Sendable {
    // One buffer for all values keeps binding to one allocation however many parameters there are.
    var bytes: [UInt8] = []
    var types: [UInt32] = []
    // Start and length of each value in `bytes`; length -1 is NULL, as libpq expects.
    var offsets: [Int] = []
    var lengths: [Int32] = []

    /// No parameters.
    public init() {}

    init(capacity: Int) {
        self.types.reserveCapacity(capacity)
        self.offsets.reserveCapacity(capacity)
        self.lengths.reserveCapacity(capacity)
    }

    /// The number of parameters.
    public var count: Int { self.types.count }

    /// Adds a parameter; it is `$count` after the call.
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        let start = self.bytes.count
        let isValue = value.encodePostgresBinary(into: &self.bytes)
        self.types.append(Value.postgresDataType.oid)
        self.offsets.append(start)
        self.lengths.append(isValue ? Int32(self.bytes.count - start) : -1)
    }
}
