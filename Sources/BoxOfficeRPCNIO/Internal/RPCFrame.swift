import BoxOfficeRPC
import NIOCore

/// One decoded frame of the wire format described in `docs/rpc-frame.md`.
enum RPCFrame: Sendable {
    /// A call: the method, the caller's remaining time, metadata and the request message.
    case request(Request)
    /// The answer to a call: `status` is nil for OK, then `message` holds the response message.
    case response(Response)
    /// The caller stopped waiting for `requestID`.
    case cancel(requestID: UInt32)
    /// A frame whose payload length is over the limit; its payload was not read.
    case oversized(requestID: UInt32, type: FrameType)

    struct Request: Sendable {
        var requestID: UInt32
        var methodID: UInt32
        /// Microseconds left for the call when it was sent; 0 means no deadline.
        var deadlineMicroseconds: UInt64
        var metadata: Metadata
        var message: ByteBuffer
    }

    struct Response: Sendable {
        var requestID: UInt32
        var status: RPCError?
        var message: ByteBuffer
    }

    /// The frame type byte.
    struct FrameType: Hashable, Sendable {
        let rawValue: UInt8
        static let request = FrameType(rawValue: 1)
        static let response = FrameType(rawValue: 2)
        static let cancel = FrameType(rawValue: 3)
    }
}

/// Limits and constants of the wire format.
enum RPCFrameFormat {
    /// The only version this code speaks.
    static let version: UInt8 = 1
    /// Bytes of the fixed header.
    static let headerBytes = 16
    /// Default payload limit (everything after the header); larger frames are refused unread.
    static let payloadBytesMaxDefault = 4 * 1024 * 1024
    /// Metadata entries per request frame.
    static let metadataEntriesMax = 64
    /// Error details per response frame.
    static let errorDetailsMax = 64
    /// Longer deadlines are cut to this (a day), so that clock arithmetic cannot overflow.
    static let deadlineMicrosecondsMax: UInt64 = 86_400_000_000
    /// Bytes of any length-prefixed string (u16 prefix).
    static let stringBytesMax = Int(UInt16.max)

    // Well-known metadata keys; custom keys are the lowercase names in `Metadata.values`.
    static let traceIDKey = "trace-id"
    static let callerKey = "caller"
    static let idempotencyKeyKey = "idempotency-key"
}

/// Why a frame was refused; the connection is closed after it.
struct RPCFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    var reason: String
    var description: String { "malformed RPC frame: \(self.reason)" }
}
