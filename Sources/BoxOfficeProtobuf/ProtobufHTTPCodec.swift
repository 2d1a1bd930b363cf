public import BoxOfficeRPC

/// The JSON ↔ protobuf conversions of generated HTTP bindings, used by the gateway.
public enum ProtobufHTTPCodec {
    /// Builds the request from the JSON body and the path and query parameters, and encodes it.
    ///
    /// `bodyField` is `*` (the body is the whole request), a field's JSON name (the body is that
    /// field), or empty (no body). Parameters are named by JSON or proto field names, dots for
    /// nested fields, with every value given: a top-level repeated field takes them all as its
    /// elements, any other field exactly one. With a `*` body, a parameter (a path variable) must
    /// not also be a member of the body (by JSON or proto name): which of the two would count is
    /// refused, not guessed.
    public static func decodeRequest<Request: ProtobufMessage>(
        _ type: Request.Type,
        body: [UInt8],
        bodyField: String,
        parameters: [String: [String]]
    ) throws(RPCError) -> [UInt8] {
        var root: ProtobufJSONValue = .object([])
        let hasBody = body.contains { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        if hasBody, !bodyField.isEmpty {
            let parsed = try ProtobufJSONValue.parse(body)
            if bodyField == "*" {
                guard case .object = parsed else { throw ProtobufJSONPath().invalid("expected an object") }
                root = parsed
            } else {
                Self.set(&root, path: bodyField.split(separator: ".").map(String.init)[...], to: parsed)
            }
        }
        for (name, values) in parameters.sorted(by: { $0.key < $1.key }) {
            let path = name.split(separator: ".").map(String.init)
            if bodyField == "*", let first = path.first, case .object(let members) = root,
                members.contains(where: { $0.key == first || Self.jsonName(ofProtoName: $0.key) == first })
            {
                throw RPCError.invalidArgument(field: first, reason: "is given by the path, not the body")
            }
            let value: ProtobufJSONValue
            if Request.jsonRepeatedFieldNames.contains(name) {
                value = .array(values.map { .string($0) })
            } else if values.count == 1, let only = values.first {
                value = .string(only)
            } else {
                throw RPCError.invalidArgument(field: name, reason: "given \(values.count) times; takes one value")
            }
            Self.set(&root, path: path[...], to: value)
        }
        return try Request(json: root, path: ProtobufJSONPath()).serializedBytes()
    }

    /// Decodes a response and renders it as proto3 JSON; with `emittingDefaults`, fields without
    /// presence are written at their default values too (see ``ProtobufJSONWriter/emitsDefaults``).
    public static func encodeResponse<Response: ProtobufMessage>(
        _ type: Response.Type,
        _ bytes: UnsafeRawBufferPointer,
        emittingDefaults: Bool = false
    ) throws(RPCError) -> [UInt8] {
        let response = try Response(rpcBytes: bytes)
        var writer = ProtobufJSONWriter()
        writer.emitsDefaults = emittingDefaults
        response.writeJSON(into: &writer)
        return writer.bytes
    }

    /// Decodes a response and returns `content` of it (the bytes of its raw-answer field), or nil
    /// when that is empty: the gateway then answers the JSON instead.
    public static func rawResponse<Response: ProtobufMessage>(
        _ type: Response.Type,
        _ bytes: UnsafeRawBufferPointer,
        content: (Response) -> [UInt8]
    ) throws(RPCError) -> [UInt8]? {
        let raw = content(try Response(rpcBytes: bytes))
        return raw.isEmpty ? nil : raw
    }

    /// protoc's JSON name of a proto field name (`customer_id` → `customerId`): a body member
    /// may name a path field by either.
    static func jsonName(ofProtoName name: String) -> String {
        var result = ""
        var capitalizeNext = false
        for character in name {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func set(_ value: inout ProtobufJSONValue, path: ArraySlice<String>, to newValue: ProtobufJSONValue)
    {
        guard let first = path.first else {
            value = newValue
            return
        }
        var members: [ProtobufJSONValue.Member] = []
        if case .object(let existing) = value { members = existing }
        let rest = path.dropFirst()
        if let index = members.firstIndex(where: { $0.key == first }) {
            Self.set(&members[index].value, path: rest, to: newValue)
        } else {
            var child: ProtobufJSONValue = .object([])
            Self.set(&child, path: rest, to: newValue)
            members.append(.init(key: first, value: child))
        }
        value = .object(members)
    }
}
