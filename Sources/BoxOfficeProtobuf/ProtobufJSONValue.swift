public import BoxOfficeRPC

/// Parsed JSON, as generated readers take it. Numbers keep their text so that 64-bit integers
/// keep every digit until the reader knows the field's type.
public enum ProtobufJSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, e.g. `-12.5e3`.
    case number(String)
    case string(String)
    case array([ProtobufJSONValue])
    /// Members in document order.
    case object([Member])

    /// One member of an object.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: ProtobufJSONValue

        public init(key: String, value: ProtobufJSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Parses JSON text (UTF-8).
    ///
    /// - Throws: `RESOURCE_EXHAUSTED` past ``ProtobufLimits/jsonBytesMax``; `INVALID_ARGUMENT` for
    ///   malformed JSON, invalid UTF-8, or nesting past ``ProtobufLimits/jsonNestingDepthMax``.
    public static func parse(_ bytes: some Collection<UInt8>) throws(RPCError) -> ProtobufJSONValue {
        guard bytes.count <= ProtobufLimits.jsonBytesMax else {
            throw RPCError(
                code: .resourceExhausted,
                message: "the JSON body is larger than \(ProtobufLimits.jsonBytesMax) bytes"
            )
        }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(RPCError) in
            var parser = JSONParser(buffer)
            return try parser.parseDocument()
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The object's members; an empty list for `null`.
    public func members(_ path: ProtobufJSONPath) throws(RPCError) -> [(key: String, value: ProtobufJSONValue)] {
        switch self {
        case .object(let members): return members.map { ($0.key, $0.value) }
        case .null: return []
        default: throw path.invalid("expected an object")
        }
    }
}
