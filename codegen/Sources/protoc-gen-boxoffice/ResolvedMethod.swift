/// One RPC method with its types resolved and its HTTP route checked.
struct ResolvedMethod {
    var name: String
    var swiftName: String
    var input: MessageInfo
    var output: MessageInfo
    var binding: ResolvedBinding?
    var comment: String?

    init(_ method: MethodDescriptor, resolver: Resolver, comment: String?) throws {
        guard !method.isStreaming else { throw GeneratorError("\(method.name): streaming methods are not supported") }
        guard let input = resolver.messages[method.inputType], let output = resolver.messages[method.outputType] else {
            throw GeneratorError("\(method.name): request and response must be messages of the generated files")
        }
        self.name = method.name
        self.swiftName = Names.escaped(method.name.prefix(1).lowercased() + method.name.dropFirst())
        self.input = input
        self.output = output
        self.comment = comment
        if let http = method.http {
            self.binding = try ResolvedBinding(http, method: method.name, input: input, output: output)
        }
    }
}

/// An HTTP route with every name turned into its JSON name and every option checked against the
/// request and response messages: what `HTTPBinding` holds, plus the fields the OpenAPI
/// operation describes.
struct ResolvedBinding {
    /// The verbs that carry a body and change state (they accept `Idempotency-Key`).
    static let mutatingVerbs: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]
    static let bodyVerbs: Set<String> = ["POST", "PUT", "PATCH"]
    /// The statuses a JSON answer may have: the body is always the response message.
    static let successStatuses: Set<Int32> = [200, 201, 202]
    /// The name of the field that receives the request headers of a raw-body route.
    static let headersFieldName = "headers"

    var verb: String
    /// With JSON names in braces.
    var path: String
    /// `*`, a JSON field path, or empty.
    var body: String
    var access: String
    var rawBody: Bool
    var idempotencyKeyRequired: Bool
    /// The JSON name of the response field to redirect to; empty for a JSON answer.
    var redirectField: String
    var successStatus: Int
    /// Whether the JSON answer keeps fields at their default values.
    var emitDefaults: Bool
    /// The response field answered raw when set; nil when the answer is always JSON.
    var rawResponseField: Field?
    /// The `Content-Type` of the raw answer; empty without a raw field.
    var rawResponseContentType: String
    /// The path parameters in template order: JSON path and the field it ends at.
    var pathParameters: [(name: String, field: Field)]
    /// The top-level request fields read from the query string (JSON names), in field order.
    var queryParameters: [Field]
    /// The field the body fills when it is a single field.
    var bodyTarget: Field?

    init(_ rule: MethodDescriptor.HTTPRule, method: String, input: MessageInfo, output: MessageInfo) throws {
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(rule.verb) else {
            throw GeneratorError("\(method): unknown HTTP verb \(rule.verb)")
        }
        guard rule.path.hasPrefix("/") else { throw GeneratorError("\(method): the HTTP path must start with /") }
        guard ["public", "user", "admin"].contains(rule.access) else {
            throw GeneratorError("\(method): access must be public, user or admin")
        }
        self.verb = rule.verb
        self.access = rule.access
        (self.path, self.pathParameters) = try Self.jsonPathTemplate(rule.path, input: input, method: method)

        self.body = rule.body
        self.rawBody = false
        if !rule.body.isEmpty {
            guard Self.bodyVerbs.contains(rule.verb) else {
                throw GeneratorError("\(method): a \(rule.verb) route cannot have a body")
            }
        }
        if !rule.body.isEmpty, rule.body != "*" {
            let (jsonPath, field) = try Self.jsonFieldPath(rule.body, input: input, method: method)
            self.body = jsonPath
            self.bodyTarget = field
            if case .scalar(.bytes) = field.kind {
                guard !jsonPath.contains(".") else {
                    throw GeneratorError("\(method): a raw body must go to a top-level bytes field")
                }
                self.rawBody = true
                if let headers = input.fields.first(where: { $0.protoName == Self.headersFieldName }) {
                    guard let map = headers.map, map.key == .string, case .scalar(.string) = map.value else {
                        throw GeneratorError(
                            "\(method): the `headers` field of a raw-body request must be map<string, string>"
                        )
                    }
                }
            }
        }

        self.idempotencyKeyRequired = rule.idempotencyKeyRequired
        if rule.idempotencyKeyRequired, !Self.mutatingVerbs.contains(rule.verb) {
            throw GeneratorError("\(method): idempotency_key_required needs POST, PUT, PATCH or DELETE")
        }

        self.redirectField = ""
        if !rule.redirect.isEmpty {
            guard
                let field = output.fields.first(where: { $0.protoName == rule.redirect || $0.jsonName == rule.redirect }
                ),
                !field.isRepeated, case .scalar(.string) = field.kind
            else {
                throw GeneratorError(
                    "\(method): redirect \(rule.redirect) does not name a string field of \(output.fullName)"
                )
            }
            guard rule.successStatus == 0 else {
                throw GeneratorError("\(method): a redirect answers 303; success_status does not apply")
            }
            self.redirectField = field.jsonName
        }

        guard rule.successStatus == 0 || Self.successStatuses.contains(rule.successStatus) else {
            throw GeneratorError("\(method): success_status must be 200, 201 or 202")
        }
        self.successStatus = rule.successStatus == 0 ? 200 : Int(rule.successStatus)
        self.emitDefaults = rule.emitDefaults
        if rule.emitDefaults, !rule.redirect.isEmpty {
            throw GeneratorError("\(method): a redirect has no JSON answer; emit_defaults does not apply")
        }

        (self.rawResponseField, self.rawResponseContentType) = try Self.rawResponse(
            rule,
            method: method,
            output: output
        )

        self.queryParameters = []
        if rule.body != "*" {
            let taken = Set(
                self.pathParameters.map(\.name) + [self.body.split(separator: ".").first.map(String.init) ?? ""]
            )
            self.queryParameters = input.fields.filter { field in
                guard !taken.contains(field.jsonName), field.map == nil else { return false }
                if self.rawBody, field.protoName == Self.headersFieldName { return false }
                switch field.kind {
                case .scalar, .enumeration, .timestamp, .wrapper: return true
                case .message: return false
                }
            }
        }
    }

    /// The raw answer's field and content type, checked: a singular top-level `string` or `bytes`
    /// field of the response outside any oneof (the generated accessor reads a plain property), a
    /// content type naming a media type, and no redirect (a redirect has no body).
    static func rawResponse(
        _ rule: MethodDescriptor.HTTPRule,
        method: String,
        output: MessageInfo
    ) throws -> (Field?, String) {
        guard !rule.rawResponseField.isEmpty else {
            guard rule.rawResponseContentType.isEmpty else {
                throw GeneratorError("\(method): raw_response_content_type needs raw_response_field")
            }
            return (nil, "")
        }
        guard
            let field = output.fields.first(where: {
                $0.protoName == rule.rawResponseField || $0.jsonName == rule.rawResponseField
            }),
            !field.isRepeated, field.oneofIndex == nil, field.map == nil,
            case .scalar(let scalar) = field.kind, scalar == .string || scalar == .bytes
        else {
            throw GeneratorError(
                "\(method): raw_response_field \(rule.rawResponseField) does not name a singular string or bytes field of \(output.fullName) outside a oneof"
            )
        }
        guard rule.redirect.isEmpty else {
            throw GeneratorError("\(method): a redirect answers 303 without a body; raw_response_field does not apply")
        }
        guard Self.isMediaType(rule.rawResponseContentType) else {
            throw GeneratorError(
                "\(method): raw_response_content_type must be a media type such as `text/csv; charset=utf-8`, not `\(rule.rawResponseContentType)`"
            )
        }
        return (field, rule.rawResponseContentType)
    }

    /// `type/subtype`, optionally followed by `; parameters`, in visible ASCII and spaces: what a
    /// `Content-Type` header may carry (a newline would be a header injection).
    static func isMediaType(_ text: String) -> Bool {
        guard text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else { return false }
        let type = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && !$0.contains(" ") }
    }

    /// The media type of a content type without its parameters: `text/csv; charset=utf-8` → `text/csv`.
    static func mediaType(_ contentType: String) -> String {
        String(contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    /// Rewrites the names in braces to JSON names, checking each names a singular request field.
    static func jsonPathTemplate(
        _ template: String,
        input: MessageInfo,
        method: String
    ) throws -> (String, [(name: String, field: Field)]) {
        var result = ""
        var parameters: [(name: String, field: Field)] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw GeneratorError("\(method): unbalanced braces in \(template)")
            }
            result += rest[..<open]
            let (name, field) = try jsonFieldPath(
                String(rest[rest.index(after: open)..<close]),
                input: input,
                method: method
            )
            guard !parameters.contains(where: { $0.name == name }) else {
                throw GeneratorError("\(method): \(name) appears twice in \(template)")
            }
            if case .message = field.kind {
                throw GeneratorError("\(method): path parameter \(name) must not be a message")
            }
            parameters.append((name, field))
            result += "{" + name + "}"
            rest = rest[rest.index(after: close)...]
        }
        return (result + rest, parameters)
    }

    /// `billing_address.city` → `billingAddress.city` and the field it ends at, checking each step.
    static func jsonFieldPath(_ path: String, input: MessageInfo, method: String) throws -> (String, Field) {
        var message: MessageInfo? = input
        var names: [String] = []
        var last: Field?
        for piece in path.split(separator: ".") {
            guard let current = message,
                let field = current.fields.first(where: { $0.protoName == piece || $0.jsonName == piece }),
                !field.isRepeated
            else { throw GeneratorError("\(method): \(path) does not name a singular field of \(input.fullName)") }
            names.append(field.jsonName)
            last = field
            if case .message(let next) = field.kind { message = next } else { message = nil }
        }
        guard let last else { throw GeneratorError("\(method): empty field path in \(input.fullName)") }
        return (names.joined(separator: "."), last)
    }
}
