/// What travels with a call besides its message.
public struct Metadata: Hashable, Sendable {
    /// Correlates the log lines and spans of one user action across services.
    public var traceID: String?
    /// Who is calling: a service name, or `user:<id>` / `admin:<id>` as the gateway authenticated it.
    public var caller: String?
    /// The client's `Idempotency-Key`, for mutating calls.
    public var idempotencyKey: String?
    /// Anything else; keys are lowercase ASCII.
    public var values: [String: String]

    public init(
        traceID: String? = nil,
        caller: String? = nil,
        idempotencyKey: String? = nil,
        values: [String: String] = [:]
    ) {
        self.traceID = traceID
        self.caller = caller
        self.idempotencyKey = idempotencyKey
        self.values = values
    }
}

/// Per-call settings on the client side.
public struct CallOptions: Sendable {
    /// The call fails with `DEADLINE_EXCEEDED` after this long; nil means the transport's default.
    /// Inside a handler, the served call's deadline (``RPCDeadline/current``) shortens it.
    public var timeout: Duration?
    public var metadata: Metadata

    public init(timeout: Duration? = nil, metadata: Metadata = Metadata()) {
        self.timeout = timeout
        self.metadata = metadata
    }
}

/// What a handler knows about the call it serves.
public struct ServerContext: Sendable {
    public var method: MethodDescriptor
    public var metadata: Metadata
    /// When the caller stops waiting. Downstream calls made while the handler runs inherit it
    /// through ``RPCDeadline/current``.
    public var deadline: ContinuousClock.Instant?

    public init(method: MethodDescriptor, metadata: Metadata, deadline: ContinuousClock.Instant?) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
    }

    /// Call options for a downstream call that forward this call's metadata (caller, trace id,
    /// idempotency key, values) and time left. The deadline needs no forwarding inside the
    /// handler (``RPCDeadline/current`` does it); this is for forwarding the metadata, or for a
    /// call made outside the handler's task tree. A deadline already passed gives a negative
    /// timeout, which fails the call `DEADLINE_EXCEEDED` without sending it.
    public var downstreamOptions: CallOptions {
        CallOptions(timeout: self.deadline.map { $0 - ContinuousClock.now }, metadata: self.metadata)
    }
}
