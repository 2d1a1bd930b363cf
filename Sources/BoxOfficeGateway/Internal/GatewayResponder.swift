import BoxOfficeRPC
// JSONSerialization (for the redirect field) is in Foundation, not FoundationEssentials.
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// Answers every HTTP request: the gateway's own endpoints, then the bound routes.
struct GatewayResponder: HTTPResponder {
    typealias Context = GatewayRequestContext

    let routes: RouteTable
    let upstreams: [String: any RPCClientTransport]
    let authenticator: BearerAuthenticator
    let requestBodyBytesMax: Int
    let callTimeout: Duration
    let readiness: ReadinessProbe
    let metrics: GatewayMetrics
    /// Per client address; nil when that limit is off.
    let clientLimiter: RateLimiter?
    /// Per authenticated caller; nil when that limit is off.
    let callerLimiter: RateLimiter?
    /// Reads the client's address through the trusted proxies.
    let clientAddresses: ClientAddressResolver
    let registry: PrometheusCollectorRegistry
    let openAPIDocument: [UInt8]
    let logger: Logger

    /// What one request produced, for the access log and metrics.
    private struct Outcome {
        var response: Response
        /// The route template, or a fixed name for the gateway's endpoints and unknown paths.
        var routeName: String
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let requestID =
            RequestHeaders.validRequestID(request.headers[RequestHeaders.requestID]) ?? RequestHeaders.newRequestID()
        let clientAddress = self.clientAddresses.clientAddress(
            peer: context.peerAddress,
            forwardedFor: request.headers[values: RequestHeaders.forwardedFor]
        )
        var outcome = await self.answer(request, clientAddress: clientAddress, requestID: requestID)
        outcome.response.headers[RequestHeaders.requestID] = requestID
        let duration = ContinuousClock.now - start
        let status = outcome.response.status.code
        self.metrics.record(route: outcome.routeName, status: status, duration: duration)
        // One line per request; never the Authorization header, bodies or query values (the
        // route template stands in for the path, whose ids may be personal).
        self.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.route": "\(outcome.routeName)",
                "http.status": "\(status)",
                "duration_ms": "\(Self.milliseconds(duration))",
                "request_id": "\(requestID)",
            ]
        )
        return outcome.response
    }

    private func answer(_ request: Request, clientAddress: String?, requestID: String) async -> Outcome {
        let path = request.uri.path
        // Probes and scrapes come from the platform, not from clients: never limited.
        if !Self.ownPaths.contains(path), let limiter = self.clientLimiter,
            let refusal = Self.refusal(limiter, key: clientAddress ?? "unknown")
        {
            return Outcome(response: refusal, routeName: "rate_limited")
        }
        if Self.ownPaths.contains(path) {
            guard request.method == .get || request.method == .head else {
                var response = Self.errorResponse(
                    RPCError(code: .invalidArgument, message: "method not allowed; allowed: GET, HEAD"),
                    status: .methodNotAllowed
                )
                response.headers[.allow] = "GET, HEAD"
                return Outcome(response: response, routeName: path)
            }
            if let outcome = await self.ownEndpoint(path) { return outcome }
        }
        // HEAD is GET without the body (RFC 9110 §9.3.2); the HTTP server drops the body.
        let verb = request.method == .head ? "GET" : request.method.rawValue
        switch self.routes.match(verb: verb, path: Substring(path)) {
        case .notFound:
            return Outcome(
                response: Self.errorResponse(RPCError(code: .notFound, message: "no route for this path")),
                routeName: "unmatched"
            )
        case .wrongVerb(let verbs):
            let allowed = verbs.contains("GET") ? verbs + ["HEAD"] : verbs
            var response = Self.errorResponse(
                RPCError(
                    code: .invalidArgument,
                    message: "method not allowed; allowed: \(allowed.joined(separator: ", "))"
                ),
                status: .methodNotAllowed
            )
            response.headers[.allow] = allowed.joined(separator: ", ")
            return Outcome(response: response, routeName: "unmatched")
        case .found(let route, let pathParameters):
            let response: Response
            do {
                response = try await self.call(
                    route,
                    request: request,
                    pathParameters: pathParameters,
                    clientAddress: clientAddress,
                    requestID: requestID
                )
            } catch {
                response = Self.errorResponse(error)
            }
            return Outcome(response: response, routeName: route.name)
        }
    }

    /// Transcodes one request into an RPC call and its answer back.
    private func call(
        _ route: Route,
        request: Request,
        pathParameters: [(name: String, value: String)],
        clientAddress: String?,
        requestID: String
    ) async throws(RPCError) -> Response {
        let binding = route.binding
        let caller = try self.authenticator.caller(
            authorization: request.headers[.authorization],
            access: route.access
        )
        if let caller, let limiter = self.callerLimiter, let refusal = Self.refusal(limiter, key: caller) {
            return refusal
        }
        var metadata = Metadata(traceID: requestID, caller: caller)
        // The provider needs the payer's address with a card cryptogram; services read it here.
        if let clientAddress { metadata.values[Self.clientAddressKey] = clientAddress }
        if let key = request.headers[RequestHeaders.idempotencyKey] {
            guard RequestHeaders.isValidIdempotencyKey(key) else {
                throw RPCError.invalidArgument(
                    field: "Idempotency-Key",
                    reason: "must be 1 to 255 visible ASCII characters"
                )
            }
            metadata.idempotencyKey = key
        } else if binding.idempotencyKeyRequired {
            throw RPCError.invalidArgument(field: "Idempotency-Key", reason: "required on this route")
        }

        var parameters: [String: [String]] = [:]
        if let query = request.uri.query, !query.isEmpty {
            try QueryString.parameters(Substring(query), into: &parameters)
        }
        // A path variable is one value; a query parameter of the same name does not add to it.
        for (name, value) in pathParameters { parameters[name] = [value] }

        var body: [UInt8] = []
        if !binding.bodyField.isEmpty {
            body = try await self.collectBody(request)
            if !binding.rawBody, Self.isJSONNull(body) {
                // proto3 JSON reads `null` as "field absent", but a body that is only `null`
                // is no request object: refuse it rather than call with an empty message.
                throw RPCError.invalidArgument(
                    field: binding.bodyField == "*" ? "body" : binding.bodyField,
                    reason: "expected an object, not null"
                )
            }
            if binding.rawBody {
                body = Self.jsonBase64String(body)
                if route.acceptsHeaders {
                    for field in request.headers where !field.name.canonicalName.contains(".") {
                        let key = "headers." + field.name.canonicalName
                        if let existing = parameters[key]?.first {
                            parameters[key] = [existing + ", " + field.value]
                        } else {
                            parameters[key] = [field.value]
                        }
                    }
                }
            }
        }
        let requestBytes: [UInt8]
        do {
            requestBytes = try binding.decodeJSONRequest(body, parameters)
        } catch  where error.code == .invalidArgument && error.details.isEmpty {
            // The decoder names no field when the text is no JSON at all: the body is at fault.
            throw RPCError(
                code: .invalidArgument,
                message: error.message,
                details: [RPCErrorDetail(field: "body", reason: error.message)]
            )
        }

        // Every bound service has an upstream: the initializer refuses bindings without one.
        let upstream = self.upstreams[binding.method.service]!
        let responseBytes = try await upstream.unary(
            method: binding.method,
            request: requestBytes,
            options: CallOptions(timeout: self.callTimeout, metadata: metadata)
        )
        if let rawResponse = binding.rawResponse,
            let content = try responseBytes.withUnsafeBytes({ buffer in
                Result { () throws(RPCError) -> [UInt8]? in try rawResponse(buffer) }
            }).get()
        {
            // The field's content as the service wrote it (a CSV export), with the declared type.
            var headers = HTTPFields()
            headers[.contentType] = binding.rawResponseContentType
            return Response(
                status: HTTPResponse.Status(code: binding.successStatus),
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: content))
            )
        }
        let json: [UInt8] = try responseBytes.withUnsafeBytes { buffer in
            Result { () throws(RPCError) -> [UInt8] in try binding.encodeJSONResponse(buffer) }
        }.get()

        if !binding.redirectField.isEmpty {
            // A service bug must not become a header injection: visible ASCII only.
            guard let location = Self.stringField(binding.redirectField, in: json), !location.isEmpty,
                location.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
            else {
                throw RPCError(code: .internalError, message: "internal error")
            }
            var headers = HTTPFields()
            headers[.location] = location
            return Response(status: .seeOther, headers: headers)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: binding.successStatus),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json))
        )
    }

    /// Reads the body up to the limit; a larger one is `INVALID_ARGUMENT` naming `body`, decided
    /// from `Content-Length` alone when the client sends it.
    private func collectBody(_ request: Request) async throws(RPCError) -> [UInt8] {
        let tooLarge = RPCError.invalidArgument(
            field: "body",
            reason: "larger than the limit of \(self.requestBodyBytesMax) bytes"
        )
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > self.requestBodyBytesMax {
            throw tooLarge
        }
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard bytes.count + chunk.readableBytes <= self.requestBodyBytesMax else { throw tooLarge }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .invalidArgument, message: "the request body could not be read")
        }
        return bytes
    }

    static let ownPaths: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.json"]

    /// `/healthz`, `/readyz`, `/metrics` and `/openapi.json`; nil for other paths.
    private func ownEndpoint(_ path: String) async -> Outcome? {
        switch path {
        case "/healthz":
            return Outcome(response: Self.json(.ok, Array(#"{"status":"ok"}"#.utf8)), routeName: path)
        case "/readyz":
            let unreachable = await self.readiness.unreachableServices()
            if unreachable.isEmpty {
                return Outcome(response: Self.json(.ok, Array(#"{"status":"ready"}"#.utf8)), routeName: path)
            }
            var body = Array(#"{"status":"unavailable","unreachable":["#.utf8)
            for (index, service) in unreachable.enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                JSONText.appendString(service, to: &body)
            }
            body.append(contentsOf: Array("]}".utf8))
            return Outcome(response: Self.json(.serviceUnavailable, body), routeName: path)
        case "/metrics":
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            let text = self.registry.emitToBuffer()
            return Outcome(
                response: Response(
                    status: .ok,
                    headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: text))
                ),
                routeName: path
            )
        case "/openapi.json":
            return Outcome(response: Self.json(.ok, self.openAPIDocument), routeName: path)
        default:
            return nil
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The metadata key carrying the client's IP address (`Metadata.values`).
    static let clientAddressKey = "client-address"

    /// The 429 answer when `key` is over `limiter`'s limit; nil when the request may go on.
    private static func refusal(_ limiter: RateLimiter, key: String) -> Response? {
        guard case .refused(let nanoseconds) = limiter.admit(key, now: RateLimiter.nowNanoseconds()) else {
            return nil
        }
        let seconds = RateLimiter.retryAfterSeconds(nanoseconds)
        var response = Self.errorResponse(
            RPCError(code: .resourceExhausted, message: "too many requests; retry after \(seconds) s")
        )
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    static func errorResponse(_ error: RPCError, status: HTTPResponse.Status? = nil) -> Response {
        Self.json(status ?? HTTPResponse.Status(code: error.code.httpStatus), ErrorBody.render(error))
    }

    /// True when `body` is the JSON literal `null`, whitespace around it allowed.
    static func isJSONNull(_ body: [UInt8]) -> Bool {
        let whitespace: [UInt8] = [0x20, 0x09, 0x0A, 0x0D]
        let trimmed = body.drop { whitespace.contains($0) }.reversed().drop { whitespace.contains($0) }
        return trimmed.elementsEqual("null".utf8.reversed())
    }

    /// The body of a raw route as the JSON string its `bytes` field takes: base64.
    static func jsonBase64String(_ bytes: [UInt8]) -> [UInt8] {
        Array(("\"" + Data(bytes).base64EncodedString() + "\"").utf8)
    }

    /// The string member `name` (a JSON name, or a proto name whose JSON name is looked up too)
    /// of the JSON object `json`.
    static func stringField(_ name: String, in json: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return nil }
        return (object[name] ?? object[Self.lowerCamelCase(name)]) as? String
    }

    /// `redirect_url` → `redirectUrl`, as protoc names JSON fields.
    static func lowerCamelCase(_ name: String) -> String {
        var out = ""
        var upperNext = false
        for character in name {
            if character == "_" {
                upperNext = true
            } else if upperNext {
                out += character.uppercased()
                upperNext = false
            } else {
                out.append(character)
            }
        }
        return out
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let whole = micros / 1000
        let fraction = micros % 1000
        return "\(whole).\(String(repeating: "0", count: 3 - String(fraction).count))\(fraction)"
    }
}
