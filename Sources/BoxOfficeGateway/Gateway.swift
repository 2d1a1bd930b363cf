public import BoxOfficeRPC
import BoxOfficeThreads
import Hummingbird
public import Logging
public import NIOCore
public import NIOPosix
public import Prometheus
public import ServiceLifecycle

/// The edge gateway: an HTTP server that serves every route of a set of ``HTTPBinding``s by
/// transcoding proto3 JSON to an RPC call on the binding's service and the answer back.
///
/// Per request it: finds the route (own template matcher, custom verbs included; unknown path
/// 404, wrong verb 405 with `Allow`), authenticates the bearer token for `user` and `admin`
/// routes (caller metadata `user:<sub>` / `admin:<sub>`), enforces the per-client and
/// per-caller ``RateLimit``s (429 with `Retry-After`), validates `Idempotency-Key`, reads the
/// body up to ``GatewayConfiguration/requestBodyBytesMax``, builds the request from the body,
/// path and query parameters, calls the upstream with ``GatewayConfiguration/callTimeout`` and
/// the request id as trace id, and renders the answer (the binding's success status, or a 303
/// for redirect routes). Errors have API.md's shape and status map; server-side failures never
/// show their reason. Every answer carries `X-Request-ID`; every request makes one access-log
/// line and counts in `boxoffice_gateway_requests_total` / `…_request_duration_seconds`.
///
/// It also serves `/healthz`, `/readyz` (every upstream answers), `/metrics` (the registry given)
/// and `/openapi.json` (``OpenAPIDocument``). Run it in a `ServiceGroup`: ``run()`` serves until
/// graceful shutdown.
public final class Gateway: Service, Sendable {
    /// The method `/readyz` calls on every upstream to see that it answers (no service has it, so
    /// a live server answers `UNIMPLEMENTED`). Client interceptors that log or time calls can
    /// leave it out: a probe every few seconds is not traffic.
    public static var readinessProbeMethod: MethodDescriptor { ReadinessProbe.probeMethod }

    private let configuration: GatewayConfiguration
    private let responder: GatewayResponder
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let address = BoundPort()

    /// The stitched OpenAPI document that `/openapi.json` serves.
    public let openAPIDocument: [UInt8]

