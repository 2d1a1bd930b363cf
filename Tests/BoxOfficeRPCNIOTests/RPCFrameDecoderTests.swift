import BoxOfficeRPC
import NIOCore
import Testing

@testable import BoxOfficeRPCNIO

@Suite("RPC frame codec")
struct RPCFrameDecoderTests {
    static func requestFrame(message: [UInt8] = Array("hello".utf8), metadata: Metadata = Metadata()) -> ByteBuffer {
        var buffer = ByteBuffer()
        RPCFrameEncoder.writeRequest(
            into: &buffer,
            requestID: 7,
            methodID: 0xdead_beef,
            deadlineMicroseconds: 1_500_000,
            metadata: metadata,
            message: message
        )
        return buffer
    }

    @Test("a request round-trips, fed whole or one byte at a time")
    func request() throws {
        let metadata = Metadata(traceID: "t", caller: "svc", idempotencyKey: "k", values: ["x-a": "ü"])
        let frame = Self.requestFrame(metadata: metadata)
        for chunk in [frame.readableBytes, 1, 5] {
            var decoder = RPCFrameDecoder()
            var input = ByteBuffer()
            var decoded: RPCFrame?
            var remaining = frame
            while decoded == nil, let piece = remaining.readSlice(length: min(chunk, remaining.readableBytes)) {
                var piece = piece
                input.writeBuffer(&piece)
                decoded = try decoder.decode(buffer: &input)
                if remaining.readableBytes == 0 && decoded == nil { break }
            }
            guard case .request(let request) = decoded else {
                Issue.record("no request decoded with chunks of \(chunk)")
                return
            }
            #expect(request.requestID == 7)
            #expect(request.methodID == 0xdead_beef)
            #expect(request.deadlineMicroseconds == 1_500_000)
            #expect(request.metadata == metadata)
            #expect(Array(request.message.readableBytesView) == Array("hello".utf8))
            #expect(input.readableBytes == 0)
        }
    }

    @Test("responses round-trip: OK with payload, errors with details")
    func responses() throws {
        var buffer = ByteBuffer()
        RPCFrameEncoder.writeResponse(into: &buffer, requestID: 1, status: nil, message: [1, 2, 3])
        let error = RPCError(
            code: .notFound,
            message: "no such seat",
            details: [RPCErrorDetail(field: "seat", reason: "gone")]
        )
        RPCFrameEncoder.writeResponse(into: &buffer, requestID: 2, status: error, message: [9])
        RPCFrameEncoder.writeCancel(into: &buffer, requestID: 3)
        var decoder = RPCFrameDecoder()
        guard case .response(let ok) = try decoder.decode(buffer: &buffer) else { throw Failure() }
        #expect(ok.requestID == 1 && ok.status == nil && Array(ok.message.readableBytesView) == [1, 2, 3])
        guard case .response(let failed) = try decoder.decode(buffer: &buffer) else { throw Failure() }
        #expect(failed.requestID == 2 && failed.status == error && failed.message.readableBytes == 0)
        guard case .cancel(let cancelled) = try decoder.decode(buffer: &buffer) else { throw Failure() }
        #expect(cancelled == 3)
        #expect(try decoder.decode(buffer: &buffer) == nil)
    }

    @Test("an oversized frame is reported from its header alone, and decoding stops")
    func oversized() throws {
        var frame = Self.requestFrame(message: Array(repeating: 0, count: 100))
        var header = frame.readSlice(length: RPCFrameFormat.headerBytes)!
        var decoder = RPCFrameDecoder(payloadBytesMax: 64)
        guard case .oversized(let requestID, let type) = try decoder.decode(buffer: &header) else { throw Failure() }
        #expect(requestID == 7 && type == .request)
        var more = Self.requestFrame()
        #expect(try decoder.decode(buffer: &more) == nil)
    }

    @Test(
        "malformed headers and sections throw",
        arguments: [
            (0, UInt8(2)),  // version
            (1, UInt8(9)),  // frame type
            (15, UInt8(0xff)),  // extension length over payload length
            (16 + 12, UInt8(0xff)),  // metadata entry count over the limit
        ]
    )
    func malformed(offset: Int, value: UInt8) throws {
        var frame = Self.requestFrame(metadata: Metadata(traceID: "t"))
        frame.setInteger(value, at: offset)
        var decoder = RPCFrameDecoder()
        #expect(throws: RPCFrameError.self) { try decoder.decode(buffer: &frame) }
    }

    @Test("invalid UTF-8 in metadata is a malformed frame")
    func invalidUTF8() throws {
        var frame = Self.requestFrame(metadata: Metadata(traceID: "ab"))
        // header 16 + method 4 + deadline 8 + count 2 + key length 2 + "trace-id" 8 + value length 2
        frame.setInteger(UInt8(0xff), at: 16 + 4 + 8 + 2 + 2 + 8 + 2)
        var decoder = RPCFrameDecoder()
        #expect(throws: RPCFrameError.self) { try decoder.decode(buffer: &frame) }
    }

    struct Failure: Error {}
}
