import FoundationEssentials
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The provider's API over Hummingbird: authentication, the concurrency cap, injected faults,
/// `X-Request-ID` replay, then the method itself.
final class SandboxAPI: Sendable {
    /// The API paths, all POST. Mutating ones are the ones an `X-Request-ID` protects.
    static let paths: [(path: String, mutating: Bool)] = [
        ("/test", false),
        ("/payments/cards/charge", true),
        ("/payments/cards/auth", true),
        ("/payments/cards/post3ds", true),
        ("/payments/tokens/charge", true),
        ("/payments/tokens/auth", true),
        ("/payments/confirm", true),
        ("/payments/void", true),
        ("/payments/refund", true),
        ("/payments/get", false),
        ("/v2/payments/find", false),
        ("/payments/list", false),
        ("/v2/payments/list", false),
        ("/orders/create", true),
    ]

    static let requestIDField = HTTPField.Name("X-Request-ID")!

    let configuration: SandboxConfiguration
    let state: SandboxState
    let notifier: Notifier
    private let inFlight = Mutex<[String: Int]>([:])
    private let boundBaseURL = Mutex<String>("")

    init(configuration: SandboxConfiguration, state: SandboxState, notifier: Notifier) {
        self.configuration = configuration
        self.state = state
        self.notifier = notifier
    }

    var baseURL: String {
        configuration.publicBaseURL ?? boundBaseURL.withLock { $0 }
    }

    func setBound(port: Int) {
        boundBaseURL.withLock { $0 = "http://\(configuration.host):\(port)" }
    }

    func handle(path: String, mutating: Bool, request: Request, context: SandboxRequestContext) async throws -> Response
    {
        guard let terminal = self.authenticate(request) else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"CloudPayments\""])
        }
        let admitted = inFlight.withLock { counts -> Bool in
            let count = counts[terminal.publicID, default: 0]
            guard count < configuration.concurrentRequestsMax else { return false }
            counts[terminal.publicID] = count + 1
            return true
        }
        guard admitted else { return Response(status: .tooManyRequests) }
        defer { inFlight.withLock { $0[terminal.publicID, default: 1] -= 1 } }

        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: configuration.requestBodyBytesMax)
        } catch {
            return Response(status: .contentTooLarge)
        }
        let faults = await state.faults
        if faults.latencyMilliseconds > 0 { try await Task.sleep(for: .milliseconds(faults.latencyMilliseconds)) }
        let fault = await state.drawAPIFault(latencyAdded: faults.latencyMilliseconds > 0)
        switch fault {
        case .serverError:
            return Response(status: .internalServerError)
        case .timeout:
            return try await Self.hangThenDrop(context, milliseconds: faults.hangMilliseconds)
        case .responseLost, .none:
            break
        }

        let answer: APIAnswer
        guard let fields = RequestFields.parse(body: Array(buffer: body), contentType: request.headers[.contentType])
        else {
            return Self.response(.message("The request body is invalid"))
        }
        let requestID = request.headers[Self.requestIDField].flatMap { $0.isEmpty ? nil : $0 }
        if mutating, let requestID, requestID.utf8.count <= SandboxState.requestIDBytesMax {
            let key = terminal.publicID + "\n" + requestID
            if let stored = await state.claim(key) {
                answer = stored
            } else {
                answer = await self.perform(path: path, fields: fields, terminal: terminal, requestID: requestID)
                await state.storeAnswer(answer, for: key)
            }
        } else {
            answer = await self.perform(path: path, fields: fields, terminal: terminal, requestID: nil)
        }
        if fault == .responseLost {
            return try await Self.hangThenDrop(context, milliseconds: faults.hangMilliseconds)
        }
        return Self.response(answer)
    }

    /// A provider timeout: the request is held, then the connection is closed with no answer at
    /// all (not a 504, which would be an answer a client could read).
    private static func hangThenDrop(_ context: SandboxRequestContext, milliseconds: Int64) async throws -> Response {
        try await Task.sleep(for: .milliseconds(milliseconds))
        try? await context.channel.close()
        // Never written: the connection is gone. Hummingbird needs a value to return.
        return Response(status: .gatewayTimeout)
    }

    static func response(_ answer: APIAnswer) -> Response {
        Response(
            status: HTTPResponse.Status(code: answer.httpStatus),
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body))
        )
    }

    private func authenticate(_ request: Request) -> SandboxConfiguration.Terminal? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6).filter { $0 != " " })),
            case let text = String(decoding: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":")
        else { return nil }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        return configuration.terminals.first { $0.publicID == user && $0.apiSecret == password }
    }

    private func perform(
        path: String,
        fields: RequestFields,
        terminal: SandboxConfiguration.Terminal,
        requestID: String?
    ) async -> APIAnswer {
        let publicID = terminal.publicID
        switch path {
        case "/test":
            return .success()
        case "/payments/cards/charge", "/payments/cards/auth":
            let preparation = await state.prepareCardPayment(
                fields,
                publicID: publicID,
                twoStage: path.hasSuffix("auth"),
                requestID: requestID,
                acsURL: baseURL + "/sandbox/acs"
            )
            return await self.finish(preparation, requestID: requestID)
        case "/payments/cards/post3ds":
            return await self.finish(
                state.prepare3DS(fields, publicID: publicID, requestID: requestID),
                requestID: requestID
            )
        case "/payments/tokens/charge", "/payments/tokens/auth":
            let preparation = await state.prepareTokenPayment(
                fields,
                publicID: publicID,
                twoStage: path.hasSuffix("auth")
            )
            return await self.finish(preparation, requestID: requestID)
        case "/payments/confirm":
            let (answer, transaction) = await state.confirm(fields, publicID: publicID, requestID: requestID)
            if let transaction { await notifier.notify(.confirm, transaction) }
            return answer
        case "/payments/void":
            let (answer, transaction) = await state.void(fields, publicID: publicID, requestID: requestID)
            if let transaction { await notifier.notify(.cancel, transaction) }
            return answer
        case "/payments/refund":
            let (answer, made) = await state.refund(fields, publicID: publicID, requestID: requestID)
            if let made { await notifier.notify(.refund, made.refund, payment: made.payment) }
            return answer
        case "/payments/get":
            return await state.get(fields, publicID: publicID)
        case "/v2/payments/find":
            return await state.find(fields, publicID: publicID)
        case "/payments/list":
            return await state.list(fields, publicID: publicID)
        case "/v2/payments/list":
            return await state.listV2(fields, publicID: publicID)
        case "/orders/create":
            return await state.createOrder(fields, publicID: publicID, requestID: requestID, baseURL: baseURL)
        default:
            return .notFound
        }
    }

    /// Asks Check for a payment that would be approved, settles it, and notifies Pay or Fail.
    func finish(_ preparation: SandboxState.Preparation, requestID: String?) async -> APIAnswer {
        let (answer, _) = await self.finishTransaction(preparation, requestID: requestID)
        return answer
    }

    func finishTransaction(
        _ preparation: SandboxState.Preparation,
        requestID: String?
    ) async -> (APIAnswer, Transaction?) {
        switch preparation {
        case .answer(let answer):
            return (answer, nil)
        case .draft(let draft):
            var refused = false
            if draft.reasonCode == 0 { refused = !(await notifier.check(draft.transaction)) }
            let (answer, transaction) = await state.settle(draft, checkRefused: refused, requestID: requestID)
            await notifier.notify(transaction.status == .declined ? .fail : .pay, transaction)
            return (answer, transaction)
        }
    }
}
