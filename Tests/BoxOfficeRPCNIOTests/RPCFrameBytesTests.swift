import BoxOfficeRPC
import NIOCore
import Testing

@testable import BoxOfficeRPCNIO

/// Frames pinned byte for byte against the tables of `docs/rpc-frame.md`. The expected bytes are
/// written by hand from the document, field by field, so a change of the encoder or decoder that
/// the document does not describe fails here.
@Suite("RPC frame bytes as documented")
struct RPCFrameBytesTests {
    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Request id 7 calling method 0x8DEBA5E7 with 1.5 s left, trace id "t1", message "hi".
    static let request: [UInt8] =
        [
            0x01,  // version 1
            0x01,  // frame type 1: request
            0x00, 0x00,  // flags
            0x00, 0x00, 0x00, 0x07,  // request id 7
            0x00, 0x00, 0x00, 0x1E,  // payload length 30 = section 28 + message 2
            0x00, 0x00, 0x00, 0x1C,  // section length 28
            0x8D, 0xEB, 0xA5, 0xE7,  // method id
            0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0xE3, 0x60,  // deadline 1,500,000 µs
            0x00, 0x01,  // one metadata entry
            0x00, 0x08,  // key length 8
        ] + Self.utf8("trace-id")
        + [0x00, 0x02] + Self.utf8("t1")  // value
        + Self.utf8("hi")  // message

    /// Request id 9 answered NOT_FOUND "no seat" with one detail (seat: gone), no message.
    static let errorResponse: [UInt8] =
        [
            0x01,  // version 1
            0x02,  // frame type 2: response
            0x00, 0x00,  // flags
            0x00, 0x00, 0x00, 0x09,  // request id 9
            0x00, 0x00, 0x00, 0x18,  // payload length 24, all section
            0x00, 0x00, 0x00, 0x18,  // section length 24
            0x05,  // status 5: NOT_FOUND
            0x00, 0x07,  // message length 7
        ] + Self.utf8("no seat")
        + [0x00, 0x01]  // one detail
        + [0x00, 0x04] + Self.utf8("seat")  // field
        + [0x00, 0x04] + Self.utf8("gone")  // reason

    /// Request id 3 answered OK with the message bytes 0A 01.
    static let okResponse: [UInt8] = [
        0x01, 0x02, 0x00, 0x00,  // version 1, response, flags
        0x00, 0x00, 0x00, 0x03,  // request id 3
        0x00, 0x00, 0x00, 0x07,  // payload length 7 = section 5 + message 2
        0x00, 0x00, 0x00, 0x05,  // section length 5
        0x00,  // status 0: OK
        0x00, 0x00,  // empty message string
        0x00, 0x00,  // no details
        0x0A, 0x01,  // the response message
    ]

    /// Cancel of request id 0x01020304: header only.
    static let cancel: [UInt8] = [
        0x01, 0x03, 0x00, 0x00,
        0x01, 0x02, 0x03, 0x04,
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ]

    static let notFound = RPCError(
        code: .notFound,
        message: "no seat",
        details: [RPCErrorDetail(field: "seat", reason: "gone")]
    )

    @Test("a request frame is encoded as documented")
    func encodeRequest() {
        var buffer = ByteBuffer()
        RPCFrameEncoder.writeRequest(
            into: &buffer,
            requestID: 7,
            methodID: 0x8DEB_A5E7,
            deadlineMicroseconds: 1_500_000,
            metadata: Metadata(traceID: "t1"),
            message: Self.utf8("hi")
        )
        #expect(Array(buffer.readableBytesView) == Self.request)
    }

    @Test("a documented request frame decodes to its fields")
    func decodeRequest() throws {
        var buffer = ByteBuffer(bytes: Self.request)
        var decoder = RPCFrameDecoder()
        guard case .request(let request) = try decoder.decode(buffer: &buffer) else {
            Issue.record("not decoded as a request")
            return
        }
        #expect(request.requestID == 7)
        #expect(request.methodID == 0x8DEB_A5E7)
        #expect(request.deadlineMicroseconds == 1_500_000)
        #expect(request.metadata == Metadata(traceID: "t1"))
        #expect(Array(request.message.readableBytesView) == Self.utf8("hi"))
        #expect(buffer.readableBytes == 0)
    }

    @Test("response frames, error and OK, are encoded as documented")
    func encodeResponses() {
        var failed = ByteBuffer()
        RPCFrameEncoder.writeResponse(into: &failed, requestID: 9, status: Self.notFound, message: [])
        #expect(Array(failed.readableBytesView) == Self.errorResponse)
        var ok = ByteBuffer()
        RPCFrameEncoder.writeResponse(into: &ok, requestID: 3, status: nil, message: [0x0A, 0x01])
        #expect(Array(ok.readableBytesView) == Self.okResponse)
        var cancel = ByteBuffer()
        RPCFrameEncoder.writeCancel(into: &cancel, requestID: 0x0102_0304)
        #expect(Array(cancel.readableBytesView) == Self.cancel)
    }

    @Test("documented response and cancel frames decode to their fields")
    func decodeResponses() throws {
        var buffer = ByteBuffer(bytes: Self.errorResponse + Self.okResponse + Self.cancel)
        var decoder = RPCFrameDecoder()
        guard case .response(let failed) = try decoder.decode(buffer: &buffer),
            case .response(let ok) = try decoder.decode(buffer: &buffer),
            case .cancel(let cancelled) = try decoder.decode(buffer: &buffer)
        else {
            Issue.record("not decoded as two responses and a cancel")
            return
        }
        #expect(failed.requestID == 9)
        #expect(failed.status == Self.notFound)
        #expect(failed.message.readableBytes == 0)
        #expect(ok.requestID == 3)
        #expect(ok.status == nil)
        #expect(Array(ok.message.readableBytesView) == [0x0A, 0x01])
        #expect(cancelled == 0x0102_0304)
        #expect(buffer.readableBytes == 0)
    }
}
