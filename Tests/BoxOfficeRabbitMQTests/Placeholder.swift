import Testing

@Test func placeholderRabbitMQ() {}
