/// A message the RPC layer carries. Generated message types conform through BoxOfficeProtobuf.
public protocol RPCMessage: Sendable {
    /// Appends the encoded message to `buffer`.
    func serialize(into buffer: inout [UInt8]) throws(RPCError)

    /// Decodes untrusted bytes. Implementations enforce size and nesting limits and reject
    /// invalid UTF-8, throwing `INVALID_ARGUMENT`.
    init(rpcBytes: UnsafeRawBufferPointer) throws(RPCError)
}

extension RPCMessage {
    /// The encoded message.
    public func serializedBytes() throws(RPCError) -> [UInt8] {
        var buffer: [UInt8] = []
        try self.serialize(into: &buffer)
        return buffer
    }

    /// Decodes `bytes`.
    public init(rpcBytes bytes: [UInt8]) throws(RPCError) {
        // `withUnsafeBytes` rethrows untyped errors; the closure only throws RPCError.
        let result: Result<Self, RPCError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RPCError) -> Self in try Self(rpcBytes: buffer) }
        }
        self = try result.get()
    }
}
