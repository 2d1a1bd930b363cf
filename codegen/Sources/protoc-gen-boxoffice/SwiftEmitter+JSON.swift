/// proto3 JSON for each message: the writer omits default values and uses lowerCamelCase names;
/// the reader takes both JSON and proto names and names the field at fault in its errors.
extension SwiftEmitter {
    func emitJSON(_ info: MessageInfo, into out: inout CodeWriter) {
        out.line()
        out.line("/// Writes the message as proto3 JSON: fields at their default are left out, 64-bit integers are")
        out.line("/// strings, enums are names, bytes are base64, timestamps are RFC 3339.")
        out.block("public func writeJSON(into writer: inout ProtobufJSONWriter) {") { out in
            out.line("writer.beginObject()")
            for field in info.fields where field.oneofIndex == nil {
                self.emitJSONWrite(field, into: &out)
            }
            for index in info.descriptor.oneofNames.indices {
                out.switchBlock("switch self.\(info.oneofPropertyName(index)) {") { out in
                    for field in info.fields where field.oneofIndex == index {
                        out.block("case .\(field.swiftName)(let value)?:", close: nil) { out in
                            out.line("writer.key(\(field.jsonName.literal))")
                            out.line(self.jsonWrite(field.kind, "value"))
                        }
                    }
                    out.line("case nil: break")
                }
            }
            out.line("writer.endObject()")
        }
        out.line()
        out.line("/// Reads proto3 JSON; throws `INVALID_ARGUMENT` naming the field for unknown fields, wrong types")
        out.line("/// and values out of range.")
        out.block("public init(json: ProtobufJSONValue, path: ProtobufJSONPath) throws(RPCError) {") { out in
            out.line("self.init()")
            out.line("let members = try json.members(path)")
            out.line("guard !members.isEmpty else { return }")
            out.line("let base = path.string")
            // A message without fields never reads `value`; naming it would warn.
            let valueName = info.fields.isEmpty ? "_" : "value"
            out.block("for (key, \(valueName)) in members {") { out in
                out.switchBlock("switch key {") { out in
                    for field in info.fields {
                        self.emitJSONRead(field, message: info, into: &out)
                    }
                    out.line("default:")
                    out.line("    throw ProtobufJSONPath(parent: base, name: key).unknownField()")
                }
            }
        }
        // A query parameter given once is a plain string; the HTTP codec needs to know which
        // names take a list so that `?ids=a` reads as one element rather than a type error.
        let repeated = info.fields.filter { $0.isRepeated && $0.map == nil }.flatMap { [$0.jsonName, $0.protoName] }
        out.line()
        out.line("/// The JSON and proto names of the repeated fields (not maps), for query parameters.")
        let names = Array(Set(repeated)).sorted().map(\.literal).joined(separator: ", ")
        out.line("public static let jsonRepeatedFieldNames: Set<String> = [\(names)]")
    }

    /// A statement writing one value of `kind`.
    func jsonWrite(_ kind: FieldKind, _ value: String) -> String {
        switch kind {
        case .scalar(let scalar), .wrapper(let scalar, _): "writer.\(scalar.jsonMethod)(\(value))"
        case .enumeration: "writer.enumValue(\(value))"
        case .message: "\(value).writeJSON(into: &writer)"
        case .timestamp: "writer.timestamp(\(value))"
        }
    }

    /// An expression reading one value of `kind` from `value` at path `at`.
    func jsonRead(_ kind: FieldKind, _ value: String, _ at: String) -> String {
        switch kind {
        case .scalar(let scalar), .wrapper(let scalar, _): "try \(value).\(scalar.jsonMethod)(\(at))"
        case .enumeration(let info): "try \(value).enumValue(\(info.swiftName).self, \(at))"
        case .message(let info): "try \(info.swiftName)(json: \(value), path: \(at))"
        case .timestamp: "try \(value).timestamp(\(at))"
        }
    }

    func emitJSONWrite(_ field: Field, into out: inout CodeWriter) {
        let value = "self.\(field.swiftName)"
        let key = "writer.key(\(field.jsonName.literal))"
        if let map = field.map {
            out.block("if writer.emitsDefaults || !\(value).isEmpty {") { out in
                out.line(key)
                out.line("writer.beginObject()")
                out.block("for key in ProtobufEncoding.sortedKeys(\(value)) {") { out in
                    out.line("writer.key(\(map.key == .string ? "key" : "String(key)"))")
                    out.line(self.jsonWrite(map.value, "\(value)[key]!"))
                }
                out.line("writer.endObject()")
            }
        } else if field.isRepeated {
            out.block("if writer.emitsDefaults || !\(value).isEmpty {") { out in
                out.line(key)
                out.line("writer.beginArray()")
                out.line("for value in \(value) { \(self.jsonWrite(field.kind, "value")) }")
                out.line("writer.endArray()")
            }
        } else {
            switch field.kind {
            case .scalar(let scalar):
                out.line("if writer.emitsDefaults || !(\(scalar.isDefault(value))) {")
            case .enumeration:
                out.line("if writer.emitsDefaults || \(value).rawValue != 0 {")
            case .message, .timestamp, .wrapper:
                out.line("if let value = \(value) {")
            }
            out.line("    \(key)")
            if case .scalar = field.kind {
                out.line("    \(self.jsonWrite(field.kind, value))")
            } else if case .enumeration = field.kind {
                out.line("    \(self.jsonWrite(field.kind, value))")
            } else {
                out.line("    \(self.jsonWrite(field.kind, "value"))")
            }
            out.line("}")
        }
    }

    func emitJSONRead(_ field: Field, message: MessageInfo, into out: inout CodeWriter) {
        let names =
            field.jsonName == field.protoName
            ? field.jsonName.literal : "\(field.jsonName.literal), \(field.protoName.literal)"
        out.block("case \(names):", close: nil) { out in
            out.line("let at = ProtobufJSONPath(parent: base, name: \(field.jsonName.literal))")
            let target = "self.\(field.swiftName)"
            if let map = field.map {
                out.block("\(target) = try value.map(at) { key, value, at throws(RPCError) in") { out in
                    out.line(
                        "(\(self.jsonRead(.scalar(map.key), "ProtobufJSONValue.string(key)", "at")), \(self.jsonRead(map.value, "value", "at")))"
                    )
                }
            } else if field.isRepeated {
                out.line(
                    "\(target) = try value.array(at) { value, at throws(RPCError) in \(self.jsonRead(field.kind, "value", "at")) }"
                )
            } else if let index = field.oneofIndex {
                let property = "self.\(message.oneofPropertyName(index))"
                out.line("if value.isNull { break }")
                out.line(
                    "if \(property) != nil { throw at.oneofConflict(\(message.descriptor.oneofNames[index].literal)) }"
                )
                out.line("\(property) = .\(field.swiftName)(\(self.jsonRead(field.kind, "value", "at")))")
            } else {
                switch field.kind {
                case .scalar, .enumeration:
                    out.line("\(target) = \(self.jsonRead(field.kind, "value", "at"))")
                case .message, .timestamp, .wrapper:
                    out.line("\(target) = value.isNull ? nil : \(self.jsonRead(field.kind, "value", "at"))")
                }
            }
        }
    }
}
