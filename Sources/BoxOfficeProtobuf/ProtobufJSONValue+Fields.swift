public import BoxOfficeRPC

/// Typed readers for generated code, with proto3 JSON's rules: `null` is the default value,
/// integers may be numbers or strings, enums names or numbers, bytes base64.
extension ProtobufJSONValue {
    public func string(_ path: ProtobufJSONPath) throws(RPCError) -> String {
        switch self {
        case .string(let value): return value
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

    public func int32(_ path: ProtobufJSONPath) throws(RPCError) -> Int32 {
        try self.integer(path, min: Int64(Int32.min), max: Int64(Int32.max)).map { Int32($0) } ?? 0
    }

    public func int64(_ path: ProtobufJSONPath) throws(RPCError) -> Int64 {
        try self.integer(path, min: Int64.min, max: Int64.max) ?? 0
    }

    public func uint32(_ path: ProtobufJSONPath) throws(RPCError) -> UInt32 {
        try self.integer(path, min: 0, max: Int64(UInt32.max)).map { UInt32($0) } ?? 0
    }

    public func uint64(_ path: ProtobufJSONPath) throws(RPCError) -> UInt64 {
        let text: String
        switch self {
        case .number(let value), .string(let value): text = value
        case .null: return 0
        default: throw path.invalid("expected an integer")
        }
        if let value = UInt64(text) { return value }
        if let value = Double(text), value.rounded() == value, value >= 0, value < 18_446_744_073_709_551_616.0,
            text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
        {
            return UInt64(value)
        }
        throw path.invalid("expected an integer from 0 to \(UInt64.max)")
    }

    public func double(_ path: ProtobufJSONPath) throws(RPCError) -> Double {
        switch self {
        case .number(let text):
            guard let value = Double(text), value.isFinite else { throw path.invalid("number out of range") }
            return value
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let text):
            guard Self.isJSONNumber(text), let value = Double(text), value.isFinite else {
                throw path.invalid("expected a number")
            }
            return value
        case .null: return 0
        default: throw path.invalid("expected a number")
        }
    }

    public func float(_ path: ProtobufJSONPath) throws(RPCError) -> Float {
        let value = try self.double(path)
        guard !value.isFinite || abs(value) <= Double(Float.greatestFiniteMagnitude) else {
            throw path.invalid("number out of range for a float")
        }
        return Float(value)
    }

    /// Base64, standard or URL-safe, with or without padding.
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

    /// A map field: an object whose member names are the keys; `null` is empty.
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
                let (key, value) = try entry(member.key, member.value, at)
                result[key] = value
            }
            return result
        case .null: return [:]
        default: throw path.invalid("expected an object")
        }
    }

    private func integer(_ path: ProtobufJSONPath, min: Int64, max: Int64) throws(RPCError) -> Int64? {
        let text: String
        switch self {
        case .number(let value): text = value
        case .string(let value):
            guard Self.isJSONNumber(value) else { throw path.invalid("expected an integer") }
            text = value
        case .null: return nil
        default: throw path.invalid("expected an integer")
        }
        let value: Int64
        if let exact = Int64(text) {
            value = exact
        } else if let double = Double(text), double.rounded() == double, double >= -9_223_372_036_854_775_808.0,
            double < 9_223_372_036_854_775_808.0
        {
            // 1e3 and 5.0 are integers in proto3 JSON; 5.5 is not.
            value = Int64(double)
        } else {
            throw path.invalid("expected an integer from \(min) to \(max)")
        }
        guard value >= min, value <= max else { throw path.invalid("expected an integer from \(min) to \(max)") }
        return value
    }

    /// JSON number syntax (strings holding numbers must hold exactly that).
    static func isJSONNumber(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            guard case .number = try? parser.parseDocument() else { return false }
            return true
        }
    }
}
