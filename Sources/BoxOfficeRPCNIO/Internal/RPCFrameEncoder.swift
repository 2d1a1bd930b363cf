import BoxOfficeRPC
import NIOCore

/// Writes frames into `ByteBuffer`s; stateless, usable from any thread.
enum RPCFrameEncoder {
    /// Appends a request frame.
    static func writeRequest(
        into buffer: inout ByteBuffer,
        requestID: UInt32,
        methodID: UInt32,
        deadlineMicroseconds: UInt64,
        metadata: Metadata,
        message: [UInt8]
    ) {
        let start = buffer.writerIndex
        Self.writeHeader(into: &buffer, type: .request, requestID: requestID)
        let extensionStart = buffer.writerIndex
        buffer.writeInteger(methodID)
        buffer.writeInteger(deadlineMicroseconds)
        let countIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        var count: UInt16 = 0
        func entry(_ key: String, _ value: String?) {
            guard let value, count < RPCFrameFormat.metadataEntriesMax else { return }
            Self.writeString(key, into: &buffer)
            Self.writeString(value, into: &buffer)
            count += 1
        }
        entry(RPCFrameFormat.traceIDKey, metadata.traceID)
        entry(RPCFrameFormat.callerKey, metadata.caller)
        entry(RPCFrameFormat.idempotencyKeyKey, metadata.idempotencyKey)
        for (key, value) in metadata.values { entry(key, value) }
        buffer.setInteger(count, at: countIndex)
        let extensionLength = buffer.writerIndex - extensionStart
        buffer.writeBytes(message)
        Self.finishHeader(in: &buffer, start: start, extensionLength: extensionLength)
    }

    /// Appends a response frame: `status` nil means OK with `message` as the payload.
    static func writeResponse(
        into buffer: inout ByteBuffer,
        requestID: UInt32,
        status: RPCError?,
        message: [UInt8]
    ) {
        let start = buffer.writerIndex
        Self.writeHeader(into: &buffer, type: .response, requestID: requestID)
        let extensionStart = buffer.writerIndex
        if let status {
            buffer.writeInteger(status.code.rawValue)
            Self.writeString(status.message, into: &buffer)
            let details = status.details.prefix(RPCFrameFormat.errorDetailsMax)
            buffer.writeInteger(UInt16(details.count))
            for detail in details {
                Self.writeString(detail.field, into: &buffer)
                Self.writeString(detail.reason, into: &buffer)
            }
        } else {
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(UInt16(0))  // empty status message
            buffer.writeInteger(UInt16(0))  // no details
        }
        let extensionLength = buffer.writerIndex - extensionStart
        if status == nil { buffer.writeBytes(message) }
        Self.finishHeader(in: &buffer, start: start, extensionLength: extensionLength)
    }

    /// Appends a cancel frame.
    static func writeCancel(into buffer: inout ByteBuffer, requestID: UInt32) {
        let start = buffer.writerIndex
        Self.writeHeader(into: &buffer, type: .cancel, requestID: requestID)
        Self.finishHeader(in: &buffer, start: start, extensionLength: 0)
    }

    private static func writeHeader(into buffer: inout ByteBuffer, type: RPCFrame.FrameType, requestID: UInt32) {
        buffer.writeInteger(RPCFrameFormat.version)
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(UInt16(0))  // flags: none defined yet
        buffer.writeInteger(requestID)
        buffer.writeInteger(UInt32(0))  // payload length, set by finishHeader
        buffer.writeInteger(UInt32(0))  // extension length, set by finishHeader
    }

    private static func finishHeader(in buffer: inout ByteBuffer, start: Int, extensionLength: Int) {
        let payloadLength = buffer.writerIndex - start - RPCFrameFormat.headerBytes
        buffer.setInteger(UInt32(truncatingIfNeeded: payloadLength), at: start + 8)
        buffer.setInteger(UInt32(truncatingIfNeeded: extensionLength), at: start + 12)
    }

    /// A u16 length and the UTF-8 bytes, cut at the limit on a character boundary so that the
    /// reader never sees broken UTF-8.
    private static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        let utf8 = string.utf8
        if utf8.count <= RPCFrameFormat.stringBytesMax {
            buffer.writeInteger(UInt16(utf8.count))
            buffer.writeString(string)
            return
        }
        var end = utf8.index(utf8.startIndex, offsetBy: RPCFrameFormat.stringBytesMax)
        while end > utf8.startIndex && end.samePosition(in: string.unicodeScalars) == nil {
            end = utf8.index(before: end)
        }
        let prefix = utf8[utf8.startIndex..<end]
        buffer.writeInteger(UInt16(prefix.count))
        buffer.writeBytes(prefix)
    }
}
