import BoxOfficeProtobuf
import BoxOfficeRPC
import Contracts
import Foundation
import TestContracts
import TestSupport
import Testing

/// The generated component schemas against jsonschema_rs (a JSON Schema 2020-12 implementation we
/// did not write, the one schemathesis uses): every schema is valid against the 2020-12
/// metaschema, the JSON our writer produces for sample messages validates, and the schemas and
/// our reader agree on every edge of proto3 JSON: what one accepts the other accepts.
@Suite("Generated JSON Schemas accept our JSON (jsonschema_rs)")
struct OpenAPISchemaTests {
    /// The test contract's messages that the samples reach.
    static let testSchemas: [String: String] = [
        Codegentest_V1_Scalars.protoMessageName: Codegentest_V1_Scalars.openAPISchema,
        Codegentest_V1_Composite.protoMessageName: Codegentest_V1_Composite.openAPISchema,
        Codegentest_V1_Composite.Item.protoMessageName: Codegentest_V1_Composite.Item.openAPISchema,
        Codegentest_V1_Node.protoMessageName: Codegentest_V1_Node.openAPISchema,
        Codegentest_V1_Money.protoMessageName: Codegentest_V1_Money.openAPISchema,
        Codegentest_V1_Invoice.protoMessageName: Codegentest_V1_Invoice.openAPISchema,
        Codegentest_V1_Invoice.Line.protoMessageName: Codegentest_V1_Invoice.Line.openAPISchema,
        Codegentest_V1_Invoice.Address.protoMessageName: Codegentest_V1_Invoice.Address.openAPISchema,
        Codegentest_V1_SearchInvoicesRequest.protoMessageName: Codegentest_V1_SearchInvoicesRequest.openAPISchema,
    ]

    /// Every schema any binding carries, the real contracts' included.
    static var bindingSchemas: [String: String] {
        var schemas: [String: String] = [:]
        for (_, bindings) in OpenAPITests.services {
            for binding in bindings { schemas.merge(binding.openAPISchemas) { first, _ in first } }
        }
        return schemas
    }

    struct Case {
        var root: String
        var json: String
        var valid: Bool
    }

    /// Runs `schema_check.py`: metaschema errors by schema, and the errors of each case.
    static func check(
        schemas: [String: String],
        cases: [Case]
    ) throws -> (
        metaschema: [String: String], results: [[String]]
    ) {
        let request = try JSONSerialization.data(withJSONObject: [
            "schemas": schemas,
            "cases": cases.map { ["root": $0.root, "instance": $0.json] },
        ])
        let output = try Tools.run(
            [TestEnvironment.python, "\(Tools.root)/Tests/CodegenTests/Interop/schema_check.py"],
            input: [UInt8](request)
        )
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        return (
            try #require(result["metaschema_errors"] as? [String: String]),
            try #require(result["results"] as? [[String]])
        )
    }

    /// Fixtures, enum numbers unknown to the build included (the writer writes them as numbers).
    static var samples: [(any ProtobufMessage, String)] {
        var scalars = Fixtures.scalars
        scalars.colors = [.red, .infrared, .unspecified]
        scalars.doubles = [0.1, -1e300, .nan, .infinity]
        scalars.floats = [-.infinity, 0.5]
        var result: [(any ProtobufMessage, String)] = [
            (scalars, Codegentest_V1_Scalars.protoMessageName),
            (Fixtures.invoice, Codegentest_V1_Invoice.protoMessageName),
            (Fixtures.node(depth: 4), Codegentest_V1_Node.protoMessageName),
            (Fixtures.search, Codegentest_V1_SearchInvoicesRequest.protoMessageName),
        ]
        for var composite in Fixtures.composites {
            composite.colorsByID = [7: .green, 8: .blue]
            composite.scalars = scalars
            result.append((composite, Codegentest_V1_Composite.protoMessageName))
        }
        return result
    }

