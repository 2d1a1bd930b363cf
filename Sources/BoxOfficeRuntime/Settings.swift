public import Configuration
import SystemPackage

/// The settings every BoxOffice process reads at start.
///
/// Values come from environment variables (`POSTGRES_URL`, `RABBITMQ_URL`, `REDIS_URL`,
/// `LOG_LEVEL`, …), then from an optional JSON file (`--config`), then from the defaults below,
/// which point at the local stack that `./dev up` starts — so a fresh checkout runs with no
/// configuration at all. Secrets (URLs with passwords) never appear in ``description``.
public struct Settings: Sendable, CustomStringConvertible {
    /// The Postgres server; each service uses its own database on it, `boxoffice_<service>`.
    public var postgresURL: String
    /// Connections per service database in each process.
    public var postgresPoolSizeMax: Int
    /// The RabbitMQ broker.
    public var rabbitMQURL: String
    /// The Redis server (a cache only: losing it loses no data).
    public var redisURL: String
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`.
    public var logLevel: String
    /// `text` for people, `json` for log collectors.
    public var logFormat: LogFormat
    /// The topic exchange that carries every event.
    public var eventsExchange: String

    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        case text
        case json
    }

    /// The defaults: the local stack of `./dev`.
    public static let localDefaults = Settings(
        postgresURL: "postgres://boxoffice:boxoffice@127.0.0.1:55432/postgres",
        postgresPoolSizeMax: 10,
        rabbitMQURL: "amqp://boxoffice:boxoffice@127.0.0.1:55672/%2F",
        redisURL: "redis://127.0.0.1:56379",
        logLevel: "info",
        logFormat: .text,
        eventsExchange: "boxoffice.events"
    )

    /// Reads the settings from `reader`, falling back to ``localDefaults``.
    ///
    /// - Throws: ``SettingsError`` naming the key whose value is invalid.
    public init(reader: ConfigReader) throws {
        let defaults = Settings.localDefaults
        self.postgresURL = reader.string(forKey: "postgres.url", isSecret: true, default: defaults.postgresURL)
        self.postgresPoolSizeMax = reader.int(forKey: "postgres.pool.size.max", default: defaults.postgresPoolSizeMax)
        self.rabbitMQURL = reader.string(forKey: "rabbitmq.url", isSecret: true, default: defaults.rabbitMQURL)
        self.redisURL = reader.string(forKey: "redis.url", isSecret: true, default: defaults.redisURL)
        self.logLevel = reader.string(forKey: "log.level", default: defaults.logLevel)
        let format = reader.string(forKey: "log.format", default: defaults.logFormat.rawValue)
        self.eventsExchange = reader.string(forKey: "events.exchange", default: defaults.eventsExchange)
        guard let logFormat = LogFormat(rawValue: format) else {
            throw SettingsError(key: "log.format", reason: "must be one of text, json")
        }
        self.logFormat = logFormat
        guard (1...1000).contains(self.postgresPoolSizeMax) else {
            throw SettingsError(key: "postgres.pool.size.max", reason: "must be between 1 and 1000")
        }
        guard Settings.logLevels.contains(self.logLevel) else {
            throw SettingsError(
                key: "log.level",
                reason: "must be one of \(Settings.logLevels.joined(separator: ", "))"
            )
        }
        for (key, url, schemes) in [
            ("postgres.url", self.postgresURL, ["postgres", "postgresql"]),
            ("rabbitmq.url", self.rabbitMQURL, ["amqp"]),
            ("redis.url", self.redisURL, ["redis"]),
        ] {
            guard let scheme = url.split(separator: ":", maxSplits: 1).first, schemes.contains(String(scheme)) else {
                throw SettingsError(key: key, reason: "must be a URL with scheme \(schemes.joined(separator: " or "))")
            }
        }
    }

    init(
        postgresURL: String,
        postgresPoolSizeMax: Int,
        rabbitMQURL: String,
        redisURL: String,
        logLevel: String,
        logFormat: LogFormat,
        eventsExchange: String
    ) {
        self.postgresURL = postgresURL
        self.postgresPoolSizeMax = postgresPoolSizeMax
        self.rabbitMQURL = rabbitMQURL
        self.redisURL = redisURL
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.eventsExchange = eventsExchange
    }

    /// Reads the environment, then `configFile` (JSON) if one is given.
    public static func load(
        environment: [String: String]? = nil,
        configFile: String? = nil
    ) async throws -> Settings {
        var providers: [any ConfigProvider] = [
            environment.map { EnvironmentVariablesProvider(environmentVariables: $0) } ?? EnvironmentVariablesProvider()
        ]
        if let configFile {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
        }
        return try Settings(reader: ConfigReader(providers: providers))
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public var description: String {
        "Settings(postgres: \(Redaction.url(self.postgresURL)), rabbitmq: \(Redaction.url(self.rabbitMQURL)), "
            + "redis: \(Redaction.url(self.redisURL)), log: \(self.logLevel)/\(self.logFormat.rawValue))"
    }
}

/// A setting with a value that cannot be used.
public struct SettingsError: Error, CustomStringConvertible {
    /// The configuration key, e.g. `log.level` (environment variable `LOG_LEVEL`).
    public var key: String
    /// Why the value was refused; never the value itself, which may be a secret.
    public var reason: String

    /// An error for `key`; `reason` must not contain the value.
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "invalid setting \(self.key): \(self.reason)" }
}
