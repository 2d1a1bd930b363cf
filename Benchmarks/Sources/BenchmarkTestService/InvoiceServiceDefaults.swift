public import BoxOfficeRPC
public import TestContracts

/// Empty answers for the test contract's InvoiceService methods that no benchmark measures, so
/// that a benchmark's test service writes only the methods it loads (and keeps compiling when the
/// test proto gains a method).
extension Codegentest_V1_InvoiceServiceProtocol {
    public func createInvoice(
        _ request: Codegentest_V1_CreateInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice { Codegentest_V1_Invoice() }

    public func listInvoices(
        _ request: Codegentest_V1_ListInvoicesRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ListInvoicesResponse { Codegentest_V1_ListInvoicesResponse() }

    public func searchInvoices(
        _ request: Codegentest_V1_SearchInvoicesRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ListInvoicesResponse { Codegentest_V1_ListInvoicesResponse() }

    public func payInvoice(
        _ request: Codegentest_V1_PayInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Invoice { Codegentest_V1_Invoice() }

    public func deleteInvoice(
        _ request: Codegentest_V1_DeleteInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_Empty { Codegentest_V1_Empty() }

    public func receiveWebhook(
        _ request: Codegentest_V1_WebhookRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_WebhookResponse { Codegentest_V1_WebhookResponse() }

    public func completeReturn(
        _ request: Codegentest_V1_ReturnRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_ReturnResponse { Codegentest_V1_ReturnResponse() }

    public func exportInvoice(
        _ request: Codegentest_V1_ExportInvoiceRequest,
        context: ServerContext
    ) async throws -> Codegentest_V1_InvoiceExport { Codegentest_V1_InvoiceExport() }
}
