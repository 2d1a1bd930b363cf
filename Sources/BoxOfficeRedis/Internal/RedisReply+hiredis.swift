import CHiredis

extension RedisReply {
    /// Copies a hiredis reply tree into Swift values.
    init(_ reply: UnsafePointer<redisReply>) {
        let pointee = reply.pointee
        switch pointee.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.bytes(pointee))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(pointee), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(pointee), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(pointee.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(pointee.elements)
            for index in 0..<pointee.elements {
                elements.append(RedisReply(UnsafePointer(pointee.element[index]!)))
            }
            self = .array(elements)
        default:
            self = .null
        }
    }

    /// The bytes of a string, status or error reply.
    static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let string = reply.str, reply.len > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: string, count: reply.len))
    }
}

extension RedisError {
    static func server(
        _ reply: UnsafePointer<redisReply>,
        command: StaticString,
        file: String = #fileID,
        line: Int = #line
    ) -> RedisError {
        RedisError(
            code: .server,
            message: "\(command) failed",
            serverMessage: String(decoding: RedisReply.bytes(reply.pointee), as: UTF8.self),
            file: file,
            line: line
        )
    }

    static func unexpected(
        _ reply: UnsafePointer<redisReply>,
        command: StaticString,
        file: String = #fileID,
        line: Int = #line
    ) -> RedisError {
        RedisError(
            code: .protocol,
            message: "unexpected reply type \(reply.pointee.type) to \(command)",
            file: file,
            line: line
        )
    }
}
