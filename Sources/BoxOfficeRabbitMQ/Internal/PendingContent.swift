import CRabbitMQ

/// A message arriving in pieces: a method frame (`basic.deliver` or `basic.return`), a header
/// frame with its properties and size, then body frames until the size is reached.
struct PendingContent {
    enum Kind {
        case delivery(deliveryTag: UInt64, redelivered: Bool, routingKey: String)
        case returned(replyText: String)
    }

    var kind: Kind
    var bodySize: Int?
    var body: [UInt8] = []
    var messageID: String?
    var headers: [String: String] = [:]
    var deliveryCount = 0

    init(kind: Kind) { self.kind = kind }

    var isComplete: Bool { self.bodySize.map { self.body.count >= $0 } ?? false }

    /// Copies what the wrapper exposes out of decoded properties, which rabbitmq-c frees with
    /// its buffers.
    mutating func readProperties(_ properties: amqp_basic_properties_t, bodySize: Int) {
        self.bodySize = bodySize
        self.body.reserveCapacity(bodySize)
        let flags = properties._flags
        if flags & amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG) != 0 {
            self.messageID = String(amqpBytes: properties.message_id)
        }
        if flags & amqp_flags_t(AMQP_BASIC_HEADERS_FLAG) != 0, let entries = properties.headers.entries {
            for index in 0..<Int(properties.headers.num_entries) {
                let entry = entries[index]
                let key = String(amqpBytes: entry.key)
                guard let value = Self.text(of: entry.value) else { continue }
                if key == "x-delivery-count", let count = Int(value) {
                    self.deliveryCount = count
                } else {
                    self.headers[key] = value
                }
            }
        }
    }

    /// Strings as they are and integers in decimal; other kinds are not carried.
    private static func text(of value: amqp_field_value_t) -> String? {
        switch UInt32(value.kind) {
        case AMQP_FIELD_KIND_UTF8.rawValue, AMQP_FIELD_KIND_BYTES.rawValue: String(amqpBytes: value.value.bytes)
        case AMQP_FIELD_KIND_I8.rawValue: String(value.value.i8)
        case AMQP_FIELD_KIND_U8.rawValue: String(value.value.u8)
        case AMQP_FIELD_KIND_I16.rawValue: String(value.value.i16)
        case AMQP_FIELD_KIND_U16.rawValue: String(value.value.u16)
        case AMQP_FIELD_KIND_I32.rawValue: String(value.value.i32)
        case AMQP_FIELD_KIND_U32.rawValue: String(value.value.u32)
        case AMQP_FIELD_KIND_I64.rawValue: String(value.value.i64)
        case AMQP_FIELD_KIND_U64.rawValue: String(value.value.u64)
        default: nil
        }
    }
}
