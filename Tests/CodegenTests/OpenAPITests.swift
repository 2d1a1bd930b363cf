import BoxOfficeProtobuf
import BoxOfficeRPC
import Contracts
import Foundation
import TestContracts
import TestSupport
import Testing

/// The OpenAPI text the generator puts in every binding: well-formed, self-contained (every
/// reference resolves among the binding's own schemas), consistent with the binding's fields, and
/// describing what our JSON writer really emits (checked with jsonschema_rs, the validator
/// schemathesis uses).
@Suite("OpenAPI operations and schemas of the generated bindings")
struct OpenAPITests {
    /// Every generated service with its short name, the test contract's and the real contracts'.
    static let services: [(name: String, bindings: [HTTPBinding])] = [
        ("InvoiceService", Codegentest_V1_InvoiceServiceMethods.httpBindings),
        ("CatalogService", Catalog_V1_CatalogServiceMethods.httpBindings),
        ("UserService", Users_V1_UserServiceMethods.httpBindings),
        ("PaymentService", Payments_V1_PaymentServiceMethods.httpBindings),
        ("EntitlementService", Entitlements_V1_EntitlementServiceMethods.httpBindings),
    ]

    static let errorResponse = "#/components/responses/Error"
    static let schemaPrefix = "#/components/schemas/"

