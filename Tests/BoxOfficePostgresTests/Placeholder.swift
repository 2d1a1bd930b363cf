import Testing

@Test func placeholderPostgres() {}
