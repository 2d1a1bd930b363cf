import BoxOfficeRPC
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs for fuzzing the frame decoder and a live server: valid frames of every type, random
/// bytes, and valid frames with bytes changed, cut or extended. Shared by the bounded fuzz test
/// of the suite and the longer `fuzz` run in `Benchmarks/`, so both feed the same shapes.
///
/// Behind the `Fuzzing` SPI: it is a tool for tests, not part of the transport's API.
@_spi(Fuzzing)
public enum RPCFrameFuzzing {
    /// One valid frame of each type: a request to `methodID` with every kind of metadata, an
    /// error response with details, and a cancel.
    public static func validFrames(methodID: UInt32) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var buffer = ByteBuffer()
        RPCFrameEncoder.writeRequest(
            into: &buffer,
            requestID: 1,
            methodID: methodID,
            deadlineMicroseconds: 1_000_000,
            metadata: Metadata(traceID: "t", caller: "c", idempotencyKey: "k", values: ["a": "b"]),
            message: Array("payload".utf8)
        )
        frames.append(Array(buffer.readableBytesView))
        buffer.clear()
        RPCFrameEncoder.writeResponse(
            into: &buffer,
            requestID: 2,
            status: RPCError(code: .notFound, message: "m", details: [RPCErrorDetail(field: "f", reason: "r")]),
            message: []
        )
        frames.append(Array(buffer.readableBytesView))
        buffer.clear()
        RPCFrameEncoder.writeCancel(into: &buffer, requestID: 3)
        frames.append(Array(buffer.readableBytesView))
        return frames
    }

    /// A valid request frame for `methodID` carrying `message`, for checking that a server still answers.
    public static func requestFrame(requestID: UInt32, methodID: UInt32, message: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        RPCFrameEncoder.writeRequest(
            into: &buffer,
            requestID: requestID,
            methodID: methodID,
            deadlineMicroseconds: 5_000_000,
            metadata: Metadata(),
            message: message
        )
        return Array(buffer.readableBytesView)
    }

    /// Either random bytes (one in four) or one of `frames` with a few bytes changed, and then cut
    /// short or extended with random bytes.
    public static func input(_ random: inout some RandomNumberGenerator, frames: [[UInt8]]) -> [UInt8] {
        if random.next() % 4 == 0 {
            return (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
        var bytes = frames[Int(random.next() % UInt64(frames.count))]
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let index = Int(random.next() % UInt64(bytes.count))
            bytes[index] = UInt8(truncatingIfNeeded: random.next())
        }
        switch random.next() % 4 {
        case 0: bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
        case 1:
            bytes.append(
                contentsOf: (0..<Int(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            )
        default: break
        }
        return bytes
    }

    /// What the frame decoder makes of `bytes` with a payload limit of `payloadBytesMax`: the
    /// number of frames cut, or the refusal. Never anything else (a crash is the finding).
    public static func decode(_ bytes: [UInt8], payloadBytesMax: Int) -> Result<Int, any Error> {
        var decoder = RPCFrameDecoder(payloadBytesMax: payloadBytesMax)
        var buffer = ByteBuffer(bytes: bytes)
        var frames = 0
        do {
            while try decoder.decode(buffer: &buffer) != nil { frames += 1 }
            return .success(frames)
        } catch {
            return .failure(error)
        }
    }

    /// Whether `error` is the decoder's refusal of malformed bytes (the expected outcome of most
    /// mutations), as opposed to anything unexpected.
    public static func isMalformedFrame(_ error: any Error) -> Bool {
        error is RPCFrameError
    }

    /// This process's resident set size in bytes, from `/proc/self/statm`; nil where there is none.
    public static func residentBytes() -> Int? {
        #if canImport(Glibc)
            // Read with the C library: the transport does not link Foundation for one file.
            let descriptor = open("/proc/self/statm", O_RDONLY)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            var bytes = [UInt8](repeating: 0, count: 128)
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            let fields = String(decoding: bytes[0..<count], as: UTF8.self).split(separator: " ")
            guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
            return nil
        #endif
    }
}

/// A small seeded generator (SplitMix64), so that a failing fuzz run can be replayed from its seed.
@_spi(Fuzzing)
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    /// A generator that yields the same sequence for the same `seed`.
    public init(seed: UInt64) { self.state = seed }

    /// The next value of the sequence.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
