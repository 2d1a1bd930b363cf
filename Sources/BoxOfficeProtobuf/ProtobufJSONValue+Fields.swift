public import BoxOfficeRPC

/// Typed readers for generated code, with proto3 JSON's rules: `null` is the default value,
/// integers may be numbers or strings, enums names or numbers, bytes base64.
extension ProtobufJSONValue {
    public func string(_ path: ProtobufJSONPath) throws(RPCError) -> String {
        switch self {
        case .string(let value):
            // protobuf-c strings are NUL-terminated: a U+0000 would silently cut the text short.
            guard !value.utf8.contains(0) else { throw path.invalid("must not contain U+0000") }
            return value
        case .null: return ""
        default: throw path.invalid("expected a string")
        }
    }

    /// `true` or `false`; the strings `"true"` and `"false"` too, for path and query parameters.
    public func bool(_ path: ProtobufJSONPath) throws(RPCError) -> Bool {
        switch self {
        case .bool(let value): return value
        case .string("true"): return true
        case .string("false"): return false
        case .null: return false
        default: throw path.invalid("expected true or false")
        }
    }

    /// An int32: a JSON number with an integer value, or canonical decimal text; see `integer`.
    public func int32(_ path: ProtobufJSONPath) throws(RPCError) -> Int32 {
        try self.integer(path, min: Int128(Int32.min), max: Int128(Int32.max)).map { Int32($0) } ?? 0
    }

    /// An int64: a JSON number with an integer value, or canonical decimal text; see `integer`.
    public func int64(_ path: ProtobufJSONPath) throws(RPCError) -> Int64 {
        try self.integer(path, min: Int128(Int64.min), max: Int128(Int64.max)).map { Int64($0) } ?? 0
    }

    /// A uint32: a JSON number with an integer value, or canonical decimal text; see `integer`.
    public func uint32(_ path: ProtobufJSONPath) throws(RPCError) -> UInt32 {
        try self.integer(path, min: 0, max: Int128(UInt32.max)).map { UInt32($0) } ?? 0
    }

    /// A uint64: a JSON number with an integer value, or canonical decimal text; see `integer`.
    public func uint64(_ path: ProtobufJSONPath) throws(RPCError) -> UInt64 {
        try self.integer(path, min: 0, max: Int128(UInt64.max)).map { UInt64($0) } ?? 0
    }

    /// A finite JSON number; as a string, `NaN`, `Infinity`, `-Infinity` or a number in JSON
    /// syntax rounded to the nearest double (one too large for a double is an infinity, as
    /// json_format reads it).
    public func double(_ path: ProtobufJSONPath) throws(RPCError) -> Double {
        switch self {
        case .number(let text):
            guard let value = Double(text), value.isFinite else { throw path.invalid("number out of range") }
            return value
        case .string(let text):
            if let special = Self.nonFinite(text) { return special }
            guard JSONNumberText.isNumber(text), let value = Double(text) else {
                throw path.invalid("expected a number")
            }
            return value
        case .null: return 0
        default: throw path.invalid("expected a number")
        }
    }

    /// As ``double(_:)``, for a float: a JSON number must be within the float's finite range; a
    /// string rounds to the nearest float.
    public func float(_ path: ProtobufJSONPath) throws(RPCError) -> Float {
        switch self {
        case .number(let text):
            guard let value = Double(text), value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) else {
                throw path.invalid("number out of range for a float")
            }
            return Float(value)
        case .string(let text):
            if let special = Self.nonFinite(text) { return Float(special) }
            guard JSONNumberText.isNumber(text), let value = Float(text) else {
                throw path.invalid("expected a number")
            }
            return value
        case .null: return 0
        default: throw path.invalid("expected a number")
        }
    }

    /// Base64, standard or URL-safe, with or without padding; bits past the last byte must be zero.
    public func bytes(_ path: ProtobufJSONPath) throws(RPCError) -> [UInt8] {
        switch self {
        case .string(let text):
            guard let value = Base64.decode(text) else { throw path.invalid("expected base64") }
            return value
        case .null: return []
        default: throw path.invalid("expected a base64 string")
        }
    }

    /// A value's name, or its number (numbers the build does not know are kept).
    public func enumValue<E: ProtobufEnum>(_ type: E.Type, _ path: ProtobufJSONPath) throws(RPCError) -> E {
        switch self {
        case .string(let name):
            guard let value = E(protoName: name) else { throw path.invalid("unknown enum value \(name)") }
            return value
        case .number:
            return E(rawValue: try self.int32(path))
        case .null: return E()
        default: throw path.invalid("expected an enum name")
        }
    }

    /// An RFC 3339 timestamp.
    public func timestamp(_ path: ProtobufJSONPath) throws(RPCError) -> ProtobufTimestamp {
        guard case .string(let text) = self, let value = RFC3339.parse(text) else {
            throw path.invalid("expected an RFC 3339 timestamp")
        }
        return value
    }

    /// A repeated field; `null` is empty.
    public func array<T>(
        _ path: ProtobufJSONPath,
        _ element: (ProtobufJSONValue, ProtobufJSONPath) throws(RPCError) -> T
    ) throws(RPCError) -> [T] {
        switch self {
        case .array(let values):
            var result: [T] = []
            result.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                if value.isNull { throw path.element(index).invalid("null is not a valid element") }
                result.append(try element(value, path.element(index)))
            }
            return result
        case .null: return []
        default: throw path.invalid("expected an array")
        }
    }

    /// A map field: an object whose member names are the keys; `null` is empty, a `null` value
    /// is refused.
    public func map<Key: Hashable, Value>(
        _ path: ProtobufJSONPath,
        _ entry: (String, ProtobufJSONValue, ProtobufJSONPath) throws(RPCError) -> (Key, Value)
    ) throws(RPCError) -> [Key: Value] {
        switch self {
        case .object(let members):
            var result: [Key: Value] = [:]
            result.reserveCapacity(members.count)
            for member in members {
                let at = ProtobufJSONPath(parent: path.string, name: member.key)
                // As json_format: a map entry needs a value (`null` is no default here).
                if member.value.isNull { throw at.invalid("null is not a valid map value") }
                if member.key.utf8.contains(0) { throw path.invalid("a key must not contain U+0000") }
                let (key, value) = try entry(member.key, member.value, at)
                result[key] = value
            }
            return result
        case .null: return [:]
        default: throw path.invalid("expected an object")
        }
    }

    /// An integer in `min...max`: a JSON number whose value is an integer (`1e3` and `5.0` are; a
    /// fraction or exponent is read through a double, as JSON Schema validators do), or a string
    /// in canonical decimal (`0`, or an optional `-` and digits without a leading zero: no `+`,
    /// exponent, fraction or spaces), the same grammar for signed and unsigned types.
    private func integer(_ path: ProtobufJSONPath, min: Int128, max: Int128) throws(RPCError) -> Int128? {
        let value: Int128?
        switch self {
        case .number(let text): value = JSONNumberText.integerValue(ofNumber: text)
        case .string(let text): value = JSONNumberText.canonicalInteger(text)
        case .null: return nil
        default: throw path.invalid("expected an integer")
        }
        guard let value, value >= min, value <= max else {
            throw path.invalid("expected an integer from \(min) to \(max)")
        }
        return value
    }

    private static func nonFinite(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: nil
        }
    }
}
