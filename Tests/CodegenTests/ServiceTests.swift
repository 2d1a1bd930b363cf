import BoxOfficeProtobuf
import BoxOfficeRPC
import TestContracts
import Testing

/// A test implementation of the generated service protocol.
struct InvoiceService: Codegentest_V1_InvoiceServiceProtocol {
    func getInvoice(
        _ request: Codegentest_V1_GetInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice {
        guard request.invoiceID == Fixtures.invoice.invoiceID else {
            throw RPCError(code: .notFound, message: "no invoice \(request.invoiceID)")
        }
        var invoice = Fixtures.invoice
        if !request.includeLines { invoice.lines = [] }
        return invoice
    }

    func createInvoice(
        _ request: Codegentest_V1_CreateInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice {
        request.invoice ?? Codegentest_V1_Invoice()
    }

    func listInvoices(
        _ request: Codegentest_V1_ListInvoicesRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ListInvoicesResponse {
        var response = Codegentest_V1_ListInvoicesResponse()
        response.invoices = Array(repeating: Fixtures.invoice, count: Int(request.pageSize))
        return response
    }

    func ping(_ request: Codegentest_V1_PingRequest, context: ServerContext) async throws -> Codegentest_V1_PingResponse
    {
        var response = Codegentest_V1_PingResponse()
        response.text = request.text + " / " + context.method.fullName
        return response
    }

    func searchInvoices(
        _ request: Codegentest_V1_SearchInvoicesRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ListInvoicesResponse {
        var invoice = Fixtures.invoice
        let matches =
            (request.customerIds.isEmpty || request.customerIds.contains(invoice.customerID))
            && (request.status == .unspecified || request.status == invoice.status)
            && (invoice.total?.amountMinor ?? 0) >= request.minTotalMinor
            && (request.memo == nil || request.memo == invoice.memo)
        if !request.includeLines { invoice.lines = [] }
        var response = Codegentest_V1_ListInvoicesResponse()
        response.invoices = matches && request.pageSize >= 0 ? [invoice] : []
        return response
    }

    func payInvoice(
        _ request: Codegentest_V1_PayInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice {
        guard request.invoiceID == Fixtures.invoice.invoiceID else {
            throw RPCError(code: .notFound, message: "no invoice \(request.invoiceID)")
        }
        var invoice = Fixtures.invoice
        invoice.status = .paid
        return invoice
    }

    func deleteInvoice(
        _ request: Codegentest_V1_DeleteInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Empty {
        guard request.invoiceID == Fixtures.invoice.invoiceID else {
            throw RPCError(code: .notFound, message: "no invoice \(request.invoiceID)")
        }
        return Codegentest_V1_Empty()
    }

    func receiveWebhook(
        _ request: Codegentest_V1_WebhookRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_WebhookResponse {
        var response = Codegentest_V1_WebhookResponse()
        response.source = request.source
        response.bodyBytes = Int64(request.rawBody.count)
        response.contentType = request.headers["content-type"] ?? ""
        return response
    }

    func completeReturn(
        _ request: Codegentest_V1_ReturnRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ReturnResponse {
        var response = Codegentest_V1_ReturnResponse()
        response.redirectURL = "https://app.example/return?bytes=\(request.rawBody.count)"
        return response
    }

    func exportInvoice(
        _ request: Codegentest_V1_ExportInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_InvoiceExport {
        var export = Codegentest_V1_InvoiceExport()
        if request.format == "csv" {
            export.csv = "invoice_id\n\(request.invoiceID)\n"
        } else {
            export.invoice = Fixtures.invoice
        }
        return export
    }
}

/// Calls a router directly: the generated client and server protocol without a network.
struct RouterTransport: RPCClientTransport {
    let router: RPCRouter

    func unary(method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws(RPCError) -> [UInt8] {
        guard let entry = self.router.handlers[method.id] else {
            throw RPCError(code: .unimplemented, message: "\(method)")
        }
        let context = ServerContext(method: entry.method, metadata: options.metadata, deadline: nil)
        let bytes = request
        return try await entry.handler(bytes.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[...]) }, context)
    }
}

@Suite("Generated services: server protocol, client, method ids, HTTP bindings")
struct ServiceTests {
    static func client() -> Codegentest_V1_InvoiceServiceClient {
        var router = RPCRouter()
        router.register(InvoiceService())
        return Codegentest_V1_InvoiceServiceClient(RPCClient(transport: RouterTransport(router: router)))
    }

    @Test("method ids are FNV-1a of service/method and all distinct")
    func methodIDs() {
        let methods = Codegentest_V1_InvoiceServiceMethods.all
        #expect(
            methods.map(\.method) == [
                "GetInvoice", "CreateInvoice", "ListInvoices", "Ping", "SearchInvoices", "PayInvoice", "DeleteInvoice",
                "ReceiveWebhook", "CompleteReturn", "ExportInvoice",
            ]
        )
        for method in methods {
            #expect(method.service == "boxoffice.codegentest.v1.InvoiceService")
            #expect(method.id == MethodDescriptor.stableID(method.fullName))
        }
        #expect(Set(methods.map(\.id)).count == methods.count)
    }

    @Test("the typed client calls the registered implementation")
    func clientCallsServer() async throws {
        let client = Self.client()
        var request = Codegentest_V1_GetInvoiceRequest()
        request.invoiceID = Fixtures.invoice.invoiceID
        request.includeLines = true
        #expect(try await client.getInvoice(request) == Fixtures.invoice)
        var ping = Codegentest_V1_PingRequest()
        ping.text = "hi"
        #expect(try await client.ping(ping).text == "hi / boxoffice.codegentest.v1.InvoiceService/Ping")
    }

    @Test("errors thrown by the implementation reach the client with their code")
    func errors() async {
        var request = Codegentest_V1_GetInvoiceRequest()
        request.invoiceID = "missing"
        await #expect(throws: RPCError(code: .notFound, message: "no invoice missing")) {
            try await Self.client().getInvoice(request)
        }
    }

    @Test("the HTTP binding table holds the declared routes, with JSON names in paths and their options")
    func bindings() {
        let bindings = Codegentest_V1_InvoiceServiceMethods.httpBindings
        #expect(bindings.map(\.verb) == ["GET", "POST", "POST", "GET", "POST", "DELETE", "POST", "POST", "GET"])
        #expect(
            bindings.map(\.pathTemplate) == [
                "/v1/invoices/{invoiceId}", "/v1/invoices", "/v1/customers/{customerId}/invoices:search",
                "/v1/invoices",
                "/v1/invoices/{invoiceId}:pay", "/v1/invoices/{invoiceId}", "/v1/webhooks/{source}", "/v1/return",
                "/v1/invoices/{invoiceId}/export",
            ]
        )
        #expect(bindings.map(\.bodyField) == ["", "invoice", "*", "", "*", "", "rawBody", "rawBody", ""])
        #expect(
            bindings.map(\.access) == ["user", "admin", "user", "public", "user", "admin", "public", "public", "user"]
        )
        #expect(bindings.map(\.rawBody) == [false, false, false, false, false, false, true, true, false])
        #expect(
            bindings.map(\.idempotencyKeyRequired) == [false, false, false, false, true, false, false, false, false]
        )
        #expect(bindings.map(\.redirectField) == ["", "", "", "", "", "", "", "redirectUrl", ""])
        #expect(bindings.map(\.successStatus) == [200, 201, 200, 200, 200, 200, 200, 200, 200])
        #expect(bindings.map(\.rawResponseField) == ["", "", "", "", "", "", "", "", "csv"])
        #expect(bindings.map(\.rawResponseContentType).last == "text/csv; charset=utf-8")
        #expect(
            bindings.map { $0.rawResponse != nil } == [false, false, false, false, false, false, false, false, true]
        )
        let methods = Codegentest_V1_InvoiceServiceMethods.all
        #expect(bindings.map(\.method) == methods.filter { $0.method != "Ping" })
    }

    @Test("binding codecs merge the body with path and query parameters and render responses")
    func bindingCodecs() throws {
        let bindings = Codegentest_V1_InvoiceServiceMethods.httpBindings
        let get = try bindings[0].decodeJSONRequest([], ["invoiceId": ["inv_1"], "include_lines": ["true"]])
        var expectedGet = Codegentest_V1_GetInvoiceRequest()
        expectedGet.invoiceID = "inv_1"
        expectedGet.includeLines = true
        #expect(try Codegentest_V1_GetInvoiceRequest(rpcBytes: get) == expectedGet)

        let create = try bindings[1].decodeJSONRequest(Array(#"{"invoiceId":"inv_9","memo":"m"}"#.utf8), [:])
        #expect(try Codegentest_V1_CreateInvoiceRequest(rpcBytes: create).invoice?.invoiceID == "inv_9")

        let list = try bindings[2].decodeJSONRequest(Array(#"{"pageSize":2}"#.utf8), ["customerId": ["path"]])
        let listRequest = try Codegentest_V1_ListInvoicesRequest(rpcBytes: list)
        #expect(listRequest.pageSize == 2)
        #expect(listRequest.customerID == "path")
        // A `*` body member that the path also gives is refused, naming it, not overridden.
        let both = #expect(throws: RPCError.self) {
            try bindings[2].decodeJSONRequest(
                Array(#"{"pageSize":2,"customerId":"body"}"#.utf8),
                ["customerId": ["path"]]
            )
        }
        #expect(both?.details.first?.field == "customerId")
        #expect(both?.details.first?.reason.contains("is given by the path") == true)

        #expect(throws: RPCError.self) { try bindings[2].decodeJSONRequest(Array(#"{"pageSize":"many"}"#.utf8), [:]) }

        // Query parameters: a repeated field takes every value (one too), others exactly one.
        let search = try #require(bindings.first { $0.method.method == "SearchInvoices" })
        let many = try search.decodeJSONRequest([], ["customerIds": ["a", "b"], "includeLines": ["true"]])
        #expect(try Codegentest_V1_SearchInvoicesRequest(rpcBytes: many).customerIds == ["a", "b"])
        let one = try search.decodeJSONRequest([], ["customer_ids": ["a"]])
        #expect(try Codegentest_V1_SearchInvoicesRequest(rpcBytes: one).customerIds == ["a"])
        let twice = #expect(throws: RPCError.self) {
            try search.decodeJSONRequest([], ["includeLines": ["true", "false"]])
        }
        #expect(twice?.details.first?.field == "includeLines")

        let response = try Fixtures.money(5).serializedBytes()
        var invoice = Codegentest_V1_Invoice()
        invoice.total = Fixtures.money(5)
        let rendered = try invoice.serializedBytes().withUnsafeBytes { try bindings[0].encodeJSONResponse($0) }
        #expect(String(decoding: rendered, as: UTF8.self) == #"{"total":{"amountMinor":"5","currency":"EUR"}}"#)
        #expect(!response.isEmpty)

        // A raw-answer route: the field's content when it is set, nil (JSON) when it is empty.
        let export = try #require(bindings.first { $0.method.method == "ExportInvoice" })
        let rawResponse = try #require(export.rawResponse)
        var csv = Codegentest_V1_InvoiceExport()
        csv.csv = "invoice_id\nä\n"
        let raw = try csv.serializedBytes().withUnsafeBytes { try rawResponse($0) }
        #expect(raw == Array("invoice_id\nä\n".utf8))
        var json = Codegentest_V1_InvoiceExport()
        json.invoice = Fixtures.invoice
        #expect(try json.serializedBytes().withUnsafeBytes { try rawResponse($0) } == nil)
        #expect(try Codegentest_V1_InvoiceExport().serializedBytes().withUnsafeBytes { try rawResponse($0) } == nil)
    }
}
