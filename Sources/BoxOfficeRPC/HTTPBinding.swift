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
    /// True when the body is passed through untouched: `bodyField` then names a `bytes` field that
    /// receives the raw body, and a `headers` map field, if the request has one, receives the
    /// request headers with lower-case names (webhooks whose signature covers the raw body).
    public var rawBody: Bool
    /// True for payment-moving routes: a request without `Idempotency-Key` is refused with 400.
    public var idempotencyKeyRequired: Bool
    /// The JSON name of a string field of the response; when set, the gateway answers
    /// `303 See Other` with `Location` set to it instead of a JSON body (browser redirects).
    public var redirectField: String
    /// The HTTP status of a successful answer: 200, or 201 for routes that create.
    public var successStatus: Int
    /// The JSON name of a `string` or `bytes` field of the response whose content, when the
    /// service sets it, is the whole answer, sent as is with `rawResponseContentType` (a CSV
    /// export); empty when the answer is always JSON. `rawResponse` reads it.
    public var rawResponseField: String
    /// The `Content-Type` of a raw answer, such as `text/csv; charset=utf-8`; empty without
    /// `rawResponseField`.
    public var rawResponseContentType: String
    /// The OpenAPI 3.1 Operation object of this route, as JSON text (operationId, summary,
    /// parameters, requestBody, the success response and security); error responses are the
    /// gateway's to add.
    public var openAPIOperation: String
    /// The OpenAPI component schemas (name → Schema object as JSON text) that `openAPIOperation`
    /// references, directly or through other schemas.
    public var openAPISchemas: [String: String]
    /// Builds the request message from proto3 JSON (the body merged with path and query
    /// parameters, each name with every value it was given, in order) and encodes it; throws
    /// `INVALID_ARGUMENT` naming the field.
    public var decodeJSONRequest:
        @Sendable (_ json: [UInt8], _ parameters: [String: [String]]) throws(RPCError) -> [UInt8]
    /// Renders an encoded response as proto3 JSON.
    public var encodeJSONResponse: @Sendable (_ response: UnsafeRawBufferPointer) throws(RPCError) -> [UInt8]
    /// For a route with `rawResponseField`: the content of that field of an encoded response, or
    /// nil when the service left it empty (the answer is then `encodeJSONResponse`'s JSON). nil
    /// for routes that always answer JSON.
    public var rawResponse: (@Sendable (_ response: UnsafeRawBufferPointer) throws(RPCError) -> [UInt8]?)?

    public init(
        verb: String,
        pathTemplate: String,
        bodyField: String,
        access: String,
        method: MethodDescriptor,
        rawBody: Bool = false,
        idempotencyKeyRequired: Bool = false,
        redirectField: String = "",
        successStatus: Int = 200,
        rawResponseField: String = "",
        rawResponseContentType: String = "",
        openAPIOperation: String = "{}",
        openAPISchemas: [String: String] = [:],
        decodeJSONRequest: @escaping @Sendable ([UInt8], [String: [String]]) throws(RPCError) -> [UInt8],
        encodeJSONResponse: @escaping @Sendable (UnsafeRawBufferPointer) throws(RPCError) -> [UInt8],
        rawResponse: (@Sendable (UnsafeRawBufferPointer) throws(RPCError) -> [UInt8]?)? = nil
    ) {
        self.verb = verb
        self.pathTemplate = pathTemplate
        self.bodyField = bodyField
        self.access = access
        self.method = method
        self.rawBody = rawBody
        self.idempotencyKeyRequired = idempotencyKeyRequired
        self.redirectField = redirectField
        self.successStatus = successStatus
        self.rawResponseField = rawResponseField
        self.rawResponseContentType = rawResponseContentType
        self.openAPIOperation = openAPIOperation
        self.openAPISchemas = openAPISchemas
        self.decodeJSONRequest = decodeJSONRequest
        self.encodeJSONResponse = encodeJSONResponse
        self.rawResponse = rawResponse
    }
}
