import ArgumentParser
import BoxOfficeGateway
import BoxOfficeRPC
import BoxOfficeRPCNIO
import BoxOfficeRuntime
import Contracts
import Logging
import ServiceLifecycle
import UnixSignals

/// `boxoffice gateway`: serves the public HTTP API of API.md in front of the services.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serve the public HTTP API, transcoding each route to an RPC call on its service.",
        discussion: """
            Listens on GATEWAY_HOST:GATEWAY_PORT (default 127.0.0.1:8080). Each service's RPC address \
            is GATEWAY_UPSTREAM_CATALOG, _USERS, _PAYMENTS, _ENTITLEMENTS (host:port; defaults \
            127.0.0.1:7101…7104). Bearer tokens are verified with GATEWAY_JWT_PUBLIC_KEYS (PEM), \
            GATEWAY_JWT_ISSUER and GATEWAY_JWT_AUDIENCE. Stops gracefully on SIGTERM or SIGINT.
            """
    )

    @OptionGroup var common: CommonOptions

    /// Each service the gateway fronts: its configuration key and default RPC address.
    static let upstreams: [String: (key: String, default: GatewayConfiguration.UpstreamAddress)] = [
        Catalog_V1_CatalogServiceMethods.all[0].service: ("catalog", .init(host: "127.0.0.1", port: 7101)),
        Users_V1_UserServiceMethods.all[0].service: ("users", .init(host: "127.0.0.1", port: 7102)),
        Payments_V1_PaymentServiceMethods.all[0].service: ("payments", .init(host: "127.0.0.1", port: 7103)),
        Entitlements_V1_EntitlementServiceMethods.all[0].service: (
            "entitlements", .init(host: "127.0.0.1", port: 7104)
        ),
    ]

    /// Every bound route of the contracts.
    static var bindings: [HTTPBinding] {
        Catalog_V1_CatalogServiceMethods.httpBindings + Users_V1_UserServiceMethods.httpBindings
            + Payments_V1_PaymentServiceMethods.httpBindings + Entitlements_V1_EntitlementServiceMethods.httpBindings
    }

    func run() async throws {
        let settings = try await Settings.load(configFile: self.common.config)
        let registry = Observability.bootstrap(settings)
        let logger = Logger(label: "boxoffice.gateway")
        let configuration = try await GatewayConfiguration.load(
            configFile: self.common.config,
            upstreams: Self.upstreams
        )
        // One transport per address: services that share a process share connections.
        var transports: [GatewayConfiguration.UpstreamAddress: NIORPCClientTransport] = [:]
        var upstreams: [String: any RPCClientTransport] = [:]
        // Upstream calls get their own log lines and timers; the per-request access log is the
        // gateway's and stays as it is.
        let interceptors = RPCObservability.clientInterceptors(
            label: "boxoffice.gateway.rpc",
            quietMethods: [Gateway.readinessProbeMethod.id]
        )
        for (service, address) in configuration.upstreams {
            let transport =
                transports[address]
                ?? NIORPCClientTransport(host: address.host, port: address.port, logger: logger)
            transports[address] = transport
            upstreams[service] = transport.intercepted(by: interceptors)
        }
        let gateway = try Gateway(
            configuration: configuration,
            bindings: Self.bindings,
            upstreams: upstreams,
            metricsRegistry: registry,
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: gateway)] + transports.values.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
