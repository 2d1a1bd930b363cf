import Testing

@Test func placeholderMessaging() {}
