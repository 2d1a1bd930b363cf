public import BoxOfficeRPC

/// A generated message: a value type that encodes through protobuf-c and reads and writes
/// proto3 JSON.
public protocol ProtobufMessage: RPCMessage, Hashable {
    /// A message with every field at its default.
    init()

    /// The fully qualified protobuf name, e.g. `boxoffice.common.v1.Money`.
    static var protoMessageName: String { get }

    /// Writes the message as one proto3 JSON object.
    func writeJSON(into writer: inout ProtobufJSONWriter)

    /// Reads a message from parsed proto3 JSON; `path` names this message in errors.
    init(json: ProtobufJSONValue, path: ProtobufJSONPath) throws(RPCError)

    /// The JSON and proto names of the message's repeated fields (maps excluded): a query
    /// parameter with one of these names is a list even when it is given once.
    static var jsonRepeatedFieldNames: Set<String> { get }
}

extension ProtobufMessage {
    /// The message as proto3 JSON (UTF-8).
    public func jsonBytes() -> [UInt8] {
        var writer = ProtobufJSONWriter()
        self.writeJSON(into: &writer)
        return writer.bytes
    }

    /// The message as proto3 JSON.
    public func jsonString() -> String {
        String(decoding: self.jsonBytes(), as: UTF8.self)
    }

    /// Reads proto3 JSON; throws `INVALID_ARGUMENT` naming the field at fault for malformed JSON,
    /// unknown fields and wrong types, `RESOURCE_EXHAUSTED` past ``ProtobufLimits/jsonBytesMax``.
    public init(jsonBytes: some Collection<UInt8>) throws(RPCError) {
        let value = try ProtobufJSONValue.parse(jsonBytes)
        try self.init(json: value, path: ProtobufJSONPath())
    }

    /// Reads proto3 JSON from a string; see ``init(jsonBytes:)``.
    public init(jsonString: String) throws(RPCError) {
        try self.init(jsonBytes: Array(jsonString.utf8))
    }
}