    /// A purchase answer of the real contracts: nested messages of three files, enums, a oneof.
    static var purchase: Users_V1_CreateSubscriptionResponse {
        var price = Common_V1_Money()
        price.amountMinor = 19_900
        price.currency = "RUB"
        var subscription = Users_V1_Subscription()
        subscription.subscriptionID = "3f1c2d4e-0000-4000-8000-000000000001"
        subscription.status = .incomplete
        subscription.autoRenew = true
        subscription.nextPeriodPrice = price
        subscription.currentPeriodStart = ProtobufTimestampFixture.value
        var line = Users_V1_InvoiceLine()
        line.price = price
        line.total = price
        var invoice = Users_V1_Invoice()
        invoice.status = .open
        invoice.lines = [line]
        invoice.total = price
        var threeDs = Payments_V1_ThreeDsAction()
        threeDs.acsURL = "https://acs.example/3ds"
        threeDs.md = "504"
        var action = Payments_V1_PaymentAction()
        action.kind = .threeDs(threeDs)
        var payment = Users_V1_PaymentOutcome()
        payment.paymentID = "p1"
        payment.status = .requiresAction
        payment.action = action
        var response = Users_V1_CreateSubscriptionResponse()
        response.subscription = subscription
        response.invoice = invoice
        response.payment = payment
        return response
    }

    @Test("every schema is a valid JSON Schema 2020-12 (metaschema)")
    func metaschema() throws {
        let schemas = Self.bindingSchemas.merging(Self.testSchemas) { first, _ in first }
        let (metaschema, _) = try Self.check(schemas: schemas, cases: [])
        #expect(metaschema.isEmpty, "\(metaschema)")
    }

    @Test("the schemas accept what our writer produces")
    func writerOutputValidates() throws {
        var cases = Self.samples.map { Case(root: $0.1, json: $0.0.jsonString(), valid: true) }
        cases.append(
            Case(
                root: Users_V1_CreateSubscriptionResponse.protoMessageName,
                json: Self.purchase.jsonString(),
                valid: true
            )
        )
        let schemas = Self.bindingSchemas.merging(Self.testSchemas) { first, _ in first }
        let (_, results) = try Self.check(schemas: schemas, cases: cases)
        try #require(results.count == cases.count)
        for (testCase, errors) in zip(cases, results) {
            #expect(errors.isEmpty, "\(testCase.root) \(testCase.json): \(errors)")
        }
    }

