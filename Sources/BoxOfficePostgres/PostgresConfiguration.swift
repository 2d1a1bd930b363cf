/// Where and how to connect to Postgres.
public struct PostgresConfiguration: Sendable {
    /// The connect timeout when the URL names none: a server that is down must fail fast.
    public static let connectTimeoutSecondsDefault = 5

    public var host: String
    public var port: Int
    public var user: String
    /// Never logged nor shown in any description.
    public var password: String?
    public var database: String
    /// Shown in `pg_stat_activity`.
    public var applicationName: String?
    /// How long opening a connection may take before it fails.
    public var connectTimeoutSeconds: Int

    /// Parses `postgres://user:password@host:port/database?application_name=…&connect_timeout=…`
    /// (scheme `postgres` or `postgresql`; user, password and database percent-decoded; port 5432
    /// and database = user when left out).
    ///
    /// - Throws: ``PostgresError`` with ``PostgresError/Code/invalidConfiguration``; the message
    ///   never repeats the URL, which may hold a password.
    public init(url: String) throws {
        func invalid(_ why: String) -> PostgresError {
            PostgresError(code: .invalidConfiguration, message: "invalid Postgres URL: \(why)")
        }
        var rest = Substring(url)
        if rest.hasPrefix("postgres://") {
            rest = rest.dropFirst("postgres://".count)
        } else if rest.hasPrefix("postgresql://") {
            rest = rest.dropFirst("postgresql://".count)
        } else {
            throw invalid("the scheme must be postgres:// or postgresql://")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let userPart = userInfo.firstIndex(of: ":").map { userInfo[..<$0] } ?? userInfo
            guard let decodedUser = Self.percentDecoded(userPart) else { throw invalid("bad percent-encoding") }
            user = decodedUser
            if let colon = userInfo.firstIndex(of: ":") {
                guard let decoded = Self.percentDecoded(userInfo[userInfo.index(after: colon)...]) else {
                    throw invalid("bad percent-encoding")
                }
                password = decoded
            }
        }
        var host = rest
        var port = 5432
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            // An IPv6 literal: [::1]:5432.
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { throw invalid("the port is not a number") }
                port = number
            }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]) else {
                throw invalid("the port is not a number")
            }
            port = number
            host = host[..<colon]
        }
        guard (1...65_535).contains(port) else { throw invalid("the port is out of range") }
        guard let database = Self.percentDecoded(path) else { throw invalid("bad percent-encoding") }
        let userName = user ?? "postgres"

        self.host = host.isEmpty ? "127.0.0.1" : String(host)
        self.port = port
        self.user = userName
        self.password = password
        self.database = database.isEmpty ? userName : database
        self.applicationName = nil
        self.connectTimeoutSeconds = Self.connectTimeoutSecondsDefault

        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = parts[0]
            guard let value = parts.count > 1 ? Self.percentDecoded(parts[1]) : "" else {
                throw invalid("bad percent-encoding")
            }
            switch key {
            case "application_name":
                self.applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else { throw invalid("connect_timeout must be positive") }
                self.connectTimeoutSeconds = seconds
            default:
                // Unknown options are refused rather than ignored: `sslmode=require` silently
                // dropped would be a security hole.
                throw invalid("unsupported option \(key)")
            }
        }
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> PostgresConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// libpq's connection keywords and values.
    var connectionParameters: [(String, String)] {
        var parameters = [
            ("host", self.host),
            ("port", String(self.port)),
            ("user", self.user),
            ("dbname", self.database),
            ("connect_timeout", String(self.connectTimeoutSeconds)),
        ]
        if let password = self.password { parameters.append(("password", password)) }
        if let applicationName = self.applicationName { parameters.append(("application_name", applicationName)) }
        return parameters
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension PostgresConfiguration: CustomStringConvertible, CustomReflectable {
    /// The server, user and database, never the password.
    public var description: String {
        "postgres://\(self.user)\(self.password == nil ? "" : ":***")@\(self.host):\(self.port)/\(self.database)"
    }

    /// What `dump` shows: the password masked.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": self.host, "port": self.port, "user": self.user,
                "password": self.password == nil ? "nil" : "***", "database": self.database,
                "applicationName": self.applicationName as Any, "connectTimeoutSeconds": self.connectTimeoutSeconds,
            ]
        )
    }
}
