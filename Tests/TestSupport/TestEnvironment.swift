#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the local stack is, for tests against real servers.
///
/// The values come from the environment that `./dev test` exports; the defaults are the ports
/// that `./dev` uses, so a test run by hand against a running stack needs no set-up.
public enum TestEnvironment {
    /// A Postgres URL with a role that may create databases.
    public static var postgresURL: String {
        value("POSTGRES_URL", default: "postgres://boxoffice:boxoffice@127.0.0.1:55432/postgres")
    }

    /// The main RabbitMQ node.
    public static var rabbitMQURL: String {
        value("RABBITMQ_URL", default: "amqp://boxoffice:boxoffice@127.0.0.1:55672/%2F")
    }

    /// A second RabbitMQ node that tests may stop and start (broker restart tests), so the main
    /// node stays up for every other test running in parallel.
    public static var rabbitMQSpareURL: String {
        value("RABBITMQ_SPARE_URL", default: "amqp://boxoffice:boxoffice@127.0.0.1:55673/%2F")
    }

    /// The command (words separated by spaces) that runs `rabbitmqctl` against the spare node,
    /// e.g. `/path/to/dev rabbitmqctl spare`; append `stop_app` or `start_app`.
    public static var rabbitMQSpareControl: [String] {
        value("RABBITMQ_SPARE_CTL", default: "./dev rabbitmqctl spare").split(separator: " ").map(String.init)
    }

    /// The command that runs `rabbitmqctl` against the main node (for deleting test queues).
    public static var rabbitMQMainControl: [String] {
        value("RABBITMQ_MAIN_CTL", default: "./dev rabbitmqctl main").split(separator: " ").map(String.init)
    }

    /// The Redis server.
    public static var redisURL: String {
        value("REDIS_URL", default: "redis://127.0.0.1:56379")
    }

    /// The folder holding the PostgreSQL server binaries (`pgbench`, `psql`).
    public static var postgresBinaries: String {
        value("BOXOFFICE_PG_BIN", default: "/usr/lib/postgresql/15/bin")
    }

    /// The Python interpreter of the project's test-tool virtualenv (`./dev` installs the pinned
    /// `protobuf` and `schemathesis` packages into it).
    public static var python: String {
        value("BOXOFFICE_PYTHON", default: ".local/pytools/bin/python")
    }

    /// A name no other test run uses: `prefix` plus random hex, lowercase, usable as a database,
    /// queue or key prefix.
    public static func uniqueName(_ prefix: String) -> String {
        let suffix = (0..<12).map { _ in String(UInt8.random(in: 0..<16), radix: 16) }.joined()
        return "\(prefix)_\(suffix)"
    }

    private static func value(_ name: String, default fallback: String) -> String {
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        return fallback
    }
}