    /// `(JSON, valid)` for `Scalars`: each form of each type, at and past its edges.
    static let scalarCases: [(String, Bool)] = [
        // 64-bit integers: canonical decimal strings, or numbers whose value is an integer.
        (#"{"int64Value":"-9223372036854775808"}"#, true), (#"{"int64Value":"9223372036854775807"}"#, true),
        (#"{"int64Value":"9223372036854775808"}"#, false), (#"{"int64Value":"-9223372036854775809"}"#, false),
        (#"{"int64Value":5}"#, true), (#"{"int64Value":1e3}"#, true), (#"{"int64Value":5.0}"#, true),
        (#"{"int64Value":-0}"#, true), (#"{"int64Value":9223372036854775807}"#, true),
        (#"{"int64Value":9223372036854775808}"#, false), (#"{"int64Value":5.5}"#, false),
        (#"{"int64Value":"05"}"#, false), (#"{"int64Value":"+5"}"#, false), (#"{"int64Value":"1e3"}"#, false),
        (#"{"int64Value":"-0"}"#, false), (#"{"int64Value":" 5"}"#, false), (#"{"int64Value":"5.0"}"#, false),
        (#"{"int64Value":""}"#, false), (#"{"int64Value":null}"#, true), (#"{"int64_value":"7"}"#, true),
        (#"{"sint64Value":"-1"}"#, true), (#"{"sfixed64Value":"-0"}"#, false),
        (#"{"uint64Value":"18446744073709551615"}"#, true), (#"{"uint64Value":18446744073709551615}"#, true),
        (#"{"uint64Value":"18446744073709551616"}"#, false), (#"{"uint64Value":"-1"}"#, false),
        (#"{"uint64Value":"0393"}"#, false), (#"{"uint64Value":"+5"}"#, false), (#"{"uint64Value":-1}"#, false),
        (#"{"uint64Value":-0}"#, true), (#"{"fixed64Value":"0"}"#, true),
        // 32-bit integers: numbers or the same strings.
        (#"{"int32Value":2147483647}"#, true), (#"{"int32Value":2147483648}"#, false),
        (#"{"int32Value":"-2147483648"}"#, true), (#"{"int32Value":"2147483648"}"#, false),
        (#"{"int32Value":"007"}"#, false), (#"{"uint32Value":4294967295}"#, true),
        (#"{"uint32Value":"4294967296"}"#, false), (#"{"uint32Value":-1}"#, false),
        (#"{"fixed32Value":"12"}"#, true), (#"{"sfixed32Value":-3}"#, true),
        // Floats: finite numbers; strings NaN, Infinity, -Infinity or JSON number syntax.
        (#"{"doubleValue":1.5}"#, true), (#"{"doubleValue":-1e300}"#, true), (#"{"doubleValue":"NaN"}"#, true),
        (#"{"doubleValue":"-Infinity"}"#, true), (#"{"doubleValue":"-2.5E-3"}"#, true),
        (#"{"doubleValue":"1e400"}"#, true), (#"{"doubleValue":"one"}"#, false), (#"{"doubleValue":"1."}"#, false),
        (#"{"doubleValue":"inf"}"#, false), (#"{"doubleValue":"+1"}"#, false), (#"{"doubleValue":"01"}"#, false),
        (#"{"doubleValue":true}"#, false), (#"{"floatValue":3.4028234663852886e38}"#, true),
        (#"{"floatValue":3.5e38}"#, false), (#"{"floatValue":"3.5e38"}"#, true),
        // Booleans, strings, bytes.
        (#"{"boolValue":"true"}"#, true), (#"{"boolValue":false}"#, true), (#"{"boolValue":1}"#, false),
        (#"{"boolValue":"yes"}"#, false), (#"{"stringValue":5}"#, false), (#"{"stringValue":null}"#, true),
        (#"{"stringValue":"a\u0000b"}"#, false), (#"{"stringValue":"a\u0001b"}"#, true),
        (#"{"bytesValue":"QQ=="}"#, true), (#"{"bytesValue":"QQ"}"#, true), (#"{"bytesValue":"QUI"}"#, true),
        (#"{"bytesValue":"QUI="}"#, true), (#"{"bytesValue":"-_8="}"#, true), (#"{"bytesValue":"+/8"}"#, true),
        (#"{"bytesValue":""}"#, true), (#"{"bytesValue":"not base64!"}"#, false), (#"{"bytesValue":"Q"}"#, false),
        (#"{"bytesValue":"QR=="}"#, false), (#"{"bytesValue":"QQ="}"#, false), (#"{"bytesValue":"QQ==="}"#, false),
        (#"{"bytesValue":"QUJD="}"#, false), (#"{"bytesValue":"=="}"#, false),
        // Enums: names or int32 numbers (unknown numbers are kept).
        (#"{"color":"COLOR_INFRARED"}"#, true), (#"{"color":3}"#, true), (#"{"color":-7}"#, true),
        (#"{"color":"COLOR_NOPE"}"#, false), (#"{"color":"1"}"#, false), (#"{"color":2147483648}"#, false),
        (#"{"color":1.5}"#, false),
        // Repeated fields: null is empty, null elements are refused.
        (#"{"colors":[1,"COLOR_RED"]}"#, true), (#"{"strings":null}"#, true), (#"{"strings":[null]}"#, false),
        (#"{"int64s":[1,"2"]}"#, true), (#"{"int64s":["02"]}"#, false), (#"{"strings":"a"}"#, false),
        (#"{"unknownField":1}"#, false),
    ]

    /// `(JSON, valid)` for `Composite`: maps, oneofs, messages, timestamps and wrappers.
    static let compositeCases: [(String, Bool)] = [
        (#"{"counters":{"-5":"6"}}"#, true), (#"{"counters":{"05":"1"}}"#, false),
        (#"{"counters":{"1":null}}"#, false), (#"{"itemsByName":{"a":null}}"#, false),
        (#"{"itemsByName":{"a":{}}}"#, true), (#"{"labels":{"2147483647":"x"}}"#, true),
        (#"{"labels":{"2147483648":"x"}}"#, false), (#"{"labels":{"one":"x"}}"#, false),
        (#"{"flags":{"true":"x"}}"#, true), (#"{"flags":{"yes":"x"}}"#, false),
        (#"{"colorsById":{"4294967295":"COLOR_RED"}}"#, true), (#"{"colorsById":{"-1":"COLOR_RED"}}"#, false),
        (#"{"colors_by_id":null}"#, true),
        (#"{"choiceText":"a","choiceNumber":null}"#, true), (#"{"choice_text":"a"}"#, true),
        (#"{"choiceText":"a","choiceNumber":"1"}"#, false), (#"{"choiceText":"a","choice_text":"b"}"#, false),
        (#"{"choiceItem":{"kind":1},"choiceColor":null}"#, true),
        (#"{"mainItem":null,"main_item":{"name":"x"}}"#, true), (#"{"mainItem":[]}"#, false),
        (#"{"items":[null]}"#, false), (#"{"items":null}"#, true),
        (#"{"createdAt":"2024-05-01T14:30:00.123456789+02:00"}"#, true), (#"{"createdAt":null}"#, true),
        (#"{"createdAt":"2024-05-01t14:30:00z"}"#, true), (#"{"createdAt":"2024-13-01T00:00:00Z"}"#, false),
        (#"{"createdAt":"2024-05-01T14:30:00.1234567891Z"}"#, false),
        (#"{"createdAt":"0000-05-01T00:00:00Z"}"#, false), (#"{"createdAt":"2024-05-01T23:59:60Z"}"#, false),
        (#"{"createdAt":"2024-05-01 14:30:00Z"}"#, false), (#"{"history":[null]}"#, false),
        (#"{"limit":"5","nickname":null,"enabled":"false","bigCount":18446744073709551615}"#, true),
        (#"{"limit":"x"}"#, false), (#"{"ratio":"NaN","weight":1.5,"blob":"QQ"}"#, true),
        (#"{"scalars":{"int64Value":"1"}}"#, true), (#"{"scalars":{"int64Value":"01"}}"#, false),
    ]

    @Test("the schemas and the reader agree: each accepts exactly what the other accepts")
    func schemasAgreeWithReader() throws {
        let scalars = Codegentest_V1_Scalars.protoMessageName
        let composite = Codegentest_V1_Composite.protoMessageName
        let cases =
            Self.scalarCases.map { Case(root: scalars, json: $0.0, valid: $0.1) }
            + Self.compositeCases.map { Case(root: composite, json: $0.0, valid: $0.1) }
        let (_, results) = try Self.check(schemas: Self.testSchemas, cases: cases)
        try #require(results.count == cases.count)
        for (testCase, errors) in zip(cases, results) {
            #expect(errors.isEmpty == testCase.valid, "schema on \(testCase.json): \(errors)")
            let readerError = Self.readerError(testCase.root, testCase.json)
            #expect(
                (readerError == nil) == testCase.valid,
                "reader on \(testCase.json): \(String(describing: readerError))"
            )
        }
    }

    private static func readerError(_ root: String, _ json: String) -> RPCError? {
        do {
            switch root {
            case Codegentest_V1_Composite.protoMessageName: _ = try Codegentest_V1_Composite(jsonString: json)
            default: _ = try Codegentest_V1_Scalars(jsonString: json)
            }
            return nil
        } catch {
            return error
        }
    }
}
