import FoundationEssentials
import Hummingbird
import NIOCore

/// The sandbox's own pages and endpoints, under `/sandbox/` and without authentication: the
/// 3-D Secure ACS page, the hosted order page, introspection, faults and the clock.
extension SandboxAPI {
    static let pageBytesMax = 64 * 1024

    func addRoutes(to router: Router<SandboxRequestContext>) {
        for (path, mutating) in Self.paths {
            router.post(RouterPath(path)) { request, context in
                try await self.handle(path: path, mutating: mutating, request: request, context: context)
            }
        }
        // Liveness for `./dev up` and process supervisors; the provider has no such path.
        router.get("/healthz") { _, _ in Self.jsonResponse(.object([("status", .string("ok"))])) }
        router.get("/sandbox/operations") { _, _ in
            let operations = await self.state.operations
            return Self.jsonResponse(.array(operations.map(Self.json(_:))))
        }
        router.get("/sandbox/faults") { _, _ in
            var answer = Self.json(await self.state.faults)
            if case .object(var members) = answer {
                members.append(("Injected", Self.json(await self.state.injected)))
                answer = .object(members)
            }
            return Self.jsonResponse(answer)
        }
        router.post("/sandbox/faults") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.pageBytesMax)
            guard let fields = RequestFields.parse(body: Array(buffer: body), contentType: "application/json"),
                let faults = Self.faults(fields)
            else { return Response(status: .badRequest) }
            await self.state.setFaults(faults)
            return Self.jsonResponse(Self.json(faults))
        }
        router.post("/sandbox/clock") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.pageBytesMax)
            guard let fields = RequestFields.parse(body: Array(buffer: body), contentType: "application/json"),
                let seconds = fields.integer("AdvanceSeconds")
            else { return Response(status: .badRequest) }
            self.configuration.clock.advance(seconds: seconds)
            return Self.jsonResponse(.object([("Now", .string(ProviderDates.iso(self.configuration.clock.now())))]))
        }
        router.post("/sandbox/acs") { request, _ in
            let fields = try await Self.form(request)
            guard let md = fields.string("MD"), let termURL = fields.string("TermUrl") else {
                return Response(status: .badRequest)
            }
            return Self.html(ACSPage.html(md: md, termURL: termURL))
        }
        router.get("/sandbox/orders/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let order = await self.state.order(id) else { return Response(status: .notFound) }
            return Self.html(OrderPage.form(order))
        }
        router.post("/sandbox/orders/:id") { request, context in
            let id = try context.parameters.require("id")
            let fields = try await Self.form(request)
            let card = SandboxCryptogram(
                cardNumber: fields.string("card") ?? "",
                expiry: fields.string("exp") ?? "",
                cvv: fields.string("cvv") ?? ""
            )
            guard let preparation = await self.state.prepareOrderPayment(id, card: card, ipAddress: "127.0.0.1"),
                let order = await self.state.order(id)
            else { return Response(status: .notFound) }
            let (_, transaction) = await self.finishTransaction(preparation, requestID: nil)
            guard let transaction else { return Response(status: .badRequest) }
            await self.state.markOrder(id, transaction: transaction)
            return Self.html(OrderPage.result(order, transaction))
        }
    }

    private static func form(_ request: Request) async throws -> RequestFields {
        var request = request
        let body = try await request.collectBody(upTo: Self.pageBytesMax)
        return RequestFields.parse(body: Array(buffer: body), contentType: "application/x-www-form-urlencoded")
            ?? RequestFields(json: .object([]))
    }

    private static func html(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    private static func jsonResponse(_ value: JSONValue) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized()))
        )
    }

    static func json(_ operation: SandboxOperation) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func number(_ value: Int64?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        return .object([
            ("Sequence", .number(String(operation.sequence))),
            ("Kind", .string(operation.kind.rawValue)),
            ("PublicId", .string(operation.publicID)),
            ("TransactionId", number(operation.transactionID)),
            ("InvoiceId", text(operation.invoiceID)),
            ("Amount", operation.amountMinor.map { .number(Money.decimalText($0)) } ?? .null),
            ("RequestId", text(operation.requestID)),
            ("Success", .bool(operation.success)),
            ("Status", text(operation.status)),
            ("ReasonCode", number(operation.reasonCode.map(Int64.init))),
        ])
    }

    static func json(_ counts: SandboxFaultCounts) -> JSONValue {
        .object([
            ("LatencyAdded", .number(String(counts.latencyAdded))),
            ("ServerErrors", .number(String(counts.serverErrors))),
            ("Timeouts", .number(String(counts.timeouts))),
            ("ResponsesLost", .number(String(counts.responsesLost))),
            ("NotificationsDropped", .number(String(counts.notificationsDropped))),
            ("NotificationsDuplicated", .number(String(counts.notificationsDuplicated))),
            ("NotificationsReordered", .number(String(counts.notificationsReordered))),
            ("NotificationsDelayed", .number(String(counts.notificationsDelayed))),
            ("NotificationsDiscarded", .number(String(counts.notificationsDiscarded))),
        ])
    }

    static func json(_ faults: SandboxFaults) -> JSONValue {
        .object([
            ("Seed", .number(String(faults.seed))),
            ("LatencyMilliseconds", .number(String(faults.latencyMilliseconds))),
            ("Scripted", .array(faults.scripted.map { .string($0.rawValue) })),
            ("ServerErrorPerMille", .number(String(faults.serverErrorPerMille))),
            ("TimeoutPerMille", .number(String(faults.timeoutPerMille))),
            ("ResponseLostPerMille", .number(String(faults.responseLostPerMille))),
            ("HangMilliseconds", .number(String(faults.hangMilliseconds))),
            ("NotificationDuplicatePerMille", .number(String(faults.notificationDuplicatePerMille))),
            ("NotificationDropPerMille", .number(String(faults.notificationDropPerMille))),
            ("NotificationDelayMilliseconds", .number(String(faults.notificationDelayMilliseconds))),
            ("NotificationReorderPerMille", .number(String(faults.notificationReorderPerMille))),
        ])
    }

    /// Faults from the admin endpoint's JSON: absent fields take the defaults (no fault).
    static func faults(_ fields: RequestFields) -> SandboxFaults? {
        var faults = SandboxFaults()
        var scripted: [SandboxFaults.APIFault] = []
        for name in fields.strings("Scripted") {
            guard let fault = SandboxFaults.APIFault(rawValue: name) else { return nil }
            scripted.append(fault)
        }
        faults.scripted = scripted
        if let seed = fields.string("Seed") {
            guard let value = UInt64(seed) else { return nil }
            faults.seed = value
        }
        func int(_ name: String, _ keyPath: WritableKeyPath<SandboxFaults, Int>) -> Bool {
            guard let text = fields.string(name) else { return true }
            guard let value = Int(text), value >= 0 else { return false }
            faults[keyPath: keyPath] = value
            return true
        }
        func int64(_ name: String, _ keyPath: WritableKeyPath<SandboxFaults, Int64>) -> Bool {
            guard let text = fields.string(name) else { return true }
            guard let value = Int64(text), value >= 0 else { return false }
            faults[keyPath: keyPath] = value
            return true
        }
        let valid =
            int64("LatencyMilliseconds", \.latencyMilliseconds) && int("ServerErrorPerMille", \.serverErrorPerMille)
            && int("TimeoutPerMille", \.timeoutPerMille) && int("ResponseLostPerMille", \.responseLostPerMille)
            && int64("HangMilliseconds", \.hangMilliseconds)
            && int("NotificationDuplicatePerMille", \.notificationDuplicatePerMille)
            && int("NotificationDropPerMille", \.notificationDropPerMille)
            && int64("NotificationDelayMilliseconds", \.notificationDelayMilliseconds)
            && int("NotificationReorderPerMille", \.notificationReorderPerMille)
        return valid ? faults : nil
    }
}
