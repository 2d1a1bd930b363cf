import BoxOfficeRabbitMQ
import Testing

@Suite struct RabbitMQConfigurationTests {
    @Test func parsesEveryPartAndDecodesTheVirtualHost() throws {
        let configuration = try RabbitMQConfiguration(url: "amqp://alice:s%40cret@broker.local:5673/%2Fbilling")
        #expect(configuration.user == "alice")
        #expect(configuration.password == "s@cret")
        #expect(configuration.host == "broker.local")
        #expect(configuration.port == 5673)
        #expect(configuration.virtualHost == "/billing")
    }

    @Test func defaultsToPort5672AndTheRootVirtualHost() throws {
        let configuration = try RabbitMQConfiguration(url: "amqp://u:p@localhost")
        #expect(configuration.port == 5672)
        #expect(configuration.virtualHost == "/")
        #expect(try RabbitMQConfiguration(url: "amqp://u:p@localhost/%2F").virtualHost == "/")
    }

    @Test(arguments: [
        "http://u:hunter2@host/", "amqp://u:hunter2@host:notaport/", "amqp://u:hunter2@/", "amqp://u:hunter2%zz@h/",
    ])
    func rejectsMalformedURLsWithoutRevealingThePassword(url: String) {
        let error = #expect(throws: RabbitMQError.self) { try RabbitMQConfiguration(url: url) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error.map { !"\($0)".contains("hunter2") } == true)
    }

    @Test func descriptionLeavesOutThePassword() throws {
        let configuration = try RabbitMQConfiguration(url: "amqp://u:hunter2@localhost:5672/%2F")
        #expect(!"\(configuration)".contains("hunter2"))
    }
}

@Suite struct RabbitMQConfigurationRedactionTests {
    @Test func descriptionAndDumpHideThePassword() throws {
        let configuration = try RabbitMQConfiguration(url: "amqp://app:s3cr3t-pw@mq.local:5672/%2F")
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains("s3cr3t-pw"))
            #expect(text.contains("mq.local"))
        }
    }
}
