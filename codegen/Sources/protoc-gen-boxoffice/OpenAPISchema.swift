/// JSON Schemas (2020-12, the dialect of OpenAPI 3.1) of our proto3 JSON: exactly what the
/// reader (`ProtobufJSONValue`) accepts, which includes the canonical form the writer emits. A
/// member may be `null` (the default; not inside arrays and maps); a message's members go by JSON
/// or proto name; 64-bit integers by string or number, other integers by number or string, enums
/// by name or number, floats by number or string (`NaN`, `Infinity`, numbers in JSON syntax),
/// booleans by `true` or the strings `"true"`. Integer strings are canonical decimal, in range.
/// A gateway answers 400 to anything these schemas refuse and reads anything they allow.
enum OpenAPISchema {
    /// Where component schemas live in the gateway's document.
    static let componentPrefix = "#/components/schemas/"

    /// A reference to the component schema of `info`.
    static func reference(_ info: MessageInfo) -> JSONText {
        .object([("$ref", .string(Self.componentPrefix + info.fullName))])
    }

    /// The component schema of a message: an object of its fields by JSON name and by proto name;
    /// unknown members are refused (our reader refuses them), and at most one member of each
    /// oneof may be non-null.
    static func message(_ info: MessageInfo) -> JSONText {
        Self.object(info, excluding: [])
    }

