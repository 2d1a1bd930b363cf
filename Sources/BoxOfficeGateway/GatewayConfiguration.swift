import BoxOfficeRuntime
public import Configuration
import SystemPackage

/// Where the gateway listens, its limits, how it verifies bearer tokens, and where each RPC
/// service it fronts runs.
///
/// Read it with ``init(reader:upstreams:)`` from the same providers as ``Settings`` (environment
/// variables, then the `--config` JSON file): keys `gateway.host`, `gateway.port`,
/// `gateway.body.bytes.max`, `gateway.call.timeout.milliseconds`, `gateway.jwt.issuer`,
/// `gateway.jwt.audience`, `gateway.jwt.public.keys` (PEM text, one or more keys, each optionally
/// preceded by a line `kid: <id>`),
/// `gateway.rate.client.per.second` / `gateway.rate.client.burst` (per client address),
/// `gateway.rate.caller.per.second` / `gateway.rate.caller.burst` (per authenticated caller),
/// `gateway.rate.keys.max`, `gateway.trusted.proxies` (addresses or CIDR ranges, separated by
/// commas or spaces), `gateway.upstream.<name>` (`host:port`); as environment variables `GATEWAY_HOST`,
/// `GATEWAY_UPSTREAM_CATALOG`, …
public struct GatewayConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one (see ``Gateway/boundPort()``).
    public var port: Int
    /// The largest request body accepted, in bytes; a larger one is answered 400 naming `body`.
    public var requestBodyBytesMax: Int
    /// The deadline of every upstream call; a call still running then is answered 504.
    public var callTimeout: Duration
    /// How long `/readyz` waits for each upstream to answer its probe.
    public var readinessProbeTimeout: Duration
    /// The `iss` bearer tokens must carry.
    public var jwtIssuer: String
    /// The `aud` bearer tokens must carry (one of theirs).
    public var jwtAudience: String
    /// The public keys (PEM, Ed25519 for EdDSA or P-256 for ES256) that verify bearer tokens;
    /// none means every user and admin route answers 401.
    public var jwtPublicKeys: [PublicKeyPEM]
    /// Where each service runs, by fully qualified service name
    /// (`boxoffice.catalog.v1.CatalogService`).
    public var upstreams: [String: UpstreamAddress]
    /// The limit per client address (the TCP peer, or the address read through ``trustedProxies``),
    /// on every bound route.
    public var clientRateLimit: RateLimit
    /// The limit per authenticated caller (`user:<id>`, `admin:<id>`), on user and admin routes.
    public var callerRateLimit: RateLimit
    /// How many clients and callers each limiter tracks at most (bounds its memory).
    public var rateLimitKeysMax: Int
    /// The load balancers and proxies whose `X-Forwarded-For` the gateway believes; the client
    /// address (rate limit key, `client-address` metadata) is read through them. None (the
    /// default) means the TCP peer is the client and the header is ignored.
    public var trustedProxies: [IPNetwork]

    /// A PEM `PUBLIC KEY` block and the `kid` tokens signed with its private key name, if any.
    public struct PublicKeyPEM: Sendable, Hashable {
        public var kid: String?
        public var pem: String

        public init(kid: String? = nil, pem: String) {
            self.kid = kid
            self.pem = pem
        }
    }

    /// A `host:port` of an RPC server.
    public struct UpstreamAddress: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `host:port`; nil when it is not one.
        public init?(_ text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port), colon != text.startIndex
            else { return nil }
            self.host = String(text[..<colon])
            self.port = port
        }

        public var description: String { "\(self.host):\(self.port)" }
    }

    /// The default body limit: 1 MiB.
    public static let requestBodyBytesMaxDefault = 1024 * 1024
    /// The default call deadline: 10 s.
    public static let callTimeoutMillisecondsDefault = 10_000
    /// The default readiness probe timeout: 1 s.
    public static let readinessProbeTimeoutMillisecondsDefault = 1_000
    /// The default limit per client address: 100 requests/s, bursts of 200 (a page load of the
    /// admin panel is a few dozen requests).
    public static let clientRateLimitDefault = RateLimit(requestsPerSecond: 100, burst: 200)
    /// The default limit per caller: 20 requests/s, bursts of 60.
    public static let callerRateLimitDefault = RateLimit(requestsPerSecond: 20, burst: 60)
    /// The default number of keys each limiter tracks: 100,000 (a few MiB).
    public static let rateLimitKeysMaxDefault = 100_000

    /// A configuration with the defaults for everything not given.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        requestBodyBytesMax: Int = GatewayConfiguration.requestBodyBytesMaxDefault,
        callTimeout: Duration = .milliseconds(GatewayConfiguration.callTimeoutMillisecondsDefault),
        readinessProbeTimeout: Duration = .milliseconds(GatewayConfiguration.readinessProbeTimeoutMillisecondsDefault),
        jwtIssuer: String = "",
        jwtAudience: String = "",
        jwtPublicKeys: [PublicKeyPEM] = [],
        upstreams: [String: UpstreamAddress] = [:],
        clientRateLimit: RateLimit = GatewayConfiguration.clientRateLimitDefault,
        callerRateLimit: RateLimit = GatewayConfiguration.callerRateLimitDefault,
        rateLimitKeysMax: Int = GatewayConfiguration.rateLimitKeysMaxDefault,
        trustedProxies: [IPNetwork] = []
    ) {
        self.host = host
        self.port = port
        self.requestBodyBytesMax = requestBodyBytesMax
        self.callTimeout = callTimeout
        self.readinessProbeTimeout = readinessProbeTimeout
        self.jwtIssuer = jwtIssuer
        self.jwtAudience = jwtAudience
        self.jwtPublicKeys = jwtPublicKeys
        self.upstreams = upstreams
        self.clientRateLimit = clientRateLimit
        self.callerRateLimit = callerRateLimit
        self.rateLimitKeysMax = rateLimitKeysMax
        self.trustedProxies = trustedProxies
    }

    /// Reads the configuration from `reader`.
    ///
    /// - Parameter upstreams: for each fully qualified service name, the short name of its key
    ///   (`catalog` → `gateway.upstream.catalog`) and the address used when the key is absent.
    /// - Throws: ``SettingsError`` naming the key whose value is invalid.
    public init(
        reader: ConfigReader,
        upstreams: [String: (key: String, default: UpstreamAddress)]
    ) throws {
        self.init()
        self.host = reader.string(forKey: "gateway.host", default: self.host)
        self.port = reader.int(forKey: "gateway.port", default: self.port)
        guard (0...65535).contains(self.port) else {
            throw SettingsError(key: "gateway.port", reason: "must be between 0 and 65535")
        }
        self.requestBodyBytesMax = reader.int(forKey: "gateway.body.bytes.max", default: self.requestBodyBytesMax)
        guard self.requestBodyBytesMax > 0 else {
            throw SettingsError(key: "gateway.body.bytes.max", reason: "must be positive")
        }
        let timeout = reader.int(
            forKey: "gateway.call.timeout.milliseconds",
            default: Self.callTimeoutMillisecondsDefault
        )
        guard timeout > 0 else {
            throw SettingsError(key: "gateway.call.timeout.milliseconds", reason: "must be positive")
        }
        self.callTimeout = .milliseconds(timeout)
        self.jwtIssuer = reader.string(forKey: "gateway.jwt.issuer", default: "")
        self.jwtAudience = reader.string(forKey: "gateway.jwt.audience", default: "")
        let pem = reader.string(forKey: "gateway.jwt.public.keys", default: "")
        self.jwtPublicKeys = Self.splitPEM(pem)
        self.clientRateLimit = try Self.rateLimit(reader, "client", default: self.clientRateLimit)
        self.callerRateLimit = try Self.rateLimit(reader, "caller", default: self.callerRateLimit)
        self.rateLimitKeysMax = reader.int(forKey: "gateway.rate.keys.max", default: self.rateLimitKeysMax)
        guard self.rateLimitKeysMax > 0 else {
            throw SettingsError(key: "gateway.rate.keys.max", reason: "must be positive")
        }
        let proxies = reader.string(forKey: "gateway.trusted.proxies", default: "")
        for entry in proxies.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }) {
            guard let network = IPNetwork(String(entry)) else {
                throw SettingsError(
                    key: "gateway.trusted.proxies",
                    reason: "\(entry.prefix(64)) is not an IP address or CIDR range (like 10.0.0.0/8)"
                )
            }
            self.trustedProxies.append(network)
        }
        for (service, entry) in upstreams {
            let key = "gateway.upstream.\(entry.key)"
            guard let text = reader.string(forKey: ConfigKey(key)) else {
                self.upstreams[service] = entry.default
                continue
            }
            guard let address = UpstreamAddress(text) else {
                throw SettingsError(key: key, reason: "must be host:port")
            }
            self.upstreams[service] = address
        }
    }

    /// Reads `gateway.rate.<who>.per.second` (0 turns the limit off) and `gateway.rate.<who>.burst`.
    private static func rateLimit(_ reader: ConfigReader, _ who: String, default: RateLimit) throws -> RateLimit {
        let rateKey = "gateway.rate.\(who).per.second"
        let burstKey = "gateway.rate.\(who).burst"
        let rate = reader.int(forKey: ConfigKey(rateKey), default: `default`.requestsPerSecond)
        guard (0...1_000_000_000).contains(rate) else {
            throw SettingsError(key: rateKey, reason: "must be between 0 (off) and 1000000000")
        }
        let burst = reader.int(forKey: ConfigKey(burstKey), default: `default`.burst)
        guard rate == 0 || (1...1_000_000_000).contains(burst) else {
            throw SettingsError(key: burstKey, reason: "must be between 1 and 1000000000")
        }
        return RateLimit(requestsPerSecond: rate, burst: burst)
    }

    /// Reads the environment, then `configFile` (JSON) if one is given, as ``Settings/load(environment:configFile:)``.
    public static func load(
        environment: [String: String]? = nil,
        configFile: String? = nil,
        upstreams: [String: (key: String, default: UpstreamAddress)]
    ) async throws -> GatewayConfiguration {
        var providers: [any ConfigProvider] = [
            environment.map { EnvironmentVariablesProvider(environmentVariables: $0) } ?? EnvironmentVariablesProvider()
        ]
        if let configFile {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
        }
        return try GatewayConfiguration(reader: ConfigReader(providers: providers), upstreams: upstreams)
    }

    /// The PEM blocks of `text`, each from its `-----BEGIN` to its `-----END …-----` line, with
    /// the `kid: <id>` line before it if there is one.
    static func splitPEM(_ text: String) -> [PublicKeyPEM] {
        var keys: [PublicKeyPEM] = []
        var kid: String?
        var current: [Substring]?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " }
            if current == nil, trimmed.hasPrefix("kid:") {
                kid = String(trimmed.dropFirst(4).drop { $0 == " " })
                continue
            }
            if trimmed.hasPrefix("-----BEGIN") { current = [] }
            current?.append(trimmed)
            if trimmed.hasPrefix("-----END"), let block = current {
                keys.append(PublicKeyPEM(kid: kid, pem: block.joined(separator: "\n") + "\n"))
                current = nil
                kid = nil
            }
        }
        return keys
    }
}
