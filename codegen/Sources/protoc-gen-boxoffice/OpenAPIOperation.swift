/// The OpenAPI 3.1 Operation object of one binding and the component schemas it reaches. The
/// gateway adds the document around them: `components.responses.Error`, `components.schemas.Error`
/// and `components.securitySchemes.bearerAuth`, and one path item per template.
struct OpenAPIOperation {
    /// The gateway's shared error answer, which every operation references as its default.
    static let errorResponseReference = "#/components/responses/Error"
    /// `Idempotency-Key`: 1–255 printable ASCII characters (API.md); spaces are left out so that
    /// HTTP's trimming of header values cannot change a key.
    static let idempotencyKeyLengthMax: Int64 = 255
    static let idempotencyKeyPattern = "^[!-~]+$"

    /// The Operation object.
    var operation: JSONText
    /// The messages whose component schemas the operation references, directly or through other
    /// schemas, ordered by full name.
    var schemas: [MessageInfo]

    init(method: ResolvedMethod, binding: ResolvedBinding, serviceName: String) {
        var members: [(String, JSONText)] = [("operationId", .string("\(serviceName)_\(method.name)"))]
        if let description = OpenAPISchema.description(method.comment) {
            members.append(("summary", .string(OpenAPISchema.summary(description))))
            members.append(("description", .string(description)))
        }
        members.append(("tags", .array([.string(serviceName)])))

        var parameters: [JSONText] = binding.pathParameters.map { name, field in
            Self.parameter(name: name, in: "path", required: true, field: field)
        }
        parameters += binding.queryParameters.map { field in
            Self.parameter(name: field.jsonName, in: "query", required: false, field: field)
        }
        if ResolvedBinding.mutatingVerbs.contains(binding.verb) {
            parameters.append(Self.idempotencyKeyParameter(required: binding.idempotencyKeyRequired))
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }

        var roots: [MessageInfo] = []
        if let requestBody = Self.requestBody(binding, input: method.input, roots: &roots) {
            members.append(("requestBody", requestBody))
        }
        members.append(("responses", Self.responses(binding, output: method.output, roots: &roots)))
        if binding.access != "public" { members.append(("security", .array([.object([("bearerAuth", .array([]))])]))) }

        self.operation = .object(members)
        self.schemas = OpenAPISchema.closure(roots)
    }

    private static func parameter(name: String, in location: String, required: Bool, field: Field) -> JSONText {
        var members: [(String, JSONText)] = [("name", .string(name)), ("in", .string(location))]
        if let description = OpenAPISchema.description(field.comment) {
            members.append(("description", .string(description)))
        }
        if required { members.append(("required", .bool(true))) }
        // The description sits on the parameter; the schema is the value's alone.
        var schema = OpenAPISchema.parameterValue(field.kind)
        if case .object(let schemaMembers) = schema { schema = .object(schemaMembers.filter { $0.0 != "description" }) }
        if field.isRepeated { schema = .object([("type", .string("array")), ("items", schema)]) }
        members.append(("schema", schema))
        return .object(members)
    }

    private static func idempotencyKeyParameter(required: Bool) -> JSONText {
        .object([
            ("name", .string("Idempotency-Key")),
            ("in", .string("header")),
            (
                "description",
                .string(
                    required
                        ? "Required: this route moves money. A replay with the same key and body returns the stored answer."
                        : "Makes a retry safe: a replay with the same key and body returns the stored answer."
                )
            ),
            ("required", .bool(required)),
            (
                "schema",
                .object([
                    ("type", .string("string")), ("minLength", .integer(1)),
                    ("maxLength", .integer(Self.idempotencyKeyLengthMax)),
                    ("pattern", .string(Self.idempotencyKeyPattern)),
                ])
            ),
        ])
    }

    /// The request body, adding the messages it references to `roots`. An absent or blank body is
    /// read as `{}`, so no body is required.
    private static func requestBody(
        _ binding: ResolvedBinding,
        input: MessageInfo,
        roots: inout [MessageInfo]
    )
        -> JSONText?
    {
        if binding.rawBody {
            // Passed through untouched; the service parses and verifies it.
            let raw = JSONText.object([("schema", .object([("type", .string("string"))]))])
            return .object([
                ("required", .bool(false)),
                ("content", .object([("application/x-www-form-urlencoded", raw), ("application/json", raw)])),
            ])
        }
        let schema: JSONText
        if binding.body == "*", binding.pathParameters.isEmpty {
            roots.append(input)
            schema = OpenAPISchema.reference(input)
        } else if binding.body == "*" {
            // The path gives these fields and a body that gives them again is refused: the body
            // is the request without them.
            let taken = Set(binding.pathParameters.map { String($0.name.split(separator: ".")[0]) })
            let kept = input.fields.filter { !taken.contains($0.jsonName) }
            roots += kept.compactMap(Self.message)
            schema = OpenAPISchema.object(input, excluding: taken)
        } else if let target = binding.bodyTarget {
            if let info = Self.message(target) { roots.append(info) }
            schema = OpenAPISchema.nonNullField(target)
        } else {
            return nil
        }
        return .object([
            ("required", .bool(false)),
            ("content", .object([("application/json", .object([("schema", schema)]))])),
        ])
    }

    /// The message a field's values are (map values included), if any.
    private static func message(_ field: Field) -> MessageInfo? {
        if case .message(let info) = field.map?.value ?? field.kind { return info }
        return nil
    }

    private static func responses(
        _ binding: ResolvedBinding,
        output: MessageInfo,
        roots: inout [MessageInfo]
    )
        -> JSONText
    {
        let success: (String, JSONText)
        if !binding.redirectField.isEmpty {
            success = (
                "303",
                .object([
                    ("description", .string("Redirects the browser to `\(binding.redirectField)` of the answer.")),
                    (
                        "headers",
                        .object([
                            (
                                "Location",
                                .object([
                                    ("description", .string("Where to go next.")),
                                    ("schema", .object([("type", .string("string"))])),
                                ])
                            )
                        ])
                    ),
                ])
            )
        } else {
            roots.append(output)
            let description = OpenAPISchema.description(output.comment).map(OpenAPISchema.summary) ?? output.fullName
            var content: [(String, JSONText)] = [
                ("application/json", .object([("schema", OpenAPISchema.reference(output))]))
            ]
            if let raw = binding.rawResponseField {
                // The same status answers the raw field's content when the service sets it.
                var schema: [(String, JSONText)] = [("type", .string("string"))]
                if let text = OpenAPISchema.description(raw.comment) { schema.append(("description", .string(text))) }
                content.append(
                    (ResolvedBinding.mediaType(binding.rawResponseContentType), .object([("schema", .object(schema))]))
                )
            }
            success = (
                String(binding.successStatus),
                .object([("description", .string(description)), ("content", .object(content))])
            )
        }
        return .object([success, ("default", .object([("$ref", .string(Self.errorResponseReference))]))])
    }
}
