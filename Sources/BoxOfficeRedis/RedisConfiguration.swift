#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where a Redis server is and how long to wait for it.
///
/// The description and the mirror (`dump`) show host, port and database, never the password.
public struct RedisConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// The default port of Redis.
    public static let portDefault = 6379
    /// How long a connection attempt may take by default.
    public static let connectTimeoutDefault = Duration.seconds(1)
    /// How long a command may wait for its reply by default.
    public static let commandTimeoutDefault = Duration.seconds(1)

    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// The ACL user for `AUTH user password`, or nil for the `default` user.
    public var username: String?
    /// The password sent with `AUTH`, or nil when the server has none.
    public var password: String?
    /// The logical database selected after connecting.
    public var database: Int
    /// How long connecting (TCP, AUTH and SELECT) may take before `.connectFailed`/`.timeout`.
    public var connectTimeout: Duration
    /// How long a command may wait for its reply before `.timeout`; the connection is
    /// discarded after a timeout.
    public var commandTimeout: Duration

    /// A configuration from its parts.
    public init(
        host: String,
        port: Int = Self.portDefault,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = Self.connectTimeoutDefault,
        commandTimeout: Duration = Self.commandTimeoutDefault
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// A configuration from a URL `redis://[[user]:password@]host[:port][/db]`.
    ///
    /// - Throws: ``RedisError`` `.invalidConfiguration` for another scheme, a missing host, or a
    ///   port or database that is not a number in range. The message never quotes the URL, which
    ///   may hold the password.
    public init(url: String) throws(RedisError) {
        func invalid(_ reason: String) -> RedisError {
            RedisError(code: .invalidConfiguration, message: "Redis URL: \(reason)")
        }
        guard let components = URLComponents(string: url) else { throw invalid("not a URL") }
        guard components.scheme?.lowercased() == "redis" else { throw invalid("the scheme must be redis://") }
        guard let host = components.host, !host.isEmpty else { throw invalid("missing host") }
        let port = components.port ?? Self.portDefault
        guard (1...65535).contains(port) else { throw invalid("port out of range") }
        var database = 0
        let path = components.path.drop { $0 == "/" }
        if !path.isEmpty {
            guard let number = Int(path), number >= 0 else { throw invalid("the path must be a database number") }
            database = number
        }
        let username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        // IPv6 literals come back in brackets, which getaddrinfo does not accept.
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.init(host: bare, port: port, username: username, password: password, database: database)
    }

    public var description: String {
        "redis://\(self.password == nil ? "" : "***@")\(self.host):\(self.port)/\(self.database)"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": self.host, "port": self.port, "username": self.username as Any,
                "password": self.password == nil ? "nil" : "***", "database": self.database,
                "connectTimeout": self.connectTimeout, "commandTimeout": self.commandTimeout,
            ]
        )
    }
}
