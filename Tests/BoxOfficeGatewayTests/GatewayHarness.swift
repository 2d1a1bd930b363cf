import AsyncHTTPClient
import BoxOfficeCrypto
import BoxOfficeGateway
import BoxOfficeJWT
import BoxOfficeProtobuf
import BoxOfficeRPC
import BoxOfficeRPCNIO
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import Synchronization
import TestContracts
import Testing

/// A live gateway on a free port in front of the test service, itself served by a real
/// `RPCServer` on another free port, and an HTTP client that does not follow redirects.
struct GatewayHarness {
    let client: HTTPClient
    let baseURL: String
    let service: TestInvoiceService
    let logs: LogCapture
    let gateway: Gateway

    /// One HTTP answer, body collected.
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var text: String { String(decoding: self.body, as: UTF8.self) }

        /// The body as a JSON object (fails the test when it is not one).
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(self.body)) as? [String: Any] else {
                throw HarnessError("not a JSON object: \(self.text)")
            }
            return object
        }

        /// `error.code`, `error.message` and the fields of `error.details` of an error answer.
        func error() throws -> (code: String, message: String, fields: [String]) {
            let error = try #require(try self.json()["error"] as? [String: Any])
            let details = error["details"] as? [[String: Any]] ?? []
            return (
                error["code"] as? String ?? "", error["message"] as? String ?? "",
                details.compactMap { $0["field"] as? String }
            )
        }
    }

    /// The time any one test request may take.
    static let requestTimeout = TimeAmount.seconds(20)
    /// The largest answer a test reads.
    static let answerBytesMax = 4 * 1024 * 1024

    func send(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await self.client.execute(request, timeout: Self.requestTimeout)
        let bytes = try await response.body.collect(upTo: Self.answerBytesMax)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        json: String
    ) async throws
        -> Answer
    {
        try await self.send(
            method,
            path,
            headers: headers + [("Content-Type", "application/json")],
            body: Array(json.utf8)
        )
    }

    /// Runs `body` against a fresh gateway and test service, then stops both.
    ///
    /// - Parameters:
    ///   - upstreamReachable: false points the gateway at a port where no server listens.
    ///   - specialIDs: false makes the test service answer every id normally (for fuzzing).
    ///   - clientRateLimit, callerRateLimit: the gateway's limits; off by default.
    ///   - trustedProxies: the proxies whose `X-Forwarded-For` the gateway believes; none by default.
    static func run(
        upstreamReachable: Bool = true,
        specialIDs: Bool = true,
        callTimeout: Duration? = nil,
        requestBodyBytesMax: Int? = nil,
        clientRateLimit: RateLimit = .off,
        callerRateLimit: RateLimit = .off,
        trustedProxies: [IPNetwork] = [],
        _ body: (GatewayHarness) async throws -> Void
    ) async throws {
        let logs = LogCapture()
        let logger = Logger(label: "gateway-test") { _ in logs.handler() }
        let service = TestInvoiceService(specialIDs: specialIDs)
        var router = RPCRouter()
        router.register(service)
        let server = RPCServer(host: "127.0.0.1", port: 0, router: router, logger: Logger(label: "rpc-test"))
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
        )
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let rpcPort = upstreamReachable ? try await server.boundPort() : Self.closedPort
                let transport = NIORPCClientTransport(
                    host: "127.0.0.1",
                    port: rpcPort,
                    logger: Logger(label: "rpc-client-test")
                )
                var configuration = GatewayConfiguration(
                    port: 0,
                    jwtIssuer: Tokens.issuer,
                    jwtAudience: Tokens.audience,
                    jwtPublicKeys: Tokens.publicKeys,
                    // Off unless a test is about them: the other tests send bursts from one address.
                    clientRateLimit: clientRateLimit,
                    callerRateLimit: callerRateLimit,
                    trustedProxies: trustedProxies
                )
                if let callTimeout { configuration.callTimeout = callTimeout }
                if let requestBodyBytesMax { configuration.requestBodyBytesMax = requestBodyBytesMax }
                let gateway = try Gateway(
                    configuration: configuration,
                    bindings: Self.bindings,
                    upstreams: [Codegentest_V1_InvoiceServiceMethods.getInvoice.service: transport],
                    metricsRegistry: PrometheusCollectorRegistry(),
                    logger: logger
                )
                group.addTask { try await gateway.run() }
                let port = try await gateway.boundPort()
                let harness = GatewayHarness(
                    client: client,
                    baseURL: "http://127.0.0.1:\(port)",
                    service: service,
                    logs: logs,
                    gateway: gateway
                )
                do {
                    try await body(harness)
                } catch {
                    group.cancelAll()
                    await transport.shutdown()
                    throw error
                }
                group.cancelAll()
                await transport.shutdown()
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// The subject of the test tokens.
    static let userID = Tokens.userID
    /// `Authorization` values with fresh EdDSA tokens.
    static var userBearer: String { "Bearer " + Tokens.make() }
    static var adminBearer: String { "Bearer " + Tokens.make(roles: ["admin"]) }

    /// A generated operation changed as the options above change its route: success 201, and
    /// `Idempotency-Key` required.
    static func creating(_ operationText: String) -> String {
        guard var operation = try? JSONSerialization.jsonObject(with: Data(operationText.utf8)) as? [String: Any] else {
            return operationText
        }
        if var responses = operation["responses"] as? [String: Any], let success = responses["200"] {
            responses["201"] = success
            responses.removeValue(forKey: "200")
            operation["responses"] = responses
        }
        if var parameters = operation["parameters"] as? [[String: Any]] {
            for index in parameters.indices where (parameters[index]["name"] as? String) == "Idempotency-Key" {
                parameters[index]["required"] = true
            }
            operation["parameters"] = parameters
        }
        let data = try! JSONSerialization.data(withJSONObject: operation, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A port nothing listens on (the discard port, refused on a test machine).
    static let closedPort = 9

    /// The test service's generated bindings, with the options the generator will set on
    /// payment-like routes applied by hand, plus routes that use the other binding kinds.
    static let bindings: [HTTPBinding] = {
        var bindings = Codegentest_V1_InvoiceServiceMethods.httpBindings
        for index in bindings.indices where bindings[index].method == Codegentest_V1_InvoiceServiceMethods.createInvoice
        {
            bindings[index].successStatus = 201
            bindings[index].idempotencyKeyRequired = true
            bindings[index].openAPIOperation = Self.creating(bindings[index].openAPIOperation)
        }
        let getInvoice = bindings.first { $0.method == Codegentest_V1_InvoiceServiceMethods.getInvoice }!
        // A browser return route: public, answers 303 to the invoice's memo.
        var redirect = getInvoice
        redirect.verb = "POST"
        redirect.pathTemplate = "/v1/test/invoices/{invoiceId}:return"
        redirect.access = "public"
        redirect.redirectField = "memo"
        // Its own operation: the gateway documents the 303 of a redirect route.
        redirect.openAPIOperation = "{}"
        redirect.openAPISchemas = [:]
        bindings.append(redirect)
        bindings.append(RawPing.binding(path: "/v1/test/webhooks/{kind}", acceptsHeaders: true))
        bindings.append(RawPing.binding(path: "/v1/test/raw", acceptsHeaders: false))
        return bindings
    }()
}

/// Bearer tokens signed with the keys the test gateway trusts: Ed25519 (EdDSA, `kid` `ed-1`) and
/// P-256 (ES256, no `kid`).
enum Tokens {
    static let issuer = "https://auth.boxoffice.test"
    static let audience = "boxoffice-api"
    static let userID = "4f9c2a4e-8d1b-4c55-9a8e-2f1d3c4b5a69"
    /// How long test tokens live.
    static let lifetimeSeconds = 600.0

    static let edPrivateKey = try! Ed25519PrivateKey()
    static let p256PrivateKey = try! P256PrivateKey()
    static let edSigner = JWTSigner.ed25519(privateKey: edPrivateKey, kid: "ed-1")
    static let p256Signer = JWTSigner.p256(privateKey: p256PrivateKey, kid: nil)

    static var publicKeys: [GatewayConfiguration.PublicKeyPEM] {
        [
            .init(kid: "ed-1", pem: edPrivateKey.publicKey.pemRepresentation),
            .init(kid: nil, pem: p256PrivateKey.publicKey.pemRepresentation),
        ]
    }

    /// A token; every claim can be changed to make it unacceptable.
    static func make(
        subject: String = userID,
        roles: [String] = [],
        signer: JWTSigner = edSigner,
        issuer: String = issuer,
        audience: String = audience,
        expiresIn: Double = lifetimeSeconds
    ) -> String {
        let now = Date().timeIntervalSince1970
        var claims: [String: JSONValue] = [
            "sub": .string(subject), "iss": .string(issuer), "aud": .string(audience),
            "exp": .number((now + expiresIn).rounded()), "iat": .number(now.rounded()),
        ]
        if !roles.isEmpty { claims["roles"] = .array(roles.map { .string($0) }) }
        return try! signer.sign(claims)
    }

    /// A token with header `header`, the claims of a valid user token and signature `signature`
    /// (for `alg: none` and algorithm-confusion attempts).
    static func forged(header: String, signature: (_ signingInput: [UInt8]) -> [UInt8]) -> String {
        let valid = make()
        let payload = valid.split(separator: ".")[1]
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + payload
        return signingInput + "." + Base64URL.encode(signature(Array(signingInput.utf8)))
    }
}

/// Raw-body routes onto `Ping`: the request text shows what the gateway passed, as
/// `kind=…;body=…;signature=…`.
enum RawPing {
    static func binding(path: String, acceptsHeaders: Bool) -> HTTPBinding {
        HTTPBinding(
            verb: "POST",
            pathTemplate: path,
            bodyField: "payload",
            access: "public",
            method: Codegentest_V1_InvoiceServiceMethods.ping,
            rawBody: true,
            decodeJSONRequest: { (body, parameters) throws(RPCError) in
                try Self.decode(body: body, parameters: parameters, acceptsHeaders: acceptsHeaders)
            },
            encodeJSONResponse: { (bytes) throws(RPCError) in
                try ProtobufHTTPCodec.encodeResponse(Codegentest_V1_PingResponse.self, bytes)
            }
        )
    }

    /// What a generated decoder of `{bytes payload; string kind; map<string,string> headers}`
    /// does: base64 JSON string into the bytes, unknown parameters refused.
    static func decode(body: [UInt8], parameters: [String: [String]], acceptsHeaders: Bool) throws(RPCError) -> [UInt8]
    {
        var payload = ""
        if !body.isEmpty {
            guard
                let string = try? JSONSerialization.jsonObject(with: Data(body), options: .fragmentsAllowed) as? String,
                let data = Data(base64Encoded: string)
            else { throw RPCError.invalidArgument(field: "payload", reason: "expected base64") }
            payload = String(decoding: data, as: UTF8.self)
        }
        var signature = ""
        for (name, values) in parameters {
            if name == "kind" { continue }
            if acceptsHeaders, name.hasPrefix("headers.") {
                if name == "headers.x-signature" { signature = values.joined(separator: ", ") }
                continue
            }
            throw RPCError.invalidArgument(field: name, reason: "unknown field")
        }
        var request = Codegentest_V1_PingRequest()
        request.text = "kind=\(parameters["kind"]?.joined(separator: ",") ?? "");body=\(payload);signature=\(signature)"
        return try request.serializedBytes()
    }
}

/// Keeps the log records a gateway writes.
final class LogCapture: Sendable {
    struct Record: Sendable {
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { self.records.withLock { $0 } }

    func handler() -> some LogHandler { Handler(capture: self) }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var fields: [String: String] = [:]
            for (key, value) in self.metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
                fields[key] = value.description
            }
            let record = Record(message: event.message.description, metadata: fields)
            self.capture.records.withLock { $0.append(record) }
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
