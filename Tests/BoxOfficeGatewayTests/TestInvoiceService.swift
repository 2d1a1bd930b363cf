import BoxOfficeRPC
import Synchronization
import TestContracts

/// The test proto's `InvoiceService`, answering from its inputs so that tests can see what the
/// gateway sent, and failing on request so that tests can see how errors come back.
///
/// - `getInvoice`: (with `specialIDs`) invoice id `fail-<CODE>` throws that RPC code with a detail naming
///   `invoiceId`; `crash` throws a plain Swift error (the server makes it INTERNAL); `slow`
///   sleeps past any deadline the tests use. Otherwise it echoes the id, with memo
///   `https://app.test/invoices/<id, percent-encoded>` and one line when `includeLines` is set.
/// - `createInvoice`: echoes the invoice, with the request note as memo.
/// - `listInvoices`: `pageSize` invoices of the customer (at most 50), next page token =
///   customer id + page token.
/// - `ping`: echoes the text.
/// - `exportInvoice`: with `format=csv` the CSV text (see ``csvHeader``), otherwise the invoice;
///   NOT_FOUND for a deleted id, as `getInvoice`.
/// - `deleteInvoice`: remembers the id; `getInvoice` (and `exportInvoice`) of a deleted id is NOT_FOUND from then on
///   (schemathesis's use-after-free check reads what it deleted).
///
/// Every call's context is recorded by trace id (the gateway's request id).
final class TestInvoiceService: Codegentest_V1_InvoiceServiceProtocol {
    private let contexts = Mutex<[String: ServerContext]>([:])
    private let deletedIDs = Mutex<Set<String>>([])
    private let specialIDs: Bool

    init(specialIDs: Bool) {
        self.specialIDs = specialIDs
    }

    /// The metadata of the call made for request id `requestID`.
    func metadata(forRequestID requestID: String) -> Metadata? {
        self.contexts.withLock { $0[requestID]?.metadata }
    }

    /// The request ids the service has seen.
    func requestIDs() -> Set<String> {
        self.contexts.withLock { Set($0.keys) }
    }

    private func record(_ context: ServerContext) {
        guard let traceID = context.metadata.traceID else { return }
        self.contexts.withLock { $0[traceID] = context }
    }

    /// How long `slow` sleeps: longer than any call timeout the tests configure.
    static let slowDuration = Duration.seconds(5)

    func getInvoice(
        _ request: Codegentest_V1_GetInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice {
        self.record(context)
        let id = request.invoiceID
        if self.specialIDs, id.hasPrefix("fail-") {
            let name = String(id.dropFirst("fail-".count))
            if let code = RPCError.Code.allCodes.first(where: { $0.name == name }) {
                throw RPCError(
                    code: code,
                    message: "secret-handler-message for \(name)",
                    details: [RPCErrorDetail(field: "invoiceId", reason: "test failure")]
                )
            }
        }
        if self.specialIDs, id == "crash" { throw CrashError() }
        if self.specialIDs, id == "slow" { try await Task.sleep(for: Self.slowDuration) }
        if self.deletedIDs.withLock({ $0.contains(id) }) {
            throw RPCError(
                code: .notFound,
                message: "invoice not found",
                details: [RPCErrorDetail(field: "invoiceId", reason: "deleted")]
            )
        }
        var invoice = Codegentest_V1_Invoice()
        invoice.invoiceID = id
        invoice.status = .open
        invoice.memo = "https://app.test/invoices/" + Self.percentEncoded(id)
        if request.includeLines {
            var line = Codegentest_V1_Invoice.Line()
            line.sku = "SKU-1"
            line.quantity = 2
            invoice.lines = [line]
        }
        return invoice
    }

    func createInvoice(
        _ request: Codegentest_V1_CreateInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice {
        self.record(context)
        var invoice = request.invoice ?? Codegentest_V1_Invoice()
        invoice.memo = request.requestNote
        return invoice
    }

    func listInvoices(
        _ request: Codegentest_V1_ListInvoicesRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ListInvoicesResponse {
        self.record(context)
        var response = Codegentest_V1_ListInvoicesResponse()
        for index in 0..<min(max(Int(request.pageSize), 0), 50) {
            var invoice = Codegentest_V1_Invoice()
            invoice.invoiceID = "inv-\(index)"
            invoice.customerID = request.customerID
            response.invoices.append(invoice)
        }
        response.nextPageToken = request.customerID + request.pageToken
        return response
    }

    func ping(_ request: Codegentest_V1_PingRequest, context: ServerContext) async throws -> Codegentest_V1_PingResponse
    {
        self.record(context)
        var response = Codegentest_V1_PingResponse()
        response.text = request.text
        return response
    }

    func searchInvoices(
        _ request: Codegentest_V1_SearchInvoicesRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ListInvoicesResponse {
        self.record(context)
        return Codegentest_V1_ListInvoicesResponse()
    }

    func payInvoice(
        _ request: Codegentest_V1_PayInvoiceRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_Invoice
    {
        self.record(context)
        return Codegentest_V1_Invoice()
    }

    func deleteInvoice(
        _ request: Codegentest_V1_DeleteInvoiceRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_Empty
    {
        self.record(context)
        self.deletedIDs.withLock { _ = $0.insert(request.invoiceID) }
        return Codegentest_V1_Empty()
    }

    /// Answers what arrived: the source, the body's size and the `content-type` header.
    func receiveWebhook(
        _ request: Codegentest_V1_WebhookRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_WebhookResponse
    {
        self.record(context)
        var response = Codegentest_V1_WebhookResponse()
        response.source = request.source
        response.bodyBytes = Int64(request.rawBody.count)
        response.contentType = request.headers["content-type"] ?? ""
        return response
    }

    func completeReturn(
        _ request: Codegentest_V1_ReturnRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_ReturnResponse
    {
        self.record(context)
        var response = Codegentest_V1_ReturnResponse()
        response.redirectURL = "https://app.test/return?bytes=\(request.rawBody.count)"
        return response
    }

    /// `format=csv`: the invoice's id and one line as CSV text; otherwise the invoice for JSON.
    func exportInvoice(
        _ request: Codegentest_V1_ExportInvoiceRequest,
        context: ServerContext
    ) async throws
        -> Codegentest_V1_InvoiceExport
    {
        self.record(context)
        if self.deletedIDs.withLock({ $0.contains(request.invoiceID) }) {
            throw RPCError(
                code: .notFound,
                message: "invoice not found",
                details: [RPCErrorDetail(field: "invoiceId", reason: "deleted")]
            )
        }
        var export = Codegentest_V1_InvoiceExport()
        if request.format == "csv" {
            export.csv = Self.csvHeader + "\n" + "\(Self.csvField(request.invoiceID)),SKU-1,2\n"
        } else {
            var invoice = Codegentest_V1_Invoice()
            invoice.invoiceID = request.invoiceID
            invoice.status = .open
            export.invoice = invoice
        }
        return export
    }

    /// The header row of `exportInvoice`'s CSV.
    static let csvHeader = "invoice_id,sku,quantity"

    /// A CSV field: quoted, quotes doubled (RFC 4180).
    static func csvField(_ text: String) -> String {
        var field = "\""
        for character in text {
            field += character == "\"" ? "\"\"" : String(character)
        }
        return field + "\""
    }

    private struct CrashError: Error {}

    /// Every byte but unreserved characters as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
