/// JSON Schemas (2020-12, the dialect of OpenAPI 3.1) of our proto3 JSON: exactly the canonical
/// form the writer (`ProtobufJSONWriter`) emits. The reader accepts all of it and more (proto
/// names, numbers as strings, enums by number, `null`); the schemas keep to the canonical form so
/// that anything valid against them is accepted and anything we write is valid against them.
enum OpenAPISchema {
    /// Where component schemas live in the gateway's document.
    static let componentPrefix = "#/components/schemas/"

    /// `"^-?[0-9]+$"`: 64-bit integers are written as decimal strings (JSON numbers lose precision
    /// past 2^53 in JavaScript).
    static let signedDecimalPattern = "^-?[0-9]+$"
    static let unsignedDecimalPattern = "^[0-9]+$"
    /// Standard base64 with padding, as the writer emits bytes.
    static let base64Pattern = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

    /// A reference to the component schema of `info`.
    static func reference(_ info: MessageInfo) -> JSONText {
        .object([("$ref", .string(Self.componentPrefix + info.fullName))])
    }

    /// The component schema of a message: an object of its fields by JSON name; unknown members
    /// are refused (our reader refuses them), and at most one member of each oneof may be present.
    static func message(_ info: MessageInfo) -> JSONText {
        var members: [(String, JSONText)] = [("type", .string("object"))]
        if let description = Self.description(info.comment) { members.append(("description", .string(description))) }
        members.append(("properties", .object(info.fields.map { ($0.jsonName, Self.field($0)) })))
        members.append(("additionalProperties", .bool(false)))
        // "At most one of" as positive alternatives (each allows one member and forbids the
        // others), which schema-driven generators such as schemathesis can draw from; a `not`
        // would leave them nothing to draw.
        var exclusions: [JSONText] = []
        for index in info.descriptor.oneofNames.indices {
            let names = info.fields.filter { $0.oneofIndex == index }.map(\.jsonName)
            guard names.count > 1 else { continue }
            exclusions.append(
                .object([
                    (
                        "anyOf",
                        .array(
                            names.map { kept in
                                .object([
                                    ("properties", .object(names.filter { $0 != kept }.map { ($0, .bool(false)) }))
                                ])
                            }
                        )
                    )
                ])
            )
        }
        if exclusions.count == 1, let only = exclusions.first, let anyOf = only["anyOf"] {
            members.append(("anyOf", anyOf))
        } else if !exclusions.isEmpty {
            members.append(("allOf", .array(exclusions)))
        }
        return .object(members)
    }

    /// The schema of one field's JSON value, with the field's comment as description.
    static func field(_ field: Field) -> JSONText {
        var schema: JSONText
        if let map = field.map {
            var members: [(String, JSONText)] = [("type", .string("object"))]
            if let keyNames = Self.mapKeyNames(map.key) { members.append(("propertyNames", keyNames)) }
            members.append(("additionalProperties", Self.value(map.value)))
            schema = .object(members)
        } else if field.isRepeated {
            schema = .object([("type", .string("array")), ("items", Self.value(field.kind))])
        } else {
            schema = Self.value(field.kind)
        }
        if let description = Self.description(field.comment) {
            schema = schema.setting("description", .string(description))
        }
        return schema
    }

    /// The schema of one value of `kind`.
    static func value(_ kind: FieldKind) -> JSONText {
        switch kind {
        case .scalar(let scalar), .wrapper(let scalar, _): Self.scalar(scalar)
        case .enumeration(let info): Self.enumeration(info)
        case .message(let info): Self.reference(info)
        case .timestamp: .object([("type", .string("string")), ("format", .string("date-time"))])
        }
    }

