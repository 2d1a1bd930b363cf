/// Where the broker is and how the connection behaves.
public struct RabbitMQConfiguration: Sendable {
    /// The broker's host name or address.
    public var host: String
    /// The broker's AMQP port.
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The password; kept out of every description and error.
    public var password: String
    /// The virtual host (decoded, so `/` for the default one).
    public var virtualHost: String
    /// The heartbeat interval proposed to the broker; a peer silent for two intervals is taken
    /// as dead and the connection is re-established. 0 disables heartbeats.
    public var heartbeatSeconds: Int = 10
    /// How long one connection attempt (TCP connect and AMQP handshake) may take, and how long a
    /// synchronous AMQP request (declare, purge, channel open) may wait for its answer.
    public var connectTimeout: Duration = .seconds(5)
    /// The first pause after a failed connection attempt.
    public var reconnectBackoffMin: Duration = .milliseconds(100)
    /// The longest pause between connection attempts; pauses double from the minimum up to this.
    public var reconnectBackoffMax: Duration = .seconds(10)
    /// The largest frame size proposed to the broker; bodies larger than this are split.
    public var frameBytesMax: Int = 131_072

    /// The default AMQP port.
    public static let portDefault = 5672

    /// Parses `amqp://user:pass@host:port/vhost`. The vhost is percent-encoded (`%2F` is `/`);
    /// an absent vhost means `/`. Throws ``RabbitMQError/Code/invalidConfiguration`` for any
    /// other shape; the error never repeats the password.
    public init(url: String) throws {
        let prefix = "amqp://"
        guard url.hasPrefix(prefix) else {
            throw RabbitMQError(code: .invalidConfiguration, message: "the URL must start with amqp://")
        }
        var rest = Substring(url.dropFirst(prefix.count))
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user = "guest"
        var password = "guest"
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.percentDecoded(credentials[..<colon], part: "user")
                password = try Self.percentDecoded(credentials[credentials.index(after: colon)...], part: "password")
            } else {
                user = try Self.percentDecoded(credentials, part: "user")
                password = ""
            }
        }
        var host = rest
        var port = Self.portDefault
        if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw RabbitMQError(code: .invalidConfiguration, message: "the URL's port is not a port number")
            }
            port = parsed
        }
        guard !host.isEmpty else {
            throw RabbitMQError(code: .invalidConfiguration, message: "the URL has no host")
        }
        self.host = String(host)
        self.port = port
        self.user = user
        self.password = password
        self.virtualHost = path.isEmpty ? "/" : try Self.percentDecoded(path, part: "virtual host")
    }

    private static func percentDecoded(_ text: Substring, part: String) throws -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            else {
                // The message names the part, never its content: it may be the password.
                throw RabbitMQError(code: .invalidConfiguration, message: "bad percent-encoding in the URL's \(part)")
            }
            bytes.append(value)
            utf8 = utf8.dropFirst(2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension RabbitMQConfiguration: CustomStringConvertible {
    /// The broker address and user, without the password.
    public var description: String {
        "amqp://\(self.user)@\(self.host):\(self.port) vhost \(self.virtualHost)"
    }
}

extension RabbitMQConfiguration: CustomReflectable {
    /// What `dump` shows: the password masked.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": self.host, "port": self.port, "user": self.user, "password": "***",
                "virtualHost": self.virtualHost, "heartbeatSeconds": self.heartbeatSeconds,
            ]
        )
    }
}