    /// A gateway for `bindings`, calling each binding's service through `upstreams[service]`.
    ///
    /// - Parameters:
    ///   - upstreams: a transport per fully qualified service name; the gateway does not own
    ///     them (shut them down after the gateway stops).
    ///   - metricsRegistry: the registry `/metrics` renders and the gateway's metrics go to.
    /// - Throws: ``GatewayError`` when a binding cannot be served (bad template, verb or access
    ///   level, two bindings for one route, OpenAPI text that is no JSON object), a service has
    ///   no upstream, or a configured key cannot be used.
    public convenience init(
        configuration: GatewayConfiguration,
        bindings: [HTTPBinding],
        upstreams: [String: any RPCClientTransport],
        metricsRegistry: PrometheusCollectorRegistry,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(GatewayError) {
        try self.init(
            configuration: configuration,
            bindings: bindings,
            upstreams: upstreams,
            metricsRegistry: metricsRegistry,
            logger: logger,
            eventLoopGroup: eventLoopGroup,
            authenticator: try Self.authenticator(configuration)
        )
    }

    /// The initializer with the bearer verification given rather than configured.
    init(
        configuration: GatewayConfiguration,
        bindings: [HTTPBinding],
        upstreams: [String: any RPCClientTransport],
        metricsRegistry: PrometheusCollectorRegistry,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup,
        authenticator: BearerAuthenticator
    ) throws(GatewayError) {
        var routes: [Route] = []
        var seen: Set<String> = []
        for binding in bindings {
            let name = "\(binding.verb) \(binding.pathTemplate)"
            guard let template = PathTemplate(binding.pathTemplate) else {
                throw GatewayError(code: .invalidBinding, message: "\(name): the path template cannot be parsed")
            }
            guard Self.verbs.contains(binding.verb) else {
                throw GatewayError(code: .invalidBinding, message: "\(name): unknown verb")
            }
            guard !seen.contains(name) else {
                throw GatewayError(code: .invalidBinding, message: "\(name): bound twice")
            }
            seen.insert(name)
            let access: Route.Access
            switch binding.access {
            case "public": access = .everyone
            case "user": access = .user
            case "admin": access = .admin
            default: throw GatewayError(code: .invalidBinding, message: "\(name): unknown access level")
            }
            guard (200...299).contains(binding.successStatus) else {
                throw GatewayError(code: .invalidBinding, message: "\(name): success status outside 2xx")
            }
            if binding.rawResponse != nil {
                // The type goes into a header as is: visible ASCII and spaces, `type/subtype`.
                let contentType = binding.rawResponseContentType
                guard contentType.utf8.allSatisfy({ (0x20...0x7E).contains($0) }),
                    contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                        .split(separator: "/", omittingEmptySubsequences: false).count == 2
                else {
                    throw GatewayError(
                        code: .invalidBinding,
                        message: "\(name): the raw answer's content type is invalid"
                    )
                }
            }
            guard upstreams[binding.method.service] != nil else {
                throw GatewayError(code: .missingUpstream, message: "no upstream for \(binding.method.service)")
            }
            routes.append(
                Route(
                    binding: binding,
                    template: template,
                    access: access,
                    name: name,
                    acceptsHeaders: binding.rawBody && Self.acceptsHeaders(binding)
                )
            )
        }
        self.openAPIDocument = try OpenAPIDocument.render(bindings: bindings)
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        let services = Set(bindings.map(\.method.service))
        self.responder = GatewayResponder(
            routes: RouteTable(routes),
            upstreams: upstreams,
            authenticator: authenticator,
            requestBodyBytesMax: configuration.requestBodyBytesMax,
            callTimeout: configuration.callTimeout,
            readiness: ReadinessProbe(
                upstreams: services.sorted().map { ($0, upstreams[$0]!) },
                timeout: configuration.readinessProbeTimeout
            ),
            metrics: GatewayMetrics(registry: metricsRegistry),
            clientLimiter: configuration.clientRateLimit.isOn
                ? RateLimiter(limit: configuration.clientRateLimit, keysMax: configuration.rateLimitKeysMax) : nil,
            callerLimiter: configuration.callerRateLimit.isOn
                ? RateLimiter(limit: configuration.callerRateLimit, keysMax: configuration.rateLimitKeysMax) : nil,
            clientAddresses: ClientAddressResolver(trustedProxies: configuration.trustedProxies),
            registry: metricsRegistry,
            openAPIDocument: self.openAPIDocument,
            logger: logger
        )
    }

    /// The port the gateway listens on, once ``run()`` has bound it; throws if binding failed.
    public func boundPort() async throws -> Int {
        try await self.address.port()
    }

    /// Binds, serves until graceful shutdown (finishing the requests in flight), then returns.
    /// Throws if the address cannot be bound.
    public func run() async throws {
        let address = self.address
        let application = Application(
            responder: self.responder,
            configuration: ApplicationConfiguration(
                address: .hostname(self.configuration.host, port: self.configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                address.bound(channel.localAddress?.port ?? 0)
            },
            eventLoopGroupProvider: .shared(self.eventLoopGroup),
            logger: self.logger
        )
        do {
            try await application.run()
            address.fail(ServerNotStarted())
        } catch {
            address.fail(error)
            throw error
        }
    }

    private static let verbs: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    /// Whether a raw route's request message has a `headers` map: its decoder accepts one.
    /// Asking the generated decoder keeps the gateway free of descriptors.
    private static func acceptsHeaders(_ binding: HTTPBinding) -> Bool {
        (try? binding.decodeJSONRequest(Array("\"\"".utf8), ["headers.x-probe": ["1"]])) != nil
    }
}