    static func scalar(_ scalar: Scalar) -> JSONText {
        switch scalar {
        case .int64, .sint64, .sfixed64: Self.pattern(Self.signedDecimalPattern)
        case .uint64, .fixed64: Self.pattern(Self.unsignedDecimalPattern)
        case .int32, .sint32, .sfixed32:
            .object([
                ("type", .string("integer")), ("format", .string("int32")),
                ("minimum", .integer(Int64(Int32.min))), ("maximum", .integer(Int64(Int32.max))),
            ])
        case .uint32, .fixed32:
            // OpenAPI registers no unsigned format; the bounds say it.
            .object([("type", .string("integer")), ("minimum", .integer(0)), ("maximum", .integer(Int64(UInt32.max)))])
        case .float, .double:
            // Non-finite values are written as these strings.
            .object([
                (
                    "anyOf",
                    .array([
                        .object([
                            ("type", .string("number")), ("format", .string(scalar == .float ? "float" : "double")),
                        ]),
                        .object([
                            ("type", .string("string")),
                            ("enum", .array([.string("NaN"), .string("Infinity"), .string("-Infinity")])),
                        ]),
                    ])
                )
            ])
        case .bool: .object([("type", .string("boolean"))])
        case .string: .object([("type", .string("string"))])
        case .bytes:
            .object([
                ("type", .string("string")), ("contentEncoding", .string("base64")),
                ("pattern", .string(Self.base64Pattern)),
            ])
        }
    }

    /// An enum by value name. Every name is listed, the zero value's too (it appears in repeated
    /// fields and maps); numbers unknown to this build, written as numbers, are not described.
    static func enumeration(_ info: EnumInfo) -> JSONText {
        var members: [(String, JSONText)] = [
            ("type", .string("string")), ("enum", .array(info.descriptor.values.map { .string($0.name) })),
        ]
        if let description = Self.description(info.comment) { members.append(("description", .string(description))) }
        return .object(members)
    }

    /// Map keys are JSON member names: what the key type's text looks like.
    static func mapKeyNames(_ key: Scalar) -> JSONText? {
        switch key {
        case .string: nil
        case .bool: .object([("enum", .array([.string("true"), .string("false")]))])
        case .uint32, .fixed32, .uint64, .fixed64: .object([("pattern", .string(Self.unsignedDecimalPattern))])
        default: .object([("pattern", .string(Self.signedDecimalPattern))])
        }
    }

    private static func pattern(_ pattern: String) -> JSONText {
        .object([("type", .string("string")), ("pattern", .string(pattern))])
    }

    /// Every message reachable from `roots` through fields (map values and repeated included),
    /// roots too, each once, ordered by full name.
    static func closure(_ roots: [MessageInfo]) -> [MessageInfo] {
        var seen: [String: MessageInfo] = [:]
        var stack = roots
        while let info = stack.popLast() {
            guard seen.updateValue(info, forKey: info.fullName) == nil else { continue }
            for field in info.fields {
                if case .message(let next) = field.map?.value ?? field.kind { stack.append(next) }
            }
        }
        return seen.values.sorted { $0.fullName < $1.fullName }
    }

    /// A proto comment as a description: lines without the one space `//` leaves, trimmed.
    static func description(_ comment: String?) -> String? {
        guard let comment else { return nil }
        let lines = comment.split(separator: "\n", omittingEmptySubsequences: false).map {
            ($0.hasPrefix(" ") ? String($0.dropFirst()) : String($0)).trimmingTrailingSpaces
        }
        let text = lines.joined(separator: "\n").trimmingBlankLines
        return text.isEmpty ? nil : text
    }

    /// The first sentence of a description: up to the first `.` followed by a space, a line
    /// break or the end.
    static func summary(_ description: String) -> String {
        let flat = description.split(whereSeparator: \.isNewline).joined(separator: " ")
        var previous: Character?
        for index in flat.indices {
            if previous == ".", flat[index] == " " { return String(flat[..<flat.index(before: index)]) + "." }
            previous = flat[index]
        }
        return flat
    }
}

extension String {
    var trimmingBlankLines: String {
        var lines = self.split(separator: "\n", omittingEmptySubsequences: false)
        while lines.first?.allSatisfy(\.isWhitespace) == true, !lines.isEmpty { lines.removeFirst() }
        while lines.last?.allSatisfy(\.isWhitespace) == true, !lines.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
