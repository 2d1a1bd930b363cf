public enum RabbitMQPlaceholder {}
