/// Reusable storage for one command's arguments in the `argv`/`argvlen` form that hiredis takes.
///
/// Each connection owns one and uses it only on its thread. After the first few commands it has
/// grown to its working size and a command costs copies, no allocations.
final class ArgumentBuffer {
    private var bytes: [UInt8] = []
    private var lengths: [Int] = []
    private var pointers: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private var pointerCapacity: Int

    init() {
        self.pointerCapacity = 8
        self.pointers = .allocate(capacity: self.pointerCapacity)
        self.bytes.reserveCapacity(256)
        self.lengths.reserveCapacity(self.pointerCapacity)
    }

    deinit { self.pointers.deallocate() }

    /// Empties the buffer, keeping its capacity.
    func reset() {
        self.bytes.removeAll(keepingCapacity: true)
        self.lengths.removeAll(keepingCapacity: true)
    }

    func append(_ literal: StaticString) {
        literal.withUTF8Buffer { self.append($0) }
    }

    func append(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ self.append($0) }) == nil {
            self.append(Array(string.utf8))
        }
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { self.append($0) }
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes.append(contentsOf: bytes)
        self.lengths.append(bytes.count)
    }

    func append(_ integer: Int) {
        // Decimal digits without going through String: 24 bytes hold "-9223372036854775808".
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var value = integer.magnitude
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            } while value > 0
            if integer < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            self.bytes.append(contentsOf: buffer[index...])
            self.lengths.append(buffer.count - index)
        }
    }

    /// Appends the arguments of a prepared command.
    func append(_ command: RedisCommand) {
        self.bytes.append(contentsOf: command.bytes)
        self.lengths.append(contentsOf: command.lengths)
    }

    /// Calls `body` with `argc`, `argv` and `argvlen` for hiredis; valid only during the call.
    func withArgv<Result>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) throws -> Result
    ) rethrows -> Result {
        if self.lengths.count > self.pointerCapacity {
            self.pointers.deallocate()
            self.pointerCapacity = max(self.lengths.count, self.pointerCapacity * 2)
            self.pointers = .allocate(capacity: self.pointerCapacity)
        }
        precondition(!self.lengths.isEmpty, "a command needs at least its name")
        let pointers = self.pointers
        return try self.bytes.withUnsafeBufferPointer { bytes in
            // An empty argument still needs a valid pointer; any byte of the buffer (or a
            // static empty string) will do since its length is zero.
            let base = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(Self.empty)
            var offset = 0
            for (index, length) in self.lengths.enumerated() {
                pointers[index] = (base + offset).assumingMemoryBound(to: CChar.self)
                offset += length
            }
            return try self.lengths.withUnsafeBufferPointer { lengths in
                try body(Int32(lengths.count), pointers, lengths.baseAddress!)
            }
        }
    }

    // Never written after initialization.
    nonisolated(unsafe) private static let empty: UnsafeMutablePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return pointer
    }()
}
