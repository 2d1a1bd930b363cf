import BoxOfficePostgres
import Testing

@Suite("Configuration")
struct PostgresConfigurationTests {
    @Test func parsesAURLWithPercentEncodingAndOptions() throws {
        let configuration = try PostgresConfiguration(
            url:
                "postgres://bill%40box:p%3Ass%2Fw@db.internal:6543/box%20office?application_name=box%20api&connect_timeout=2"
        )
        #expect(configuration.user == "bill@box")
        #expect(configuration.password == "p:ss/w")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "box office")
        #expect(configuration.applicationName == "box api")
        #expect(configuration.connectTimeoutSeconds == 2)
        #expect(configuration.with(database: "other").database == "other")
    }

    @Test func defaultsPortAndDatabase() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://app@localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "app")
        #expect(configuration.password == nil)
        #expect(configuration.connectTimeoutSeconds == PostgresConfiguration.connectTimeoutSecondsDefault)
    }

    @Test(arguments: [
        "mysql://a@b/c", "postgres://a:pw@b:notaport/c", "postgres://a@b/c?sslmode=disable", "postgres://a%zz@b/c",
    ])
    func refusesInvalidURLsWithoutEchoingThem(url: String) {
        let error = #expect(throws: PostgresError.self) { try PostgresConfiguration(url: url) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.description.contains("pw") == false)
    }
}

@Suite struct PostgresConfigurationRedactionTests {
    @Test func descriptionAndDumpHideThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgres://app:s3cr3t-pw@db.local:6543/billing")
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains("s3cr3t-pw"))
            #expect(text.contains("db.local"))
        }
    }
}
