/// The isolation level of a transaction started by ``PostgresClient/withTransaction(isolation:_:)``.
public enum PostgresIsolationLevel: Sendable {
    case readCommitted, repeatableRead, serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}