    /// The object schema of `info` without the fields named in `excluded` (JSON names): a body
    /// whose path gives those fields, and which may therefore not give them again.
    static func object(_ info: MessageInfo, excluding excluded: Set<String>) -> JSONText {
        let fields = info.fields.filter { !excluded.contains($0.jsonName) }
        var members: [(String, JSONText)] = [("type", .string("object"))]
        if let description = Self.description(info.comment) { members.append(("description", .string(description))) }
        var properties: [(String, JSONText)] = []
        for field in fields {
            let schema = Self.field(field)
            properties.append((field.jsonName, schema))
            if field.protoName != field.jsonName {
                let alias = "The proto name of `\(field.jsonName)`; either name may be used."
                properties.append((field.protoName, schema.setting("description", .string(alias))))
            }
        }
        members.append(("properties", .object(properties)))
        members.append(("additionalProperties", .bool(false)))
        // "At most one of" as positive alternatives (each allows one name and holds the others
        // null or absent), which schema-driven generators such as schemathesis can draw from; a
        // `not` would leave them nothing to draw. Each spelling counts: the reader refuses a
        // oneof set twice, even through its two names.
        var exclusions: [JSONText] = []
        for index in info.descriptor.oneofNames.indices {
            let names = fields.filter { $0.oneofIndex == index }.flatMap(Self.names)
            guard names.count > 1 else { continue }
            exclusions.append(
                .object([
                    (
                        "anyOf",
                        .array(
                            names.map { kept in
                                .object([
                                    (
                                        "properties",
                                        .object(names.filter { $0 != kept }.map { ($0, Self.nullType) })
                                    )
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

    /// The names the reader takes for `field`: its JSON name, then its proto name if different.
    static func names(_ field: Field) -> [String] {
        field.protoName == field.jsonName ? [field.jsonName] : [field.jsonName, field.protoName]
    }

    static let nullType = JSONText.object([("type", .string("null"))])

    /// The schema of one field's JSON value, `null` included, with the field's comment as
    /// description.
    static func field(_ field: Field) -> JSONText {
        var schema = Self.nullable(Self.nonNullField(field))
        if let description = Self.description(field.comment) {
            schema = schema.setting("description", .string(description))
        }
        return schema
    }

    /// One field's value without `null`: what a body that is the field must be (the gateway
    /// refuses a `null` body).
    static func nonNullField(_ field: Field) -> JSONText {
        if let map = field.map {
            var members: [(String, JSONText)] = [("type", .string("object"))]
            if let keyNames = Self.mapKeyNames(map.key) { members.append(("propertyNames", keyNames)) }
            members.append(("additionalProperties", Self.value(map.value)))
            return .object(members)
        } else if field.isRepeated {
            return .object([("type", .string("array")), ("items", Self.value(field.kind))])
        } else {
            return Self.value(field.kind)
        }
    }

    /// `schema` or `null`: a type list where the schema is one plain type, another alternative
    /// where it is already a list of them, an `anyOf` around it otherwise.
    static func nullable(_ schema: JSONText) -> JSONText {
        guard case .object(var members) = schema else { return schema }
        if let index = members.firstIndex(where: { $0.0 == "anyOf" }), case .array(var alternatives) = members[index].1,
            !members.contains(where: { ["type", "$ref", "enum"].contains($0.0) })
        {
            alternatives.append(Self.nullType)
            members[index].1 = .array(alternatives)
            return .object(members)
        }
        if let index = members.firstIndex(where: { $0.0 == "type" }), case .string(let type) = members[index].1,
            schema["enum"] == nil
        {
            members[index].1 = .array([.string(type), .string("null")])
            return .object(members)
        }
        return .object([("anyOf", .array([schema, Self.nullType]))])
    }

    /// The schema of one JSON value of `kind` (an array element, a map value, a set field).
    static func value(_ kind: FieldKind) -> JSONText {
        switch kind {
        case .scalar(let scalar), .wrapper(let scalar, _): Self.scalar(scalar)
        case .enumeration(let info): Self.enumeration(info)
        case .message(let info): Self.reference(info)
        case .timestamp: Self.timestamp
        }
    }

    /// RFC 3339 (the reader takes any offset and up to nine fractional digits). `format` checks
    /// the calendar; the pattern adds what the format allows and the reader does not: year 0000
    /// and more than nine fractional digits.
    static let timestamp = JSONText.object([
        ("type", .string("string")), ("format", .string("date-time")),
        ("pattern", .string(Self.timestampPattern)),
        (
            "description",
            .string(
                "RFC 3339, from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, at most 9 fractional digits."
            )
        ),
    ])

    /// The bounds of an integer type as decimal text, and its OpenAPI format where one exists.
    static func integerBounds(_ scalar: Scalar) -> (min: String, max: String, format: String?)? {
        switch scalar {
        case .int32, .sint32, .sfixed32: (String(Int32.min), String(Int32.max), "int32")
        case .int64, .sint64, .sfixed64: (String(Int64.min), String(Int64.max), "int64")
        // OpenAPI registers no unsigned formats; the bounds say it.
        case .uint32, .fixed32: ("0", String(UInt32.max), nil)
        case .uint64, .fixed64: ("0", String(UInt64.max), nil)
        default: nil
        }
    }

    /// An integer as a JSON number: any number whose value is an integer in range (`1e3` is one).
    static func integerNumber(_ bounds: (min: String, max: String, format: String?)) -> JSONText {
        var members: [(String, JSONText)] = [("type", .string("integer"))]
        if let format = bounds.format { members.append(("format", .string(format))) }
        members.append(("minimum", .number(bounds.min)))
        members.append(("maximum", .number(bounds.max)))
        return .object(members)
    }

    /// An integer as a string: canonical decimal, in range.
    static func integerString(_ bounds: (min: String, max: String, format: String?)) -> JSONText {
        .object([
            ("type", .string("string")),
            ("pattern", .string(Self.decimalPattern(min: bounds.min, max: bounds.max))),
        ])
    }

    static func scalar(_ scalar: Scalar) -> JSONText {
        if let bounds = Self.integerBounds(scalar) {
            // The form the writer uses first: strings for 64-bit integers (JSON numbers lose
            // precision past 2^53 in JavaScript), numbers for the others.
            let forms =
                [.int64, .sint64, .sfixed64, .uint64, .fixed64].contains(scalar)
                ? [Self.integerString(bounds), Self.integerNumber(bounds)]
                : [Self.integerNumber(bounds), Self.integerString(bounds)]
            return .object([("anyOf", .array(forms))])
        }
        switch scalar {
        case .float, .double:
            let largest = scalar == .float ? "3.4028234663852886e38" : "1.7976931348623157e308"
            return .object([
                (
                    "anyOf",
                    .array([
                        .object([
                            ("type", .string("number")), ("format", .string(scalar == .float ? "float" : "double")),
                            ("minimum", .number("-" + largest)), ("maximum", .number(largest)),
                        ]),
                        .object([("type", .string("string")), ("pattern", .string(Self.floatingTextPattern))]),
                    ])
                )
            ])
        case .bool:
            return .object([
                (
                    "anyOf",
                    .array([
                        .object([("type", .string("boolean"))]),
                        .object([("type", .string("string")), ("enum", .array([.string("true"), .string("false")]))]),
                    ])
                )
            ])
        case .bytes:
            return .object([
                ("type", .string("string")), ("contentEncoding", .string("base64")),
                ("pattern", .string(Self.base64Pattern)),
            ])
        default:
            // protobuf-c keeps strings NUL-terminated, so the reader refuses U+0000.
            return .object([("type", .string("string")), ("pattern", .string(Self.noNULPattern))])
        }
    }

    /// Any text without U+0000.
    static let noNULPattern = "^[^\\x00]*$"

    /// An enum by value name, or by number (numbers this build does not know are kept, so any
    /// int32 is read). Every name is listed, the zero value's too (it appears in repeated fields
    /// and maps).
    static func enumeration(_ info: EnumInfo) -> JSONText {
        var members: [(String, JSONText)] = [
            (
                "anyOf",
                .array([
                    .object([
                        ("type", .string("string")), ("enum", .array(info.descriptor.values.map { .string($0.name) })),
                    ]),
                    Self.integerNumber((String(Int32.min), String(Int32.max), "int32")),
                ])
            )
        ]
        if let description = Self.description(info.comment) { members.append(("description", .string(description))) }
        return .object(members)
    }

    /// Map keys are JSON member names: what the key type's text looks like.
    static func mapKeyNames(_ key: Scalar) -> JSONText? {
        if let bounds = Self.integerBounds(key) {
            return .object([("pattern", .string(Self.decimalPattern(min: bounds.min, max: bounds.max)))])
        }
        switch key {
        case .bool: return .object([("enum", .array([.string("true"), .string("false")]))])
        default: return .object([("pattern", .string(Self.noNULPattern))])
        }
    }

    /// The schema of a path or query parameter of `kind`: the parameter's text is read as a JSON
    /// string would be, so this is the string form (integers as `integer`, which every client
    /// writes in canonical decimal; booleans as `boolean`, written `true` or `false`).
    static func parameterValue(_ kind: FieldKind) -> JSONText {
        switch kind {
        case .scalar(let scalar), .wrapper(let scalar, _):
            if let bounds = Self.integerBounds(scalar) { return Self.integerNumber(bounds) }
            switch scalar {
            case .bool: return .object([("type", .string("boolean"))])
            case .float, .double:
                return .object([
                    (
                        "anyOf",
                        .array([
                            .object([
                                ("type", .string("number")),
                                ("format", .string(scalar == .float ? "float" : "double")),
                            ]),
                            .object([
                                ("type", .string("string")),
                                ("enum", .array([.string("NaN"), .string("Infinity"), .string("-Infinity")])),
                            ]),
                        ])
                    )
                ])
            default: return Self.scalar(scalar)
            }
        case .enumeration(let info):
            return .object([
                ("type", .string("string")), ("enum", .array(info.descriptor.values.map { .string($0.name) })),
            ])
        case .timestamp: return Self.timestamp
        case .message(let info): return Self.reference(info)
        }
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
