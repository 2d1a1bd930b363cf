import CRabbitMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// C memory for the arguments of one rabbitmq-c call (strings, bodies, field tables), freed
/// together when the arena goes away.
final class CArena {
    /// A value in an AMQP field table.
    enum FieldValue {
        case string(String)
        case integer(Int64)
    }

    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for allocation in self.allocations { free(allocation) }
    }

    func bytes(_ string: String) -> amqp_bytes_t {
        var string = string
        return string.withUTF8 { self.bytes(UnsafeRawBufferPointer($0)) }
    }

    func bytes(_ array: [UInt8]) -> amqp_bytes_t {
        array.withUnsafeBytes { self.bytes($0) }
    }

    func bytes(_ buffer: UnsafeRawBufferPointer) -> amqp_bytes_t {
        guard buffer.count > 0, let memory = malloc(buffer.count) else { return amqp_empty_bytes }
        memory.copyMemory(from: buffer.baseAddress!, byteCount: buffer.count)
        self.allocations.append(memory)
        return amqp_bytes_t(len: buffer.count, bytes: memory)
    }

    func table(_ fields: [(String, FieldValue)]) -> amqp_table_t {
        guard !fields.isEmpty else { return amqp_empty_table }
        let byteCount = MemoryLayout<amqp_table_entry_t>.stride * fields.count
        guard let memory = malloc(byteCount) else { return amqp_empty_table }
        self.allocations.append(memory)
        let entries = memory.bindMemory(to: amqp_table_entry_t.self, capacity: fields.count)
        for (index, (key, value)) in fields.enumerated() {
            var field = amqp_field_value_t()
            switch value {
            case .string(let string):
                field.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                field.value.bytes = self.bytes(string)
            case .integer(let integer):
                field.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
                field.value.i64 = integer
            }
            (entries + index).initialize(to: amqp_table_entry_t(key: self.bytes(key), value: field))
        }
        return amqp_table_t(num_entries: Int32(fields.count), entries: entries)
    }
}

extension String {
    /// Decodes AMQP bytes as UTF-8 (invalid sequences become replacement characters).
    init(amqpBytes bytes: amqp_bytes_t) {
        guard bytes.len > 0, let pointer = bytes.bytes else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    init(amqpBytes bytes: amqp_bytes_t) {
        guard bytes.len > 0, let pointer = bytes.bytes else {
            self = []
            return
        }
        self = Array(UnsafeRawBufferPointer(start: pointer, count: bytes.len))
    }
}
