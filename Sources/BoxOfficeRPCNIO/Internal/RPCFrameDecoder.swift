import BoxOfficeRPC
import NIOCore

/// Cuts frames out of a byte stream. A value type with no I/O, fed by the connection handlers
/// through `NIOSingleStepByteToMessageProcessor` and by the tests directly.
///
/// A header announcing a payload over ``payloadBytesMax`` yields ``RPCFrame/oversized(requestID:type:)``
/// as soon as the 16 header bytes are in, without waiting for (or allocating) the payload; the
/// decoder then yields nothing more, since the stream can no longer be followed. Anything else
/// that breaks the format throws ``RPCFrameError``.
struct RPCFrameDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = RPCFrame

    /// The payload limit, in bytes.
    let payloadBytesMax: Int
    /// Set after an oversized frame: the rest of the stream is not frames we can find.
    private(set) var stopped = false

    init(payloadBytesMax: Int = RPCFrameFormat.payloadBytesMaxDefault) {
        self.payloadBytesMax = payloadBytesMax
    }

    mutating func decode(buffer: inout ByteBuffer) throws -> RPCFrame? {
        guard !self.stopped, buffer.readableBytes >= RPCFrameFormat.headerBytes else { return nil }
        let start = buffer.readerIndex
        // The header is read in place; nothing moves until the whole frame is here.
        let version = buffer.getInteger(at: start, as: UInt8.self)!
        let type = RPCFrame.FrameType(rawValue: buffer.getInteger(at: start + 1, as: UInt8.self)!)
        let requestID = buffer.getInteger(at: start + 4, as: UInt32.self)!
        let payloadLength = Int(buffer.getInteger(at: start + 8, as: UInt32.self)!)
        let extensionLength = Int(buffer.getInteger(at: start + 12, as: UInt32.self)!)
        guard version == RPCFrameFormat.version else {
            throw RPCFrameError(reason: "unsupported version \(version)")
        }
        guard type == .request || type == .response || type == .cancel else {
            throw RPCFrameError(reason: "unknown frame type \(type.rawValue)")
        }
        guard extensionLength <= payloadLength else {
            throw RPCFrameError(reason: "extension length over payload length")
        }
        if payloadLength > self.payloadBytesMax {
            self.stopped = true
            buffer.moveReaderIndex(forwardBy: RPCFrameFormat.headerBytes)
            return .oversized(requestID: requestID, type: type)
        }
        guard buffer.readableBytes >= RPCFrameFormat.headerBytes + payloadLength else { return nil }
        buffer.moveReaderIndex(forwardBy: RPCFrameFormat.headerBytes)
        var payload = buffer.readSlice(length: payloadLength)!
        var section = payload.readSlice(length: extensionLength)!
        switch type {
        case .request:
            return .request(try Self.readRequest(requestID: requestID, section: &section, message: payload))
        case .response:
            return .response(try Self.readResponse(requestID: requestID, section: &section, message: payload))
        default:
            guard payloadLength == 0 else { throw RPCFrameError(reason: "cancel frame with a payload") }
            return .cancel(requestID: requestID)
        }
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RPCFrame? {
        try self.decode(buffer: &buffer)
    }

    private static func readRequest(
        requestID: UInt32,
        section: inout ByteBuffer,
        message: ByteBuffer
    ) throws(RPCFrameError) -> RPCFrame.Request {
        guard let methodID = section.readInteger(as: UInt32.self),
            let deadline = section.readInteger(as: UInt64.self),
            let count = section.readInteger(as: UInt16.self)
        else { throw RPCFrameError(reason: "short request section") }
        guard count <= RPCFrameFormat.metadataEntriesMax else {
            throw RPCFrameError(reason: "too many metadata entries")
        }
        var metadata = Metadata()
        for _ in 0..<count {
            let key = try Self.readString(&section)
            let value = try Self.readString(&section)
            switch key {
            case RPCFrameFormat.traceIDKey: metadata.traceID = value
            case RPCFrameFormat.callerKey: metadata.caller = value
            case RPCFrameFormat.idempotencyKeyKey: metadata.idempotencyKey = value
            default: metadata.values[key] = value
            }
        }
        guard section.readableBytes == 0 else { throw RPCFrameError(reason: "trailing bytes in request section") }
        return RPCFrame.Request(
            requestID: requestID,
            methodID: methodID,
            deadlineMicroseconds: deadline,
            metadata: metadata,
            message: message
        )
    }

    private static func readResponse(
        requestID: UInt32,
        section: inout ByteBuffer,
        message: ByteBuffer
    ) throws(RPCFrameError) -> RPCFrame.Response {
        guard let rawStatus = section.readInteger(as: UInt8.self) else {
            throw RPCFrameError(reason: "short response section")
        }
        let statusMessage = try Self.readString(&section)
        guard let detailCount = section.readInteger(as: UInt16.self) else {
            throw RPCFrameError(reason: "short response section")
        }
        guard detailCount <= RPCFrameFormat.errorDetailsMax else {
            throw RPCFrameError(reason: "too many error details")
        }
        var details: [RPCErrorDetail] = []
        for _ in 0..<detailCount {
            let field = try Self.readString(&section)
            let reason = try Self.readString(&section)
            details.append(RPCErrorDetail(field: field, reason: reason))
        }
        guard section.readableBytes == 0 else { throw RPCFrameError(reason: "trailing bytes in response section") }
        if rawStatus == 0 {
            return RPCFrame.Response(requestID: requestID, status: nil, message: message)
        }
        guard let code = RPCError.Code(rawValue: rawStatus) else {
            throw RPCFrameError(reason: "unknown status \(rawStatus)")
        }
        let status = RPCError(code: code, message: statusMessage, details: details)
        return RPCFrame.Response(requestID: requestID, status: status, message: message)
    }

    private static func readString(_ section: inout ByteBuffer) throws(RPCFrameError) -> String {
        guard let length = section.readInteger(as: UInt16.self),
            let bytes = section.readSlice(length: Int(length))
        else { throw RPCFrameError(reason: "short string") }
        // Strings are UTF-8 on the wire; broken UTF-8 is a malformed frame, not replacement characters.
        guard let string = String(validating: bytes.readableBytesView, as: UTF8.self) else {
            throw RPCFrameError(reason: "invalid UTF-8")
        }
        return string
    }
}
