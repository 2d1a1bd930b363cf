import BoxOfficeProtobuf
import BoxOfficeRPC
import Contracts
import Foundation
import TestContracts
import TestSupport
import Testing

/// The generated component schemas against jsonschema_rs (a JSON Schema 2020-12 implementation we
/// did not write, the one schemathesis uses): every schema is valid against the 2020-12
/// metaschema, the JSON our writer produces for sample messages validates, and JSON our reader
/// refuses (unknown fields, numbers for 64-bit integers, two members of a oneof, unknown enum
/// names) does not.
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
        /// For invalid cases: whether our reader refuses it too (it is lenient where proto3 JSON
        /// allows, e.g. numbers for 64-bit integers, which the schemas leave out).
        var readerRefuses = true
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

    /// Fixtures without enum numbers unknown to the build: the writer writes those as numbers,
    /// which the schemas (names only) leave undescribed.
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

    @Test("the schemas accept what our writer produces and refuse what our reader refuses")
    func writerOutputValidates() throws {
        var cases = Self.samples.map { Case(root: $0.1, json: $0.0.jsonString(), valid: true) }
        cases.append(
            Case(
                root: Users_V1_CreateSubscriptionResponse.protoMessageName,
                json: Self.purchase.jsonString(),
                valid: true
            )
        )
        let invoice = Codegentest_V1_Invoice.protoMessageName
        let composite = Codegentest_V1_Composite.protoMessageName
        let scalars = Codegentest_V1_Scalars.protoMessageName
        cases += [
            Case(root: invoice, json: #"{"invoiceId":"i","unknownField":1}"#, valid: false),
            Case(
                root: invoice,
                json: #"{"subtotal":{"amountMinor":5,"currency":"EUR"}}"#,
                valid: false,
                readerRefuses: false
            ),
            Case(root: invoice, json: #"{"status":"PAID"}"#, valid: false),
            Case(root: invoice, json: #"{"lines":{"sku":"x"}}"#, valid: false),
            Case(root: composite, json: #"{"choiceText":"a","choiceNumber":"1"}"#, valid: false),
            Case(root: composite, json: #"{"labels":{"one":"x"}}"#, valid: false),
            Case(root: scalars, json: #"{"int32Value":2147483648}"#, valid: false),
            Case(root: scalars, json: #"{"bytesValue":"not base64!"}"#, valid: false),
            Case(root: scalars, json: #"{"uint64Value":"-1"}"#, valid: false),
            Case(root: scalars, json: #"{"doubleValue":"one"}"#, valid: false),
        ]
        let schemas = Self.bindingSchemas.merging(Self.testSchemas) { first, _ in first }
        let (_, results) = try Self.check(schemas: schemas, cases: cases)
        try #require(results.count == cases.count)
        for (testCase, errors) in zip(cases, results) {
            if testCase.valid {
                #expect(errors.isEmpty, "\(testCase.root) \(testCase.json): \(errors)")
            } else {
                #expect(!errors.isEmpty, "\(testCase.root) accepts \(testCase.json)")
                if testCase.readerRefuses {
                    // The schema agrees with the reader: what it refuses, the gateway answers 400.
                    #expect(throws: RPCError.self) { try Self.decode(testCase.root, testCase.json) }
                }
            }
        }
    }

    private static func decode(_ root: String, _ json: String) throws {
        switch root {
        case Codegentest_V1_Invoice.protoMessageName: _ = try Codegentest_V1_Invoice(jsonString: json)
        case Codegentest_V1_Composite.protoMessageName: _ = try Codegentest_V1_Composite(jsonString: json)
        default: _ = try Codegentest_V1_Scalars(jsonString: json)
        }
    }
}
