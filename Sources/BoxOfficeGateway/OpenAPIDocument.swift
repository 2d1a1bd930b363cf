public import BoxOfficeRPC
// JSONSerialization is in Foundation, not FoundationEssentials.
import Foundation

/// The OpenAPI 3.1 document of the routes a gateway serves, stitched from the operations and
/// schemas the code generator emitted into each ``HTTPBinding``.
///
/// The gateway adds what is its own: the error response (`components.responses.Error`, the
/// `Error` schema of API.md) as every operation's `default`, the rate limit's 429 with `Retry-After`, the `bearerAuth` security scheme,
/// path parameters and security an operation lacks, and its endpoints `/healthz`, `/readyz`,
/// `/metrics`. One path item per template, one operation per verb.
public enum OpenAPIDocument {
    /// The document as JSON text (keys sorted, so it is stable across runs).
    ///
    /// - Throws: ``GatewayError`` with code `invalidBinding` when a binding's OpenAPI text is
    ///   not a JSON object.
    public static func render(
        bindings: [HTTPBinding],
        title: String = "BoxOffice API",
        version: String = "1"
    ) throws(GatewayError) -> [UInt8] {
        var paths: [String: [String: Any]] = [:]
        var schemas: [String: Any] = ["Error": Self.errorSchema]
        for binding in bindings {
            var operation = try Self.object(binding.openAPIOperation, binding: binding, what: "openAPIOperation")
            Self.complete(&operation, binding: binding)
            let key = binding.verb.lowercased()
            paths[binding.pathTemplate, default: [:]][key] = operation
            for (name, text) in binding.openAPISchemas {
                schemas[name] = try Self.object(text, binding: binding, what: "openAPISchemas[\(name)]")
            }
        }
        for (path, item) in Self.ownEndpoints { paths[path] = item }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": title,
                "version": version,
                "description": "The public HTTP API of BoxOffice; each route is transcoded to an RPC call.",
            ],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "responses": [
                    "Error": [
                        "description": "An error: the RPC status code, a message and the fields at fault.",
                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                    ],
                    "TooManyRequests": [
                        "description":
                            "Over the rate limit of the client or the caller; retry after `Retry-After` seconds.",
                        "headers": ["Retry-After": ["required": true, "schema": ["type": "integer", "minimum": 1]]],
                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                    ],
                ],
                "securitySchemes": [
                    "bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]
                ],
            ],
        ]
        // The document is made of JSON values only, so serialization cannot fail.
        let data = try! JSONSerialization.data(
            withJSONObject: document,
            options: [.sortedKeys, .withoutEscapingSlashes]
        )
        return [UInt8](data)
    }

    private static func object(_ text: String, binding: HTTPBinding, what: String) throws(GatewayError) -> [String: Any]
    {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw GatewayError(
                code: .invalidBinding,
                message: "\(binding.verb) \(binding.pathTemplate): \(what) is not a JSON object"
            )
        }
        return object
    }

    /// Fills in what the gateway owns or what an operation lacks (bindings generated before the
    /// generator emitted OpenAPI carry `{}`).
    private static func complete(_ operation: inout [String: Any], binding: HTTPBinding) {
        let serviceName = binding.method.service.split(separator: ".").last.map(String.init) ?? binding.method.service
        if operation["operationId"] == nil {
            operation["operationId"] = "\(serviceName)_\(binding.method.method)"
        }
        if operation["tags"] == nil { operation["tags"] = [serviceName] }
        var parameters = operation["parameters"] as? [[String: Any]] ?? []
        let declared = Set(
            parameters.compactMap { parameter -> String? in
                (parameter["in"] as? String) == "path" ? parameter["name"] as? String : nil
            }
        )
        for name in PathTemplate(binding.pathTemplate)?.variableNames ?? [] where !declared.contains(name) {
            parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
        }
        let declaresIdempotencyKey = parameters.contains {
            ($0["in"] as? String) == "header" && ($0["name"] as? String)?.lowercased() == "idempotency-key"
        }
        if !declaresIdempotencyKey, binding.idempotencyKeyRequired || binding.verb != "GET" {
            parameters.append([
                "name": "Idempotency-Key",
                "in": "header",
                "required": binding.idempotencyKeyRequired,
                "description": "Makes a retry safe: a replay with the same key returns the first answer.",
                "schema": ["type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"],
            ])
        }
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if binding.rawBody {
            // The gateway passes a raw body through unread (the service checks it, e.g. a
            // webhook signature over the exact bytes), so no body is invalid at this edge.
            let anything: [String: Any] = ["schema": [String: Any](), "description": "Passed to the service as sent."]
            operation["requestBody"] = [
                "content": ["application/x-www-form-urlencoded": anything, "application/json": anything]
            ]
        } else if operation["requestBody"] == nil, !binding.bodyField.isEmpty {
            // Without the generator's schema the fields are unknown, and the decoder refuses
            // unknown fields: only the empty object is sure to be valid.
            operation["requestBody"] = [
                "content": ["application/json": ["schema": ["type": "object", "additionalProperties": false]]]
            ]
        }
        var responses = operation["responses"] as? [String: Any] ?? [:]
        if responses.keys.allSatisfy({ $0 == "default" }) {
            if binding.redirectField.isEmpty {
                var content: [String: Any] = ["application/json": ["schema": ["type": "object"]]]
                if binding.rawResponse != nil {
                    // The raw field's content, when the service sets it, under its media type.
                    let mediaType =
                        binding.rawResponseContentType.split(separator: ";", maxSplits: 1)
                        .first.map { String($0) } ?? binding.rawResponseContentType
                    content[mediaType] = ["schema": ["type": "string"]]
                }
                responses[String(binding.successStatus)] = ["description": "Success.", "content": content]
            } else {
                responses["303"] = [
                    "description": "Redirect.",
                    "headers": ["Location": ["required": true, "schema": ["type": "string"]]],
                ]
            }
        }
        responses["429"] = ["$ref": "#/components/responses/TooManyRequests"]
        responses["default"] = ["$ref": "#/components/responses/Error"]
        operation["responses"] = responses
        if binding.access == "public" {
            operation.removeValue(forKey: "security")
        } else if operation["security"] == nil {
            operation["security"] = [["bearerAuth": [String]()]]
        }
    }

    /// API.md's error shape.
    static var errorSchema: [String: Any] {
        [
            "type": "object",
            "description": "An error answer.",
            "required": ["error"],
            "additionalProperties": false,
            "properties": [
                "error": [
                    "type": "object",
                    "required": ["code", "message"],
                    "additionalProperties": false,
                    "properties": [
                        "code": [
                            "type": "string",
                            "description": "The RPC status code, e.g. INVALID_ARGUMENT.",
                            "enum": RPCError.Code.allCodes.map(\.name),
                        ],
                        "message": ["type": "string", "description": "What went wrong, for people."],
                        "details": [
                            "type": "array",
                            "items": [
                                "type": "object",
                                "required": ["field", "reason"],
                                "additionalProperties": false,
                                "properties": [
                                    "field": ["type": "string", "description": "The field at fault (JSON name)."],
                                    "reason": ["type": "string"],
                                ],
                            ],
                        ],
                    ],
                ]
            ],
        ]
    }

    private static var ownEndpoints: [String: [String: Any]] {
        [
            "/healthz": [
                "get": [
                    "operationId": "Gateway_Health",
                    "summary": "Liveness: the gateway process answers.",
                    "tags": ["Gateway"],
                    "responses": [
                        "200": Self.statusResponse("The process is alive."),
                        "default": ["$ref": "#/components/responses/Error"],
                    ],
                ]
            ],
            "/readyz": [
                "get": [
                    "operationId": "Gateway_Ready",
                    "summary": "Readiness: every upstream service answers.",
                    "tags": ["Gateway"],
                    "responses": [
                        "200": Self.statusResponse("Every upstream answers."),
                        "503": Self.statusResponse("Some upstream does not answer; `unreachable` names them."),
                        "default": ["$ref": "#/components/responses/Error"],
                    ],
                ]
            ],
            "/metrics": [
                "get": [
                    "operationId": "Gateway_Metrics",
                    "summary": "Prometheus metrics in the text exposition format.",
                    "tags": ["Gateway"],
                    "responses": [
                        "200": [
                            "description": "The metrics.",
                            "content": ["text/plain": ["schema": ["type": "string"]]],
                        ],
                        "default": ["$ref": "#/components/responses/Error"],
                    ],
                ]
            ],
        ]
    }

    private static func statusResponse(_ description: String) -> [String: Any] {
        [
            "description": description,
            "content": [
                "application/json": [
                    "schema": [
                        "type": "object",
                        "required": ["status"],
                        "properties": [
                            "status": ["type": "string"],
                            "unreachable": ["type": "array", "items": ["type": "string"]],
                        ],
                    ]
                ]
            ],
        ]
    }
}