    static func object(_ text: String) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            "not an object: \(text)"
        )
    }

    /// Every `$ref` value anywhere in `value`.
    static func references(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return (object["$ref"] as? String).map { [$0] } ?? []
                + object.filter { $0.key != "$ref" }.values.flatMap(references(in:))
        }
        if let array = value as? [Any] { return array.flatMap(references(in:)) }
        return []
    }

    /// `{a}/x/{b.c}:verb` → `["a", "b.c"]`.
    static func templateParameters(_ template: String) -> [String] {
        template.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) }
    }

    @Test("operation and schemas parse, every $ref resolves, parameters match the binding", arguments: 0..<5)
    func wellFormed(serviceIndex: Int) throws {
        let (service, bindings) = Self.services[serviceIndex]
        #expect(!bindings.isEmpty)
        for binding in bindings {
            let context = "\(binding.verb) \(binding.pathTemplate)"
            let operation = try Self.object(binding.openAPIOperation)
            #expect(operation["operationId"] as? String == "\(service)_\(binding.method.method)", "\(context)")
            #expect(operation["tags"] as? [String] == [service], "\(context)")
            var schemas: [String: [String: Any]] = [:]
            for (name, text) in binding.openAPISchemas {
                let schema = try Self.object(text)
                #expect(schema["type"] as? String == "object", "\(context): \(name)")
                #expect(schema["additionalProperties"] as? Bool == false, "\(context): \(name)")
                schemas[name] = schema
            }
            // Self-contained: the binding carries every schema it reaches, so the gateway's union
            // of them resolves too.
            for reference in Self.references(in: operation) + schemas.values.flatMap(Self.references(in:)) {
                let resolves =
                    reference == Self.errorResponse
                    || (reference.hasPrefix(Self.schemaPrefix)
                        && schemas[String(reference.dropFirst(Self.schemaPrefix.count))] != nil)
                #expect(resolves, "\(context): \(reference) does not resolve")
            }

            let parameters = operation["parameters"] as? [[String: Any]] ?? []
            let pathParameters = parameters.filter { $0["in"] as? String == "path" }
            #expect(
                Set(pathParameters.compactMap { $0["name"] as? String })
                    == Set(Self.templateParameters(binding.pathTemplate)),
                "\(context)"
            )
            #expect(pathParameters.allSatisfy { $0["required"] as? Bool == true }, "\(context)")
            let idempotencyKey = parameters.first {
                $0["in"] as? String == "header" && $0["name"] as? String == "Idempotency-Key"
            }
            if binding.verb == "GET" {
                #expect(idempotencyKey == nil, "\(context)")
            } else {
                #expect(idempotencyKey?["required"] as? Bool == binding.idempotencyKeyRequired, "\(context)")
            }
            if binding.bodyField == "*" {
                #expect(!parameters.contains { $0["in"] as? String == "query" }, "\(context)")
            }

            #expect((operation["security"] != nil) == (binding.access != "public"), "\(context)")
            let responses = try #require(operation["responses"] as? [String: Any], "\(context)")
            #expect((responses["default"] as? [String: Any])?["$ref"] as? String == Self.errorResponse)
            let successKey = binding.redirectField.isEmpty ? String(binding.successStatus) : "303"
            #expect(Set(responses.keys) == [successKey, "default"], "\(context)")
            #expect((operation["requestBody"] != nil) == !binding.bodyField.isEmpty, "\(context)")
        }
    }

    @Test("a component schema is the same text in every binding that carries it")
    func schemasAgree() {
        var seen: [String: String] = [:]
        for (_, bindings) in Self.services {
            for binding in bindings {
                for (name, text) in binding.openAPISchemas {
                    if let earlier = seen.updateValue(text, forKey: name) { #expect(earlier == text, "\(name)") }
                }
            }
        }
        #expect(seen.count > 20)
    }

    @Test("the binding options reach the table: raw body, idempotency, redirect, success status")
    func contractOptions() throws {
        func binding(_ bindings: [HTTPBinding], _ method: String) throws -> HTTPBinding {
            try #require(bindings.first { $0.method.method == method }, "no binding for \(method)")
        }
        let users = Users_V1_UserServiceMethods.httpBindings
        let created = try binding(users, "CreateSubscription")
        #expect(created.idempotencyKeyRequired && created.successStatus == 201)
        for method in ["PayInvoice", "CancelPayment", "AdminRefundPayment"] {
            #expect(try binding(users, method).idempotencyKeyRequired, "\(method)")
        }
        #expect(try !binding(users, "CancelSubscription").idempotencyKeyRequired)
        let payments = Payments_V1_PaymentServiceMethods.httpBindings
        let threeDs = try binding(payments, "CompleteThreeDs")
        #expect(threeDs.rawBody && threeDs.redirectField == "redirectUrl" && threeDs.bodyField == "rawBody")
        let webhook = try binding(payments, "HandleProviderNotification")
        #expect(webhook.rawBody && webhook.redirectField.isEmpty && webhook.successStatus == 200)
        let catalog = Catalog_V1_CatalogServiceMethods.httpBindings
        for method in ["CreateFilm", "CreateProduct", "CreateDiscount"] {
            #expect(try binding(catalog, method).successStatus == 201, "\(method)")
        }
        #expect(try binding(catalog, "UpdateProduct").successStatus == 200)
    }

    @Test("query parameters: every scalar, enum and repeated scalar field outside the path, with its schema")
    func queryParameters() throws {
        let search = try #require(
            Codegentest_V1_InvoiceServiceMethods.httpBindings.first { $0.method.method == "SearchInvoices" }
        )
        let operation = try Self.object(search.openAPIOperation)
        let parameters = try #require(operation["parameters"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0["name"] as? String ?? "", $0) })
        #expect(
            parameters.compactMap { $0["name"] as? String }
                == [
                    "customerIds", "status", "minTotalMinor", "includeLines", "pageSize", "order", "issuedAfter",
                    "memo",
                ]
        )
        #expect(parameters.allSatisfy { $0["in"] as? String == "query" })
        func schema(_ name: String) -> [String: Any]? { byName[name]?["schema"] as? [String: Any] }
        #expect(schema("customerIds")?["type"] as? String == "array")
        // A parameter is text: an int64 is written as a decimal integer, which `integer` says.
        #expect(schema("minTotalMinor")?["type"] as? String == "integer")
        #expect(schema("minTotalMinor")?["format"] as? String == "int64")
        #expect(
            schema("status")?["enum"] as? [String] == [
                "STATUS_UNSPECIFIED", "STATUS_DRAFT", "STATUS_OPEN", "STATUS_PAID", "STATUS_VOID",
            ]
        )
        #expect(schema("includeLines")?["type"] as? String == "boolean")
        #expect(schema("order")?["enum"] as? [String] == ["SORT_ORDER_UNSPECIFIED", "NEWEST_FIRST", "OLDEST_FIRST"])
        #expect(schema("issuedAfter")?["format"] as? String == "date-time")
        #expect(operation["requestBody"] == nil && operation["security"] == nil)
    }

    @Test("a * body whose path gives fields is an inline schema without them, by either name")
    func bodyWithoutPathFields() throws {
        let list = try #require(
            Codegentest_V1_InvoiceServiceMethods.httpBindings.first { $0.method.method == "ListInvoices" }
        )
        let operation = try Self.object(list.openAPIOperation)
        let requestBody = try #require(operation["requestBody"] as? [String: Any])
        let content = try #require(requestBody["content"] as? [String: Any])
        let json = try #require(content["application/json"] as? [String: Any])
        let schema = try #require(json["schema"] as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["pageSize", "page_size", "pageToken", "page_token"])
        #expect(schema["additionalProperties"] as? Bool == false)
        #expect(schema["$ref"] == nil)
    }
}
