/// How the gateway serves one RPC method over HTTP, declared in the `.proto` with our own
/// binding option and emitted by the code generator.
public struct HTTPBinding: Sendable {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    public var verb: String
    /// A template such as `/v1/subscriptions/{subscriptionId}:cancel`; names in braces are
    /// request fields (lowerCamelCase JSON names).
    public var pathTemplate: String
    /// `*` for the whole request from the body, a field name for that field only, empty for no body.
    public var bodyField: String
    /// Who may call it: `public`, `user` or `admin`.
    public var access: String
    public var method: MethodDescriptor
    /// Builds the request message from proto3 JSON (the body merged with path and query
    /// parameters) and encodes it; throws `INVALID_ARGUMENT` naming the field.
    public var decodeJSONRequest:
        @Sendable (_ json: [UInt8], _ parameters: [String: String]) throws(RPCError) -> [UInt8]
    /// Renders an encoded response as proto3 JSON.
    public var encodeJSONResponse: @Sendable (_ response: UnsafeRawBufferPointer) throws(RPCError) -> [UInt8]

    public init(
        verb: String,
        pathTemplate: String,
        bodyField: String,
        access: String,
        method: MethodDescriptor,
        decodeJSONRequest: @escaping @Sendable ([UInt8], [String: String]) throws(RPCError) -> [UInt8],
        encodeJSONResponse: @escaping @Sendable (UnsafeRawBufferPointer) throws(RPCError) -> [UInt8]
    ) {
        self.verb = verb
        self.pathTemplate = pathTemplate
        self.bodyField = bodyField
        self.access = access
        self.method = method
        self.decodeJSONRequest = decodeJSONRequest
        self.encodeJSONResponse = encodeJSONResponse
    }
}
