import BoxOfficeRedis
import Testing

@Suite struct RedisConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cr%40t@cache.internal:6380/2")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.password == "s3cr@t")
        #expect(configuration.username == nil)
        #expect(configuration.database == 2)
        #expect(!"\(configuration)".contains("s3cr"))
    }

    @Test func appliesDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1")
        #expect(configuration.port == RedisConfiguration.portDefault)
        #expect(configuration.password == nil)
        #expect(configuration.database == 0)
        #expect(configuration.connectTimeout == RedisConfiguration.connectTimeoutDefault)
        #expect(configuration.commandTimeout == RedisConfiguration.commandTimeoutDefault)
    }

    @Test func readsAnACLUser() throws {
        let configuration = try RedisConfiguration(url: "redis://billing:pw@[::1]:7000")
        #expect(configuration.username == "billing")
        #expect(configuration.password == "pw")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 7000)
    }

    @Test(arguments: [
        "http://host:6379", "redis://", "redis://host:0", "redis://host:6379/x", "redis://host/-1", "not a url",
    ])
    func rejectsInvalidURLs(_ url: String) {
        do {
            _ = try RedisConfiguration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == .invalidConfiguration)
        }
    }

    @Test func errorDescriptionHidesThePasswordAndServerText() throws {
        do {
            _ = try RedisConfiguration(url: "ftp://:hunter2@host")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
        let error = RedisError(
            code: .server,
            message: "SET failed",
            serverMessage: "ERR syntax error near secret-value"
        )
        #expect("\(error)" == "RedisError.server: SET failed (ERR)")
    }
}

@Suite struct RedisRedactionTests {
    @Test func mirrorAndCommandDescriptionHideSecrets() throws {
        let configuration = try RedisConfiguration(url: "redis://:hunter2@host:6379")
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(dumped.contains("host"))
        let command = RedisCommand.set("session:alice", Array("token-value".utf8))
        #expect("\(command)" == "RedisCommand(SET, 2 arguments)")
    }
}
