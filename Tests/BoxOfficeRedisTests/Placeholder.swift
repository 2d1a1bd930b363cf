import Testing

@Test func placeholderRedis() {}
