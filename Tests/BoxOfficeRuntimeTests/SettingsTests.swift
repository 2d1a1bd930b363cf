import Logging
import Testing

@testable import BoxOfficeRuntime

@Suite struct SettingsTests {
    @Test func defaultsPointAtTheLocalStack() async throws {
        let settings = try await Settings.load(environment: [:])
        #expect(settings.postgresURL == "postgres://boxoffice:boxoffice@127.0.0.1:55432/postgres")
        #expect(settings.rabbitMQURL.hasPrefix("amqp://"))
        #expect(settings.redisURL == "redis://127.0.0.1:56379")
        #expect(settings.logFormat == .text)
        #expect(settings.postgresPoolSizeMax == 10)
    }

    @Test func environmentOverridesDefaults() async throws {
        let settings = try await Settings.load(environment: [
            "POSTGRES_URL": "postgres://u:p@db:5432/x",
            "POSTGRES_POOL_SIZE_MAX": "3",
            "LOG_LEVEL": "debug",
            "LOG_FORMAT": "json",
        ])
        #expect(settings.postgresURL == "postgres://u:p@db:5432/x")
        #expect(settings.postgresPoolSizeMax == 3)
        #expect(settings.logLevel == "debug")
        #expect(settings.logFormat == .json)
    }

    @Test(arguments: [
        ("LOG_LEVEL", "loud", "log.level"),
        ("LOG_FORMAT", "xml", "log.format"),
        ("POSTGRES_POOL_SIZE_MAX", "-7", "postgres.pool.size.max"),
        ("REDIS_URL", "http://x", "redis.url"),
    ])
    func invalidValuesNameTheKey(variable: String, value: String, key: String) async throws {
        let error = await #expect(throws: SettingsError.self) {
            try await Settings.load(environment: [variable: value])
        }
        #expect(error?.key == key)
        #expect(error?.description.contains(value) == false)
    }

    @Test func descriptionHidesPasswords() async throws {
        let settings = try await Settings.load(environment: [
            "POSTGRES_URL": "postgres://admin:hunter2@db:5432/x",
            "RABBITMQ_URL": "amqp://guest:sesame@mq:5672/%2F",
        ])
        #expect(!settings.description.contains("hunter2"))
        #expect(!settings.description.contains("sesame"))
        #expect(settings.description.contains("postgres://admin:***@db:5432/x"))
    }

    @Test func configFileIsReadBelowTheEnvironment() async throws {
        let path = "/tmp/boxoffice-settings-\(UInt64.random(in: 0...UInt64.max)).json"
        try #require(
            FileWriter.write(
                #"{"log": {"level": "warning", "format": "json"}, "redis": {"url": "redis://cache:6379"}}"#,
                to: path
            )
        )
        defer { FileWriter.remove(path) }
        let settings = try await Settings.load(environment: ["LOG_LEVEL": "error"], configFile: path)
        #expect(settings.logLevel == "error")
        #expect(settings.logFormat == .json)
        #expect(settings.redisURL == "redis://cache:6379")
    }
}

@Suite struct RedactionTests {
    @Test(arguments: [
        ("postgres://u:secret@h:1/db", "postgres://u:***@h:1/db"),
        ("amqp://u:p%40ss@h/%2F", "amqp://u:***@h/%2F"),
        ("redis://:pw@h:6379/0", "redis://:***@h:6379/0"),
        ("redis://h:6379", "redis://h:6379"),
        ("not a url", "not a url"),
    ])
    func redactsPasswords(input: String, expected: String) {
        #expect(Redaction.url(input) == expected)
    }
}

@Suite struct JSONLogHandlerTests {
    @Test func quotingEscapesControlCharacters() {
        #expect(JSONLogHandler.quoted("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
    }

    @Test func nestedMetadataKeepsItsShape() {
        let value: Logger.Metadata.Value = .dictionary(["b": "2", "a": .array(["x", "y"])])
        #expect(JSONLogHandler.encode(value) == #"{"a":["x","y"],"b":"2"}"#)
    }
}

@Suite struct RedactionOfUnencodedPasswordsTests {
    @Test(arguments: [
        ("postgres://u:pa/ss@h:1/db", "postgres://u:***@h:1/db"),
        ("amqp://u:p?w#x@h/%2F", "amqp://u:***@h/%2F"),
        ("redis://:a@b@h:6379", "redis://:***@h:6379"),
    ])
    func redactsPasswordsWithReservedCharacters(input: String, expected: String) {
        #expect(Redaction.url(input) == expected)
    }
}
